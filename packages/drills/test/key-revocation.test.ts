import { jwksKeyResolver } from '@creditbank/auth'
import { eventually, testPlatform, testService } from '@creditbank/testing'
import t from 'tap'
import accountsApp, { SCHEMA as ACCOUNTS } from '../../../services/accounts/src/app.js'
import { migrations as accountsMigrations } from '../../../services/accounts/src/db/migrations.js'
import identityApp, { SCHEMA as IDENTITY } from '../../../services/identity/src/app.js'
import { migrations as identityMigrations } from '../../../services/identity/src/db/migrations.js'
import { madeUpNationalId } from '../src/postings.js'

/**
 * Issue 19, fault 4, across services: identity and accounts on one database and bus (Kafka or
 * the in-process one), accounts trusting identity's JWKS over HTTP as deployed. An emergency
 * rotation (`revokePrevious`) makes both refuse the old key's tokens within 5 s; a plain
 * rotation leaves them valid until they expire.
 */
const ADMIN = { username: 'root', password: 'correct horse battery' }
const platform = await testPlatform({
  [IDENTITY]: identityMigrations,
  [ACCOUNTS]: accountsMigrations,
})
t.teardown(() => platform.close())
const identity = await testService('identity', identityApp, platform, {
  secretKeyHex: 'b4'.repeat(32),
  bootstrapAdmin: ADMIN,
})
t.teardown(() => identity.close())
const address = await identity.listen({ host: '127.0.0.1', port: 0 })
const accounts = await testService(
  'accounts',
  accountsApp,
  { ...platform, resolveKey: jwksKeyResolver(`${address}/.well-known/jwks.json`) },
  { piiKeyHex: 'c5'.repeat(32) },
)
t.teardown(() => accounts.close())

const login = async () => {
  const res = await identity.inject({
    method: 'POST',
    url: '/v1/auth/token',
    payload: { grant_type: 'password', ...ADMIN },
  })
  return res.json().accessToken as string
}
const kidOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid as string
/** Whether each service accepts a token (anything but a 401: the lookup finds nobody, 404). */
const answers = async (token: string) => {
  const authorization = `Bearer ${token}`
  const [me, lookup] = await Promise.all([
    identity.inject({ method: 'GET', url: '/v1/me', headers: { authorization } }),
    accounts.inject({
      method: 'POST',
      url: '/v1/learners/lookup',
      headers: { authorization },
      payload: { nationalId: madeUpNationalId(7), name: '无此人' },
    }),
  ])
  return { identity: me.statusCode !== 401, accounts: lookup.statusCode !== 401 }
}
const rotate = (token: string, body?: object) =>
  identity.inject({
    method: 'POST',
    url: '/v1/keys/rotation',
    headers: { authorization: `Bearer ${token}` },
    ...(body ? { payload: body } : {}),
  })

t.test('a plain rotation keeps the old key’s tokens valid everywhere', async (t) => {
  const before = await login()
  // The first call makes accounts fetch identity's JWKS (bounded by 3 s; a loaded machine may miss it).
  await eventually(async () => (await answers(before)).accounts, 20_000, 200)
  t.same(await answers(before), { identity: true, accounts: true }, 'accepted')
  t.equal((await rotate(before)).statusCode, 201)
  await new Promise((r) => setTimeout(r, 1_000))
  t.same(await answers(before), { identity: true, accounts: true }, 'still accepted')
})

t.test('an emergency rotation makes every service refuse the old key within 5 s', async (t) => {
  const leaked = await login()
  // Signed with the key the plain rotation above made: accounts fetches it at most every 5 s.
  await eventually(async () => (await answers(leaked)).accounts, 20_000, 200)
  t.same(await answers(leaked), { identity: true, accounts: true }, 'accepted (and cached) first')
  const res = await rotate(leaked, { revokePrevious: true })
  t.equal(res.statusCode, 201)
  t.equal(res.json().previousKid, kidOf(leaked))
  const started = Date.now()
  await eventually(
    async () => {
      const a = await answers(leaked)
      return !a.identity && !a.accounts
    },
    5_000,
    50,
  )
  t.comment(`refused everywhere ${Date.now() - started} ms after the rotation answered`)
  const jwks = (await identity.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json()
  t.notOk(
    jwks.keys.some((k: { kid: string }) => k.kid === kidOf(leaked)),
    'the revoked key has left the JWKS',
  )
  const fresh = await login()
  t.not(kidOf(fresh), kidOf(leaked))
  t.same(await answers(fresh), { identity: true, accounts: true }, 'new tokens work everywhere')
  t.equal((await rotate(fresh, { revokePrevious: 'yes' })).statusCode, 400, 'the flag is a boolean')
})
