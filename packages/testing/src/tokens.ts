import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { type Jwk, type Role, staticKeyResolver } from '@creditbank/auth'
import { createSigner } from 'fast-jwt'

export const TEST_ISSUER = 'https://identity.test'
export const TEST_AUDIENCE = 'creditbank'

export interface TokenClaims {
  sub?: string
  roles?: Role[]
  org?: string
  learner?: string
  scope?: string
  orgAdmin?: string[]
  typ?: 'user' | 'client'
}

/** A signing key of the test's own, with a factory of tokens for each role. */
export function testKeys() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const kid = `test-${randomUUID().slice(0, 8)}`
  const jwk = {
    ...(publicKey.export({ format: 'jwk' }) as object),
    kid,
    alg: 'EdDSA',
    use: 'sig',
  } as Jwk
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const signer = createSigner({
    key: privatePem,
    algorithm: 'EdDSA',
    kid,
    iss: TEST_ISSUER,
    aud: TEST_AUDIENCE,
    expiresIn: 600_000,
  })
  return {
    kid,
    jwk,
    privatePem,
    resolveKey: staticKeyResolver(() => [jwk]),
    token(claims: TokenClaims = {}) {
      return signer({
        sub: claims.sub ?? randomUUID(),
        typ: claims.typ ?? 'user',
        roles: claims.roles ?? [],
        jti: randomUUID(),
        ...claims,
      })
    },
    /** `{ authorization: 'Bearer …' }` for inject. */
    auth(claims: TokenClaims = {}) {
      return { authorization: `Bearer ${this.token(claims)}` }
    },
  }
}

export type TestKeys = ReturnType<typeof testKeys>
