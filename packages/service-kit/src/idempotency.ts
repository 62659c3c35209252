import { createHash } from 'node:crypto'
import { defineErrors } from '@creditbank/contracts'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { type Kysely, sql } from 'kysely'

/** The table, version 1; services put these statements in one of their own migrations. */
export const idempotencyTablesV1: readonly string[] = [
  `create table idempotency_key (
    actor text not null,
    key text not null,
    request_hash text not null,
    status int not null,
    body text not null,
    created_at timestamptz not null default now(),
    primary key (actor, key)
  )`,
]

export const idempotencyErrors = defineErrors({
  IDEMPOTENCY_KEY_REUSED: ['invalid', 'This Idempotency-Key was used with another request'],
  IDEMPOTENCY_KEY_MALFORMED: ['bad_request', 'The Idempotency-Key header must be 1 to 200 visible characters'],
})

export interface Outcome<T> {
  status: number
  body: T
}

function requestHash(request: FastifyRequest) {
  const h = createHash('sha256').update(request.method).update(' ').update(request.url.split('?')[0] ?? '')
  const body = request.body
  h.update(typeof body === 'string' ? body : JSON.stringify(body ?? null))
  return h.digest('hex')
}

/**
 * Runs a creating write once per `Idempotency-Key` (per caller): the effect and the remembered
 * answer commit in one transaction, a replay with the same body answers the first result again
 * with `Idempotency-Replayed: true`, and the same key with another body is refused. Without the
 * header the write runs as is (its natural key protects it).
 */
export async function idempotent<T>(
  db: Kysely<any>,
  request: FastifyRequest,
  reply: FastifyReply,
  actor: string,
  run: (trx: Kysely<any>) => Promise<Outcome<T>>,
  /** What to remember for replays, when the first answer holds something shown only once. */
  remember: (body: T) => unknown = (body) => body,
): Promise<T> {
  const key = request.headers['idempotency-key']
  if (key === undefined) {
    const out = await db.transaction().execute(run)
    reply.code(out.status)
    return out.body
  }
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key)) throw idempotencyErrors.IDEMPOTENCY_KEY_MALFORMED()
  const hash = requestHash(request)
  const out = await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`${actor}:${key}`}))`.execute(trx)
    const seen = await trx.selectFrom('idempotency_key').select(['request_hash', 'status', 'body']).where('actor', '=', actor).where('key', '=', key).executeTakeFirst()
    if (seen) {
      if (seen.request_hash !== hash) throw idempotencyErrors.IDEMPOTENCY_KEY_REUSED()
      return { status: seen.status as number, body: JSON.parse(seen.body) as T, replayed: true }
    }
    const fresh = await run(trx)
    await trx.insertInto('idempotency_key').values({ actor, key, request_hash: hash, status: fresh.status, body: JSON.stringify(remember(fresh.body)) }).execute()
    return { ...fresh, replayed: false }
  })
  if (out.replayed) reply.header('idempotency-replayed', 'true')
  reply.code(out.status)
  return out.body
}
