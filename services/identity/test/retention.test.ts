import { setClock } from '@creditbank/contracts'
import { forSchema } from '@creditbank/db'
import { runRetention } from '@creditbank/service-kit'
import t from 'tap'
import { SCHEMA } from '../src/app.js'
import type { IdentityDB } from '../src/db/schema.js'
import { retentionRules } from '../src/domain/retention.js'
import { buildIdentity, createOrg } from './helper.js'

// Retention in identity (decision 0727): failed sign-ins are kept a day. They count for the
// lock-out only within its window; after a day the job removes them, and only them.

const id = await buildIdentity()
t.teardown(() => id.close())
const db = forSchema<IdentityDB>(id.platform.database, SCHEMA)
const day = 86_400_000
const fail = async (username: string) => {
  const r = await id.app.inject({
    method: 'POST',
    url: '/v1/auth/token',
    payload: { grant_type: 'password', username, password: 'not the secret' },
  })
  if (r.statusCode !== 401) throw new Error(r.body)
}
const failures = async () =>
  (await db.selectFrom('login_failure').select('username').orderBy('username').execute()).map(
    (r) => r.username,
  )
// The service's own schedules; remembered answers' (every service's) are tested in service-kit.
const ownRules = retentionRules.filter((r) => r.name !== 'idempotency_key')
const sweep = () => runRetention(db, 'identity', ownRules)
t.afterEach(() => setClock(null))

t.test('failed sign-ins older than a day are removed, younger ones kept', async (t) => {
  setClock(new Date(Date.now() - 2 * day))
  await fail('old.try')
  await fail('old.try')
  setClock(new Date(Date.now() - 20 * 3_600_000))
  await fail('recent.try')
  setClock(null)
  await fail('recent.try')
  t.same(await sweep(), { login_failure: 2 })
  t.same(await failures(), ['recent.try', 'recent.try'])
  t.same(await sweep(), { login_failure: 0 }, 'nothing more')

  setClock(new Date(Date.now() + 5 * 3_600_000))
  t.same(await sweep(), { login_failure: 1 }, 'the 20-hour-old one passes a day five hours on')
  t.same(await failures(), ['recent.try'])
})

t.test(
  'a sign-in after the lock-out window works again, and its failures go after a day',
  async (t) => {
    const user = 'wang.fang'
    const created = await id.app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: id.admin,
      payload: {
        username: user,
        password: 'a long enough secret',
        displayName: '王芳',
        memberships: [{ orgId: (await createOrg(id)).id, role: 'registrar' }],
      },
    })
    t.equal(created.statusCode, 201, created.body)
    for (let i = 0; i < 5; i++) await fail(user)
    const signIn = () =>
      id.app.inject({
        method: 'POST',
        url: '/v1/auth/token',
        payload: { grant_type: 'password', username: user, password: 'a long enough secret' },
      })
    t.equal((await signIn()).statusCode, 429, 'locked')
    setClock(new Date(Date.now() + 2 * day))
    t.same(await sweep(), { login_failure: 6 })
    t.equal((await signIn()).statusCode, 200)
  },
)

t.test('remembered answers are swept too (their rule is tested in service-kit)', async (t) => {
  t.ok(retentionRules.some((r) => r.name === 'idempotency_key'))
})
