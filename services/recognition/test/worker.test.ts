import { randomUUID } from 'node:crypto'
import { eventually } from '@creditbank/testing'
import t from 'tap'
import { autoRule, buildRecognition, monthsAgo } from './helper.js'

const r = await buildRecognition()
t.teardown(() => r.close())

const school = await r.organization('school')
const otherSchool = await r.organization('school')
const center = await r.organization('recognition_center')
const certificate = (
  learnerId: string,
  level = 'intermediate',
  extra: Record<string, unknown> = {},
) =>
  r.outcome(learnerId, {
    kind: 'certificate',
    title: 'Web前端开发',
    typeCode: 'WEB-FE',
    level,
    credits: '10',
    ...extra,
  })

await r.createRule(autoRule(school, { code: 'W-AUTO', conditions: { programCodes: ['P-WEB'] } }))
const manual = await r.createRule(
  autoRule(school, {
    code: 'W-MANUAL',
    source: { kind: 'certificate', typeCode: 'NET-OPS', minLevel: 'junior' },
    award: { courseCode: 'NET101', courseName: '网络基础', courseType: 'foundation', credits: '3' },
    review: { mode: 'manual', steps: [{ role: 'reviewer', orgId: center }], dueDays: 10 },
  }),
)
await r.createRule(
  autoRule(school, {
    code: 'W-HOURS',
    source: { kind: 'training', category: 'safety', minHours: '16' },
    award: {
      courseCode: 'SAFE1',
      courseName: '安全生产',
      courseType: 'elective',
      creditsPerHour: '0.0625',
      rounding: 'down_to_half',
    },
  }),
)

t.test(
  'an outcome matching an auto rule for an enrolled program is approved at once and accounts is told',
  async (t) => {
    const learner = randomUUID()
    await r.deliver([r.enrollment(learner, school, 'P-WEB')])
    const [posted] = await r.deliver([certificate(learner)])
    const apps = await r.applicationsOf(learner)
    t.equal(apps.length, 1)
    t.match(apps[0], {
      status: 'approved',
      origin: 'rule',
      rule_code: 'W-AUTO',
      rule_version: 1,
      program_code: 'P-WEB',
      credits: '4.00',
    })
    t.same(apps[0]!.source_entry_ids, [(posted!.data as any).entryId])
    const approved = await eventually(async () =>
      r.platform.transport
        .events('recognition.application.approved')
        .find((e) => e.data.learnerId === learner),
    )
    t.match(approved.data, {
      applicationId: apps[0]!.id,
      targetOrgId: school,
      courseCode: 'WEB201',
      credits: '4',
      rule: { code: 'W-AUTO', version: 1 },
    })
    t.equal(approved.subject, learner, 'keyed by learner')
    const opened = await eventually(async () =>
      r.platform.transport
        .events('recognition.application.opened')
        .find((e) => e.data.learnerId === learner),
    )
    t.match(opened.data, { origin: 'rule', status: 'open', rule: { code: 'W-AUTO', version: 1 } })
    t.notOk(JSON.stringify(opened.data).includes('nationalId'))
  },
)

t.test('a manual rule opens an application in review at step 1 with a due date', async (t) => {
  const learner = randomUUID()
  await r.deliver([
    r.enrollment(learner, school, 'P-NET'),
    r.outcome(learner, {
      kind: 'certificate',
      title: '网络运维',
      typeCode: 'NET-OPS',
      level: 'junior',
    }),
  ])
  const [app] = await r.applicationsOf(learner)
  t.match(app, { status: 'in_review', step: 1, step_org_id: center, rule_code: manual.code })
  const days = (new Date(app!.due_at!).getTime() - Date.now()) / 86_400_000
  t.ok(days > 9.9 && days <= 10, 'due in dueDays')
})

t.test(
  'no enrollment, another school, a lower level, another program: nothing opens',
  async (t) => {
    const learner = randomUUID()
    await r.deliver([certificate(learner)])
    t.equal((await r.applicationsOf(learner)).length, 0, 'not enrolled anywhere')
    const l2 = randomUUID()
    await r.deliver([r.enrollment(l2, otherSchool, 'P-WEB'), certificate(l2)])
    t.equal((await r.applicationsOf(l2)).length, 0, 'enrolled at a school with no rule')
    const l3 = randomUUID()
    await r.deliver([r.enrollment(l3, school, 'P-WEB'), certificate(l3, 'junior')])
    t.equal((await r.applicationsOf(l3)).length, 0, 'junior is below minLevel intermediate')
    const l4 = randomUUID()
    await r.deliver([r.enrollment(l4, school, 'P-OTHER'), certificate(l4)])
    t.equal((await r.applicationsOf(l4)).length, 0, 'the program is not in programCodes')
  },
)

t.test('an enrollment after the outcome opens the application then', async (t) => {
  const learner = randomUUID()
  await r.deliver([certificate(learner, 'senior')])
  t.equal((await r.applicationsOf(learner)).length, 0)
  await r.deliver([r.enrollment(learner, school, 'P-WEB')])
  t.equal((await r.applicationsOf(learner)).length, 1)
})

t.test('training hours convert at the rule rate with its rounding', async (t) => {
  const learner = randomUUID()
  await r.deliver([
    r.enrollment(learner, school, 'P-ANY'),
    r.outcome(learner, { kind: 'training', title: '安全培训', category: 'safety', hours: '47.9' }),
  ])
  const [app] = await r.applicationsOf(learner)
  t.equal(app!.credits, '2.50', '47.9 h × 1/16 = 2.99 → down to half = 2.5')
  const l2 = randomUUID()
  await r.deliver([
    r.enrollment(l2, school, 'P-ANY'),
    r.outcome(l2, { kind: 'training', title: '安全培训', category: 'safety', hours: '15' }),
  ])
  t.equal((await r.applicationsOf(l2)).length, 0, 'below minHours')
})

t.test(
  'replays open nothing new: the same events, the same entry under new event ids, the whole topic again',
  async (t) => {
    const learner = randomUUID()
    const enr = r.enrollment(learner, school, 'P-WEB')
    const out = certificate(learner)
    const first = await r.deliver([enr, out])
    t.equal((await r.applicationsOf(learner)).length, 1)
    const before = await r.count('application')
    // The very same events (same ids): the inbox skips them.
    await r.platform.transport.publish(
      first.map((e) => ({
        topic: 'creditbank.accounts.v1',
        key: learner,
        value: JSON.stringify(e),
      })),
    )
    // The same entry and enrollment under new event ids: the projection and the unique key skip them.
    await r.deliver([
      { ...enr, data: { ...enr.data } },
      { ...out, data: { ...out.data } },
    ])
    await r.deliver([{ ...enr, data: { ...enr.data, enrollmentId: randomUUID() } }])
    t.equal(await r.count('application'), before, 'nothing new')
    // The whole topic from the start, for the same consumer group.
    const consumer = r.events.consumer!
    await consumer.stop()
    await r.platform.transport.resetOffsets(consumer.groupId, 'creditbank.accounts.v1')
    const dupBefore = consumer.stats.duplicates
    await consumer.start()
    const total = r.platform.transport.published.filter(
      (m) => m.topic === 'creditbank.accounts.v1',
    ).length
    await eventually(async () => consumer.stats.duplicates - dupBefore >= total - 2, 60_000)
    t.equal(await r.count('application'), before, 'a replay of the whole topic opens nothing')
  },
)

t.test('a reversed entry closes its pending applications and flags approved ones', async (t) => {
  const learner = randomUUID()
  const pending = r.outcome(learner, {
    kind: 'certificate',
    title: '网络运维',
    typeCode: 'NET-OPS',
    level: 'senior',
  })
  const approved = certificate(learner)
  await r.deliver([r.enrollment(learner, school, 'P-WEB'), pending, approved])
  t.equal((await r.applicationsOf(learner)).length, 2)
  const reversal = (entryId: string) => ({
    type: 'accounts.entry.reversed',
    subject: learner,
    data: {
      entryId: randomUUID(),
      reversedEntryId: entryId,
      learnerId: learner,
      orgId: randomUUID(),
      reason: 'posted in error',
      postedAt: new Date().toISOString(),
    },
  })
  await r.deliver([reversal(pending.data.entryId), reversal(approved.data.entryId)])
  const apps = await r.applicationsOf(learner)
  const byRule = Object.fromEntries(apps.map((a) => [a.rule_code, a]))
  t.equal(byRule['W-MANUAL']!.status, 'withdrawn')
  t.equal(byRule['W-AUTO']!.status, 'approved')
  t.same(byRule['W-AUTO']!.flags, ['source_reversed'])
  const withdrawn = await eventually(async () =>
    r.platform.transport
      .events('recognition.application.withdrawn')
      .find((e) => e.data.learnerId === learner),
  )
  t.match(withdrawn.data, { by: 'system' })
  // A later enrollment does not use the reversed entry.
  await r.deliver([r.enrollment(learner, school, 'P-NET')])
  t.equal((await r.applicationsOf(learner)).length, 2)
})

t.test('an outcome older than maxAgeMonths does not match', async (t) => {
  await r.createRule(
    autoRule(school, {
      code: 'W-AGE',
      source: { kind: 'course', code: 'OLD1' },
      conditions: { maxAgeMonths: 12 },
      award: { courseCode: 'OLD', courseName: 'old', courseType: 'elective', credits: '2' },
    }),
  )
  const learner = randomUUID()
  await r.deliver([
    r.enrollment(learner, school, 'P'),
    r.outcome(learner, { code: 'OLD1', occurredOn: monthsAgo(13) }),
    r.outcome(learner, { code: 'OLD1', occurredOn: monthsAgo(11) }),
  ])
  t.equal((await r.applicationsOf(learner)).length, 1, 'only the younger one')
})

t.test('a credit posted by accounts is noted on the application', async (t) => {
  const learner = randomUUID()
  await r.deliver([r.enrollment(learner, school, 'P-WEB'), certificate(learner)])
  const [app] = await r.applicationsOf(learner)
  const entryId = randomUUID()
  await r.deliver([
    {
      type: 'accounts.credit.recognized',
      subject: learner,
      data: {
        entryId,
        learnerId: learner,
        orgId: school,
        applicationId: app!.id,
        courseCode: 'WEB201',
        courseName: '网页设计',
        credits: '4',
        sourceEntryIds: app!.source_entry_ids,
        postedAt: new Date().toISOString(),
      },
    },
  ])
  const res = await r.app.inject({
    method: 'GET',
    url: `/v1/applications/${app!.id}`,
    headers: r.learner(learner),
  })
  t.equal(res.json().recognizedEntryId, entryId)
  t.same(
    res.json().trail.map((s: any) => s.action),
    ['opened', 'approved', 'recognized'],
  )
})
