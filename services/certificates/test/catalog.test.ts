import { readFile } from 'node:fs/promises'
import { eventually } from '@creditbank/testing'
import t from 'tap'
import { buildCertificates, PROBLEM_JSON } from './helper.js'

const h = await buildCertificates()
t.teardown(() => h.close())
const { app } = h

const [evalOrg, school] = await h.orgs([
  { kind: 'evaluation_org', name: '工业和信息化部教育与考试中心' },
  { kind: 'school', name: '河南职业技术学院', regionCode: '410100' },
])

const body = (extra: Record<string, unknown> = {}) => ({
  code: 'WEB-FE',
  name: 'Web前端开发',
  nameEn: 'Web Front-End Development',
  evaluationOrgId: evalOrg!.id,
  levels: ['junior', 'intermediate', 'senior'],
  validityYears: 3,
  fees: { junior: '300', intermediate: '400.5', senior: '500.00' },
  majors: ['软件技术', '计算机应用技术'],
  ...extra,
})
const post = (payload: unknown, headers = h.admin) =>
  app.inject({ method: 'POST', url: '/v1/certificate-types', headers, payload: payload as object })

t.test(
  'the organization projection follows identity, and a replayed event changes nothing',
  async (t) => {
    const row = await h.db
      .selectFrom('organization')
      .selectAll()
      .where('id', '=', evalOrg!.id)
      .executeTakeFirstOrThrow()
    t.match(row, {
      kind: 'evaluation_org',
      name: '工业和信息化部教育与考试中心',
      region_code: '110000',
    })
    const n = await h.db
      .selectFrom('organization')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    // The same event id again: the inbox skips it.
    const again = h.platform.transport.published.find((m) => m.value.includes(evalOrg!.id))!
    await h.platform.transport.publish([again])
    await new Promise((r) => setTimeout(r, 300))
    const n2 = await h.db
      .selectFrom('organization')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    t.equal(n2.n, n.n)
  },
)

t.test(
  'an admin publishes a type: 201, fees normalized, event through the outbox; the same again is 200',
  async (t) => {
    const res = await post(body())
    t.equal(res.statusCode, 201, `answers 201${res.statusCode === 201 ? '' : `: ${res.body}`}`)
    t.match(res.json(), {
      code: 'WEB-FE',
      name: 'Web前端开发',
      evaluationOrgId: evalOrg!.id,
      evaluationOrgName: '工业和信息化部教育与考试中心',
      levels: ['junior', 'intermediate', 'senior'],
      fees: { junior: '300.00', intermediate: '400.50', senior: '500.00' },
      currency: 'CNY',
      validityYears: 3,
    })
    const events = await eventually(
      async () =>
        h.platform.transport.events('certificates.type.published').length === 1 &&
        h.platform.transport.events('certificates.type.published'),
    )
    t.match(events[0]!.data, {
      code: 'WEB-FE',
      evaluationOrgId: evalOrg!.id,
      levels: ['junior', 'intermediate', 'senior'],
      validityYears: 3,
      fees: { intermediate: '400.50' },
    })
    const again = await post(
      body({
        fees: { junior: '300.00', intermediate: '400.50', senior: '500' },
        levels: ['senior', 'junior', 'intermediate'],
      }),
    )
    t.equal(again.statusCode, 200, 'the natural key (code) answers the existing type')
    t.equal(await h.count('certificate_type'), 1)
    const other = await post(body({ validityYears: 5 }))
    t.equal(other.statusCode, 409)
    t.equal(other.json().code, 'CERTIFICATES_TYPE_CODE_TAKEN')
  },
)

t.test(
  'anyone reads the catalog, without a token, in pages and by organization or major',
  async (t) => {
    const orgB = (await h.orgs([{ kind: 'evaluation_org' }]))[0]!
    await post({
      ...body({
        code: 'ELDER-CARE',
        name: '老年照护',
        nameEn: 'Elderly Care',
        evaluationOrgId: orgB.id,
        majors: ['护理'],
      }),
    })
    await post({
      ...body({
        code: 'BIM',
        name: '建筑信息模型(BIM)',
        nameEn: null,
        evaluationOrgId: orgB.id,
        levels: ['junior'],
        fees: { junior: '1' },
        majors: [],
      }),
    })
    const first = await app.inject({ method: 'GET', url: '/v1/certificate-types?limit=2' })
    t.equal(first.statusCode, 200)
    t.same(
      first.json().items.map((i: { code: string }) => i.code),
      ['BIM', 'ELDER-CARE'],
    )
    const second = await app.inject({
      method: 'GET',
      url: `/v1/certificate-types?limit=2&cursor=${first.json().nextCursor}`,
    })
    t.same(
      second.json().items.map((i: { code: string }) => i.code),
      ['WEB-FE'],
    )
    t.equal(second.json().nextCursor, null)
    const byOrg = await app.inject({
      method: 'GET',
      url: `/v1/certificate-types?evaluationOrgId=${orgB.id}`,
    })
    t.same(
      byOrg.json().items.map((i: { code: string }) => i.code),
      ['BIM', 'ELDER-CARE'],
    )
    const byMajor = await app.inject({
      method: 'GET',
      url: `/v1/certificate-types?major=${encodeURIComponent('护理')}`,
    })
    t.same(
      byMajor.json().items.map((i: { code: string }) => i.code),
      ['ELDER-CARE'],
    )
    const one = await app.inject({ method: 'GET', url: '/v1/certificate-types/BIM' })
    t.equal(one.json().nameEn, null)
    const none = await app.inject({ method: 'GET', url: '/v1/certificate-types/NOPE' })
    t.equal(none.statusCode, 404)
    t.equal(none.headers['content-type'], PROBLEM_JSON)
  },
)

t.test('bad types are refused with the field named, and nothing is written', async (t) => {
  // The earlier tests' events are published first, so the outbox count below moves only for ours.
  await eventually(async () => (await h.count('outbox_event')) === 0)
  const before = { types: await h.count('certificate_type'), outbox: 0 }
  const cases: [string, unknown, number, string, string][] = [
    [
      'a school cannot own a type',
      body({ code: 'X-SCHOOL', evaluationOrgId: school!.id }),
      422,
      'CERTIFICATES_EVALUATION_ORG_UNKNOWN',
      '/evaluationOrgId',
    ],
    [
      'an unknown organization',
      body({ code: 'X-UNKNOWN', evaluationOrgId: '0190a0a0-0000-7000-8000-000000000000' }),
      422,
      'CERTIFICATES_EVALUATION_ORG_UNKNOWN',
      '/evaluationOrgId',
    ],
    [
      'a fee is missing for a level offered',
      body({ code: 'X-FEE', fees: { junior: '1', intermediate: '2' } }),
      422,
      'CERTIFICATES_TYPE_INVALID',
      '/fees/senior',
    ],
    [
      'a fee for a level not offered',
      body({ code: 'X-FEE2', levels: ['junior'], fees: { junior: '1', senior: '2' } }),
      422,
      'CERTIFICATES_TYPE_INVALID',
      '/fees/senior',
    ],
    [
      'a level twice',
      body({ code: 'X-TWICE', levels: ['junior', 'junior'], fees: { junior: '1' } }),
      422,
      'CERTIFICATES_TYPE_INVALID',
      '/levels',
    ],
    [
      'an unknown level',
      body({ code: 'X-LEVEL', levels: ['expert'] }),
      400,
      'VALIDATION_FAILED',
      '/levels/0',
    ],
    [
      'a float fee',
      body({ code: 'X-FLOAT', fees: { junior: 300, intermediate: '1', senior: '1' } }),
      400,
      'VALIDATION_FAILED',
      '/fees/junior',
    ],
    [
      'a fee with three places',
      body({ code: 'X-PLACES', fees: { junior: '1.001', intermediate: '1', senior: '1' } }),
      400,
      'VALIDATION_FAILED',
      '/fees/junior',
    ],
    ['a lower-case code', body({ code: 'web-fe' }), 400, 'VALIDATION_FAILED', '/code'],
    [
      'a missing name',
      { ...body({ code: 'X-NONAME' }), name: undefined },
      400,
      'VALIDATION_FAILED',
      '/name',
    ],
    [
      'an unknown field',
      body({ code: 'X-EXTRA', colour: 'red' }),
      400,
      'VALIDATION_FAILED',
      '/colour',
    ],
    [
      'validity of zero years',
      body({ code: 'X-ZERO', validityYears: 0 }),
      400,
      'VALIDATION_FAILED',
      '/validityYears',
    ],
  ]
  for (const [name, payload, status, code, path] of cases) {
    const res = await post(payload)
    t.equal(res.statusCode, status, `${name}: ${res.body}`)
    t.equal(res.headers['content-type'], PROBLEM_JSON, name)
    t.equal(res.json().code, code, name)
    t.ok(
      res.json().errors?.some((e: { path: string }) => e.path === path),
      `${name} names ${path}: ${JSON.stringify(res.json().errors)}`,
    )
  }
  const notJson = await app.inject({
    method: 'POST',
    url: '/v1/certificate-types',
    headers: { ...h.admin, 'content-type': 'application/json' },
    payload: '{"code":',
  })
  t.equal(notJson.statusCode, 400)
  t.equal(notJson.json().code, 'BODY_MALFORMED')
  t.same(
    { types: await h.count('certificate_type'), outbox: await h.count('outbox_event') },
    before,
    'nothing written',
  )
})

t.test('only admins publish types', async (t) => {
  for (const headers of [
    {},
    h.issuerOf(evalOrg!.id),
    h.learnerToken('0190a0a0-0000-7000-8000-000000000001'),
    h.keys.auth({ roles: ['registrar'], org: evalOrg!.id }),
    h.clientOf(evalOrg!.id),
  ]) {
    const res = await post(body({ code: 'X-ROLE' }), headers as never)
    t.ok([401, 403].includes(res.statusCode), `${res.statusCode}`)
  }
  t.equal(await h.count('certificate_type'), 3)
})

t.test('the seed catalog of real 1+X certificates loads through the API', async (t) => {
  const seed = JSON.parse(
    await readFile(new URL('../../../seeds/certificate-types.json', import.meta.url), 'utf8'),
  ) as {
    _comment: string
    evaluationOrgs: { code: string; name: string; regionCode: string }[]
    types: ({ evaluationOrgCode: string } & Record<string, unknown>)[]
  }
  t.match(seed._comment, /ILLUSTRATIVE/, 'the seed says plainly that fees are illustrative')
  const made = await h.orgs(
    seed.evaluationOrgs.map((o) => ({
      kind: 'evaluation_org',
      name: o.name,
      regionCode: o.regionCode,
    })),
  )
  const idOf = new Map(seed.evaluationOrgs.map((o, i) => [o.code, made[i]!.id]))
  for (const { evaluationOrgCode, ...type } of seed.types) {
    const res = await post({
      ...type,
      code: `S-${type.code}`,
      evaluationOrgId: idOf.get(evaluationOrgCode),
    })
    t.equal(res.statusCode, 201, res.statusCode === 201 ? String(type.name) : res.body)
  }
  const names = seed.types.map((s) => s.name)
  for (const name of [
    'Web前端开发',
    '云计算平台运维与开发',
    '大数据分析与应用',
    '工业机器人操作与运维',
    '母婴护理',
    '老年照护',
    '汽车运用与维修',
    '建筑信息模型(BIM)',
    '物流管理',
    '电子商务数据分析',
    '智能财税',
    '网店运营推广',
  ]) {
    t.ok(names.includes(name), name)
  }
})
