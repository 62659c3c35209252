import { setClock } from '@creditbank/contracts'
import { runRetention } from '@creditbank/service-kit'
import t from 'tap'
import { retentionRules } from '../src/domain/retention.js'
import { buildPortfolio, fixtures } from './helper.js'

// Retention in portfolio (decision 0727): a share is removed 90 days after it expired or was
// revoked, with the log of who opened it; a notification 90 days after it was read, or a year
// after it was sent. Nothing younger is touched; the clock is moved, not the rows.

const pf = await buildPortfolio()
t.teardown(() => pf.close())
const { app } = pf
const day = 86_400_000
const f = fixtures()
await pf.apply(f.orgRegistered(f.school, '郑州职业技术学院'), f.learnerOpened())
await pf.apply(f.outcome(), f.outcome())
const me = pf.learner(f.learnerId)
const other = fixtures()
await pf.apply(other.learnerOpened(), other.outcome())

const share = async (expiresInDays: number) => {
  const r = await app.inject({
    method: 'POST',
    url: '/v1/shares',
    headers: me,
    payload: { scope: 'all', expiresAt: new Date(Date.now() + expiresInDays * day).toISOString() },
  })
  if (r.statusCode !== 201) throw new Error(r.body)
  return r.json() as { id: string; token: string }
}
const short = await share(2)
const long = await share(300)
const revoked = await share(300)
/** Setup steps that must succeed (an assertion between top-level awaits would end the root test). */
const must = (status: number, r: { statusCode: number; body: string }) => {
  if (r.statusCode !== status) throw new Error(`${r.statusCode}: ${r.body}`)
}
// Someone opens the short share and prints its record: an access line and a record naming it.
must(200, await app.inject({ method: 'GET', url: `/v1/shared/${short.token}` }))
must(200, await app.inject({ method: 'GET', url: `/v1/shared/${short.token}/record.pdf` }))
must(204, await app.inject({ method: 'DELETE', url: `/v1/shares/${revoked.id}`, headers: me }))

const notifications = async (learnerId: string) =>
  (
    await app.inject({
      method: 'GET',
      url: `/v1/learners/${learnerId}/notifications?limit=50`,
      headers: pf.learner(learnerId),
    })
  ).json().items as { id: string; read: boolean }[]
const mine = await notifications(f.learnerId)
if (mine.length !== 2) throw new Error(`two notifications, not ${mine.length}`)
must(
  200,
  await app.inject({
    method: 'POST',
    url: `/v1/learners/${f.learnerId}/notifications/read`,
    headers: me,
    payload: { ids: [mine[0]!.id] },
  }),
)

const shares = async () =>
  (
    (await app.inject({ method: 'GET', url: '/v1/shares?limit=50', headers: me })).json().items as {
      id: string
    }[]
  ).map((s) => s.id)
// The service's own schedules; remembered answers' (every service's) are tested in service-kit.
const ownRules = retentionRules.filter((r) => r.name !== 'idempotency_key')
const sweep = (o = {}) => runRetention(pf.db, 'portfolio', ownRules, o)
const at = (days: number) => setClock(new Date(Date.now() + days * day))
t.afterEach(() => setClock(null))

t.test('today nothing has expired: the job removes nothing', async (t) => {
  t.same(await sweep(), { share: 0, notification: 0 })
  t.equal((await shares()).length, 3)
})

t.test(
  '89 days on, the revoked share is kept still; 91 days on it goes, with nothing else',
  async (t) => {
    at(89)
    t.same(await sweep(), { share: 0, notification: 0 })
    at(91)
    t.same(
      await sweep(),
      { share: 1, notification: 1 },
      'the revoked share and the read notification',
    )
    t.same(new Set(await shares()), new Set([short.id, long.id]))
    const left = await notifications(f.learnerId)
    t.same(
      left.map((n) => n.read),
      [false],
      'the unread notification stays',
    )
    t.equal((await notifications(other.learnerId)).length, 1, "another learner's stays")
  },
)

t.test('93 days on the short share (ended 91 days ago) goes with its access log', async (t) => {
  at(93)
  t.same(await sweep(), { share: 1, notification: 0 })
  t.same(await shares(), [long.id])
  const accesses = await pf.db
    .selectFrom('share_access')
    .select('id')
    .where('share_id', '=', short.id)
    .execute()
  t.equal(accesses.length, 0, 'who opened it is gone with it')
  const records = await pf.db.selectFrom('record').select(['code', 'share_id']).execute()
  t.equal(records.length, 1, 'the printed record is kept')
  const verify = await app.inject({ method: 'GET', url: `/v1/records/${records[0]!.code}` })
  t.equal(verify.statusCode, 200, 'and still verifies by its code')
  t.equal(records[0]!.share_id, null)
})

t.test('a year on, unread notifications go; a share ending later stays', async (t) => {
  at(366)
  t.same(await sweep({ batch: 1 }), { share: 0, notification: 2 }, 'in batches of one')
  t.equal((await notifications(f.learnerId)).length, 0)
  t.equal((await notifications(other.learnerId)).length, 0)
  t.same(await shares(), [long.id], 'the 300-day share ended 66 days ago')
  at(400)
  t.same(await sweep(), { share: 1, notification: 0 })
})

t.test('remembered answers are swept too (their rule is tested in service-kit)', async (t) => {
  t.ok(retentionRules.some((r) => r.name === 'idempotency_key'))
})
