// The pages' only way to the services: the gateway's API, with the signed-in person's token.
import { currentLang } from './i18n'

export interface Problem {
  status: number
  code?: string
  title?: string
  detail?: string
  errors?: { path: string; message: string; code?: string; limit?: number }[]
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`)
  }
}

export interface Claims {
  sub: string
  roles: string[]
  org?: string
  learner?: string
  /** Organizations the person administers (a membership `admin`), decision 0531. */
  orgAdmin?: string[]
  exp: number
}

interface Session {
  token: string
  claims: Claims
  username: string
}

const KEY = 'creditbank.session'
let session: Session | null = load()
/**
 * The password stays in memory only (never in storage) so that the page can sign in again when
 * the 15-minute token runs out or after a claim adds the learner to it. A reload forgets it.
 */
let remembered: { username: string; password: string; orgId?: string } | null = null
const listeners = new Set<() => void>()

function load(): Session | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null
    return s && s.claims.exp * 1000 > Date.now() ? s : null
  } catch {
    return null
  }
}

function decode(token: string): Claims {
  const part = token.split('.')[1] ?? ''
  const json = decodeURIComponent(
    atob(part.replace(/-/g, '+').replace(/_/g, '/'))
      .split('')
      .map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
      .join(''),
  )
  return JSON.parse(json) as Claims
}

function set(s: Session | null) {
  session = s
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s))
  else sessionStorage.removeItem(KEY)
  for (const l of listeners) l()
}

export const auth = {
  get current() {
    return session
  },
  subscribe(fn: () => void) {
    listeners.add(fn)
    return () => listeners.delete(fn)
  },
  has(role: string) {
    return !!session?.claims.roles.includes(role)
  },
  async signIn(username: string, password: string, orgId?: string) {
    const r = await request<{ accessToken: string }>(
      'POST',
      '/v1/auth/token',
      { grant_type: 'password', username, password, ...(orgId ? { orgId } : {}) },
      { anonymous: true },
    )
    remembered = { username, password, ...(orgId ? { orgId } : {}) }
    set({ token: r.accessToken, claims: decode(r.accessToken), username })
  },
  /**
   * After an admin reset: the temporary password signs in only here, with the new one chosen
   * (403 IDENTITY_PASSWORD_CHANGE_REQUIRED from the token endpoint sends the page here).
   */
  async changePassword(username: string, password: string, newPassword: string) {
    const r = await request<{ accessToken: string }>(
      'POST',
      '/v1/auth/password',
      { username, password, newPassword },
      { anonymous: true },
    )
    remembered = { username, password: newPassword }
    set({ token: r.accessToken, claims: decode(r.accessToken), username })
  },
  /** Platform admins, and the admins of an organization (their people, clients and trail). */
  administers() {
    return (
      !!session && (session.claims.roles.includes('admin') || !!session.claims.orgAdmin?.length)
    )
  },
  /** Signs in again with the remembered password; false when the page has none (after a reload). */
  async refresh(): Promise<boolean> {
    if (!remembered) return false
    await auth.signIn(remembered.username, remembered.password, remembered.orgId)
    return true
  },
  signOut() {
    remembered = null
    set(null)
  },
}

export function newKey() {
  return crypto.randomUUID()
}

interface RequestOptions {
  anonymous?: boolean
  /** Idempotency-Key for creating writes: a double click or a retry makes one thing. */
  key?: string
  contentType?: string
  raw?: boolean
}

export async function request<T = any>(
  method: string,
  path: string,
  body?: unknown,
  o: RequestOptions = {},
): Promise<T> {
  if (!o.anonymous && session && session.claims.exp * 1000 < Date.now() + 10_000)
    await auth.refresh().catch(() => false)
  const headers: Record<string, string> = {
    accept: 'application/json',
    // Problems come back with their titles and field messages in the page's language.
    'accept-language': currentLang() === 'zh' ? 'zh-CN,zh;q=0.9' : 'en',
  }
  if (!o.anonymous && session) headers.authorization = `Bearer ${session.token}`
  if (o.key) headers['idempotency-key'] = o.key
  let payload: BodyInit | undefined
  if (body !== undefined) {
    headers['content-type'] = o.contentType ?? 'application/json'
    // A file (evidence) travels as it is; everything else as JSON.
    payload = typeof body === 'string' || body instanceof Blob ? body : JSON.stringify(body)
  }
  const res = await fetch(path, {
    method,
    headers,
    ...(payload !== undefined ? { body: payload } : {}),
  })
  const text = await res.text()
  let data: unknown = null
  try {
    data = text ? JSON.parse(text) : null
  } catch {
    data = { detail: text.slice(0, 300) }
  }
  if (res.status === 401 && !o.anonymous && session) {
    // The token expired or was replaced: sign in again once, or show the sign-in page.
    if (await auth.refresh().catch(() => false)) return request<T>(method, path, body, o)
    set(null)
  }
  if (!res.ok) {
    // Verification answers 400 with a full report; callers that want it read it from the error.
    throw new ApiError({
      status: res.status,
      ...((typeof data === 'object' && data) || {}),
    } as Problem)
  }
  return data as T
}

export const api = {
  get: <T = any>(path: string) => request<T>('GET', path),
  post: <T = any>(path: string, body: unknown, key?: string) =>
    request<T>('POST', path, body, key ? { key } : {}),
  put: <T = any>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T = any>(path: string, body: unknown, key?: string) =>
    request<T>('PATCH', path, body, key ? { key } : {}),
  del: <T = any>(path: string) => request<T>('DELETE', path),
  anon: <T = any>(method: string, path: string, body?: unknown) =>
    request<T>(method, path, body, { anonymous: true }),
}

/**
 * A file the signed-in person may fetch (a PDF of their record): links cannot carry the token, so
 * the page fetches it and hands the browser a local copy to save under `filename`.
 */
export async function download(path: string, filename: string) {
  if (session && session.claims.exp * 1000 < Date.now() + 10_000)
    await auth.refresh().catch(() => false)
  const res = await fetch(path, {
    headers: {
      // A refusal's title comes back in the page's language, as for every other call.
      'accept-language': currentLang() === 'zh' ? 'zh-CN,zh;q=0.9' : 'en',
      ...(session ? { authorization: `Bearer ${session.token}` } : {}),
    },
  })
  if (!res.ok) {
    const data = await res.json().catch(() => ({}))
    throw new ApiError({ status: res.status, ...(data as object) } as Problem)
  }
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

/** Organizations by id, loaded once per page view (names for ids in tables). */
let orgCache: Promise<
  Map<string, { id: string; name: string; kind: string; code: string; regionCode: string }>
> | null = null
export function organizations() {
  if (!orgCache) {
    orgCache = (async () => {
      const map = new Map()
      let cursor: string | null = null
      for (let i = 0; i < 10; i++) {
        const page: Page<{
          id: string
          name: string
          kind: string
          code: string
          regionCode: string
        }> = await api.get(`/v1/organizations?limit=100${cursor ? `&cursor=${cursor}` : ''}`)
        for (const o of page.items) map.set(o.id, o)
        cursor = page.nextCursor
        if (!cursor) break
      }
      return map
    })().catch((err) => {
      orgCache = null
      throw err
    })
  }
  return orgCache
}
export function forgetOrganizations() {
  orgCache = null
}
