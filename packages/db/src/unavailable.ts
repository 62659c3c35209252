/**
 * SQLSTATEs that say the server cannot serve now, whatever was asked: class 08 (connection
 * exception), 57P01–57P03 (an administrator's shutdown, a crash, "cannot connect now" while it
 * starts or stops) and 53300 (too many connections).
 */
const UNAVAILABLE_STATES = /^(08...|57P0[123]|53300)$/
/** Socket errors on the way to the server. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
])
/** What node-postgres and pg-pool say, without a code, when a connection is gone or cannot be had. */
const CLIENT_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Cannot use a pool after calling end)/

/**
 * Whether an error means the database is out of reach (restarting, down, refusing connections),
 * not that the statement was wrong: callers answer 503 and try again later instead of failing
 * the request as a bug. Follows `cause` and AggregateError's `errors` a few levels down.
 */
export function databaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown }
  if (typeof e.code === 'string' && (UNAVAILABLE_STATES.test(e.code) || SOCKET_CODES.has(e.code)))
    return true
  if (typeof e.message === 'string' && CLIENT_MESSAGES.test(e.message)) return true
  if (Array.isArray(e.errors) && e.errors.some((x) => databaseUnavailable(x, depth + 1)))
    return true
  return databaseUnavailable(e.cause, depth + 1)
}
