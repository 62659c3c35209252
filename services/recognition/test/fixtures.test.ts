import { randomUUID } from 'node:crypto'
import { eventually } from '@creditbank/testing'
import t from 'tap'
import { buildRecognition, fixture } from './helper.js'

const r = await buildRecognition()
t.teardown(() => r.close())

// Korea's rules, used by the ACBS test and by the simulations (another learner).
const acbs = await r.organization('recognition_center', '110000')
const univA = randomUUID()
const univB = randomUUID()
for (const rule of fixture('korea-acbs', { ACBS: acbs, UNIV_A: univA, UNIV_B: univB }).rules)
  await r.createRule(rule)
const simLearner = randomUUID()
const simCourse = (i: number, occurredOn = '2025-04-10') =>
  r.outcome(simLearner, {
    kind: 'course',
    orgId: univA,
    code: `CS${100 + i}`,
    title: `CS${100 + i}`,
    credits: '3',
    grade: { score: '90', scale: '100' },
    occurredOn,
  })
await r.deliver([
  r.enrollment(simLearner, acbs, 'BA-CS'),
  ...[1, 2, 3, 4, 5, 6].map((i) => simCourse(i)),
])
const hypothetical = (i: number, occurredOn = '2025-05-01') => ({
  kind: 'course',
  orgId: univA,
  code: `CS${100 + i}`,
  title: `CS${100 + i}`,
  credits: '3',
  grade: { score: '90', scale: '100' },
  occurredOn,
})

t.test(
  'Henan X-certificate conversion: level → course type, 8 per certificate, never above the bank, one certificate per course',
  async (t) => {
    const college = await r.organization('school')
    const vars = {
      COLLEGE: college,
      DEPARTMENT: randomUUID(),
      ACADEMIC_AFFAIRS: randomUUID(),
      EVALUATION_ORG: randomUUID(),
      CREDIT_BANK: randomUUID(),
    }
    const { rules } = fixture('henan-x-certificates', vars)
    for (const rule of rules) await r.createRule(rule)
    const cert = (learner: string, level: string, credits: string) =>
      r.outcome(learner, {
        kind: 'certificate',
        title: 'Web前端开发',
        typeCode: 'WEB-FE',
        level,
        credits,
      })
    const award = async (learner: string) =>
      (await r.applicationsOf(learner)).map((a) => [
        a.course_code,
        a.credits,
        (a.limits_applied as any[]).map((l) => `${l.limit}:${l.from}->${l.to}`).join(),
      ])

    const senior = randomUUID()
    await r.deliver([r.enrollment(senior, college, 'P-WEB'), cert(senior, 'senior', '20')])
    t.same(
      await award(senior),
      [
        ['WEB101', '4.00', ''],
        ['WEB201', '4.00', 'maxCreditsPerSource:6->4'],
      ],
      'senior → foundation and core; the third course is refused: the 8 credits of the certificate are used up',
    )

    const junior = randomUUID()
    await r.deliver([r.enrollment(junior, college, 'P-WEB'), cert(junior, 'junior', '3')])
    t.same(
      await award(junior),
      [['WEB101', '3.00', 'capToSourceCredits:4->3']],
      'junior → foundation, never above what the bank recognized (3)',
    )
    // A second certificate cannot replace a course already replaced.
    await r.deliver([cert(junior, 'junior', '4')])
    t.equal((await r.applicationsOf(junior)).length, 1, 'one certificate per course')

    const intermediate = randomUUID()
    await r.deliver([
      r.enrollment(intermediate, college, 'P-WEB'),
      cert(intermediate, 'intermediate', '10'),
    ])
    t.same(
      await award(intermediate),
      [
        ['WEB201', '6.00', ''],
        ['WEB202', '2.00', 'maxCreditsPerSource:4->2'],
      ],
      'intermediate → core courses only',
    )
    t.ok(
      (await r.applicationsOf(intermediate)).every(
        (a) => a.status === 'in_review' && a.step_org_id === vars.DEPARTMENT,
      ),
      'the chain starts at the department',
    )

    const otherProgram = randomUUID()
    await r.deliver([
      r.enrollment(otherProgram, college, 'P-NET'),
      cert(otherProgram, 'senior', '20'),
    ])
    t.equal(
      (await r.applicationsOf(otherProgram)).length,
      0,
      'only for the programs the rules name',
    )
  },
)

t.test(
  "Korea's ACBS-like caps: 24 a term, 42 a year, 36 per source institution, duplicate subjects refused",
  async (t) => {
    const learner = randomUUID()
    const course = (orgId: string, code: string, occurredOn: string, score = '80') =>
      r.outcome(learner, {
        kind: 'course',
        orgId,
        code,
        title: code,
        credits: '3',
        grade: { score, scale: '100' },
        occurredOn,
      })
    const cs = (i: number) => `CS${100 + i}`
    await r.deliver([r.enrollment(learner, acbs, 'BA-CS')])
    // Spring 2025: nine courses from A; the term holds 24 credits.
    await r.deliver(Array.from({ length: 9 }, (_, i) => course(univA, cs(i + 1), '2025-04-10')))
    let apps = await r.applicationsOf(learner)
    t.equal(apps.length, 8, '8 × 3 = 24 credits in the spring term; the ninth is refused')
    t.ok(
      apps.every((a) => a.status === 'approved'),
      'auto review',
    )
    await r.deliver([course(univA, cs(10), '2025-04-11', '65')])
    t.equal((await r.applicationsOf(learner)).length, 8, 'a score below 70 does not match')
    // Autumn 2025: four more from A (36 from A, 36 in the year), then a fifth refused by the per-institution cap.
    await r.deliver([11, 12, 13, 14].map((i) => course(univA, cs(i), '2025-10-10')))
    apps = await r.applicationsOf(learner)
    t.equal(apps.length, 12)
    const refusedBefore = r.stats.refused
    await r.deliver([course(univA, cs(10), '2025-10-12')])
    t.equal(
      (await r.applicationsOf(learner)).length,
      12,
      'A has given 36 credits: the per-source-institution cap',
    )
    t.equal(r.stats.refused, refusedBefore + 1)
    // From B: 6 more credits reach 42 in 2025; the next is refused by the yearly cap.
    await r.deliver([course(univB, 'EE201', '2025-10-20'), course(univB, 'EE202', '2025-11-20')])
    t.equal((await r.applicationsOf(learner)).length, 14, '42 credits in 2025')
    await r.deliver([course(univB, 'EE203', '2025-12-01')])
    t.equal((await r.applicationsOf(learner)).length, 14, 'the 42 a year cap')
    // 2026: the same subject (ACBS-CS101) from B is a duplicate subject.
    await r.deliver([course(univB, 'INTRO-CS', '2026-04-10')])
    t.equal((await r.applicationsOf(learner)).length, 14, 'a duplicate subject is refused')
    await r.deliver([course(univB, 'EE204', '2026-04-10')])
    t.equal((await r.applicationsOf(learner)).length, 15, 'a new year and a new subject are fine')
    const sum =
      (await r.applicationsOf(learner)).reduce((s, a) => s + Number(a.credits) * 100, 0) / 100
    t.equal(sum, 45)
  },
)

t.test(
  'simulation: which rule versions, how many credits, which limits bite and when; nothing written',
  async (t) => {
    t.equal((await r.applicationsOf(simLearner)).length, 6, '18 credits already in spring 2025')
    const tables = [
      'application',
      'application_trail',
      'outbox_event',
      'entry',
      'source_use',
      'idempotency_key',
    ] as const
    // Earlier tests' events are published first, so the outbox count moves only for this request.
    await eventually(async () => (await r.count('outbox_event')) === 0)
    const before = await Promise.all(tables.map((x) => r.count(x)))
    const res = await r.app.inject({
      method: 'POST',
      url: '/v1/simulations',
      headers: r.learner(simLearner),
      payload: {
        outcomes: [7, 8, 9].map((i) => hypothetical(i)),
        targetOrgId: acbs,
        programCode: 'BA-CS',
      },
    })
    t.equal(res.statusCode, 200)
    const sim = res.json()
    const hypo = sim.items.filter((i: any) => i.sourceRef.startsWith('hypothetical'))
    t.same(
      hypo.map((i: any) => [
        i.rule.code,
        i.rule.version,
        i.award.credits,
        i.refused?.limit ?? null,
      ]),
      [
        ['KR-A-CS107', 1, '3', null],
        ['KR-A-CS108', 1, '3', null],
        ['KR-A-CS109', 1, '0', 'maxCreditsPerTerm'],
      ],
      'the existing entries are already used; the third hypothetical course meets the term cap',
    )
    t.equal(sim.totalCredits, '6')
    t.same(sim.remaining, { year: '18', term: '0', program: null })
    t.ok(
      sim.messages.includes('the yearly cap is reached with the next 18 credits'),
      sim.messages.join(' | '),
    )
    t.ok(sim.messages.includes('the term cap is reached'))
    const after = await Promise.all(tables.map((x) => r.count(x)))
    t.same(after, before, 'a simulation writes nothing')
  },
)

t.test('simulation access and input', async (t) => {
  const body = { outcomes: [hypothetical(10)], targetOrgId: acbs, programCode: 'BA-CS' }
  const other = await r.app.inject({
    method: 'POST',
    url: '/v1/simulations',
    headers: r.learner(randomUUID()),
    payload: { ...body, learnerId: simLearner },
  })
  t.equal(other.statusCode, 403, "a learner cannot simulate on another learner's account")
  const registrar = await r.app.inject({
    method: 'POST',
    url: '/v1/simulations',
    headers: r.registrar(randomUUID()),
    payload: body,
  })
  t.equal(registrar.statusCode, 403, 'a registrar simulates only for their own organization')
  const own = await r.app.inject({
    method: 'POST',
    url: '/v1/simulations',
    headers: r.registrar(acbs),
    payload: { ...body, learnerId: simLearner },
  })
  t.equal(own.statusCode, 200)
  const reviewer = await r.app.inject({
    method: 'POST',
    url: '/v1/simulations',
    headers: r.reviewer(randomUUID()),
    payload: body,
  })
  t.equal(reviewer.statusCode, 200)
  t.equal(
    reviewer.json().totalCredits,
    '3',
    'a hypothetical outcome alone, with no account behind it',
  )
  const nothing = await r.app.inject({
    method: 'POST',
    url: '/v1/simulations',
    headers: r.reviewer(randomUUID()),
    payload: { targetOrgId: acbs, programCode: 'BA-CS' },
  })
  t.equal(nothing.statusCode, 422)
  const bad = await r.app.inject({
    method: 'POST',
    url: '/v1/simulations',
    headers: r.reviewer(randomUUID()),
    payload: { ...body, outcomes: [{ ...hypothetical(1), credits: 3 }] },
  })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().errors[0].path, '/outcomes/0/credits')
})
