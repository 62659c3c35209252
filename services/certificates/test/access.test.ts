import t from 'tap'
import { buildCertificates, PROBLEM_JSON } from './helper.js'

const h = await buildCertificates({ verifyRateLimit: { max: 10_000, windowS: 60 } })
t.teardown(() => h.close())
const { app } = h

const [own, other, school] = await h.orgs([
  { name: '华为技术有限公司', regionCode: '440300' },
  { name: '北京新大陆时代教育科技有限公司' },
  { kind: 'school', name: '郑州铁路职业技术学院', regionCode: '410100' },
])
const netType = await h.type(own!.id, { name: '网络系统建设与运维' })
const learners = await h.learners(3)
const [holder, otherLearner] = learners as [string, string]
const issuer = h.issuerOf(own!.id)

let day = 0
/** A fresh issuance body each call (a new date), so every allowed caller really creates one. */
const fresh = () => {
  day += 1
  const d = new Date(Date.UTC(2020, 0, 1) + day * 86_400_000).toISOString().slice(0, 10)
  return {
    typeCode: netType.code,
    level: 'junior',
    learnerId: holder,
    holderName: '王五',
    issuedOn: d,
  }
}
async function freshCertificate() {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/certificates',
    headers: issuer,
    payload: fresh(),
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json().id as string
}
const shown = await freshCertificate()

const callers: Record<string, Record<string, string>> = {
  anonymous: {},
  'bad token': { authorization: 'Bearer not.a.token' },
  admin: h.admin,
  registrar: h.keys.auth({ roles: ['registrar'], org: school!.id }),
  reviewer: h.keys.auth({ roles: ['reviewer'], org: school!.id }),
  holder: h.learnerToken(holder),
  'other learner': h.learnerToken(otherLearner),
  'issuer (own org)': issuer,
  'issuer (other org)': h.issuerOf(other!.id),
  'client (own org, certificates:write)': h.clientOf(own!.id),
  'client (own org, other scope)': h.clientOf(own!.id, 'outcomes:write'),
  'client (other org, certificates:write)': h.clientOf(other!.id),
}
type Caller = keyof typeof callers

let typeSeq = 0
const routes: {
  name: string
  request: () => Promise<{ method: 'GET' | 'POST'; url: string; payload?: object }>
  expect: Partial<Record<Caller, number>> & { default: number }
}[] = [
  {
    name: 'POST /v1/certificate-types',
    request: async () => ({
      method: 'POST',
      url: '/v1/certificate-types',
      payload: {
        code: `ROLE-${++typeSeq}`,
        name: '传感网应用开发',
        evaluationOrgId: own!.id,
        levels: ['junior'],
        validityYears: 3,
        fees: { junior: '1' },
      },
    }),
    expect: { default: 403, anonymous: 401, 'bad token': 401, admin: 201 },
  },
  {
    name: 'GET /v1/certificate-types',
    request: async () => ({ method: 'GET', url: '/v1/certificate-types' }),
    expect: { default: 200, 'bad token': 401 },
  },
  {
    name: 'GET /v1/certificate-types/{code}',
    request: async () => ({ method: 'GET', url: `/v1/certificate-types/${netType.code}` }),
    expect: { default: 200, 'bad token': 401 },
  },
  {
    name: 'POST /v1/certificates',
    request: async () => ({ method: 'POST', url: '/v1/certificates', payload: fresh() }),
    expect: {
      default: 403,
      anonymous: 401,
      'bad token': 401,
      'issuer (own org)': 201,
      'client (own org, certificates:write)': 201,
    },
  },
  {
    name: 'POST /v1/certificates/batch',
    request: async () => ({
      method: 'POST',
      url: '/v1/certificates/batch',
      payload: { items: [fresh(), fresh()] },
    }),
    expect: {
      default: 403,
      anonymous: 401,
      'bad token': 401,
      'issuer (own org)': 201,
      'client (own org, certificates:write)': 201,
    },
  },
  {
    name: 'GET /v1/certificates/{id}',
    request: async () => ({ method: 'GET', url: `/v1/certificates/${shown}` }),
    expect: {
      default: 404,
      anonymous: 401,
      'bad token': 401,
      admin: 200,
      holder: 200,
      'issuer (own org)': 200,
      'client (own org, certificates:write)': 200,
      'client (own org, other scope)': 200,
    },
  },
  {
    name: 'POST /v1/certificates/{id}/revocation',
    request: async () => ({
      method: 'POST',
      url: `/v1/certificates/${await freshCertificate()}/revocation`,
      payload: { reason: '测试撤销' },
    }),
    expect: {
      default: 403,
      anonymous: 401,
      'bad token': 401,
      'issuer (own org)': 200,
      'client (own org, certificates:write)': 200,
      'issuer (other org)': 404,
      'client (other org, certificates:write)': 404,
    },
  },
  {
    name: 'POST /v1/certificates/verify',
    request: async () => ({
      method: 'POST',
      url: '/v1/certificates/verify',
      payload: { number: 'X-2020-0000001', holderName: '王五' },
    }),
    expect: { default: 200, 'bad token': 401 },
  },
  {
    name: 'GET /v1/oversight/certificates',
    request: async () => ({ method: 'GET', url: '/v1/oversight/certificates?groupBy=type' }),
    expect: { default: 403, anonymous: 401, 'bad token': 401, admin: 200 },
  },
]

t.test('every route × every kind of caller, own and other organization', async (t) => {
  for (const route of routes) {
    for (const [caller, headers] of Object.entries(callers)) {
      const before = await h.count('certificate')
      const res = await app.inject({ ...(await route.request()), headers })
      const want = route.expect[caller as Caller] ?? route.expect.default
      t.equal(res.statusCode, want, `${route.name} as ${caller}`)
      if (want >= 400) {
        t.equal(
          res.headers['content-type'],
          PROBLEM_JSON,
          `${route.name} as ${caller}: problem+json`,
        )
        if (route.name.startsWith('POST /v1/certificates') && !route.name.includes('revocation'))
          t.equal(
            await h.count('certificate'),
            before,
            `${route.name} as ${caller}: nothing written`,
          )
      }
    }
  }
})

t.test('no kind of bad input gets a 5xx, and each is problem+json', async (t) => {
  const before = {
    certificates: await h.count('certificate'),
    types: await h.count('certificate_type'),
  }
  const nul = 'a\u0000b'
  const cases: {
    name: string
    method: 'GET' | 'POST'
    url: string
    headers?: Record<string, string>
    payload?: unknown
    status: number
  }[] = [
    {
      name: 'text/plain body',
      method: 'POST',
      url: '/v1/certificates',
      headers: { ...issuer, 'content-type': 'text/plain' },
      payload: 'hello',
      status: 400,
    },
    {
      name: 'an unknown media type',
      method: 'POST',
      url: '/v1/certificates',
      headers: { ...issuer, 'content-type': 'application/xml' },
      payload: '<a/>',
      status: 415,
    },
    {
      name: 'malformed JSON',
      method: 'POST',
      url: '/v1/certificates/batch',
      headers: { ...issuer, 'content-type': 'application/json' },
      payload: '{"items": [',
      status: 400,
    },
    {
      name: 'empty JSON body',
      method: 'POST',
      url: '/v1/certificates',
      headers: { ...issuer, 'content-type': 'application/json' },
      payload: '',
      status: 400,
    },
    {
      name: 'an array for a body',
      method: 'POST',
      url: '/v1/certificates',
      headers: issuer,
      payload: [fresh()],
      status: 400,
    },
    {
      name: 'null for a body',
      method: 'POST',
      url: '/v1/certificates/verify',
      headers: { 'content-type': 'application/json' },
      payload: 'null',
      status: 400,
    },
    {
      name: 'items not an array',
      method: 'POST',
      url: '/v1/certificates/batch',
      headers: issuer,
      payload: { items: 'all of them' },
      status: 400,
    },
    {
      name: 'a NUL in a name',
      method: 'POST',
      url: '/v1/certificate-types',
      headers: h.admin,
      payload: {
        code: 'NUL-1',
        name: nul,
        evaluationOrgId: own!.id,
        levels: ['junior'],
        validityYears: 3,
        fees: { junior: '1' },
      },
      status: 400,
    },
    {
      name: 'a NUL in a reason',
      method: 'POST',
      url: `/v1/certificates/${shown}/revocation`,
      headers: issuer,
      payload: { reason: nul },
      status: 400,
    },
    {
      name: 'a NUL in a number',
      method: 'POST',
      url: '/v1/certificates/verify',
      payload: { number: nul, holderName: '王五' },
      status: 400,
    },
    {
      name: 'a NUL in a major filter',
      method: 'GET',
      url: `/v1/certificate-types?major=${encodeURIComponent(nul)}`,
      status: 400,
    },
    {
      name: 'a forged cursor',
      method: 'GET',
      url: `/v1/certificate-types?cursor=${Buffer.from(JSON.stringify([nul])).toString('base64url')}`,
      status: 400,
    },
    {
      name: 'a garbage cursor',
      method: 'GET',
      url: '/v1/certificate-types?cursor=%%%',
      status: 400,
    },
    { name: 'limit above 100', method: 'GET', url: '/v1/certificate-types?limit=101', status: 400 },
    {
      name: 'limit not a number',
      method: 'GET',
      url: '/v1/certificate-types?limit=many',
      status: 400,
    },
    {
      name: 'a huge string',
      method: 'POST',
      url: '/v1/certificates',
      headers: issuer,
      payload: { ...fresh(), holderName: 'x'.repeat(100_000) },
      status: 400,
    },
    {
      name: 'a body over the limit',
      method: 'POST',
      url: '/v1/certificates/batch',
      headers: { ...issuer, 'content-type': 'application/json' },
      payload: `{"items":["${'x'.repeat(2_100_000)}"]}`,
      status: 413,
    },
    {
      name: 'prototype pollution',
      method: 'POST',
      url: '/v1/certificates',
      headers: { ...issuer, 'content-type': 'application/json' },
      payload: `{"__proto__":{"admin":true},"typeCode":"${netType.code}"}`,
      status: 400,
    },
    {
      name: 'a malformed Idempotency-Key',
      method: 'POST',
      url: '/v1/certificates',
      headers: { ...issuer, 'idempotency-key': 'é'.repeat(3) },
      payload: fresh(),
      status: 400,
    },
    {
      name: 'a malformed id',
      method: 'GET',
      url: '/v1/certificates/%00',
      headers: h.admin,
      status: 400,
    },
    {
      name: 'an unknown route',
      method: 'GET',
      url: '/v1/certificate',
      headers: h.admin,
      status: 404,
    },
    {
      name: 'a bearer header of another scheme',
      method: 'GET',
      url: `/v1/certificates/${shown}`,
      headers: { authorization: 'Basic YTpi' },
      status: 401,
    },
    {
      name: 'a far-future date',
      method: 'POST',
      url: '/v1/certificates',
      headers: issuer,
      payload: { ...fresh(), issuedOn: '9999-12-31' },
      status: 422,
    },
    {
      name: 'year zero',
      method: 'POST',
      url: '/v1/certificates',
      headers: issuer,
      payload: { ...fresh(), issuedOn: '0000-01-01' },
      status: 422,
    },
    {
      name: 'before the 1+X pilot',
      method: 'POST',
      url: '/v1/certificates',
      headers: issuer,
      payload: { ...fresh(), issuedOn: '2018-12-31' },
      status: 422,
    },
  ]
  for (const c of cases) {
    const res = await app.inject({
      method: c.method,
      url: c.url,
      headers: c.headers ?? {},
      ...(c.payload !== undefined ? { payload: c.payload as string } : {}),
    })
    t.ok(res.statusCode < 500, `${c.name}: no 5xx (${res.statusCode})`)
    t.equal(res.statusCode, c.status, `${c.name}: ${res.body.slice(0, 300)}`)
    t.equal(res.headers['content-type'], PROBLEM_JSON, `${c.name}: problem+json`)
  }
  t.same(
    { certificates: await h.count('certificate'), types: await h.count('certificate_type') },
    before,
    'nothing written',
  )
})
