import { createPublicKey, type JsonWebKey } from 'node:crypto'

/** Finds the public key (PEM) for a token's `kid`, or nothing when the kid is unknown. */
export type KeyResolver = (kid: string) => Promise<string | undefined>

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
 * `minRefreshMs`, so a flood of forged kids cannot turn into a flood of fetches.
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

  async function refresh() {
    const res = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 3_000) })
    if (!res.ok) throw new Error(`JWKS ${url} answered ${res.status}`)
    const body = (await res.json()) as { keys?: Jwk[] }
    const next = new Map<string, string>()
    for (const k of body.keys ?? []) if (k.kid && k.kty === 'OKP') next.set(k.kid, jwkToPem(k))
    keys = next
    fetchedAt = Date.now()
  }

  return async (kid) => {
    const age = Date.now() - fetchedAt
    if (age > cacheMs || (!keys.has(kid) && age > minRefreshMs)) {
      inFlight ??= refresh().finally(() => {
        inFlight = undefined
      })
      await inFlight.catch(() => {})
    }
    return keys.get(kid)
  }
}
