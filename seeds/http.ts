import { createHash } from 'node:crypto'

// A small HTTP client for the demo-data loader: it speaks only the public API through the gateway,
// as an institution's system would. It waits out rate limits and, for a short while, the moments
// when a service has not yet learned (through events) of something another service just made.

export interface Problem {
  status: number
  code?: string
  title?: string
  detail?: string
  errors?: { path: string; message: string }[]
}

export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly problem: Problem,
  ) {
    super(
      `${method} ${path} → ${problem.status} ${problem.code ?? ''} ${problem.detail ?? problem.title ?? ''}${problem.errors ? ` ${JSON.stringify(problem.errors.slice(0, 3))}` : ''}`,
    )
  }
}

/** Codes that mean "not known here yet": a projection fed by events is a moment behind. */
const eventuallyKnown = new Set([
  'ACCOUNTS_ORGANIZATION_UNKNOWN',
  'ACCOUNTS_NOT_A_SCHOOL',
  'CERTIFICATES_EVALUATION_ORG_UNKNOWN',
  'CERTIFICATES_ISSUANCE_INVALID',
  'RECOGNITION_NOT_ENROLLED',
  'RECOGNITION_ENTRY_NOT_YOURS',
  'RECOGNITION_RULE_INVALID',
  'RECOGNITION_OUT_OF_SCOPE',
  'PORTFOLIO_NOT_A_LEARNER',
  'PORTFOLIO_SHARE_ENTRIES_INVALID',
])

export interface CallOptions {
  token?: string
  body?: unknown
  /** Sent as the Idempotency-Key header: a re-run of the loader replays instead of duplicating. */
  key?: string
  contentType?: string
  /** How long to keep retrying answers in `eventuallyKnown` (ms). */
  settleMs?: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export class Http {
  requests = 0
  constructor(readonly baseUrl: string) {}

  async call<T = any>(
    method: string,
    path: string,
    o: CallOptions = {},
  ): Promise<{ status: number; body: T }> {
    const deadline = Date.now() + (o.settleMs ?? 8_000)
    for (let attempt = 0; ; attempt++) {
      this.requests++
      const headers: Record<string, string> = { accept: 'application/json' }
      if (o.token) headers.authorization = `Bearer ${o.token}`
      let payload: string | undefined
      if (o.body !== undefined) {
        headers['content-type'] = o.contentType ?? 'application/json'
        payload = typeof o.body === 'string' ? o.body : JSON.stringify(o.body)
      }
      // The key names the content too: a re-run replays the same request, and a request whose
      // content changed in a newer version of the demo data is a new request, not a key reuse.
      if (o.key)
        headers['idempotency-key'] = `${o.key}-${createHash('sha256')
          .update(payload ?? '')
          .digest('hex')
          .slice(0, 16)}`
      const res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(payload !== undefined ? { body: payload } : {}),
        signal: AbortSignal.timeout(60_000),
      })
      const text = await res.text()
      const body = text ? safeJson(text) : null
      if (res.ok) return { status: res.status, body: body as T }
      const problem: Problem = {
        status: res.status,
        ...(typeof body === 'object' && body ? body : { detail: text.slice(0, 200) }),
      }
      if (res.status === 429 && attempt < 5) {
        const wait = Number(res.headers.get('retry-after') ?? '5')
        await sleep(Math.min(Math.max(wait, 1), 65) * 1000)
        continue
      }
      if (problem.code && eventuallyKnown.has(problem.code) && Date.now() < deadline) {
        await sleep(Math.min(100 * 2 ** attempt, 1_000))
        continue
      }
      throw new ApiError(method, path, problem)
    }
  }

  get<T = any>(path: string, token?: string) {
    return this.call<T>('GET', path, token ? { token } : {}).then((r) => r.body)
  }

  post<T = any>(path: string, body: unknown, o: Omit<CallOptions, 'body'> = {}) {
    return this.call<T>('POST', path, { ...o, body }).then((r) => r.body)
  }

  async login(username: string, password: string, orgId?: string): Promise<string> {
    const r = await this.post<{ accessToken: string }>('/v1/auth/token', {
      grant_type: 'password',
      username,
      password,
      ...(orgId ? { orgId } : {}),
    })
    return r.accessToken
  }

  /** Polls until `probe` answers something other than undefined (events take a moment). */
  async eventually<T>(
    what: string,
    probe: () => Promise<T | undefined>,
    timeoutMs = 15_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs
    for (let i = 0; ; i++) {
      const v = await probe().catch(() => undefined)
      if (v !== undefined) return v
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await sleep(Math.min(100 * 2 ** i, 1_000))
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return { detail: text.slice(0, 200) }
  }
}
