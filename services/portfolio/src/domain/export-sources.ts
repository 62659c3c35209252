import { portfolioErrors } from './errors.js'

/** The services whose part of a learner's data the copy asks for, with the learner's own token. */
export type SourceName = 'identity' | 'accounts' | 'certificates' | 'recognition'

/** One GET to a service; `fetch` in a deployment, the real apps' `inject` in tests. */
export type SourceGet = (
  service: SourceName,
  path: string,
  headers: Record<string, string>,
) => Promise<{ status: number; body: string }>

/** Bounds of one copy (decision 0721): each answer, each list, each call. */
export const EXPORT_LIMITS = {
  callTimeoutMs: 10_000,
  answerMaxBytes: 16 * 1024 * 1024,
  pageSize: 100,
  listMaxItems: 20_000,
}

const unavailable = (service: SourceName, why: string) =>
  portfolioErrors.PORTFOLIO_EXPORT_SOURCE_UNAVAILABLE(
    `${service} did not give its part of your data (${why}); no archive was made`,
  )

/** Each service at its configured base URL, every call bounded in time and size. */
export function httpSources(urls: Record<SourceName, string>): SourceGet {
  return async (service, path, headers) => {
    const res = await fetch(`${urls[service].replace(/\/+$/, '')}${path}`, {
      headers,
      redirect: 'error',
      signal: AbortSignal.timeout(EXPORT_LIMITS.callTimeoutMs),
    })
    return { status: res.status, body: await boundedText(res) }
  }
}

async function boundedText(res: Response): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? 0)
  if (declared > EXPORT_LIMITS.answerMaxBytes) throw new Error('answer too large')
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of res.body ?? []) {
    size += chunk.length
    if (size > EXPORT_LIMITS.answerMaxBytes) throw new Error('answer too large')
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** A service's answer as JSON; anything but a whole 200 answer fails the copy (503). */
export async function getJson(
  get: SourceGet,
  service: SourceName,
  path: string,
  authorization: string,
): Promise<Record<string, unknown>> {
  let res: { status: number; body: string }
  try {
    res = await get(service, path, { authorization, accept: 'application/json' })
  } catch (err) {
    const timedOut = err instanceof Error && err.name === 'TimeoutError'
    throw unavailable(service, timedOut ? 'no answer in time' : 'no answer')
  }
  if (res.status !== 200) throw unavailable(service, `it answered ${res.status}`)
  try {
    const body = JSON.parse(res.body) as unknown
    if (body && typeof body === 'object' && !Array.isArray(body))
      return body as Record<string, unknown>
  } catch {}
  throw unavailable(service, 'its answer was not JSON')
}

/** Every page of a `{ items, nextCursor }` list, up to `listMaxItems` (beyond it: 413). */
export async function allPages(
  get: SourceGet,
  service: SourceName,
  path: string,
  authorization: string,
): Promise<unknown[]> {
  const items: unknown[] = []
  const sep = path.includes('?') ? '&' : '?'
  let cursor: string | null = null
  for (;;) {
    const page = await getJson(
      get,
      service,
      `${path}${sep}limit=${EXPORT_LIMITS.pageSize}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      authorization,
    )
    if (!Array.isArray(page.items)) throw unavailable(service, 'its answer was not a list')
    items.push(...page.items)
    if (items.length > EXPORT_LIMITS.listMaxItems)
      throw portfolioErrors.PORTFOLIO_EXPORT_TOO_LARGE(
        `more than ${EXPORT_LIMITS.listMaxItems} items in one list (${service} ${path})`,
      )
    if (typeof page.nextCursor !== 'string' || page.nextCursor === '') return items
    cursor = page.nextCursor
  }
}

/** What the other services hold about the learner, asked of each with the learner's token. */
export async function remoteParts(get: SourceGet, learnerId: string, authorization: string) {
  const base = `/v1/learners/${encodeURIComponent(learnerId)}`
  const one = (service: SourceName, path: string) => getJson(get, service, path, authorization)
  const list = (service: SourceName, path: string) => allPages(get, service, path, authorization)
  const [
    user,
    learner,
    account,
    chain,
    entries,
    enrollments,
    accessLog,
    corrections,
    certificates,
    applications,
  ] = await Promise.all([
    // The caller, as identity knows them: the token is the learner's own (the route checked it).
    one('identity', '/v1/me'),
    one('accounts', base),
    one('accounts', `${base}/account`),
    one('accounts', `${base}/chain`),
    list('accounts', `${base}/entries`),
    list('accounts', `${base}/enrollments`),
    list('accounts', `${base}/access-log`),
    list('accounts', `${base}/corrections`),
    list('certificates', `/v1/certificates?learnerId=${encodeURIComponent(learnerId)}`),
    list('recognition', `/v1/applications?learnerId=${encodeURIComponent(learnerId)}`),
  ])
  return {
    user,
    learner,
    account,
    chain,
    entries,
    enrollments,
    accessLog,
    corrections,
    certificates,
    applications,
  }
}

export type RemoteParts = Awaited<ReturnType<typeof remoteParts>>
