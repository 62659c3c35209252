import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { setClock } from '@creditbank/contracts'
import t from 'tap'
import { buildRecognition } from './helper.js'

// Issue 18: program plans, progress and credit tuition, through the public API. Every figure is
// worked out by hand below from the events this file posts, not by the code under test.
const r = await buildRecognition()
t.teardown(() => r.close())
t.teardown(() => setClock(null))
// Progress plans terms from "today": 15 October 2026 in China, the 2026-autumn term.
setClock(new Date('2026-10-15T04:00:00Z'))

const school = await r.organization('school')
const other = await r.organization('school')
const evalOrg = await r.organization('evaluation_org')
const sourceSchool = await r.organization('school')
const learner = randomUUID()
const stranger = randomUUID()
const PROGRAM = 'P-WEB'

const planV1 = {
  programName: '软件技术（Web前端方向）',
  basis: '河南省高职专科 示例',
  totalCredits: '24',
  creditsByType: { foundation: '4', core: '12', practice: '2' },
  courses: [
    {
      courseCode: 'SE1101',
      courseName: '程序设计基础',
      courseType: 'foundation',
      credits: '4',
      required: true,
    },
    {
      courseCode: 'WEB201',
      courseName: '网页设计',
      courseType: 'core',
      credits: '4',
      required: true,
    },
    {
      courseCode: 'WEB202',
      courseName: '前端框架',
      courseType: 'core',
      credits: '4',
      required: true,
    },
    {
      courseCode: 'WEB301',
      courseName: '交互设计',
      courseType: 'core',
      credits: '4',
      required: false,
    },
    {
      courseCode: 'PR101',
      courseName: '企业实践',
      courseType: 'practice',
      credits: '2',
      required: true,
    },
  ],
  maxCreditsPerTerm: '8',
}

const put = (url: string, payload: unknown, headers = r.registrar(school)) =>
  r.app.inject({ method: 'PUT', url, headers, payload: payload as object })
const get = (url: string, headers: Record<string, string> = r.learner(learner)) =>
  r.app.inject({ method: 'GET', url, headers })
const planUrl = `/v1/programs/${school}/${PROGRAM}/requirements`
const scheduleUrl = `/v1/organizations/${school}/tuition-schedule`

t.before(async () => {
  await r.createRule({
    code: 'T-WEB201',
    name: 'Web前端开发（中级）→ 网页设计',
    targetOrgId: school,
    source: { kind: 'certificate', typeCode: 'WEB-FE', minLevel: 'intermediate' },
    award: { courseCode: 'WEB201', courseName: '网页设计', courseType: 'core', credits: '4' },
    conditions: { programCodes: [PROGRAM] },
    limits: { oneSourcePerCourse: true, maxCreditsPerYear: '12' },
    review: { mode: 'auto' },
    validFrom: '2025-01-01',
  })
  await r.createRule({
    code: 'T-WEB202',
    name: 'Web前端开发（高级）→ 前端框架',
    targetOrgId: school,
    source: { kind: 'certificate', typeCode: 'WEB-FE', levels: ['senior'] },
    award: { courseCode: 'WEB202', courseName: '前端框架', courseType: 'core', credits: '4' },
    conditions: { programCodes: [PROGRAM] },
    limits: { maxCreditsPerSource: '3' },
    review: { mode: 'auto' },
    validFrom: '2025-01-01',
  })
  await r.createRule({
    code: 'T-PR101',
    name: '外校实践课 → 企业实践',
    targetOrgId: school,
    source: { kind: 'course', orgId: sourceSchool, code: 'X-PRACT' },
    award: { courseCode: 'PR101', courseName: '企业实践', courseType: 'practice', credits: '2' },
    review: { mode: 'manual', steps: [{ role: 'reviewer', orgId: school }], dueDays: 15 },
    validFrom: '2025-01-01',
  })
  const course = (code: string, credits: string, occurredOn: string, orgId = school) =>
    r.outcome(learner, {
      orgId,
      code,
      title: code,
      credits,
      occurredOn,
      grade: { score: '90', scale: '100' },
    })
  await r.deliver([
    r.enrollment(learner, school, PROGRAM),
    r.enrollment(stranger, other, PROGRAM),
    course('SE1101', '4', '2025-10-10'),
    course('SE1101', '4', '2026-03-10'), // a retake: the course counts once
    course('WEB301', '4', '2026-09-20'),
    r.outcome(learner, {
      orgId: evalOrg,
      kind: 'certificate',
      typeCode: 'WEB-FE',
      level: 'intermediate',
      title: 'Web前端开发',
      occurredOn: '2026-09-05',
    }),
    course('X-PRACT', '3', '2026-04-01', sourceSchool),
    r.outcome(learner, {
      kind: 'training',
      title: '安全培训',
      hours: '8',
      occurredOn: '2026-05-01',
    }),
  ])
})

t.test('a school publishes a plan; a change is a new version, the same body is not', async (t) => {
  const first = await put(planUrl, planV1)
  t.equal(first.statusCode, 201, first.body)
  t.equal(first.json().version, 1)
  const again = await put(planUrl, planV1)
  t.equal(again.statusCode, 200)
  t.equal(again.json().version, 1, 'an unchanged plan answers the latest version')
  const read = await r.app.inject({ method: 'GET', url: planUrl })
  t.equal(read.statusCode, 200, 'published requirements are public')
  t.same(read.json().courses, planV1.courses)
  const list = await r.app.inject({ method: 'GET', url: `/v1/programs/${school}` })
  t.same(
    list.json().items.map((p: { programCode: string }) => p.programCode),
    [PROGRAM],
  )
})

t.test('another school cannot publish for this school; bad plans write nothing', async (t) => {
  const foreign = await put(planUrl, { ...planV1, totalCredits: '30' }, r.registrar(other))
  t.equal(foreign.statusCode, 403)
  t.equal(foreign.json().code, 'RECOGNITION_NOT_YOUR_SCHOOL')
  const learnerTry = await put(planUrl, planV1, r.learner(learner))
  t.equal(learnerTry.statusCode, 403)
  const over = await put(planUrl, { ...planV1, totalCredits: '10' })
  t.equal(over.statusCode, 422)
  t.equal(over.json().code, 'RECOGNITION_PLAN_INVALID')
  t.ok(over.json().errors.some((e: { path: string }) => e.path === '/creditsByType'))
  const twice = await put(planUrl, { ...planV1, courses: [planV1.courses[0], planV1.courses[0]] })
  t.equal(twice.statusCode, 422)
  t.same(
    twice.json().errors.map((e: { path: string }) => e.path),
    ['/courses/1/courseCode'],
  )
  const badType = await put(planUrl, { ...planV1, totalCredits: 'abc' })
  t.equal(badType.statusCode, 400)
  t.ok(badType.json().errors.some((e: { path: string }) => e.path === '/totalCredits'))
  const read = await r.app.inject({ method: 'GET', url: planUrl })
  t.equal(read.json().version, 1, 'still version 1')
  t.equal(read.json().totalCredits, '24')
})

t.test(
  'progress: what counts towards what, what is missing, the earliest term, certificates',
  async (t) => {
    // The certificate rule approved WEB201 automatically; PR101 waits for a reviewer.
    const res = await get(`/v1/learners/${learner}/progress`)
    t.equal(res.statusCode, 200, res.body)
    const p = res.json()
    t.equal(p.plan.version, 1)
    // Counted: SE1101 4 (2025), WEB301 4, WEB201 4 recognized. The SE1101 retake does not count.
    t.same(p.total, { required: '24', done: '12', missing: '12' })
    t.same(p.byType, [
      { courseType: 'foundation', required: '4', done: '4', missing: '0' },
      { courseType: 'core', required: '12', done: '8', missing: '4' },
      { courseType: 'practice', required: '2', done: '0', missing: '2' },
    ])
    t.same(
      p.requiredCourses.map((c: { courseCode: string; done: boolean }) => [c.courseCode, c.done]),
      [
        ['SE1101', true],
        ['WEB201', true],
        ['WEB202', false],
        ['PR101', false],
      ],
    )
    const lines = p.counted.map((l: any) => [
      l.source,
      l.courseCode,
      l.credits,
      l.countsTowards?.courseType ?? null,
    ])
    t.same(lines, [
      ['earned', 'SE1101', '4', 'foundation'],
      ['earned', 'SE1101', '4', null],
      ['earned', 'WEB301', '4', 'core'],
      ['recognized', 'WEB201', '4', 'core'],
    ])
    t.same(p.counted[3].rule, { code: 'T-WEB201', version: 1 })
    t.same(
      p.pending.map((a: any) => [a.courseCode, a.credits, a.status]),
      [['PR101', '2', 'in_review']],
    )
    t.same(
      p.notCounted.map((e: any) => e.kind),
      ['training'],
    )
    // Needed: max(24 − 12, 4 + 2, WEB202 4 + PR101 2) = 12. Caps: 8 a term (plan), 12 a year (T-WEB201).
    // 2026-autumn already counts WEB301 and WEB201 (8): no room. 2027-spring: 8. 2027-autumn: the
    // year 2027 has 12 − 8 = 4 left, which is what is still missing.
    t.equal(p.missingCredits, '12')
    t.same(p.caps.term, { credits: '8', from: ['plan'] })
    t.same(p.caps.year, { credits: '12', from: ['T-WEB201 v1'] })
    t.same(p.schedule, [
      { term: '2027-spring', credits: '8' },
      { term: '2027-autumn', credits: '4' },
    ])
    t.same(p.earliestTerm, { term: '2027-autumn', start: '2027-09-01' })
    // A senior WEB-FE certificate would replace WEB202, capped at 3 by the per-certificate limit.
    t.same(
      p.certificates.map((c: any) => [
        c.typeCode,
        c.level,
        c.courseCode,
        c.credits,
        c.limitsApplied.map((l: any) => l.limit),
      ]),
      [['WEB-FE', 'senior', 'WEB202', '3', ['maxCreditsPerSource']]],
    )
  },
)

t.test('a new plan version changes the answer; the old one stays readable', async (t) => {
  const v2 = await put(planUrl, { ...planV1, totalCredits: '30' })
  t.equal(v2.statusCode, 201)
  t.equal(v2.json().version, 2)
  const now = (await get(`/v1/learners/${learner}/progress`)).json()
  t.equal(now.plan.version, 2)
  t.same(now.total, { required: '30', done: '12', missing: '18' })
  const old = (await get(`/v1/learners/${learner}/progress?planVersion=1`)).json()
  t.equal(old.plan.version, 1)
  t.same(old.total, { required: '24', done: '12', missing: '12' })
  const none = await get(`/v1/learners/${learner}/progress?planVersion=9`)
  t.equal(none.statusCode, 404)
  t.equal(none.json().code, 'RECOGNITION_PLAN_NOT_FOUND')
})

t.test('who may read a learner progress', async (t) => {
  t.equal((await get(`/v1/learners/${learner}/progress`, r.registrar(school))).statusCode, 200)
  t.equal((await get(`/v1/learners/${learner}/progress`, r.admin)).statusCode, 200)
  const foreign = await get(`/v1/learners/${learner}/progress`, r.registrar(other))
  t.equal(foreign.statusCode, 404, 'another school does not learn the learner exists')
  t.equal(foreign.json().code, 'RECOGNITION_ENROLLMENT_NOT_FOUND')
  t.equal((await get(`/v1/learners/${learner}/progress`, r.learner(stranger))).statusCode, 404)
  t.equal((await get(`/v1/learners/${learner}/progress`, r.reviewer(school))).statusCode, 404)
  const notThere = await get(`/v1/learners/${learner}/progress?programCode=P-OTHER`)
  t.equal(notThere.statusCode, 404)
})

/** The term a China date falls in, as the test sees it. */
function termOfDate(d: string) {
  const y = Number(d.slice(0, 4))
  const m = Number(d.slice(5, 7))
  return m >= 9 ? `${y}-autumn` : m >= 3 ? `${y}-spring` : `${y - 1}-autumn`
}

t.test('credit tuition: each line explained, recognized credits at a share', async (t) => {
  const schedule = {
    items: [
      {
        programCode: PROGRAM,
        year: 2026,
        pricePerCredit: '120.50',
        recognizedCharge: 'share',
        recognizedShare: '0.3',
      },
      { programCode: PROGRAM, year: 2025, pricePerCredit: '100', recognizedCharge: 'exempt' },
    ],
  }
  const first = await put(scheduleUrl, schedule)
  t.equal(first.statusCode, 201, first.body)
  t.equal(first.json().version, 1)
  // WEB201 was approved when the worker ran (the database's clock): its term is the term of that day.
  const apps = await r.applicationsOf(learner)
  const web201 = apps.find((a) => a.course_code === 'WEB201')!
  const trail = await r.db
    .selectFrom('application_trail')
    .select('at')
    .where('application_id', '=', web201.id)
    .where('action', '=', 'approved')
    .executeTakeFirstOrThrow()
  const approvedOn = new Date(trail.at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)
  const term = '2026-autumn'
  const recognizedHere = termOfDate(approvedOn) === term
  const res = await get(`/v1/learners/${learner}/tuition?term=${term}`)
  t.equal(res.statusCode, 200, res.body)
  const b = res.json()
  t.equal(b.schedule.version, 1)
  // WEB301 (4 credits on 2026-09-20) at 120.50 = 482.00; WEB201 recognized: 4 × 120.50 × 0.3 = 144.60.
  const courseFen = 4 * 12050
  const recognizedFen = recognizedHere ? (4 * 12050 * 30) / 100 : 0
  t.same(
    b.lines.map((l: any) => [l.kind, l.courseCode, l.credits, l.share, l.amount]),
    [
      ['course', 'WEB301', '4', '1', '482.00'],
      ...(recognizedHere ? [['recognized', 'WEB201', '4', '0.3', '144.60']] : []),
    ],
  )
  t.equal(b.creditsEnrolled, recognizedHere ? '8' : '4')
  t.equal(b.creditsRecognized, recognizedHere ? '4' : '0')
  t.equal(b.tuitionDue, ((courseFen + recognizedFen) / 100).toFixed(2))
  if (recognizedHere) t.equal(b.lines[1].applicationId, web201.id, 'the line names the application')

  const y2025 = (await get(`/v1/learners/${learner}/tuition?term=2025-autumn`)).json()
  t.same(
    y2025.lines.map((l: any) => [l.courseCode, l.amount]),
    [['SE1101', '400.00']],
  )
  t.equal(y2025.tuitionDue, '400.00')
  // The retake on 2026-03-10 is in 2026-spring, academic year 2025: 4 × 100.
  const spring = (await get(`/v1/learners/${learner}/tuition?term=2026-spring`)).json()
  t.equal(spring.tuitionDue, '400.00')

  // Version 2 changes the price; version 1's figure stays reproducible.
  const v2 = await put(scheduleUrl, {
    items: [
      {
        programCode: PROGRAM,
        year: 2026,
        pricePerCredit: '99.99',
        recognizedCharge: 'share',
        recognizedShare: '0.33',
      },
    ],
  })
  t.equal(v2.json().version, 2)
  const now = (await get(`/v1/learners/${learner}/tuition?term=${term}`)).json()
  // 4 × 99.99 = 399.96; 4 × 99.99 × 0.33 = 131.9868 → 131.99 (half up, to the fen).
  const exact = 4 * 9999 * 33 // in 10^-6 yuan... as 10^-4 fen units
  const roundedFen = Math.floor((exact + 50) / 100)
  t.equal(roundedFen, 13199)
  t.equal(now.tuitionDue, ((39996 + (recognizedHere ? roundedFen : 0)) / 100).toFixed(2))
  t.equal(now.schedule.version, 2)
  const old = (await get(`/v1/learners/${learner}/tuition?term=${term}&scheduleVersion=1`)).json()
  t.equal(old.tuitionDue, b.tuitionDue, 'version 1 gives the first answer again')
  const unpriced = await get(`/v1/learners/${learner}/tuition?term=2025-autumn`)
  t.equal(unpriced.statusCode, 404, 'version 2 prices no academic year 2025')
  t.equal(unpriced.json().code, 'RECOGNITION_TUITION_NOT_FOUND')
})

t.test('tuition: bad input names the field; others cannot publish or read', async (t) => {
  const before = (await r.app.inject({ method: 'GET', url: scheduleUrl })).json().version
  const badTerm = await get(`/v1/learners/${learner}/tuition?term=2026-winter`)
  t.equal(badTerm.statusCode, 400)
  t.ok(
    badTerm.json().errors.some((e: { path: string }) => e.path.includes('term')),
    badTerm.body,
  )
  const exemptShare = await put(scheduleUrl, {
    items: [
      {
        programCode: PROGRAM,
        year: 2026,
        pricePerCredit: '100',
        recognizedCharge: 'exempt',
        recognizedShare: '0.5',
      },
    ],
  })
  t.equal(exemptShare.statusCode, 422)
  t.equal(exemptShare.json().code, 'RECOGNITION_TUITION_INVALID')
  t.same(
    exemptShare.json().errors.map((e: { path: string }) => e.path),
    ['/items/0/recognizedShare'],
  )
  const twice = await put(scheduleUrl, {
    items: [
      { programCode: PROGRAM, year: 2026, pricePerCredit: '100', recognizedCharge: 'exempt' },
      { programCode: PROGRAM, year: 2026, pricePerCredit: '90', recognizedCharge: 'exempt' },
    ],
  })
  t.same(
    twice.json().errors.map((e: { path: string }) => e.path),
    ['/items/1/year'],
  )
  const badPrice = await put(scheduleUrl, {
    items: [{ programCode: PROGRAM, year: 2026, pricePerCredit: '-1', recognizedCharge: 'exempt' }],
  })
  t.equal(badPrice.statusCode, 400)
  t.ok(badPrice.json().errors.some((e: { path: string }) => e.path === '/items/0/pricePerCredit'))
  const foreign = await put(
    scheduleUrl,
    {
      items: [
        { programCode: PROGRAM, year: 2026, pricePerCredit: '1', recognizedCharge: 'exempt' },
      ],
    },
    r.registrar(other),
  )
  t.equal(foreign.statusCode, 403)
  t.equal(foreign.json().code, 'RECOGNITION_NOT_YOUR_SCHOOL')
  const after = (await r.app.inject({ method: 'GET', url: scheduleUrl })).json().version
  t.equal(after, before, 'nothing was written')
  const otherReads = await get(
    `/v1/learners/${learner}/tuition?term=2026-autumn`,
    r.registrar(other),
  )
  t.equal(otherReads.statusCode, 404)
  t.equal(
    (await get(`/v1/learners/${learner}/tuition?term=2026-autumn`, r.registrar(school))).statusCode,
    200,
  )
})

t.test('the school picks courses by name from what its rules award and it posted', async (t) => {
  const res = await get(`/v1/programs/${school}/courses`, r.registrar(school))
  t.equal(res.statusCode, 200)
  const names = Object.fromEntries(res.json().items.map((c: any) => [c.courseCode, c.courseName]))
  t.equal(names.WEB201, '网页设计')
  t.equal(names.SE1101, 'SE1101')
  t.equal((await get(`/v1/programs/${school}/courses`, r.registrar(other))).statusCode, 403)
})

t.test("Korea's degree standards in seeds/ are requirement sets the API accepts", async (t) => {
  const file = JSON.parse(
    readFileSync(
      new URL('../../../seeds/programs/korea-acbs-degrees.json', import.meta.url),
      'utf8',
    ),
  ) as { requirementSets: Record<string, { totalCredits: string }> }
  const expected: Record<string, string> = { bachelor: '140', associate: '80' }
  for (const [name, set] of Object.entries(file.requirementSets)) {
    const res = await put(`/v1/programs/${other}/KR-${name}/requirements`, set, r.registrar(other))
    t.equal(res.statusCode, 201, res.body)
    t.equal(res.json().totalCredits, expected[name])
    t.equal(res.json().maxCreditsPerTerm, '24')
    t.equal(res.json().maxCreditsPerYear, '42')
  }
})

t.test('a replayed outcome counts once; a reversed one stops counting', async (t) => {
  const before = (await get(`/v1/learners/${learner}/progress`)).json()
  const web301 = before.counted.find((l: { courseCode: string }) => l.courseCode === 'WEB301')
  const again = r.outcome(learner, {
    entryId: web301.entryId,
    orgId: school,
    code: 'WEB301',
    title: 'WEB301',
    credits: '4',
    occurredOn: '2026-09-20',
  })
  await r.deliver([again]) // the same entry under a new event id
  const replayed = (await get(`/v1/learners/${learner}/progress`)).json()
  t.same(replayed.total, before.total, 'the replay changes nothing')
  await r.deliver([
    {
      type: 'accounts.entry.reversed',
      subject: learner,
      data: {
        entryId: randomUUID(),
        reversedEntryId: web301.entryId,
        learnerId: learner,
        orgId: school,
        reason: 'posted in error',
        postedAt: new Date().toISOString(),
      },
    },
  ])
  const after = (await get(`/v1/learners/${learner}/progress`)).json()
  // Plan v2: 30 in all; WEB301's 4 no longer count: 12 − 4 = 8 done.
  t.same(after.total, { required: '30', done: '8', missing: '22' })
  t.notOk(after.counted.some((l: { courseCode: string }) => l.courseCode === 'WEB301'))
})
