import { randomUUID } from 'node:crypto'
import { topicOf } from '@creditbank/contracts'
import { createEvent } from '@creditbank/events'
import { eventually, testTransport } from '@creditbank/testing'
import t from 'tap'
import { autoRule, buildRecognition } from './helper.js'

// Replica 1 owns the database; replica 2 shares it, with its own transport (own topics and group),
// so both receive the same outcomes (under different event ids) and race on them.
const r1 = await buildRecognition()
const transport2 = testTransport()
await transport2.connect()
const r2 = await buildRecognition({
  ...r1.platform,
  transport: transport2,
  close: async () => {},
} as typeof r1.platform)
t.teardown(async () => {
  await r2.close()
  await transport2.close()
  await r1.close()
})

const school = await r1.organization('school')
await r1.createRule(autoRule(school, { code: 'REP-1' }))
await r1.createRule(
  autoRule(school, {
    code: 'REP-2',
    award: { courseCode: 'WEB202', courseName: '前端框架', courseType: 'core', credits: '2' },
  }),
)

t.test('two replicas fed the same outcomes open each application once', async (t) => {
  const learners = Array.from({ length: 12 }, () => randomUUID())
  const events = learners.flatMap((l) => [
    r1.enrollment(l, school, 'P-WEB'),
    r1.outcome(l, {
      kind: 'certificate',
      title: 'Web前端开发',
      typeCode: 'WEB-FE',
      level: 'senior',
    }),
    r1.outcome(l, {
      kind: 'certificate',
      title: 'Web前端开发',
      typeCode: 'WEB-FE',
      level: 'intermediate',
    }),
  ])
  // The same payloads under different event ids on each replica's bus: their inboxes cannot help; the unique key must.
  const a = events.map((e) => createEvent<unknown>('/creditbank/accounts', e))
  const b = events.map((e) => createEvent<unknown>('/creditbank/accounts', e))
  await Promise.all([
    r1.platform.transport.publish(
      a.map((e) => ({ topic: topicOf(e.type), key: e.subject ?? null, value: JSON.stringify(e) })),
    ),
    transport2.publish(
      b.map((e) => ({ topic: topicOf(e.type), key: e.subject ?? null, value: JSON.stringify(e) })),
    ),
  ])
  const ids = [...a, ...b].map((e) => e.id)
  await eventually(
    async () =>
      (
        await r1.db
          .selectFrom('inbox_event')
          .select('event_id')
          .where('event_id', 'in', ids)
          .execute()
      ).length === ids.length,
    60_000,
  )
  const apps = await r1.db
    .selectFrom('application')
    .select(['trigger_entry_id', 'rule_version_id', 'program_code'])
    .execute()
  const keys = new Set(
    apps.map((x) => `${x.trigger_entry_id}|${x.rule_version_id}|${x.program_code}`),
  )
  t.equal(apps.length, keys.size, 'no duplicate (entry, rule version, program)')
  t.equal(apps.length, learners.length * 4, 'two certificates × two rules per learner')
  const used = await r1.db.selectFrom('source_use').select(['entry_id', 'course_code']).execute()
  t.equal(used.length, apps.length, 'each approval claimed its source once')
  // Both replicas' relays drain the one outbox: each approval is published once, by one of them.
  const approvedEvents = () => [
    ...r1.platform.transport.events('recognition.application.approved'),
    ...transport2.events('recognition.application.approved'),
  ]
  await eventually(async () => approvedEvents().length >= apps.length, 30_000)
  t.equal(
    new Set(approvedEvents().map((e) => e.data.applicationId)).size,
    apps.length,
    'one approval per application, whichever replica opened it',
  )
  t.ok(r1.stats.opened > 0 || r2.stats.opened > 0)
})
