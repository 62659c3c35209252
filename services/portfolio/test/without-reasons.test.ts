import { randomUUID } from 'node:crypto'
import { forSchema, migrate } from '@creditbank/db'
import { testPlatform } from '@creditbank/testing'
import { sql } from 'kysely'
import t from 'tap'
import { migrations } from '../src/db/migrations.js'
import { SCHEMA } from '../src/db/schema.js'

// Issue 17 (decision 0730, "Reasons stay where they were written"): a timeline and messages
// projected by the code before, from events that carried reasons, lose every reason at the
// migration; a reversal and a revocation are titled after what they reversed or revoked.

const NEW = '2026-12-11T0401_portfolio_without_reasons'
const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name !== NEW))
const platform = await testPlatform({ [SCHEMA]: before })
t.teardown(() => platform.close())
const db = forSchema<Record<string, never>>(platform.database, SCHEMA)
const table = (name: string) => sql.table(`${SCHEMA}.${name}`)

const learner = randomUUID()
const entry = randomUUID()
const certificate = randomUUID()
const application = randomUUID()

async function item(o: {
  type: string
  category: string
  ref: string
  title: string
  data: Record<string, unknown>
  reason?: string
}) {
  const id = randomUUID()
  await sql`insert into ${table('timeline_item')} (event_id, learner_id, event_type, category,
      ref_id, title, at, data, provenance, occurred_on)
    values (${id}, ${learner}, ${o.type}, ${o.category}, ${o.ref}, ${o.title}, now(),
      ${JSON.stringify(o.data)}, ${JSON.stringify({ eventType: o.type, reason: o.reason ?? null })},
      current_date)`.execute(db)
  return id
}
async function note(kind: string, data: Record<string, unknown>) {
  await sql`insert into ${table('notification')} (id, learner_id, kind, at, data)
    values (${randomUUID()}, ${learner}, ${kind}, now(), ${JSON.stringify(data)})`.execute(db)
}

t.test(
  'the reasons kept from older events are gone, and titles name what was undone',
  async (t) => {
    // As the code before wrote them, each reason naming the learner.
    await item({
      type: 'accounts.outcome.posted',
      category: 'outcome',
      ref: entry,
      title: '机车构造',
      data: { entryId: entry, title: '机车构造' },
    })
    const reversal = await item({
      type: 'accounts.entry.reversed',
      category: 'reversal',
      ref: randomUUID(),
      title: '冲正 Reversal: 李四成绩重复录入',
      data: { reversedEntryId: entry, reason: '李四成绩重复录入' },
      reason: '李四成绩重复录入',
    })
    await item({
      type: 'certificates.certificate.issued',
      category: 'certificate',
      ref: certificate,
      title: 'Web前端开发（中级）',
      data: { certificateId: certificate },
    })
    const revocation = await item({
      type: 'certificates.certificate.revoked',
      category: 'revocation',
      ref: certificate,
      title: '证书撤销 Certificate revoked: 李四考试作弊',
      data: { certificateId: certificate, reason: '李四考试作弊' },
      reason: '李四考试作弊',
    })
    await item({
      type: 'recognition.application.decided',
      category: 'decision',
      ref: application,
      title: 'application decided',
      data: { applicationId: application, decision: 'reject', reason: '李四材料不全' },
      reason: '李四材料不全',
    })
    // A withdrawal by the system keeps its own words: they are about no one.
    const withdrawn = await item({
      type: 'recognition.application.withdrawn',
      category: 'application',
      ref: application,
      title: 'application withdrawn',
      data: { applicationId: application, by: 'system', reason: 'an evidence entry was reversed' },
      reason: 'an evidence entry was reversed',
    })
    await note('entry_reversed', { title: '机车构造', reason: '李四成绩重复录入' })
    await note('certificate_revoked', { title: 'Web前端开发（中级）', reason: '李四考试作弊' })
    await note('application_rejected', { courseName: '网页设计', reason: '李四材料不全' })

    t.same(await migrate(platform.database, SCHEMA, migrations), [NEW])

    const rows = await sql<{ event_id: string; title: string; data: unknown; provenance: unknown }>`
    select event_id, title, data, provenance from ${table('timeline_item')}`.execute(db)
    const all = JSON.stringify(rows.rows)
    t.notOk(all.includes('李四'), 'no reason left on the timeline')
    const byId = new Map(rows.rows.map((r) => [r.event_id, r]))
    t.equal(byId.get(reversal)!.title, '机车构造', 'the reversal titled after the course')
    t.equal(
      byId.get(revocation)!.title,
      'Web前端开发（中级）',
      'the revocation after the certificate',
    )
    t.match(byId.get(withdrawn), {
      data: { reason: 'an evidence entry was reversed' },
      provenance: { reason: 'an evidence entry was reversed' },
    })
    const notes = await sql<{ kind: string; data: Record<string, unknown> }>`
    select kind, data from ${table('notification')} order by kind`.execute(db)
    t.same(
      notes.rows.map((n) => n.data),
      [{ courseName: '网页设计' }, { title: 'Web前端开发（中级）' }, { title: '机车构造' }],
      'the messages keep their titles, not the reasons',
    )
    t.same(await migrate(platform.database, SCHEMA, migrations), [], 'runs once')
  },
)
