import { topicOf } from '@creditbank/contracts'
import { createEvent } from '@creditbank/events'
import { eventually } from '@creditbank/testing'
import t from 'tap'
import { buildIdentity, createOrg, createStaff } from './helper.js'

// What identity holds about a learner, as the learner reads it at GET /v1/me with their own token:
// portfolio puts this answer in the learner's copy of their data as identity/user.json (0722).

const id = await buildIdentity()
t.teardown(() => id.close())
const { app } = id
const me = (authorization: string) =>
  app.inject({ method: 'GET', url: '/v1/me', headers: { authorization } })

const register = async (username: string, displayName: string) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/auth/register',
    payload: { username, password: 'a long enough secret', displayName },
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json() as { id: string }
}
const user = await register('li.xiaoshu', '李小数')
const other = await register('zhao.pangren', '赵旁人')
const learnerId = '0190a000-0000-7000-8000-00000000e722'
await id.platform.transport.publish(
  [{ learnerId, userId: user.id }].map((data) => {
    const e = createEvent('/creditbank/accounts', {
      type: 'accounts.learner.claimed',
      subject: learnerId,
      data,
    })
    return { topic: topicOf(e.type), key: learnerId, value: JSON.stringify(e) }
  }),
)

t.test('a learner reads their own user account, memberships and last sign-in', async (t) => {
  let token = ''
  await eventually(async () => {
    token = await id.login('li.xiaoshu', 'a long enough secret')
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())
    return claims.learner === learnerId
  })
  const res = await me(`Bearer ${token}`)
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body, {
    kind: 'user',
    subject: user.id,
    roles: ['learner'],
    learner: learnerId,
    user: {
      id: user.id,
      username: 'li.xiaoshu',
      displayName: '李小数',
      learnerId,
      memberships: [],
      platformAdmin: false,
    },
  })
  t.ok(Date.parse(body.user.createdAt), 'when the account was made')
  t.ok(Date.parse(body.lastSignInAt), 'when they last signed in')
  t.notOk(JSON.stringify(body).includes('zhao.pangren'), 'nobody else in it')
  t.notOk(/password|hash|secret/i.test(JSON.stringify(body)), 'no password or its hash')
})

t.test('staff read their memberships the same way', async (t) => {
  const org = await createOrg(id, 'school')
  const staff = await createStaff(id, [{ orgId: org.id, role: 'registrar' }])
  const body = (await me(staff.headers.authorization!)).json()
  t.match(body.user.memberships, [{ orgId: org.id, role: 'registrar' }])
  t.ok(Date.parse(body.lastSignInAt))
  t.notOk(JSON.stringify(body).includes(other.id), 'nobody else in it')
})

t.test('no token, or one identity did not issue: 401', async (t) => {
  t.equal((await app.inject({ method: 'GET', url: '/v1/me' })).statusCode, 401)
  t.equal((await me('Bearer not.a.token')).statusCode, 401)
})
