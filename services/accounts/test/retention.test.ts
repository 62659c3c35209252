import { setClock } from '@creditbank/contracts'
import { runRetention } from '@creditbank/service-kit'
import { sql } from 'kysely'
import t from 'tap'
import { uuidv7 } from 'uuidv7'
import { retentionRules } from '../src/domain/retention.js'
import { buildAccounts, person } from './helper.js'

// Retention of the who-looked log (decision 0727): reads older than 3 years are removed by the
// job, by the one path the append-only trigger allows; everything younger stays, and an ordinary
// UPDATE, DELETE or TRUNCATE is still refused.

const a = await buildAccounts()
t.teardown(() => a.close())
const { app } = a
const raw = a.platform.database.kysely
const school = await a.registerOrg('school')
const registrar = a.keys.auth({ roles: ['registrar'], org: school, sub: uuidv7() })
const l = await a.openLearner(person(), a.registrar(school))
const me = a.learnerAuth(l.id)

const day = 86_400_000
const yearsAgo = (y: number, plusDays = 0) => {
  const d = new Date()
  d.setUTCFullYear(d.getUTCFullYear() - y)
  return new Date(d.getTime() - plusDays * day)
}
/** A registrar reads the learner's profile with the clock at `at`. */
async function readAt(at: Date) {
  setClock(at)
  try {
    const r = await app.inject({ method: 'GET', url: `/v1/learners/${l.id}`, headers: registrar })
    if (r.statusCode !== 200) throw new Error(r.body)
  } finally {
    setClock(null)
  }
}
const mine = async () =>
  (
    await app.inject({
      method: 'GET',
      url: `/v1/learners/${l.id}/access-log?limit=50`,
      headers: me,
    })
  ).json().items as { at: string }[]
// The service's own schedules; remembered answers' (every service's) are tested in service-kit.
const ownRules = retentionRules.filter((r) => r.name !== 'idempotency_key')
const sweep = (o = {}) => runRetention(a.db, 'accounts', ownRules, o)

const old1 = yearsAgo(3, 2)
const old2 = yearsAgo(4)
const old3 = yearsAgo(5)
const young = yearsAgo(2, 300)
for (const at of [old3, old2, old1, young]) await readAt(at)
await readAt(new Date())

t.test('an ordinary UPDATE, DELETE or TRUNCATE is refused, expired rows included', async (t) => {
  await t.rejects(
    sql`delete from accounts.learner_read where read_at < ${yearsAgo(3)}`.execute(raw),
    /learner_read is append-only: DELETE refused/,
  )
  await t.rejects(
    sql`update accounts.learner_read set ip = '0.0.0.0' where read_at < ${yearsAgo(3)}`.execute(
      raw,
    ),
    /learner_read is append-only: UPDATE refused/,
  )
  // Declaring the retention job opens deletion of expired rows only: not an update, not a young
  // row, not a truncate.
  await t.rejects(
    raw.transaction().execute(async (trx) => {
      await sql`select set_config('creditbank.retention', 'learner_read', true)`.execute(trx)
      await sql`update accounts.learner_read set ip = '0.0.0.0' where read_at < ${yearsAgo(3)}`.execute(
        trx,
      )
    }),
    /UPDATE refused/,
  )
  await t.rejects(
    raw.transaction().execute(async (trx) => {
      await sql`select set_config('creditbank.retention', 'learner_read', true)`.execute(trx)
      await sql`delete from accounts.learner_read where read_at > ${yearsAgo(3)}`.execute(trx)
    }),
    /DELETE refused/,
  )
  await t.rejects(
    raw.transaction().execute(async (trx) => {
      await sql`select set_config('creditbank.retention', 'learner_read', true)`.execute(trx)
      await sql`truncate accounts.learner_read`.execute(trx)
    }),
    /TRUNCATE refused/,
  )
  t.equal((await mine()).length, 5, 'nothing was removed')
})

t.test('the job removes exactly the reads older than 3 years, in bounded batches', async (t) => {
  // A clock moved ten years ahead does not make young rows expire: the database's clock bounds it.
  setClock(new Date(Date.now() + 10 * 365 * day))
  t.teardown(() => setClock(null))
  const first = await sweep({ batch: 2, maxBatches: 1 })
  t.same(first, { learner_read: 2 }, 'one batch of two, the oldest first')
  const left = (await mine()).map((r) => r.at)
  t.equal(left.length, 3)
  t.ok(left.includes(old1.toISOString()), 'the youngest expired read waits for the next run')
  t.notOk(left.includes(old3.toISOString()))

  setClock(null)
  t.same(await sweep(), { learner_read: 1 })
  const after = (await mine()).map((r) => r.at)
  t.equal(after.length, 2, 'the 2-year-old read and today’s stay')
  t.ok(after.includes(young.toISOString()))
  t.same(await sweep(), { learner_read: 0 }, 'a second run finds nothing')

  const byAdmin = (
    await app.inject({ method: 'GET', url: `/v1/access-log?learnerId=${l.id}`, headers: a.admin })
  ).json()
  t.equal(byAdmin.items.length, 2, "the admins' query shows the same")
})

t.test(
  'two replicas sweeping together remove each expired row once and fail nothing',
  async (t) => {
    for (const at of [old1, old2, old3]) await readAt(at)
    const [x, y] = await Promise.all([sweep({ batch: 1 }), sweep({ batch: 1 })])
    t.equal((x.learner_read ?? 0) + (y.learner_read ?? 0), 3)
    t.equal((await mine()).length, 2)
  },
)

t.test('remembered answers are swept too (their rule is tested in service-kit)', async (t) => {
  t.ok(retentionRules.some((r) => r.name === 'idempotency_key'))
})
