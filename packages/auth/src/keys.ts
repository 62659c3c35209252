import { createPublicKey, type JsonWebKey } from 'node:crypto'
import { authErrors } from './plugin.js'

/**
 * Finds the public key (PEM) for a token's `kid`, or nothing when the kid is unknown. `forget`
 * drops a cached key (it was revoked): the next token naming it makes the cache look again.
 */
export type KeyResolver = ((kid: string) => Promise<string | undefined>) & {
  forget?(kid: string): void
}

/** The most revoked kids remembered; beyond, the oldest are forgotten (their tokens have long expired). */
const MAX_REVOKED = 1_000

/**
 * Kids identity revoked in an emergency (`identity.signing-key.revoked`): their tokens are
 * refused even where a verification was cached before the revocation.
 */
export class RevokedKeys {
  private readonly kids = new Set<string>()

  add(kid: string) {
    this.kids.add(kid)
    if (this.kids.size > MAX_REVOKED) this.kids.delete(this.kids.values().next().value!)
  }

  has(kid: string) {
    return this.kids.has(kid)
  }
}

export interface Jwk extends JsonWebKey {
  kid: string
  alg?: string
  use?: string
}

export function jwkToPem(jwk: JsonWebKey): string {
  return createPublicKey({ key: jwk, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString()
}

const FAILED_RETRY_MS = 1_000

/** A resolver over a fixed set of keys (tests, and identity verifying its own tokens). */
export function staticKeyResolver(keys: () => Promise<Jwk[]> | Jwk[]): KeyResolver {
  const pems = new Map<string, string>()
  return async (kid) => {
    const found = (await keys()).find((k) => k.kid === kid)
    if (!found) return undefined
    const id = `${found.kid} ${found.x}`
    let pem = pems.get(id)
    if (!pem) pems.set(id, (pem = jwkToPem(found)))
    return pem
  }
}

/**
 * Reads identity's JWKS and caches it; an unknown kid refreshes the set at most once per
 * `minRefreshMs`, so a flood of forged kids cannot turn into a flood of fetches. When the set
 * cannot be read (identity restarting, its database away) and the kid is not cached, the answer is
 * AUTH_KEYS_UNAVAILABLE (503): the token may be good, and a 401 would tell the client to sign in
 * again.
 */
export function jwksKeyResolver(
  url: string,
  options: { cacheMs?: number; minRefreshMs?: number; timeoutMs?: number } = {},
): KeyResolver {
  const cacheMs = options.cacheMs ?? 300_000
  const minRefreshMs = options.minRefreshMs ?? 5_000
  let keys = new Map<string, string>()
  let fetchedAt = 0
  let inFlight: Promise<void> | undefined
  let attemptedAt = 0
  let lastFailed = false

  async function refresh() {
    const res = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 3_000) })
    if (!res.ok) throw new Error(`JWKS ${url} answered ${res.status}`)
    const body = (await res.json()) as { keys?: Jwk[] }
    const next = new Map<string, string>()
    for (const k of body.keys ?? []) if (k.kid && k.kty === 'OKP') next.set(k.kid, jwkToPem(k))
    keys = next
    fetchedAt = Date.now()
  }
  const refreshOnce = () => {
    attemptedAt = Date.now()
    return (inFlight ??= refresh()
      .then(
        () => {
          lastFailed = false
        },
        () => {
          lastFailed = true
        },
      )
      .finally(() => {
        inFlight = undefined
      }))
  }

  const resolve: KeyResolver = async (kid) => {
    const now = Date.now()
    // While the set cannot be read, it is tried again at most once a second.
    const sinceAttempt = now - attemptedAt
    const stale = now - fetchedAt > cacheMs && sinceAttempt > FAILED_RETRY_MS
    const missing = !keys.has(kid) && sinceAttempt > (lastFailed ? FAILED_RETRY_MS : minRefreshMs)
    if (stale || missing) await refreshOnce()
    const pem = keys.get(kid)
    if (!pem && lastFailed) throw authErrors.AUTH_KEYS_UNAVAILABLE()
    return pem
  }
  // A revoked key: dropped now, and the next token (of whatever key) makes the cache fetch the set
  // again at once, so a new key signing since the emergency rotation is not refused meanwhile.
  resolve.forget = (kid) => {
    keys.delete(kid)
    fetchedAt = 0
    attemptedAt = 0
  }
  return resolve
}
