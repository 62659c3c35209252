import { generateKeyPairSync } from 'node:crypto'
import t from 'tap'
import { type Jwk, principalFromClaims, staticKeyResolver } from '../src/index.js'

const claims = {
  sub: 'u1',
  typ: 'user' as const,
  iss: 'https://identity.test',
  aud: 'creditbank',
  exp: 2,
  iat: 1,
  jti: 'j',
}

t.test('a principal keeps only the roles the platform knows', async (t) => {
  const p = principalFromClaims({
    ...claims,
    roles: ['registrar', 'root' as never],
    org: 'o1',
    scope: 'outcomes:write certificates:issue',
  })
  t.same(p.roles, ['registrar'])
  t.equal(p.kind, 'user')
  t.equal(p.org, 'o1')
  t.equal(p.learner, null)
  t.same(p.scopes, ['outcomes:write', 'certificates:issue'])
  t.equal(principalFromClaims({ ...claims, typ: 'client', roles: [] }).kind, 'client')
})

t.test('a static key resolver answers the PEM of a known key id only', async (t) => {
  const { publicKey } = generateKeyPairSync('ed25519')
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as object), kid: 'k1' } as Jwk
  const resolve = staticKeyResolver(() => [jwk])
  t.match(await resolve('k1'), /^-----BEGIN PUBLIC KEY-----/)
  t.equal(await resolve('k2'), undefined)
})
