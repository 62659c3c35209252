import { createHash, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { definition as recognition } from '@creditbank/recognition/definition'
import { eventually, testService } from '@creditbank/testing'
import { strFromU8, unzipSync } from 'fflate'
import t from 'tap'
import portfolioApp from '../src/app.js'
import { plainPng } from './evidence-files.js'
import { call, fourServices, person } from './four-services.js'

// Issue 17, a copy of all my data (decision 0721): every service's part, asked over HTTP with the
// learner's own token, in one zip; nobody else's data in it; nobody else may ask for it; a service
// that does not answer fails it whole.

// Four services and the whole world of one learner, on a machine shared with other test files.
t.setTimeout(300_000)

// identity verifies only tokens it issued itself, and the other three verify this test's keys, so
// identity is a stand-in here answering GET /v1/me as identity does (identity's own test,
// services/identity/test/me.test.ts, reads the real answer for a learner with their token).
const identityCalls: string[] = []
let identityUser: Record<string, unknown> = {}
const idStandIn = createServer((req, res) => {
  identityCalls.push(`${req.method} ${req.url} ${req.headers.authorization}`)
  const ok = req.method === 'GET' && req.url === '/v1/me' && req.headers.authorization
  res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
  res.end(JSON.stringify(ok ? identityUser : { code: 'AUTH_REQUIRED' }))
})
await new Promise<void>((resolve) => idStandIn.listen(0, '127.0.0.1', resolve))
const idPort = (idStandIn.address() as { port: number }).port
const w = await fourServices({ identityUrl: `http://127.0.0.1:${idPort}` })
t.teardown(async () => {
  await w.close()
  await new Promise((resolve) => idStandIn.close(resolve))
})
const {
  platform,
  keys,
  acc,
  cer,
  rec,
  portfolio,
  source,
  target,
  evaluator,
  admin,
  registrar,
  issuer,
} = w

const me = person('王小数')
const someone = person('赵旁人')

// The source school opens both learners and posts a course for each.
await eventually(async () => {
  const res = await acc.app.inject({
    method: 'POST',
    url: '/v1/learners',
    headers: registrar(source),
    payload: { ...me, category: 'student' },
  })
  return res.statusCode === 201 || res.statusCode === 200
})
const mine = await call(acc.app, 'POST', '/v1/learners', registrar(source), {
  ...me,
  category: 'student',
})
const theirs = await call(acc.app, 'POST', '/v1/learners', registrar(source), {
  ...someone,
  category: 'student',
})
const learner = keys.auth({ roles: ['learner'], learner: mine.id })
const myUserId = randomUUID()
identityUser = {
  kind: 'user',
  subject: myUserId,
  roles: ['learner'],
  org: null,
  learner: mine.id,
  scopes: [],
  user: {
    id: myUserId,
    username: 'wang.xiaoshu',
    displayName: '王小数',
    platformAdmin: false,
    learnerId: mine.id,
    memberships: [],
    createdAt: '2026-09-01T02:00:00.000Z',
  },
  lastSignInAt: '2026-12-06T23:59:00.000Z',
}
const course = (learnerId: string, title: string) => ({
  learnerId,
  kind: 'course',
  title,
  code: 'RAIL101',
  credits: '3',
  grade: { score: '90', scale: '100' },
  occurredOn: '2025-06-30',
})
const myCourse = await call(
  acc.app,
  'POST',
  '/v1/outcomes',
  registrar(source),
  course(mine.id, '机车构造'),
)
const theirCourse = await call(
  acc.app,
  'POST',
  '/v1/outcomes',
  registrar(source),
  course(theirs.id, '旁人的课程'),
)

// The target school enrolls the learner; recognition turns a certificate into credits there.
const enrollment = await call(acc.app, 'POST', '/v1/enrollments', registrar(target), {
  learnerId: mine.id,
  programCode: 'P-WEB',
  programName: '软件技术',
  startedOn: '2025-09-01',
  ...me,
})
const typeCode = `T${randomUUID().slice(0, 6).toUpperCase()}`
await eventually(async () => {
  const res = await cer.app.inject({
    method: 'POST',
    url: '/v1/certificate-types',
    headers: admin,
    payload: {
      code: typeCode,
      name: 'Web前端开发',
      nameEn: 'Web Front-End Development',
      evaluationOrgId: evaluator.organizationId,
      levels: ['junior', 'intermediate'],
      validityYears: 3,
      fees: { junior: '80', intermediate: '120' },
      majors: ['软件技术'],
    },
  })
  return res.statusCode === 201
})
await eventually(async () => {
  const res = await rec.app.inject({
    method: 'POST',
    url: '/v1/rules',
    headers: admin,
    payload: {
      code: `R-${randomUUID().slice(0, 8)}`,
      name: '证书换学分',
      targetOrgId: target.organizationId,
      source: { kind: 'certificate', typeCode, minLevel: 'intermediate' },
      award: { courseCode: 'WEB201', courseName: '网页设计', courseType: 'core', credits: '4' },
      review: { mode: 'auto' },
      conditions: { programCodes: ['P-WEB'] },
      validFrom: '2025-01-01',
    },
  })
  return res.statusCode === 201
})
// The worker must know the enrollment before the certificate's entry reaches it.
await eventually(async () => {
  const rows = await platform.database.kysely
    .selectFrom(`${recognition.schema}.enrollment` as never)
    .selectAll()
    .execute()
    .catch(() => [])
  return rows.length > 0
})
const certificate = await eventually(async () => {
  const res = await cer.app.inject({
    method: 'POST',
    url: '/v1/certificates',
    headers: issuer,
    payload: {
      typeCode,
      level: 'intermediate',
      issuedOn: '2025-07-01',
      nationalId: me.nationalId,
      holderName: me.name,
    },
  })
  return res.statusCode === 201 ? (res.json() as { id: string; number: string }) : undefined
})
let withFile = ''
const application = await eventually(async () => {
  const page = await call(rec.app, 'GET', `/v1/applications?learnerId=${mine.id}`, learner)
  return page.items.find((a: { status: string }) => a.status === 'approved') as
    | { id: string; trail: unknown[] }
    | undefined
}, 30_000)

// The learner's own acts at portfolio: an evidence file, a share opened once, a credential.
const png = await plainPng()
const evidence = await call(
  portfolio,
  'POST',
  `/v1/learners/${mine.id}/evidence?filename=${encodeURIComponent('证明.png')}`,
  { ...learner, 'content-type': 'image/png' },
  png as unknown as object,
)
// A reviewer of the target school reads that file in an application (0544): recognition tells
// accounts (0725), so the read is in the learner's "who looked", and so in the copy.
await eventually(async () => {
  const res = await rec.app.inject({
    method: 'POST',
    url: '/v1/applications',
    headers: learner,
    payload: {
      sourceEntryIds: [myCourse.id],
      targetOrgId: target.organizationId,
      programCode: 'P-WEB',
      evidenceIds: [evidence.id],
      award: {
        courseCode: 'RAIL201',
        courseName: '机车构造',
        courseType: 'foundation',
        credits: '3',
      },
    },
  })
  if (res.statusCode !== 201) return undefined
  withFile = res.json().id as string
  return true
}, 30_000)
const reviewer = keys.auth({ roles: ['reviewer'], org: target.organizationId })
const fileRead = await rec.app.inject({
  method: 'POST',
  url: `/v1/applications/${withFile}/evidence/${evidence.id}/reads`,
  headers: reviewer,
})
if (fileRead.statusCode !== 201) throw new Error(fileRead.body)
await eventually(async () => {
  const page = await call(acc.app, 'GET', `/v1/learners/${mine.id}/access-log`, learner)
  return page.items.some((r: { what: string }) => r.what === 'evidence')
}, 30_000)
const share = await call(portfolio, 'POST', '/v1/shares', learner, {
  scope: 'all',
  expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
  label: '给用人单位',
})
const myTimeline = await eventually(async () => {
  const page = await call(portfolio, 'GET', `/v1/learners/${mine.id}/timeline?limit=100`, learner)
  const cats = new Set(page.items.map((i: { category: string }) => i.category))
  return ['outcome', 'certificate', 'recognized', 'enrollment'].every((c) => cats.has(c))
    ? (page.items as { entryId: string | null; category: string }[])
    : undefined
}, 30_000)
await call(portfolio, 'GET', `/v1/shared/${share.token}`, { 'user-agent': 'HR-browser/1.0' })
await call(portfolio, 'GET', `/v1/learners/${mine.id}/credentials/${myCourse.id}`, learner)
// A registrar reads the learner: the "who looked" log has it.
await call(acc.app, 'GET', `/v1/learners/${mine.id}`, registrar(source))
// The school corrects a misspelt name, then puts it back: two corrections, the name as before.
await call(acc.app, 'POST', `/v1/learners/${mine.id}/corrections`, registrar(source), {
  name: '王晓数',
  reason: '录入错字',
})
await call(acc.app, 'POST', `/v1/learners/${mine.id}/corrections`, registrar(source), {
  name: me.name,
  reason: '核对户口簿后改回',
})
await eventually(async () => {
  const page = await call(portfolio, 'GET', `/v1/learners/${theirs.id}/timeline`, {
    ...keys.auth({ roles: ['learner'], learner: theirs.id }),
  })
  return page.items.length > 0
})

const exportOf = (headers: Record<string, string>, id = mine.id, app = portfolio) =>
  app.inject({ method: 'GET', url: `/v1/learners/${id}/export`, headers })

t.test('the copy holds every item of every service, and each file parses', async (t) => {
  const res = await exportOf(learner)
  t.equal(res.statusCode, 200, res.statusCode === 200 ? '' : res.body)
  t.equal(res.headers['content-type'], 'application/zip')
  t.match(res.headers['content-disposition'], /^attachment; filename="creditbank-export-.+\.zip"$/)
  const files = unzipSync(new Uint8Array(res.rawPayload))
  const text = (path: string) => {
    t.ok(files[path], `${path} is in the archive`)
    return strFromU8(files[path] ?? new Uint8Array())
  }
  const json = (path: string) => JSON.parse(text(path))

  const manifest = json('manifest.json')
  t.equal(manifest.complete, true)
  t.equal(manifest.learnerId, mine.id)
  t.equal(manifest.accountNo, mine.accountNo)
  const paths = Object.keys(files).sort()
  t.same(
    paths,
    ['README.txt', 'manifest.json', ...manifest.files.map((f: { path: string }) => f.path)].sort(),
    'the manifest lists every file',
  )
  for (const f of manifest.files as { path: string; bytes: number; sha256?: string }[]) {
    t.equal(files[f.path]!.length, f.bytes, `${f.path}: size`)
    if (f.sha256)
      t.equal(
        createHash('sha256').update(files[f.path]!).digest('hex'),
        f.sha256,
        `${f.path}: digest`,
      )
    if (f.path.endsWith('.json')) t.doesNotThrow(() => JSON.parse(text(f.path)), `${f.path} parses`)
  }

  const readme = text('README.txt')
  t.match(readme, /我的全部数据/)
  t.match(readme, /A copy of all my data/)
  for (const f of manifest.files as { path: string }[])
    if (!f.path.startsWith('portfolio/evidence/'))
      t.ok(readme.includes(f.path), `README names ${f.path}`)

  t.match(json('identity/user.json'), identityUser, 'identity’s answer, as it gave it')
  t.same(
    identityCalls,
    [`GET /v1/me ${learner.authorization}`],
    'identity asked once, with the learner’s own token',
  )
  t.match(readme, /登录账号/)
  t.match(readme, /Your sign-in account/)
  t.match(json('accounts/learner.json'), { id: mine.id, name: me.name, accountNo: mine.accountNo })
  t.match(json('accounts/account.json'), { accountNo: mine.accountNo })
  t.match(json('accounts/chain.json'), { valid: true })
  const entries = json('accounts/entries.json') as { id: string; kind: string }[]
  t.ok(
    entries.some((e) => e.id === myCourse.id),
    'the course entry',
  )
  t.ok(
    entries.some((e) => e.kind === 'certificate'),
    'the certificate entry',
  )
  t.ok(
    entries.some((e) => e.kind === 'recognized'),
    'the recognized credits',
  )
  t.match(json('accounts/enrollments.json'), [{ id: enrollment.id, programCode: 'P-WEB' }])
  const looked = json('accounts/access-log.json') as { role: string; what: string }[]
  t.ok(
    looked.some((r) => r.role === 'registrar' && r.what === 'profile'),
    'who looked',
  )
  t.match(
    json('accounts/corrections.json'),
    [
      { fields: ['name'], previous: { name: '王晓数' }, reason: '核对户口簿后改回' },
      { fields: ['name'], previous: { name: me.name }, reason: '录入错字' },
    ],
    'each correction, newest first, with the name before and the reason',
  )
  t.match(json('certificates/certificates.json'), [
    { id: certificate.id, number: certificate.number, holderName: me.name },
  ])
  const apps = json('recognition/applications.json') as { id: string; trail: unknown[] }[]
  t.same(apps.map((a) => a.id).sort(), [application.id, withFile].sort(), 'both applications')
  t.ok(apps.find((a) => a.id === application.id)!.trail.length >= 1, 'with its trail')
  t.ok(
    looked.some((r) => r.role === 'reviewer' && r.what === 'evidence'),
    'who looked: the reviewer’s read of the evidence file (0544, through 0725)',
  )
  const timeline = json('portfolio/timeline.json') as { entryId: string | null }[]
  t.equal(timeline.length, myTimeline.length, 'the whole timeline')
  const ev = json('portfolio/evidence.json') as { id: string; sha256: string; file: string }[]
  t.match(ev, [{ id: evidence.id, filename: '证明.png', sha256: evidence.sha256 }])
  const file = files[ev[0]!.file]
  t.ok(file, 'the evidence file itself')
  t.equal(createHash('sha256').update(file!).digest('hex'), evidence.sha256)
  t.match(json('portfolio/shares.json'), [
    {
      id: share.id,
      label: '给用人单位',
      accessCount: 1,
      accesses: [{ userAgent: 'HR-browser/1.0' }],
    },
  ])
  t.notOk(text('portfolio/shares.json').includes(share.token), 'not the share token')
  const issued = json('portfolio/credentials-issued.json') as {
    entryId: string
    revoked: boolean
  }[]
  t.match(
    issued.find((c) => c.entryId === myCourse.id),
    { revoked: false, issuerDid: /^did:key:/ },
    'the credential issued for the course',
  )
  const notes = json('portfolio/notifications.json') as { kind: string }[]
  t.ok(
    notes.some((n) => n.kind === 'outcome_posted'),
    'notifications',
  )
  t.ok(notes.some((n) => n.kind === 'application_approved'))
  t.ok((json('portfolio/printed-records.json') as unknown[]).length >= 1, 'printed records')
  t.match(json('clr-credential.json'), {
    type: ['VerifiableCredential', 'ClrCredential'],
    proof: {},
  })
  t.equal(strFromU8(files['learning-record.pdf']!.subarray(0, 5)), '%PDF-')

  for (const path of paths) {
    const body = strFromU8(files[path]!, true)
    for (const other of [theirs.id, theirs.accountNo, theirCourse.id])
      t.notOk(body.includes(other), `${path}: nothing of another learner`)
    t.notOk(strFromU8(files[path]!).includes(someone.name), `${path}: not their name`)
    t.notOk(body.includes(me.nationalId), `${path}: no 身份证号 in the clear`)
  }
})

t.test('nobody else may ask for it', async (t) => {
  const refused: [string, Record<string, string>, number][] = [
    ['another learner', keys.auth({ roles: ['learner'], learner: theirs.id }), 403],
    ['an admin', admin, 403],
    ['the registrar', registrar(source), 403],
    ['an issuer', issuer, 403],
    ['a reviewer', keys.auth({ roles: ['reviewer'], org: target.organizationId }), 403],
    [
      'a client',
      keys.auth({ typ: 'client', org: source.organizationId, scope: 'outcomes:write' }),
      403,
    ],
    ['anonymous', {}, 401],
  ]
  for (const [who, headers, status] of refused) {
    const res = await exportOf(headers)
    t.equal(res.statusCode, status, who)
    t.match(res.headers['content-type'], /^application\/problem\+json/, who)
    t.notOk(res.body.includes(me.name), `${who}: no data`)
  }
  const bad = await exportOf(learner, 'not-an-id')
  t.equal(bad.statusCode, 400)
})

t.test('a service that does not answer fails the copy whole, with 503', async (t) => {
  const down = await testService('portfolio', portfolioApp, platform, {
    secretKeyHex: 'c5'.repeat(32),
    startWorkers: false,
    identityUrl: `http://127.0.0.1:${idPort}`,
    accountsUrl: acc.url,
    // The discard port: nothing listens there.
    certificatesUrl: 'http://127.0.0.1:9',
    recognitionUrl: rec.url,
  })
  t.teardown(() => down.close())
  const res = await exportOf(learner, mine.id, down)
  t.equal(res.statusCode, 503)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.ok(res.headers['retry-after'])
  t.match(res.json(), { code: 'PORTFOLIO_EXPORT_SOURCE_UNAVAILABLE', detail: /certificates/ })
  const zh = await down.inject({
    method: 'GET',
    url: `/v1/learners/${mine.id}/export`,
    headers: { ...learner, 'accept-language': 'zh-CN' },
  })
  t.match(zh.json().title, /服务暂时没有响应/)
})

t.test('identity not answering is the same 503: no archive without the user account', async (t) => {
  const down = await testService('portfolio', portfolioApp, platform, {
    secretKeyHex: 'c5'.repeat(32),
    startWorkers: false,
    identityUrl: 'http://127.0.0.1:9',
    accountsUrl: acc.url,
    certificatesUrl: cer.url,
    recognitionUrl: rec.url,
  })
  t.teardown(() => down.close())
  const res = await exportOf(learner, mine.id, down)
  t.equal(res.statusCode, 503)
  t.ok(res.headers['retry-after'])
  t.match(res.json(), { code: 'PORTFOLIO_EXPORT_SOURCE_UNAVAILABLE', detail: /identity/ })
  t.notOk(res.body.includes(me.name), 'nothing of the learner in it')
})
