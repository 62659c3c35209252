import { createHmac, generateKeyPairSync } from 'node:crypto'
import { forSchema } from '@creditbank/db'
import { parseKey } from '@creditbank/service-kit'
import { eventually } from '@creditbank/testing'
import { createSigner } from 'fast-jwt'
import t from 'tap'
import { currentSigningKey } from '../src/domain/signing-keys.js'
import { ADMIN, buildIdentity, createOrg, SECRET_KEY } from './helper.js'

const id = await buildIdentity({ loginMaxFailures: 3 })
t.teardown(() => id.close())
const { app } = id

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
const me = (authorization: string) =>
  app.inject({ method: 'GET', url: '/v1/me', headers: { authorization } })

t.test(
  'the password grant gives a short-lived EdDSA token with a kid that /v1/me accepts',
  async (t) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { grant_type: 'password', username: ADMIN.username, password: ADMIN.password },
    })
    t.equal(res.statusCode, 200)
    const body = res.json()
    t.equal(body.tokenType, 'Bearer')
    t.ok(body.expiresIn <= 900)
    const [h, p] = body.accessToken.split('.')
    const header = JSON.parse(Buffer.from(h, 'base64url').toString())
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString())
    t.equal(header.alg, 'EdDSA')
    t.ok(header.kid)
    t.ok(payload.jti && payload.iss && payload.aud)
    t.ok(payload.exp - payload.iat <= 900)
    t.same(payload.roles, ['admin'])
    const who = await me(`Bearer ${body.accessToken}`)
    t.equal(who.statusCode, 200)
    t.equal(who.json().user.username, ADMIN.username)
    const form = await app.inject({
      method: 'POST',
      url: '/v1/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=password&username=${ADMIN.username}&password=${encodeURIComponent(ADMIN.password)}`,
    })
    t.equal(form.statusCode, 200, 'form-encoded requests work too')
  },
)

t.test('JWKS publishes the public key and nothing private', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
  t.equal(res.statusCode, 200)
  const { keys } = res.json()
  t.ok(keys.length >= 1)
  for (const k of keys) {
    t.equal(k.kty, 'OKP')
    t.equal(k.crv, 'Ed25519')
    t.notOk(k.d, 'no private part')
  }
})

t.test(
  'wrong password and unknown user fail alike, and repeated failures lock the username',
  async (t) => {
    await app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: id.admin,
      payload: {
        username: 'li.lei',
        password: 'a long enough secret',
        displayName: '李雷',
        memberships: [{ orgId: (await createOrg(id)).id, role: 'registrar' }],
      },
    })
    const wrong = await app.inject({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { grant_type: 'password', username: 'li.lei', password: 'not the secret' },
    })
    const unknown = await app.inject({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { grant_type: 'password', username: 'nobody.here', password: 'not the secret' },
    })
    t.equal(wrong.statusCode, 401)
    t.equal(unknown.statusCode, 401)
    t.equal(wrong.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.same(
      { ...wrong.json(), instance: null },
      { ...unknown.json(), instance: null },
      'the same answer: no hint which part was wrong',
    )
    await app.inject({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { grant_type: 'password', username: 'li.lei', password: 'still wrong' },
    })
    await app.inject({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { grant_type: 'password', username: 'li.lei', password: 'wrong again' },
    })
    const locked = await app.inject({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { grant_type: 'password', username: 'li.lei', password: 'a long enough secret' },
    })
    t.equal(locked.statusCode, 429, 'even the right password is refused while locked')
    t.equal(locked.json().code, 'IDENTITY_LOGIN_LOCKED')
  },
)

t.test('client credentials give a client token with the org and scopes', async (t) => {
  const org = await createOrg(id)
  const created = await app.inject({
    method: 'POST',
    url: '/v1/clients',
    headers: id.admin,
    payload: { orgId: org.id, name: 'SIS', scopes: ['outcomes:write'] },
  })
  t.equal(created.statusCode, 201)
  const { clientId, clientSecret } = created.json()
  const tok = await app.inject({
    method: 'POST',
    url: '/v1/auth/token',
    payload: { grant_type: 'client_credentials', clientId, clientSecret },
  })
  t.equal(tok.statusCode, 200)
  const who = await me(`Bearer ${tok.json().accessToken}`)
  t.match(who.json(), { kind: 'client', org: org.id, scopes: ['outcomes:write'], roles: [] })
  const bad = await app.inject({
    method: 'POST',
    url: '/v1/auth/token',
    payload: { grant_type: 'client_credentials', clientId, clientSecret: 'guess' },
  })
  t.equal(bad.statusCode, 401)
})

t.test('forged, expired and misdirected tokens are all 401', async (t) => {
  const db = forSchema<any>(id.platform.database, 'identity')
  const key = await currentSigningKey(db, parseKey(SECRET_KEY, 'k'))
  const good = await id.login(ADMIN.username, ADMIN.password)
  const [gh, gp, gs] = good.split('.') as [string, string, string]
  const claims = JSON.parse(Buffer.from(gp, 'base64url').toString())
  const now = Math.floor(Date.now() / 1000)
  const signWith = (over: Record<string, unknown>, kid = key.kid, pem = key.privatePem) =>
    createSigner({ key: pem, algorithm: 'EdDSA', kid })({ ...claims, ...over })
  const jwks = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json().keys
  const publicPem = (await import('node:crypto'))
    .createPublicKey({ key: jwks[0], format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString()
  const hsHeader = b64({ alg: 'HS256', typ: 'JWT', kid: key.kid })
  const hsBody = b64(claims)
  const hs = `${hsHeader}.${hsBody}.${createHmac('sha256', publicPem).update(`${hsHeader}.${hsBody}`).digest('base64url')}`
  const stranger = generateKeyPairSync('ed25519')
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString()
  const cases: Record<string, string> = {
    'alg none': `${b64({ alg: 'none', typ: 'JWT', kid: key.kid })}.${gp}.`,
    'HS256 signed with the public key': hs,
    expired: signWith({ iat: now - 2000, exp: now - 1000 }),
    'not yet valid': signWith({ nbf: now + 600 }),
    'wrong audience': signWith({ aud: 'someone-else' }),
    'wrong issuer': signWith({ iss: 'https://evil.example' }),
    'no audience': signWith({ aud: undefined }),
    'no issuer': signWith({ iss: undefined }),
    'unknown kid': signWith({}, 'no-such-kid', stranger),
    'known kid, foreign key': signWith({}, key.kid, stranger),
    'tampered payload': `${gh}.${b64({ ...claims, roles: ['admin', 'reviewer'], sub: 'someone' })}.${gs}`,
    'no kid': createSigner({ key: key.privatePem, algorithm: 'EdDSA' })({ ...claims }),
    garbage: 'abc.def.ghi',
  }
  t.equal((await me(`Bearer ${signWith({})}`)).statusCode, 200, 'the control token passes')
  for (const [name, token] of Object.entries(cases)) {
    const res = await me(`Bearer ${token}`)
    t.equal(res.statusCode, 401, name)
    t.equal(
      res.headers['content-type'],
      'application/problem+json; charset=utf-8',
      `${name}: problem+json`,
    )
  }
  t.equal((await me('Basic dXNlcjpwYXNz')).statusCode, 401, 'not a bearer token')
  t.equal((await app.inject({ method: 'GET', url: '/v1/me' })).statusCode, 401, 'no token')
})

t.test(
  'after a rotation, tokens of the old key work until they expire and new tokens use the new key',
  async (t) => {
    const before = await id.login(ADMIN.username, ADMIN.password)
    const oldKid = JSON.parse(Buffer.from(before.split('.')[0]!, 'base64url').toString()).kid
    const rot = await app.inject({
      method: 'POST',
      url: '/v1/keys/rotation',
      headers: { authorization: `Bearer ${before}` },
    })
    t.equal(rot.statusCode, 201)
    t.equal(rot.json().previousKid, oldKid)
    const kids = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' }))
      .json()
      .keys.map((k: { kid: string }) => k.kid)
    t.ok(kids.includes(oldKid) && kids.includes(rot.json().kid), 'both keys are published')
    t.equal((await me(`Bearer ${before}`)).statusCode, 200, 'the old token still works')
    const after = await id.login(ADMIN.username, ADMIN.password)
    t.equal(
      JSON.parse(Buffer.from(after.split('.')[0]!, 'base64url').toString()).kid,
      rot.json().kid,
    )
    await eventually(
      async () => id.platform.transport.events('identity.signing-key.rotated').length === 1,
    )
    t.match(
      id.platform.transport.events('identity.signing-key.rotated')[0]!.data,
      { kid: rot.json().kid, previousKid: oldKid },
      'the rotation is published',
    )
    const nonAdmin = await app.inject({
      method: 'POST',
      url: '/v1/keys/rotation',
      headers: { authorization: 'Bearer x.y.z' },
    })
    t.equal(nonAdmin.statusCode, 401)
  },
)

t.test('retired keys leave the JWKS once their tokens have expired', async (t) => {
  const short = await buildIdentity({ tokenTtlS: 60 })
  t.teardown(() => short.close())
  const db = forSchema<any>(short.platform.database, 'identity')
  await short.app.inject({ method: 'POST', url: '/v1/keys/rotation', headers: short.admin })
  // Age the retirement past a token lifetime (plus the minute of slack) without waiting.
  await db
    .updateTable('signing_key')
    .set({ retired_at: new Date(Date.now() - 3 * 60_000) })
    .where('retired_at', 'is not', null)
    .execute()
  const keys = (await short.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json()
    .keys
  t.equal(keys.length, 1, 'only the active key')
  t.equal(
    (await me(short.admin.authorization)).statusCode,
    401,
    'a token of the dropped key is refused',
  )
})

t.test(
  'a 5,000-deep JSON object on the token route, without a token, is a 400 (issue 19)',
  async (t) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/auth/token',
      headers: { 'content-type': 'application/json' },
      payload: `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
    })
    t.equal(res.statusCode, 400)
    t.equal(res.json().code, 'BODY_TOO_DEEP')
  },
)
