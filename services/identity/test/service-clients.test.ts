import t from 'tap'
import { buildIdentity } from './helper.js'

// Decision 0730: the platform's own services sign in as built-in clients `service:<name>` with the
// deployment's SERVICE_CLIENT_SECRET, and only they get the `service` role (accounts answers
// learners' names to it alone).
const SECRET = 's'.repeat(40)
const id = await buildIdentity({ serviceClientSecret: SECRET })
const without = await buildIdentity()
t.teardown(async () => {
  await id.close()
  await without.close()
})

const grant = (app: typeof id.app, clientId: string, clientSecret: string) =>
  app.inject({
    method: 'POST',
    url: '/v1/auth/token',
    payload: { grant_type: 'client_credentials', clientId, clientSecret },
  })
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'))

t.test('a built-in service client gets a service token', async (t) => {
  const res = await grant(id.app, 'service:portfolio', SECRET)
  t.equal(res.statusCode, 200, res.body)
  const claims = claimsOf(res.json().accessToken)
  t.match(claims, { sub: 'service:portfolio', typ: 'client', roles: ['service'] })
  t.notOk('org' in claims, 'no organization')
  t.ok(res.json().expiresIn > 60)
})

t.test(
  'a wrong secret, an unknown service or no secret configured: 401, the same way',
  async (t) => {
    for (const [why, app, clientId, secret] of [
      ['wrong secret', id.app, 'service:portfolio', `${SECRET}x`],
      ['unknown service', id.app, 'service:payroll', SECRET],
      ['not configured', without.app, 'service:portfolio', SECRET],
    ] as const) {
      const res = await grant(app, clientId, secret)
      t.equal(res.statusCode, 401, why)
      t.equal(res.json().code, 'IDENTITY_CREDENTIALS_INVALID', why)
    }
  },
)

t.test('no person or institution client gets the service role', async (t) => {
  const adminClaims = claimsOf(id.admin.authorization.slice('Bearer '.length))
  t.notOk(adminClaims.roles.includes('service'), 'not an admin')
  // Memberships accept only the four staff roles: 'service' cannot be granted.
  const org = await id.app.inject({
    method: 'POST',
    url: '/v1/organizations',
    headers: id.admin,
    payload: { code: 'SVC-T', name: '测试公司', kind: 'enterprise', regionCode: '410100' },
  })
  t.equal(org.statusCode, 201, org.body)
  const user = await id.app.inject({
    method: 'POST',
    url: '/v1/users',
    headers: id.admin,
    payload: {
      username: 'svc.try',
      password: 'a long enough secret',
      memberships: [{ orgId: org.json().id, role: 'service' }],
    },
  })
  t.equal(user.statusCode, 400, 'the role is refused')
})
