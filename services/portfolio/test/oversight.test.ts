import { eventually } from '@creditbank/testing'
import { CompiledQuery } from 'kysely'
import t, { type Test } from 'tap'
import { foldEveryone } from '../src/oversight/totals.js'
import { buildPortfolio, ids } from './helper.js'

// Issue 18, decision 0800: every oversight figure is held to numbers this test computes itself
// from the events it posts; a rebuild from the topics gives the same figures, a replay changes
// nothing, and only the province's admins and a recognition center's admins (for its region) read.

t.setTimeout(240_000)
const pf = await buildPortfolio()
t.teardown(() => pf.close())
const { app } = pf

/** A seeded generator: the same world on every run. */
let seed = 18
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
  return seed / 2_147_483_648
}
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T

interface Org {
  id: string
  name: string
  kind: string
  region: string
}
const org = (name: string, kind: string, region: string): Org => ({ id: ids(), name, kind, region })
const schools = [
  org('郑州铁路职业技术学院', 'school', '410102'),
  org('河南职业技术学院', 'school', '410100'),
  org('洛阳职业技术学院', 'school', '410300'),
  org('新乡职业技术学院', 'school', '410700'),
]
const enterprise = org('宇通客车股份有限公司', 'enterprise', '410100')
const evalOrgs = [
  org('工业和信息化部教育与考试中心', 'evaluation_org', '110000'),
  org('中国老年学学会', 'evaluation_org', '110000'),
]
const province = org('河南省学分银行管理中心', 'recognition_center', '410000')
const zhengzhou = org('河南省学分银行郑州学习成果认证分中心', 'recognition_center', '410100')
const orgs = [...schools, enterprise, ...evalOrgs, province, zhengzhou]

const CATEGORIES = [
  'student',
  'veteran',
  'migrant_worker',
  'farmer',
  'employee',
  'unemployed_graduate',
]
const REGIONS = ['410102', '410105', '410305', '411323', '410702', '410204']
interface Learner {
  id: string
  category: string
  region: string | null
  openedBy: Org
}
const learners: Learner[] = Array.from({ length: 36 }, (_, i) => ({
  id: ids(),
  category: pick(CATEGORIES),
  region: i === 35 ? null : pick(REGIONS),
  openedBy: i % 6 === 5 ? enterprise : pick(schools),
}))

type Ev = { type: string; subject?: string; data: Record<string, unknown>; time?: Date }
const events: Ev[] = []
let clock = Date.parse('2026-01-05T02:00:00Z')
const push = (e: Ev) => events.push({ ...e, time: new Date((clock += 60_000)) })

for (const o of orgs)
  push({
    type: 'identity.organization.registered',
    data: {
      organizationId: o.id,
      code: `C-${o.id.slice(-6)}`,
      name: o.name,
      kind: o.kind,
      regionCode: o.region,
      schoolLevel: o.kind === 'school' ? 'higher_vocational' : null,
    },
  })
for (const [i, l] of learners.entries()) {
  const data: Record<string, unknown> = {
    learnerId: l.id,
    accountNo: `2025${String(i).padStart(8, '0')}`,
    category: l.category,
    openedByOrgId: l.openedBy.id,
    birthDate: '1990-01-01',
  }
  // An account opened before accounts said the region: the masked 身份证号 tells it.
  if (l.region && i % 4 === 0) data.nationalIdMasked = `${l.region}********1234`
  else if (l.region) data.regionCode = l.region
  push({ type: 'accounts.learner.opened', data })
}

const day = (year: number) =>
  `${year}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`
interface Enrollment {
  learner: Learner
  org: Org
  startedOn: string
}
const enrollments: Enrollment[] = []
for (const l of learners.slice(0, 24)) {
  const e = {
    learner: l,
    org: pick(schools),
    startedOn: pick(['2024-09-01', '2025-03-01', '2025-09-01']),
  }
  enrollments.push(e)
  if (rand() < 0.2) enrollments.push({ learner: l, org: pick(schools), startedOn: '2025-10-15' })
}
for (const e of enrollments)
  push({
    type: 'accounts.enrollment.created',
    data: {
      enrollmentId: ids(),
      learnerId: e.learner.id,
      orgId: e.org.id,
      programCode: 'P-WEB',
      programName: '软件技术',
      startedOn: e.startedOn,
    },
  })

interface Training {
  entryId: string
  learner: Learner
  org: Org
  hours: string | null
  occurredOn: string
  kind: string
  reversed: boolean
}
const trainings: Training[] = []
for (let i = 0; i < 140; i++) {
  const tenths = 10 * Math.floor(4 + rand() * 60) + (rand() < 0.3 ? 5 : 0)
  trainings.push({
    entryId: ids(),
    learner: pick(learners),
    // Xinxiang's school trains little: a school below 2× beside schools above it.
    org: i % 9 === 0 ? enterprise : i % 17 === 1 ? (schools[3] as Org) : pick(schools.slice(0, 3)),
    hours: i % 23 === 0 ? null : `${Math.floor(tenths / 10)}${tenths % 10 ? '.5' : ''}`,
    occurredOn: day(pick([2024, 2025, 2025, 2025, 2026])),
    // A course at the same school is no training: it never counts.
    kind: i % 11 === 0 ? 'course' : 'training',
    reversed: i % 13 === 0,
  })
}
/** A training's posting, as accounts publishes it. */
const posting = (tr: Training) => ({
  type: 'accounts.outcome.posted',
  data: {
    entryId: tr.entryId,
    learnerId: tr.learner.id,
    orgId: tr.org.id,
    kind: tr.kind,
    title: '电工作业安全培训',
    code: null,
    credits: null,
    hours: tr.hours,
    grade: null,
    level: null,
    category: null,
    occurredOn: tr.occurredOn,
    externalRef: null,
    postedAt: new Date(clock).toISOString(),
  },
})
for (const tr of trainings) push(posting(tr))
for (const tr of trainings.filter((x) => x.reversed))
  push({
    type: 'accounts.entry.reversed',
    data: {
      entryId: ids(),
      reversedEntryId: tr.entryId,
      learnerId: tr.learner.id,
      orgId: tr.org.id,
      reason: '重复录入',
      postedAt: new Date(clock).toISOString(),
    },
  })

interface Cert {
  id: string
  learner: Learner
  typeCode: string
  typeName: string
  level: string
  score: string | null
  issuedOn: string
  evalOrg: Org
  revoked: boolean
}
const TYPES = [
  ['WEB-FE', 'Web前端开发'],
  ['ELDER-CARE', '老年照护'],
] as const
const certs: Cert[] = Array.from({ length: 30 }, (_, i) => {
  const [typeCode, typeName] = pick(TYPES)
  return {
    id: ids(),
    learner: pick(learners),
    typeCode,
    typeName,
    level: pick(['junior', 'intermediate', 'senior']),
    score: i % 5 === 0 ? null : String(40 + Math.floor(rand() * 60)),
    issuedOn: day(pick([2024, 2025, 2025])),
    evalOrg: typeCode === 'WEB-FE' ? (evalOrgs[0] as Org) : (evalOrgs[1] as Org),
    revoked: i % 7 === 3,
  }
})
for (const c of certs)
  push({
    type: 'certificates.certificate.issued',
    data: {
      certificateId: c.id,
      number: `X-${c.id.slice(-8)}`,
      learnerId: c.learner.id,
      typeCode: c.typeCode,
      typeName: c.typeName,
      level: c.level,
      score: c.score,
      issuedOn: c.issuedOn,
      expiresOn: null,
      evaluationOrgId: c.evalOrg.id,
    },
  })
for (const c of certs.filter((x) => x.revoked))
  push({
    type: 'certificates.certificate.revoked',
    data: {
      certificateId: c.id,
      number: `X-${c.id.slice(-8)}`,
      learnerId: c.learner.id,
      evaluationOrgId: c.evalOrg.id,
      reason: '考核作弊',
      revokedAt: new Date(clock).toISOString(),
    },
  })
const lastTime = new Date(clock).toISOString()

// ---- the figures, computed here from the events above ---------------------------------------

interface Period {
  from: string
  until: string
}
const YEAR_2025 = { from: '2025-01-01', until: '2026-01-01' }
const AUTUMN_2025 = { from: '2025-09-01', until: '2026-03-01' }
const within = (d: string, p: Period) => d >= p.from && d < p.until
const tenthsOf = (h: string | null) => (h ? Math.round(Number(h) * 10) : 0)
const hoursText = (tenths: number) => `${Math.floor(tenths / 10)}.${tenths % 10}`
const ratio = (pt: number, en: number) =>
  en === 0 ? null : (Math.round((pt * 100) / en) / 100).toFixed(2)

interface Want {
  period: Period
  prefix?: string
  category?: string
}
function expected(w: Want) {
  const prefix = w.prefix ?? ''
  const inScope = schools.filter((s) => s.region.startsWith(prefix))
  const counted = trainings.filter(
    (tr) =>
      tr.kind === 'training' &&
      !tr.reversed &&
      inScope.includes(tr.org) &&
      within(tr.occurredOn, w.period) &&
      (!w.category || tr.learner.category === w.category),
  )
  const measure = (where: (s: Org) => boolean) => {
    const mine = counted.filter((tr) => where(tr.org))
    const personTimes = mine.length
    const enrolled = new Set(
      enrollments
        .filter((e) => inScope.includes(e.org) && where(e.org) && within(e.startedOn, w.period))
        .map((e) => e.learner.id),
    ).size
    return {
      personTimes,
      people: new Set(mine.map((tr) => tr.learner.id)).size,
      hours: hoursText(mine.reduce((s, tr) => s + tenthsOf(tr.hours), 0)),
      enrolled,
      ratio: ratio(personTimes, enrolled),
      meets: enrolled > 0 && personTimes >= 2 * enrolled,
    }
  }
  const bySchool = inScope.map((s) => ({ schoolName: s.name, ...measure((o) => o === s) }))
  const cityCodes = [...new Set(inScope.map((s) => `${s.region.slice(0, 4)}00`))].sort()
  const cities = cityCodes.map((code) => {
    const mine = inScope.filter((s) => `${s.region.slice(0, 4)}00` === code)
    return {
      regionCode: code,
      schools: mine.length,
      schoolsMeeting: bySchool.filter((b, i) => b.meets && mine.includes(inScope[i] as Org)).length,
      ...measure((o) => mine.includes(o)),
    }
  })
  const volume = (key: (tr: Training) => string | null) => {
    const groups = new Map<string | null, Training[]>()
    for (const tr of counted) groups.set(key(tr), [...(groups.get(key(tr)) ?? []), ...[tr]])
    return new Map(
      [...groups].map(([k, xs]) => [
        k,
        {
          personTimes: xs.length,
          people: new Set(xs.map((x) => x.learner.id)).size,
          hours: hoursText(xs.reduce((s, x) => s + tenthsOf(x.hours), 0)),
        },
      ]),
    )
  }
  return {
    schools: bySchool,
    cities,
    province: measure(() => true),
    groups: volume((tr) => tr.learner.category),
    learnerCities: volume((tr) =>
      tr.learner.region ? `${tr.learner.region.slice(0, 4)}00` : null,
    ),
  }
}

/** The school whose city a certificate counts in: latest enrollment begun by the issue day, else the latest; else the school that opened the account. */
function schoolOf(c: Cert): Org | null {
  const mine = enrollments
    .filter((e) => e.learner === c.learner)
    .sort((a, b) => b.startedOn.localeCompare(a.startedOn))
  const before = mine.find((e) => e.startedOn <= c.issuedOn)
  const chosen = before ?? mine[0]
  if (chosen) return chosen.org
  return c.learner.openedBy.kind === 'school' ? c.learner.openedBy : null
}
function expectedCertificates(year?: number, prefix = '') {
  const out = new Map<string, { count: number; scored: number; passed: number }>()
  for (const c of certs) {
    if (c.revoked) continue
    if (year && !c.issuedOn.startsWith(String(year))) continue
    const school = schoolOf(c)
    if (prefix && !school?.region.startsWith(prefix)) continue
    const city = school ? `${school.region.slice(0, 4)}00` : null
    const key = [c.issuedOn.slice(0, 4), c.typeCode, c.level, c.evalOrg.name, city].join('|')
    const row = out.get(key) ?? { count: 0, scored: 0, passed: 0 }
    row.count++
    if (c.score !== null) row.scored++
    if (c.score !== null && Number(c.score) >= 60) row.passed++
    out.set(key, row)
  }
  return out
}

// ---- the service's answers ----------------------------------------------------------------

const admin = pf.admin
const cityAdmin = pf.platform.keys.auth({
  roles: ['reviewer'],
  org: zhengzhou.id,
  orgAdmin: [zhengzhou.id],
})
const get = async (url: string, headers: Record<string, string> = admin) => {
  const res = await app.inject({ method: 'GET', url, headers })
  return { status: res.statusCode, body: res.json() }
}
type Row = Record<string, unknown>
const volumeOf = (r: Row) => ({ personTimes: r.personTimes, people: r.people, hours: r.hours })
const measuredOf = (r: Row) => ({
  ...volumeOf(r),
  enrolled: r.enrolled,
  ratio: r.ratio,
  meets: r.meets,
})

function holdTo(t: Test, body: Row, want: ReturnType<typeof expected>, what: string) {
  const schoolsGot = body.schools as Row[]
  t.same(
    schoolsGot.map((s) => ({ schoolName: s.schoolName, ...measuredOf(s) })),
    [...want.schools].sort((a, b) => {
      const ra = schools.find((s) => s.name === a.schoolName)!.region
      const rb = schools.find((s) => s.name === b.schoolName)!.region
      return ra.localeCompare(rb) || a.schoolName.localeCompare(b.schoolName)
    }),
    `${what}: every school`,
  )
  t.same(
    (body.cities as Row[]).map((c) => ({
      regionCode: c.regionCode,
      schools: c.schools,
      schoolsMeeting: c.schoolsMeeting,
      ...measuredOf(c),
    })),
    want.cities,
    `${what}: every city`,
  )
  const [prov] = body.provinces as Row[]
  t.same(measuredOf(prov as Row), want.province, `${what}: the province`)
  t.same(
    new Map((body.groups as Row[]).map((g) => [g.category, volumeOf(g)])),
    want.groups,
    `${what}: by target group`,
  )
  t.same(
    new Map((body.learnerCities as Row[]).map((g) => [g.cityCode, volumeOf(g)])),
    want.learnerCities,
    `${what}: by the learner's city`,
  )
}

const snapshot = async () => ({
  year: (await get('/v1/oversight/training?year=2025')).body,
  term: (await get('/v1/oversight/training?term=2025-autumn')).body,
  certificates: (await get('/v1/oversight/1x')).body,
})

t.test('before any event there are no figures, and the page says so', async (t) => {
  const { status, body } = await get('/v1/oversight/training?year=2025')
  t.equal(status, 200)
  t.equal(body.asOf, null)
  t.same(body.schools, [])
})

let posted: Awaited<ReturnType<typeof pf.apply>> = []
t.test('the events are read', async (t) => {
  posted = await pf.apply(...events)
  t.ok(
    trainings.some((tr) => tr.reversed) && certs.some((c) => c.revoked),
    'the world has reversals and revocations',
  )
})

t.test('the 2× figures per school, city and province match the events', async (t) => {
  const year = await get('/v1/oversight/training?year=2025')
  t.equal(year.status, 200)
  t.equal(year.body.asOf, lastTime, 'as of the last event posted')
  t.equal(year.body.events, events.length)
  t.same(year.body.period, { kind: 'year', name: '2025', from: '2025-01-01', until: '2026-01-01' })
  const want = expected({ period: YEAR_2025 })
  t.ok(
    want.schools.some((s) => s.meets) && want.schools.some((s) => !s.meets && s.enrolled > 0),
    'schools above and below 2×',
  )
  holdTo(t, year.body, want, '2025')

  const term = await get('/v1/oversight/training?term=2025-autumn')
  holdTo(t, term.body, expected({ period: AUTUMN_2025 }), 'autumn 2025')

  for (const category of ['veteran', 'migrant_worker']) {
    const res = await get(`/v1/oversight/training?year=2025&category=${category}`)
    holdTo(t, res.body, expected({ period: YEAR_2025, category }), `2025, ${category}`)
  }
  const luoyang = await get('/v1/oversight/training?year=2025&regionCode=410300')
  holdTo(t, luoyang.body, expected({ period: YEAR_2025, prefix: '4103' }), 'Luoyang')

  const one = schools[0] as Org
  const school = await get(`/v1/oversight/training?year=2025&schoolId=${one.id}`)
  t.same(
    (school.body.schools as Row[]).map((s) => s.schoolId),
    [one.id],
    'one school asked, one school answered',
  )
})

t.test(
  '1+X certificates by type, level, year, issuer and the city of the learner’s school',
  async (t) => {
    for (const [query, year, prefix] of [
      ['', undefined, ''],
      ['?year=2025', 2025, ''],
      ['?year=2024&regionCode=410100', 2024, '4101'],
    ] as const) {
      const { status, body } = await get(`/v1/oversight/1x${query}`)
      t.equal(status, 200)
      const got = new Map(
        (body.items as Row[]).map((i) => [
          [i.year, i.typeCode, i.level, i.evaluationOrgName, i.schoolCityCode].join('|'),
          { count: i.count, scored: i.scored, passed: i.passed },
        ]),
      )
      t.same(got, expectedCertificates(year, prefix), `certificates${query || ' (every year)'}`)
    }
  },
)

t.test('a city’s recognition center admin sees its city only', async (t) => {
  const own = await get('/v1/oversight/training?year=2025', cityAdmin)
  t.equal(own.status, 200)
  t.equal(own.body.scope, '410100')
  holdTo(t, own.body, expected({ period: YEAR_2025, prefix: '4101' }), 'Zhengzhou’s admin')
  const certificates = await get('/v1/oversight/1x?year=2025', cityAdmin)
  t.ok(
    (certificates.body.items as Row[]).every((i) => i.schoolCityCode === '410100'),
    'certificates of Zhengzhou’s schools only',
  )
  for (const url of [
    '/v1/oversight/training?year=2025&regionCode=410300',
    '/v1/oversight/training?year=2025&regionCode=410000',
    '/v1/oversight/1x?regionCode=410300',
    '/v1/oversight/files/schools?regionCode=410300&format=csv',
  ]) {
    const res = await get(url, cityAdmin)
    t.equal(res.status, 403, url)
    t.equal(res.body.code, 'OVERSIGHT_REGION_OUT_OF_SCOPE')
  }
})

t.test('non-admins are refused, and bad filters are named', async (t) => {
  const school = schools[0] as Org
  const callers = {
    learner: pf.learner((learners[0] as Learner).id),
    registrar: pf.platform.keys.auth({ roles: ['registrar'], org: school.id }),
    'a school’s own admin': pf.platform.keys.auth({
      roles: [],
      org: school.id,
      orgAdmin: [school.id],
    }),
    reviewer: pf.platform.keys.auth({ roles: ['reviewer'], org: zhengzhou.id }),
  }
  for (const [who, headers] of Object.entries(callers))
    for (const url of [
      '/v1/oversight/training',
      '/v1/oversight/1x',
      '/v1/oversight/files/schools',
    ]) {
      const res = await get(url, headers)
      t.equal(res.status, 403, `${who}: ${url}`)
      t.equal(res.body.code, 'OVERSIGHT_FORBIDDEN')
    }
  t.equal((await get('/v1/oversight/training', {})).status, 401, 'anonymous')
  for (const [url, field] of <[string, string][]>[
    ['/v1/oversight/training?year=25', '/year'],
    ['/v1/oversight/training?term=2025-winter', '/term'],
    ['/v1/oversight/training?regionCode=4101', '/regionCode'],
    ['/v1/oversight/training?category=pilot', '/category'],
    ['/v1/oversight/training?year=2025&term=2025-autumn', '/term'],
    ['/v1/oversight/files/everything', '/table'],
  ]) {
    const res = await get(url)
    t.equal(res.status, 400, url)
    t.ok(JSON.stringify(res.body.errors ?? res.body).includes(field), `${url} names ${field}`)
  }
})

t.test('every table downloads as CSV and XLSX with the figures shown', async (t) => {
  const want = expected({ period: YEAR_2025 })
  const res = await app.inject({
    method: 'GET',
    url: '/v1/oversight/files/schools?year=2025&format=csv',
    headers: admin,
  })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /text\/csv/)
  const lines = res.body
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n')
  t.equal(lines[0]?.split(',')[2], '学校', 'headers in Chinese by default')
  t.equal(lines.length, schools.length + 1)
  for (const s of want.schools) {
    const line = lines.find((l) => l.includes(s.schoolName))
    t.ok(
      line?.includes(`,${s.personTimes},${s.people},${Number(s.hours)},${s.enrolled},`),
      `${s.schoolName} in the file`,
    )
  }
  for (const table of [
    'schools',
    'cities',
    'provinces',
    'groups',
    'learner-cities',
    'certificates',
  ]) {
    for (const format of ['csv', 'xlsx']) {
      const file = await app.inject({
        method: 'GET',
        url: `/v1/oversight/files/${table}?year=2025&format=${format}`,
        headers: { ...admin, 'accept-language': 'en' },
      })
      t.equal(file.statusCode, 200, `${table}.${format}`)
      t.match(file.headers['content-disposition'], new RegExp(`oversight-${table}\\.${format}`))
      if (format === 'xlsx') t.equal(file.rawPayload.subarray(0, 2).toString(), 'PK')
      else t.match(file.body, /As of/)
    }
  }
})

t.test(
  'a school registered after its trainings, then moved to another city, counts where it is',
  async (t) => {
    // A rebuild reads topic by topic: the identity topic's registration may come after the trainings.
    const late = org('平顶山工业职业技术学院', 'school', '410402')
    const lateTrainings: Training[] = learners.slice(0, 6).map((l, i) => ({
      entryId: ids(),
      learner: l,
      org: late,
      hours: `${4 + i}.5`,
      occurredOn: `2025-0${1 + i}-10`,
      kind: 'training',
      reversed: false,
    }))
    const at = events.length
    for (const tr of lateTrainings) push(posting(tr))
    // Keyed by the school, as identity publishes it: its registration and edit keep their order.
    const registered = (regionCode: string) => ({
      type: 'identity.organization.registered',
      subject: late.id,
      data: {
        organizationId: late.id,
        code: 'C-LATE',
        name: late.name,
        kind: 'school',
        regionCode,
        schoolLevel: 'higher_vocational',
      },
    })
    push(registered('410402'))
    posted.push(...(await pf.apply(...events.slice(at))))
    schools.push(late)
    trainings.push(...lateTrainings)
    let year = await get('/v1/oversight/training?year=2025')
    holdTo(t, year.body, expected({ period: YEAR_2025 }), 'a school registered late')
    t.ok(
      (year.body.cities as Row[]).some((c) => c.regionCode === '410400'),
      'its city appears',
    )

    // identity publishes an edit of the school's region as its registration again.
    const edit = events.length
    push(registered('410502'))
    posted.push(...(await pf.apply(...events.slice(edit))))
    late.region = '410502'
    year = await get('/v1/oversight/training?year=2025')
    holdTo(t, year.body, expected({ period: YEAR_2025 }), 'the school moved to Anyang')
    t.notOk(
      (year.body.cities as Row[]).some((c) => c.regionCode === '410400'),
      'its old city is gone',
    )
  },
)

t.test(
  'totals made from the rows alone, as the upgrade fills them, are the totals kept',
  async (t) => {
    const before = await snapshot()
    await pf.db.deleteFrom('oversight_total').execute()
    await pf.db.executeQuery(CompiledQuery.raw(foldEveryone))
    t.same(await snapshot(), before)
  },
)

/** Asks for a projection's rebuild, as an admin; the replay runs in the background. */
async function rebuild(t: Test, projection: 'timeline' | 'oversight') {
  const res = await app.inject({
    method: 'POST',
    url: `/v1/admin/${projection}/rebuild`,
    headers: admin,
  })
  t.equal(res.statusCode, 202)
  return res.json() as { deleted: number }
}

t.test('rebuilding the timeline leaves the figures as they are', async (t) => {
  const before = await snapshot()
  await rebuild(t, 'timeline')
  await pf.settled(posted.map((e) => e.id))
  t.same(await snapshot(), before)
})

t.test('a replay of every event changes nothing', async (t) => {
  const before = await snapshot()
  // The same events again, same ids, as a redelivery after a crash would bring them.
  await pf.platform.transport.publish(
    posted.map((e) => ({
      topic: `creditbank.${e.type.split('.')[0]}.v1`,
      key: e.subject ?? null,
      value: JSON.stringify(e),
    })),
  )
  await new Promise((r) => setTimeout(r, 1_500))
  t.same(await snapshot(), before)
})

t.test('rebuilt from the topics, the figures are the same', async (t) => {
  const before = await snapshot()
  t.ok((await rebuild(t, 'oversight')).deleted > 0, 'the projection was dropped')
  await eventually(async () => (await snapshot()).year.events === events.length, 120_000)
  await pf.settled(posted.map((e) => e.id))
  t.same(await snapshot(), before)
})
