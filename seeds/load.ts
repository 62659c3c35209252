// Loads the demo data through the public HTTP API only (as institutions' systems would), in the
// order the events need: organizations and people, the 1+X catalog, alliances and rules, then
// learners and their history, certificates, and the reviews that move applications through every
// state. Each part is guarded: a service that is not running is reported and the rest goes on.
// Every write carries a stable Idempotency-Key or a natural key, so a second run changes nothing.
//
// Standalone: tsx seeds/load.ts --base http://localhost:3000 --admin admin:PASSWORD --password DEMO_PASSWORD
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import * as d from './data.js'
import { ApiError, Http } from './http.js'

const here = dirname(fileURLToPath(import.meta.url))

export interface DemoLogin {
  role: string
  username: string
  description: string
}

export interface DemoSummary {
  complete: boolean
  at: string
  logins: DemoLogin[]
  parts: Record<string, string>
  counts: Record<string, number>
}

interface Log {
  info(o: object, msg?: string): void
  warn(o: object, msg?: string): void
  error(o: object, msg?: string): void
}

export interface LoadOptions {
  baseUrl: string
  admin: { username: string; password: string }
  demoPassword: string
  log?: Log
  say?: (line: string) => void
}

type Ids = Record<string, string>

/** Everything the parts share while loading. */
class Ctx {
  http: Http
  admin = ''
  orgs: Ids = {}
  learners: Ids = {}
  tokens = new Map<string, string>()
  counts: Record<string, number> = {}
  constructor(readonly o: LoadOptions) {
    this.http = new Http(o.baseUrl)
  }
  count(what: string, n = 1) {
    this.counts[what] = (this.counts[what] ?? 0) + n
  }
  /** One token per person for the whole load (the token endpoint is rate limited). */
  async as(username: string): Promise<string> {
    let t = this.tokens.get(username)
    if (!t) {
      t = await this.http.login(username, this.o.demoPassword)
      this.tokens.set(username, t)
    }
    return t
  }
  org(code: string): string {
    const id = this.orgs[code]
    if (!id) throw new Error(`organization ${code} was not registered`)
    return id
  }
  learner(key: string): string {
    const id = this.learners[key]
    if (!id) throw new Error(`learner ${key} has no account`)
    return id
  }
}

// ---------------------------------------------------------------------------------------------
// identity: organizations and staff

async function organizations(c: Ctx) {
  const catalog = JSON.parse(readFileSync(join(here, 'certificate-types.json'), 'utf8')) as {
    evaluationOrgs: { code: string; name: string; regionCode: string }[]
  }
  const evaluation: d.OrgSeed[] = catalog.evaluationOrgs.map((e) => ({
    ...e,
    kind: 'evaluation_org',
  }))
  for (const o of [...d.schools, ...d.employers, ...evaluation, ...d.centers]) {
    const body = {
      code: o.code,
      name: o.name,
      kind: o.kind,
      regionCode: o.regionCode,
      ...(o.schoolLevel ? { schoolLevel: o.schoolLevel } : {}),
    }
    const org = await c.http.post<{ id: string }>('/v1/organizations', body, {
      token: c.admin,
      key: `seed-org-${o.code}`,
    })
    c.orgs[o.code] = org.id
    c.count('organizations')
  }
}

async function staffUsers(c: Ctx) {
  for (const s of d.staff) {
    const body = {
      username: s.username,
      password: c.o.demoPassword,
      displayName: s.displayName,
      memberships: [{ orgId: c.org(s.orgCode), role: s.role }],
    }
    await c.http.post('/v1/users', body, { token: c.admin, key: `seed-user-${s.username}` })
    c.count('staff users')
  }
}

// ---------------------------------------------------------------------------------------------
// certificates: the 1+X catalog

async function catalog(c: Ctx) {
  const file = JSON.parse(readFileSync(join(here, 'certificate-types.json'), 'utf8')) as {
    types: (Record<string, unknown> & { code: string; evaluationOrgCode: string })[]
  }
  for (const { evaluationOrgCode, ...t } of file.types) {
    try {
      await c.http.post(
        '/v1/certificate-types',
        { ...t, evaluationOrgId: c.org(evaluationOrgCode) },
        { token: c.admin, key: `seed-type-${t.code}` },
      )
    } catch (err) {
      if (!(err instanceof ApiError && err.problem.code === 'CERTIFICATES_TYPE_CODE_TAKEN'))
        throw err
    }
    c.count('certificate types')
  }
}

// ---------------------------------------------------------------------------------------------
// recognition: the alliance and the rule sets

async function alliancesAndRules(c: Ctx) {
  const members = [
    'HN-ZZRVC',
    'HN-HNVC',
    'HN-HNPI',
    'HN-YRCW',
    'HN-KFU',
    'HN-LYVTC',
    'HN-XXVTC',
    'HN-HAUST',
    'HN-XXU',
    'HN-HOU',
  ].map((code) => c.org(code))
  let alliance: { id: string }
  try {
    alliance = await c.http.post(
      '/v1/alliances',
      { code: 'HN-VOC-ALLIANCE', name: '河南省职业教育学习成果互认联盟', memberOrgIds: members },
      { token: c.admin, key: 'seed-alliance-1' },
    )
  } catch (err) {
    if (!(err instanceof ApiError && err.problem.code === 'RECOGNITION_ALLIANCE_CODE_TAKEN'))
      throw err
    const page = await c.http.get<{ items: { id: string; code: string }[] }>(
      '/v1/alliances?limit=100',
      c.admin,
    )
    alliance = page.items.find((a) => a.code === 'HN-VOC-ALLIANCE')!
  }
  const places: Ids = {
    ...c.orgs,
    ALLIANCE: alliance.id,
    COLLEGE: c.org('HN-HNVC'),
    DEPARTMENT: c.org('HN-HNVC'),
    ACADEMIC_AFFAIRS: c.org('HN-HNVC'),
    EVALUATION_ORG: c.org('EVAL-MIIT-CEEC'),
    CREDIT_BANK: c.org('RC-HNCB'),
    ACBS: c.org('HN-HOU'),
    UNIV_A: c.org('HN-HAUST'),
    UNIV_B: c.org('HN-XXU'),
  }
  for (const file of [
    'rules/henan-x-certificates.json',
    'rules/korea-acbs.json',
    'demo-rules.json',
  ]) {
    const text = readFileSync(join(here, file), 'utf8').replace(
      /\{\{([A-Za-z0-9_-]+)\}\}/g,
      (_m, name: string) => {
        const id = places[name]
        if (!id) throw new Error(`${file}: no organization for placeholder ${name}`)
        return id
      },
    )
    for (const rule of (JSON.parse(text) as { rules: { code: string }[] }).rules) {
      try {
        await c.http.post('/v1/rules', rule, { token: c.admin, key: `seed-rule-${rule.code}` })
      } catch (err) {
        if (!(err instanceof ApiError && err.problem.code === 'RECOGNITION_RULE_CODE_TAKEN'))
          throw err
      }
      c.count('rules')
    }
  }
}

// ---------------------------------------------------------------------------------------------
// accounts: learners, enrollments and years of outcomes

const registrarOf: Record<string, string> = Object.fromEntries(
  d.staff.filter((s) => s.role === 'registrar').map((s) => [s.orgCode, s.username]),
)

/**
 * Each learner's 身份证号 and name: schools, enterprises and training bodies name a learner by
 * them (an organization acts on a learner by id only once it knows them; decision 0613).
 */
const people = new Map<string, { nationalId: string; name: string }>()
function personOf(key: string) {
  const p = people.get(key)
  if (!p) throw new Error(`no learner ${key} in the seeds`)
  return p
}

async function learnersAndEnrollments(c: Ctx) {
  // Each learner's account is opened by the first institution that knows them (the same person
  // again answers the same account).
  const firstOrg = new Map<string, string>()
  for (const [key, org] of [
    ...d.enrollments.map((e) => [e[0], e[1]]),
    ...d.trainings.map((t) => [t[0], t[1]]),
  ])
    if (!firstOrg.has(key!)) firstOrg.set(key!, org!)
  for (const [index, l] of d.learners.entries()) {
    const org = firstOrg.get(l.key) ?? 'TB-ZZSKILL'
    const token = await c.as(registrarOf[org]!)
    const body = {
      nationalId: d.nationalIdOf(l, index),
      name: l.name,
      birthDate: l.birth,
      category: l.category,
    }
    const learner = await c.http.post<{ id: string }>('/v1/learners', body, {
      token,
      key: `seed-learner-${l.key}`,
    })
    c.learners[l.key] = learner.id
    people.set(l.key, { nationalId: body.nationalId, name: body.name })
    c.count('learners')
  }
  for (const [key, org, programCode, programName, startedOn] of d.enrollments) {
    const token = await c.as(registrarOf[org]!)
    await c.http.post(
      '/v1/enrollments',
      { learnerId: c.learner(key), ...personOf(key), programCode, programName, startedOn },
      { token, key: `seed-enroll-${key}-${org}-${programCode}` },
    )
    c.count('enrollments')
  }
}

/** A stable pseudo-random score per learner and course (so a re-run posts the same content). */
function scoreOf(seed: string): number {
  let h = 2166136261
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0
  return 62 + (h % 36)
}

async function outcomes(c: Ctx) {
  const byOrg = new Map<string, Record<string, unknown>[]>()
  const add = (org: string, item: Record<string, unknown>) =>
    byOrg.set(org, [...(byOrg.get(org) ?? []), item])
  for (const [key, org, terms] of d.coursework) {
    const list = d.courses[org]!
    let next = 0
    terms.forEach((on, t) => {
      // Each term closes the next two or three of the school's courses, in catalog order.
      const take = list.slice(next, next + (t % 2 === 0 ? 3 : 2))
      next += take.length
      for (const course of take) {
        const score = scoreOf(`${key}-${course.code}`)
        add(org, {
          ...personOf(key),
          kind: 'course',
          title: course.title,
          code: course.code,
          credits: course.credits,
          hours: course.hours,
          grade: { score: String(score), scale: '100' },
          occurredOn: on,
          externalRef: `${org}-${key}-${course.code}`,
        })
      }
    })
  }
  for (const [key, org, title, hours, category, on] of d.trainings) {
    add(org, {
      ...personOf(key),
      kind: 'training',
      title,
      hours,
      category,
      occurredOn: on,
      externalRef: `${org}-${key}-T-${on}`,
    })
  }
  for (const [key, org, title, level, on] of d.competitions) {
    add(org, {
      ...personOf(key),
      kind: 'competition',
      title,
      level,
      occurredOn: on,
      externalRef: `${org}-${key}-C-${on}`,
    })
  }
  add('ENT-CRTG', {
    ...personOf('wu'),
    kind: 'work',
    title: '盾构机维保技术员岗位实践',
    hours: '1200',
    occurredOn: '2026-06-30',
    externalRef: 'ENT-CRTG-wu-W-2026',
  })
  for (const [org, items] of byOrg) {
    const token = await c.as(registrarOf[org]!)
    const res = await c.http.post<{ created: number; existing: number }>(
      '/v1/outcomes/batch',
      { items },
      { token, key: `seed-outcomes-${org}-${items.length}` },
    )
    c.count('outcomes', res.created + res.existing)
  }
  // A correction: a posting made in error and reversed (the original stays in the ledger).
  const token = await c.as('registrar.zzskill')
  const wrong = await c.http.post<{ id: string }>(
    '/v1/outcomes',
    {
      learnerId: c.learner('huang'),
      ...personOf('huang'),
      kind: 'training',
      title: '高校毕业生网络直播营销培训（重复录入）',
      hours: '80',
      category: 'unemployed_graduate',
      occurredOn: '2025-03-28',
      externalRef: 'TB-ZZSKILL-huang-T-dup',
    },
    { token, key: 'seed-outcome-dup' },
  )
  try {
    await c.http.post(
      `/v1/entries/${wrong.id}/reversal`,
      { reason: '重复录入，已冲正' },
      { token, key: 'seed-reversal-dup' },
    )
  } catch (err) {
    if (!(err instanceof ApiError && err.problem.code === 'ACCOUNTS_ENTRY_ALREADY_REVERSED'))
      throw err
  }
  c.count('reversals')
}

// ---------------------------------------------------------------------------------------------
// certificates: 1+X certificates issued to learners

const issuerOf: Record<string, string> = { 'WEB-FE': 'issuer.miit', 'ELDER-CARE': 'issuer.zhongfu' }

async function issueCertificates(c: Ctx) {
  const names = new Map(d.learners.map((l) => [l.key, l.name]))
  for (const [key, typeCode, level, score, issuedOn] of d.certificates) {
    const token = await c.as(issuerOf[typeCode]!)
    await c.http.post(
      '/v1/certificates',
      { typeCode, level, learnerId: c.learner(key), holderName: names.get(key), score, issuedOn },
      { token, key: `seed-cert-${key}-${typeCode}-${level}` },
    )
    c.count('certificates')
  }
  // One revoked: issued on the wrong level and withdrawn by its organization.
  const token = await c.as('issuer.miit')
  const wrong = await c.http.post<{ id: string; status: string }>(
    '/v1/certificates',
    {
      typeCode: 'WEB-FE',
      level: 'senior',
      learnerId: c.learner('liu'),
      holderName: '刘洋',
      score: '61',
      issuedOn: '2025-07-15',
    },
    { token, key: 'seed-cert-liu-wrong' },
  )
  if (wrong.status !== 'revoked') {
    await c.http.post(
      `/v1/certificates/${wrong.id}/revocation`,
      { reason: '等级录入错误，已按中级重新发证' },
      { token, key: 'seed-revoke-liu' },
    )
  }
  c.count('revocations')
}

// ---------------------------------------------------------------------------------------------
// demo learners sign up and claim their accounts

async function demoLearners(c: Ctx) {
  for (const [index, l] of d.learners.entries()) {
    if (!l.login) continue
    try {
      await c.http.post('/v1/auth/register', {
        username: l.login,
        password: c.o.demoPassword,
        displayName: l.name,
      })
    } catch (err) {
      // Already registered on an earlier, partial run.
      if (!(err instanceof ApiError && err.problem.status === 409)) throw err
    }
    const first = await c.http.login(l.login, c.o.demoPassword)
    try {
      await c.http.post(
        '/v1/learners/claim',
        { nationalId: d.nationalIdOf(l, index), name: l.name },
        { token: first, key: `seed-claim-${l.key}` },
      )
    } catch (err) {
      if (!(err instanceof ApiError && err.problem.code === 'ACCOUNTS_USER_ALREADY_LINKED'))
        throw err
    }
    // Identity learns of the claim through an event; later tokens carry the learner claim.
    await c.http.eventually(`${l.login}'s claim`, async () =>
      (await c.http.get<{ learner: string | null }>('/v1/me', first)).learner ? true : undefined,
    )
    c.tokens.set(l.login, await c.http.login(l.login, c.o.demoPassword))
    c.count('claimed accounts')
  }
}

// ---------------------------------------------------------------------------------------------
// recognition: move the rule-opened applications through every state

interface App {
  id: string
  status: string
  step: number | null
  rule: { code: string } | null
  learnerId: string
  award: { courseCode: string }
}

async function applicationsOf(c: Ctx, learnerKey: string, token: string): Promise<App[]> {
  const page = await c.http.get<{ items: App[] }>(
    `/v1/applications?learnerId=${c.learner(learnerKey)}&limit=100`,
    token,
  )
  return page.items
}

async function waitFor(c: Ctx, learnerKey: string, courseCode: string, token: string) {
  return c.http.eventually(`an application of ${learnerKey} for ${courseCode}`, async () =>
    (await applicationsOf(c, learnerKey, token)).find((a) => a.award.courseCode === courseCode),
  )
}

async function decide(
  c: Ctx,
  app: App,
  reviewer: string,
  decision: 'approve' | 'reject',
  reason: string,
) {
  const token = await c.as(reviewer)
  const step = app.step ?? 0
  return c.http.post<App>(
    `/v1/applications/${app.id}/decisions`,
    { decision, reason },
    { token, key: `seed-decide-${app.id}-${step}` },
  )
}

async function reviews(c: Ctx) {
  const admin = c.admin
  // 王晓明: Web前端开发（中级）→ 网页设计 approved through all four steps of the Henan chain.
  let a = await waitFor(c, 'wang', 'WEB201', admin)
  const chain: [string, string][] = [
    ['reviewer.hnvc.dept', '系部审核：证书等级与专业方向一致，同意认定。'],
    ['reviewer.hnvc', '教务处复核：未修读该课程，无重复认定，同意。'],
    ['reviewer.miit', '评价组织核验：证书真实有效。'],
    ['reviewer.hncb', '学分银行确认：符合互认标准，予以认定。'],
  ]
  for (const [reviewer, reason] of chain) {
    if (a.status !== 'in_review' && a.status !== 'open') break
    a = await decide(c, a, reviewer, 'approve', reason)
  }
  c.count('applications approved')
  // 刘洋: rejected at the department, with the reason.
  const liu = await waitFor(c, 'liu', 'WEB201', admin)
  if (liu.status === 'in_review' || liu.status === 'open')
    await decide(
      c,
      liu,
      'reviewer.hnvc',
      'reject',
      '该生已修读并通过《HTML5与CSS3网页制作》，按规定同一内容不重复认定学分。',
    )
  c.count('applications rejected')
  // 杨帅: competition award → core course, approved by the school.
  const yang = await waitFor(c, 'yang', 'RL2301', admin)
  if (yang.status === 'in_review' || yang.status === 'open')
    await decide(
      c,
      yang,
      'reviewer.zzrvc',
      'approve',
      '省级技能大赛一等奖，获奖证书已核验，同意替代《铁道机车专业技能实训》。',
    )
  c.count('applications approved')
  // 张建国: training hours rejected by the Zhengzhou sub-center, then appealed by him.
  const zhang = await waitFor(c, 'zhang', 'RL2401', admin)
  if (zhang.status === 'in_review' || zhang.status === 'open')
    await decide(
      c,
      zhang,
      'reviewer.zz',
      'reject',
      '培训证明未加盖培训机构公章，请补充材料后申诉。',
    )
  const zhangToken = await c.as('learner.zhang')
  const zNow = (await applicationsOf(c, 'zhang', zhangToken)).find((x) => x.id === zhang.id)
  if (zNow?.status === 'rejected')
    await c.http.post(
      `/v1/applications/${zhang.id}/appeal`,
      { reason: '已补充加盖公章的培训结业证明，请重新审核。' },
      { token: zhangToken, key: `seed-appeal-${zhang.id}` },
    )
  c.count('applications appealed')
  // 李春花: one training conversion approved by the provincial center, the other withdrawn by her.
  const liToken = await c.as('learner.li')
  const li = await c.http.eventually('two applications of li', async () => {
    const list = (await applicationsOf(c, 'li', liToken)).filter(
      (x) => x.award.courseCode === 'OU-PD01',
    )
    return list.length >= 2 ? list : undefined
  })
  const [first, second] = li
  if (first && (first.status === 'in_review' || first.status === 'open'))
    await decide(c, first, 'reviewer.hncb', 'approve', '培训学时真实，按18学时折算1学分认定。')
  if (second && (second.status === 'in_review' || second.status === 'open'))
    await c.http.post(
      `/v1/applications/${second.id}/withdrawal`,
      { reason: '该培训拟用于其他专业的学分认定，先撤回。' },
      { token: liToken, key: `seed-withdraw-${second.id}` },
    )
  c.count('applications withdrawn')
}

// ---------------------------------------------------------------------------------------------
// portfolio: a share link of a demo learner

async function shares(c: Ctx) {
  const token = await c.as('learner.wang')
  const label = '投递简历：宇通客车前端开发实习岗位'
  const existing = await c.http.get<{ items: { label: string | null; active: boolean }[] }>(
    '/v1/shares?limit=100',
    token,
  )
  if (existing.items.some((s) => s.label === label && s.active)) return
  const expiresAt = new Date(Date.now() + 90 * 86_400_000).toISOString()
  await c.http.post(
    '/v1/shares',
    { scope: 'all', expiresAt, label },
    { token, key: `seed-share-wang-${expiresAt}` },
  )
  c.count('shares')
}

// ---------------------------------------------------------------------------------------------

/** Schools' social training and adults' enrollments: the 2× figure of the oversight page (0800). */
async function schoolTraining(c: Ctx) {
  for (const [key, org, programCode, programName, startedOn] of d.adultEnrollments) {
    await c.http.post(
      '/v1/enrollments',
      { learnerId: c.learner(key), ...personOf(key), programCode, programName, startedOn },
      { token: await c.as(registrarOf[org]!), key: `seed-enroll-${key}-${org}-${programCode}` },
    )
    c.count('enrollments')
  }
  const byOrg = new Map<string, Record<string, unknown>[]>()
  for (const [key, org, title, hours, on] of d.schoolTrainings)
    byOrg.set(org, [
      ...(byOrg.get(org) ?? []),
      {
        ...personOf(key),
        kind: 'training',
        title,
        hours,
        occurredOn: on,
        externalRef: `${org}-${key}-ST-${on}`,
      },
    ])
  for (const [org, items] of byOrg) {
    const res = await c.http.post<{ created: number; existing: number }>(
      '/v1/outcomes/batch',
      { items },
      { token: await c.as(registrarOf[org]!), key: `seed-school-training-${org}-${items.length}` },
    )
    c.count('outcomes', res.created + res.existing)
  }
}

const parts: [string, (c: Ctx) => Promise<void>][] = [
  ['organizations (identity)', organizations],
  ['staff users (identity)', staffUsers],
  ['1+X catalog (certificates)', catalog],
  ['alliance and rules (recognition)', alliancesAndRules],
  ['learners and enrollments (accounts)', learnersAndEnrollments],
  ['outcomes and a reversal (accounts)', outcomes],
  ['certificates and a revocation (certificates)', issueCertificates],
  ['demo learners sign up and claim (identity, accounts)', demoLearners],
  ['reviews in every state (recognition)', reviews],
  ['a share link (portfolio)', shares],
  ['program plans and tuition (recognition)', programsAndTuition],
  ['schools’ social training (accounts)', schoolTraining],
]

/** Parts that later parts cannot do without. */
const essential = new Set(['organizations (identity)', 'staff users (identity)'])

// ---------------------------------------------------------------------------------------------
// recognition: program plans (one on Korea's ACBS standard) and credit tuition (decision 0810)

async function programsAndTuition(c: Ctx) {
  const standards = JSON.parse(
    readFileSync(join(here, 'programs/korea-acbs-degrees.json'), 'utf8'),
  ) as { requirementSets: Record<string, Record<string, unknown>> }
  for (const p of d.programPlans) {
    const base = p.standard ? { ...standards.requirementSets[p.standard]! } : { ...p.plan }
    if (p.programName) base.programName = p.programName
    await c.http.call('PUT', `/v1/programs/${c.org(p.orgCode)}/${p.programCode}/requirements`, {
      token: c.admin,
      body: { ...base, courses: p.courses },
    })
    c.count('program plans')
  }
  for (const [orgCode, items] of Object.entries(d.tuitionSchedules)) {
    await c.http.call('PUT', `/v1/organizations/${c.org(orgCode)}/tuition-schedule`, {
      token: c.admin,
      body: { items, note: '按学分收费：每学年每学分单价；认定学分按比例或免收（示例）' },
    })
    c.count('tuition schedules')
  }
}

export async function loadDemoData(o: LoadOptions): Promise<DemoSummary> {
  const c = new Ctx(o)
  const say = o.say ?? (() => {})
  c.admin = await c.http.login(o.admin.username, o.admin.password)
  const result: Record<string, string> = {}
  let complete = true
  for (const [name, run] of parts) {
    const t0 = Date.now()
    try {
      await run(c)
      result[name] = 'loaded'
      say(`✓ ${name} (${Date.now() - t0} ms)`)
    } catch (err) {
      complete = false
      const message = err instanceof Error ? err.message : String(err)
      result[name] = `not loaded: ${message}`
      o.log?.warn({ part: name, err: message }, 'demo data part not loaded')
      say(`✗ ${name}: ${message.slice(0, 240)}`)
      if (essential.has(name)) break
    }
  }
  const logins: DemoLogin[] = [
    ...d.staff.map((s) => ({
      role: s.role === 'admin' ? 'orgadmin' : s.role,
      username: s.username,
      description: s.description,
    })),
    ...d.learners
      .filter((l) => l.login)
      .map((l) => ({
        role: 'learner',
        username: l.login!,
        description: `${l.name}（${categoryZh[l.category]}）`,
      })),
  ]
  return { complete, at: new Date().toISOString(), logins, parts: result, counts: c.counts }
}

const categoryZh: Record<d.Category, string> = {
  student: '在校生',
  unemployed_graduate: '未就业高校毕业生',
  veteran: '退役军人',
  migrant_worker: '农民工',
  farmer: '农民',
  disabled: '残疾人',
  laid_off_worker: '下岗职工',
  employee: '企业职工',
  other: '其他',
}

// Standalone use, e.g. against docker-compose's gateway.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`)
    return i > 0 ? process.argv[i + 1] : undefined
  }
  const [username, password] = (arg('admin') ?? process.env.SEED_ADMIN ?? '').split(':')
  const demoPassword = arg('password') ?? process.env.DEMO_PASSWORD
  if (!username || !password || !demoPassword) {
    process.stderr.write(
      'usage: tsx seeds/load.ts --base http://localhost:3000 --admin USER:PASSWORD --password DEMO_PASSWORD\n',
    )
    process.exit(64)
  }
  const summary = await loadDemoData({
    baseUrl: arg('base') ?? 'http://localhost:3000',
    admin: { username, password },
    demoPassword,
    say: (l) => process.stdout.write(`${l}\n`),
  })
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
  process.exit(summary.complete ? 0 : 1)
}
