/** What one call answered, or that it got no answer at all (a dropped connection, a timeout). */
export interface Answer {
  status: number
  body: any
  headers: Headers
}

const TIMEOUT_MS = 20_000

/** One HTTP call as a client outside the cluster makes it; `status: 0` when no answer came. */
export async function call(
  base: string,
  method: string,
  path: string,
  o: { token?: string; body?: unknown; key?: string; timeoutMs?: number } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {}
  if (o.token) headers.authorization = `Bearer ${o.token}`
  if (o.body !== undefined) headers['content-type'] = 'application/json'
  if (o.key) headers['idempotency-key'] = o.key
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
      signal: AbortSignal.timeout(o.timeoutMs ?? TIMEOUT_MS),
    })
    const text = await res.text()
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {}
    return { status: res.status, body, headers: res.headers }
  } catch (err) {
    return { status: 0, body: String(err), headers: new Headers() }
  }
}

/** The call, repeated until it answers 2xx (bounded); for setting a drill up. */
export async function until2xx(f: () => Promise<Answer>, timeoutMs = 60_000): Promise<Answer> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const a = await f()
    if (a.status >= 200 && a.status < 300) return a
    if (Date.now() > end)
      throw new Error(`no 2xx within ${timeoutMs} ms; last: ${a.status} ${JSON.stringify(a.body)}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}
