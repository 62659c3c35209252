import { chinaDate } from '@creditbank/contracts'
import { eventually } from '@creditbank/testing'
import t from 'tap'
import { addYears, certificateStatus } from '../src/domain/status.js'
import { buildCertificates, PROBLEM_JSON } from './helper.js'

const h = await buildCertificates({ verifyRateLimit: { max: 20, windowS: 60 } })
t.teardown(() => h.close())
const { app } = h

const [org, otherOrg] = await h.orgs([
  { name: '北京中福长者文化科技有限公司', regionCode: '110000' },
  { name: '济南阳光大姐服务有限责任公司', regionCode: '370100' },
])
const elder = await h.type(org!.id, {
  name: '老年照护',
  levels: ['junior', 'intermediate', 'senior'],
  fees: { junior: '260', intermediate: '320', senior: '380' },
})
const maternal = await h.type(otherOrg!.id, { name: '母婴护理', validityYears: 5 })
const learners = await h.learners(12)
const issuer = h.issuerOf(org!.id)
const today = chinaDate()

async function issue(learner: number, extra: Record<string, unknown> = {}, headers = issuer) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/certificates',
    headers,
    payload: {
      typeCode: elder.code,
      level: 'junior',
      learnerId: learners[learner],
      holderName: '张三',
      issuedOn: '2025-05-01',
      feeCharged: '200',
      ...extra,
    },
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json() as { id: string; number: string; status: string; expiresOn: string }
}

const current = await issue(0)
const old = await issue(1, { issuedOn: '2019-05-01', holderName: '李雷' })
const minority = await issue(2, {
  holderName: '阿依古丽·买买提',
  level: 'senior',
  feeCharged: '380',
})
const latin = await issue(3, { holderName: 'Li Lei', level: 'intermediate', feeCharged: null })
const other = await issue(
  4,
  { typeCode: maternal.code, holderName: '韩梅梅', issuedOn: '2024-11-20', feeCharged: '80' },
  h.issuerOf(otherOrg!.id),
)

t.test(
  'status is computed in one function: expiry from the validity period, revocation first',
  async (t) => {
    t.equal(addYears('2024-02-29', 1), '2025-02-28')
    t.equal(addYears('2024-02-29', 4), '2028-02-29')
    t.equal(addYears('2025-05-01', 3), '2028-05-01')
    t.equal(certificateStatus({ revokedAt: null, expiresOn: '2028-05-01' }, '2028-04-30'), 'valid')
    t.equal(
      certificateStatus({ revokedAt: null, expiresOn: '2028-05-01' }, '2028-05-01'),
      'expired',
      'expired on the expiry date',
    )
    t.equal(
      certificateStatus({ revokedAt: new Date(), expiresOn: '2020-01-01' }, '2028-05-01'),
      'revoked',
      'revocation wins over expiry',
    )
    t.equal(
      chinaDate(new Date('2025-12-31T16:30:00Z')),
      '2026-01-01',
      'the day turns at midnight in China',
    )
    t.equal(old.expiresOn, '2022-05-01')
    t.equal(old.status, 'expired')
    t.equal(current.expiresOn, '2028-05-01')
    t.equal(current.status, today < '2028-05-01' ? 'valid' : 'expired')
  },
)

t.test(
  'a certificate is seen by its holder, the issuing organization and admins; others get 404',
  async (t) => {
    const get = (headers: Record<string, string>, id = current.id) =>
      app.inject({ method: 'GET', url: `/v1/certificates/${id}`, headers })
    for (const [who, headers] of [
      ['the holder', h.learnerToken(learners[0]!)],
      ['an issuer of the organization', issuer],
      ['a system client of the organization', h.clientOf(org!.id)],
      ['an admin', h.admin],
    ] as const) {
      const res = await get(headers)
      t.equal(res.statusCode, 200, who)
      t.equal(res.json().holderName, '张三', who)
    }
    for (const [who, headers] of [
      ['another learner', h.learnerToken(learners[1]!)],
      ['an issuer of another organization', h.issuerOf(otherOrg!.id)],
      [
        'a registrar',
        h.keys.auth({ roles: ['registrar'], org: '0190a0a0-0000-7000-8000-000000000009' }),
      ],
    ] as const) {
      const res = await get(headers)
      t.equal(res.statusCode, 404, who)
      t.equal(res.headers['content-type'], PROBLEM_JSON)
    }
    t.equal(
      (await get(h.admin, '0190a0a0-0000-7000-8000-000000000000')).statusCode,
      404,
      'unknown id',
    )
    // The path takes an id or a certificate number: a well-formed unknown number is not found,
    // characters no number has are a bad request.
    t.equal((await get(h.admin, 'NO-SUCH-0001')).statusCode, 404, 'unknown number')
    t.equal((await get(h.admin, 'not_a_number')).statusCode, 400, 'not an id nor a number')
    t.equal(
      (await app.inject({ method: 'GET', url: `/v1/certificates/${current.id}` })).statusCode,
      401,
    )
  },
)

t.test('verification answers status, type, level, date and issuer and nothing more', async (t) => {
  const verify = (number: string, holderName: string, ip = '10.0.0.1') =>
    app.inject({
      method: 'POST',
      url: '/v1/certificates/verify',
      remoteAddress: ip,
      payload: { number, holderName },
    })
  const ok = await verify(current.number, '张三')
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), {
    status: current.status,
    typeCode: elder.code,
    level: 'junior',
    issuedOn: '2025-05-01',
    issuer: '北京中福长者文化科技有限公司',
  })
  t.equal(ok.headers['cache-control'], 'no-store')
  t.equal((await verify(old.number, '李雷')).json().status, 'expired')
  t.equal((await verify(other.number, '韩梅梅')).json().issuer, '济南阳光大姐服务有限责任公司')
  // The name as people type it: spaces, full-width forms, another separator dot, letter case.
  t.equal((await verify(current.number, ' 张 三 ')).json().status, current.status)
  t.equal((await verify(current.number, '张\u3000三')).json().status, current.status)
  t.equal((await verify(minority.number, '阿依古丽•买买提')).json().status, current.status)
  t.equal((await verify(latin.number, 'LI LEI')).json().status, current.status)
  t.equal(
    (await verify(current.number.toLowerCase(), '张三')).json().status,
    current.status,
    'the number in lower case',
  )
  const wrongName = await verify(current.number, '张四')
  const unknownNumber = await verify(`${elder.code}-2025-9999999`, '张三')
  const garbage = await verify('nonsense', 'x')
  for (const res of [wrongName, unknownNumber, garbage]) {
    t.equal(res.statusCode, 200)
    t.same(res.json(), { status: 'not_found' })
  }
  t.equal(
    wrongName.body,
    unknownNumber.body,
    'a wrong name and an unknown number are indistinguishable',
  )
  t.same(Object.keys(wrongName.headers).sort(), Object.keys(unknownNumber.headers).sort())
  const bad = await app.inject({
    method: 'POST',
    url: '/v1/certificates/verify',
    remoteAddress: '10.0.0.1',
    payload: { number: current.number },
  })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().errors[0].path, '/holderName')
})

t.test('verification is rate limited per client address', async (t) => {
  const verify = (ip: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/certificates/verify',
      remoteAddress: ip,
      payload: { number: current.number, holderName: '张三' },
    })
  for (let i = 0; i < 20; i++) t.equal((await verify('10.9.9.9')).statusCode, 200)
  const limited = await verify('10.9.9.9')
  t.equal(limited.statusCode, 429)
  t.equal(limited.headers['content-type'], PROBLEM_JSON)
  t.equal(limited.json().code, 'RATE_LIMITED')
  t.ok(limited.headers['retry-after'])
  t.equal((await verify('10.9.9.10')).statusCode, 200, 'another address is not affected')
})

t.test(
  'revocation: the issuing organization only, with a reason, once; an event for accounts',
  async (t) => {
    const revoke = (
      id: string,
      headers: Record<string, string>,
      payload: unknown = { reason: '考核作弊，撤销证书' },
    ) =>
      app.inject({
        method: 'POST',
        url: `/v1/certificates/${id}/revocation`,
        headers,
        payload: payload as object,
      })
    t.equal(
      (await revoke(current.id, h.issuerOf(otherOrg!.id))).statusCode,
      404,
      'another organization does not learn it exists',
    )
    t.equal(
      (await revoke(current.id, h.learnerToken(learners[0]!))).statusCode,
      403,
      'the holder cannot',
    )
    t.equal(
      (await revoke(current.id, h.admin)).statusCode,
      403,
      'an admin does not revoke for the organization',
    )
    t.equal((await revoke(current.id, issuer, {})).statusCode, 400, 'a reason is required')
    t.equal((await revoke(current.id, issuer, { reason: '' })).json().errors[0].path, '/reason')
    t.equal((await revoke('0190a0a0-0000-7000-8000-000000000000', issuer)).statusCode, 404)
    const res = await revoke(current.id, { ...issuer, 'idempotency-key': 'rev-1' })
    t.equal(res.statusCode, 200, `answers 200${res.statusCode === 200 ? '' : `: ${res.body}`}`)
    t.match(res.json(), { status: 'revoked', revocationReason: '考核作弊，撤销证书' })
    t.ok(res.json().revokedAt)
    const replay = await revoke(current.id, { ...issuer, 'idempotency-key': 'rev-1' })
    t.equal(replay.statusCode, 200)
    t.equal(replay.headers['idempotency-replayed'], 'true')
    const twice = await revoke(current.id, issuer)
    t.equal(twice.statusCode, 409)
    t.equal(twice.json().code, 'CERTIFICATES_ALREADY_REVOKED')
    const byClient = await revoke(latin.id, h.clientOf(org!.id), { reason: '信息有误' })
    t.equal(byClient.statusCode, 200)
    const events = await eventually(async () => {
      const e = h.platform.transport.events('certificates.certificate.revoked')
      return e.length === 2 && e
    })
    t.match(events[0], {
      subject: learners[0],
      data: {
        certificateId: current.id,
        number: current.number,
        learnerId: learners[0],
        evaluationOrgId: org!.id,
      },
    })
    // The reason is about the holder: it stays with the certificate, under the holder's key (0730).
    t.notOk('reason' in events[0]!.data, 'the event carries no reason')
    const verified = await app.inject({
      method: 'POST',
      url: '/v1/certificates/verify',
      remoteAddress: '10.0.0.2',
      payload: { number: current.number, holderName: '张三' },
    })
    t.equal(verified.json().status, 'revoked')
    // Revoking an expired certificate is allowed: it says why it is no longer good.
    t.equal((await revoke(old.id, issuer)).json().status, 'revoked')
  },
)

t.test(
  'oversight counts by type, level, region and month with fees, for admins only',
  async (t) => {
    const get = (query: string, headers = h.admin) =>
      app.inject({ method: 'GET', url: `/v1/oversight/certificates${query}`, headers })
    const all = await get('')
    t.equal(all.statusCode, 200, `answers 200${all.statusCode === 200 ? '' : `: ${all.body}`}`)
    t.same(all.json().items, [{ count: 5, revoked: 3, feesCharged: '860.00' }])
    const byType = await get('?groupBy=type,level')
    t.same(
      byType.json().items,
      [
        { typeCode: elder.code, level: 'intermediate', count: 1, revoked: 1, feesCharged: '0.00' },
        { typeCode: elder.code, level: 'junior', count: 2, revoked: 2, feesCharged: '400.00' },
        { typeCode: elder.code, level: 'senior', count: 1, revoked: 0, feesCharged: '380.00' },
        { typeCode: maternal.code, level: 'junior', count: 1, revoked: 0, feesCharged: '80.00' },
      ].sort((a, b) => (a.typeCode + a.level < b.typeCode + b.level ? -1 : 1)),
    )
    const byRegion = await get('?groupBy=region,month&from=2024-01-01')
    t.same(byRegion.json().items, [
      { regionCode: '110000', month: '2025-05', count: 3, revoked: 2, feesCharged: '580.00' },
      { regionCode: '370100', month: '2024-11', count: 1, revoked: 0, feesCharged: '80.00' },
    ])
    t.same((await get(`?groupBy=org&typeCode=${maternal.code}`)).json().items, [
      { evaluationOrgId: otherOrg!.id, count: 1, revoked: 0, feesCharged: '80.00' },
    ])
    // The SQL status and the TypeScript status agree, certificate by certificate.
    const views = await Promise.all(
      [current, old, minority, latin, other].map(
        async (c) =>
          (
            await app.inject({ method: 'GET', url: `/v1/certificates/${c.id}`, headers: h.admin })
          ).json().status as string,
      ),
    )
    const expected = new Map<string, number>()
    for (const s of views) expected.set(s, (expected.get(s) ?? 0) + 1)
    const byStatus = (await get('?groupBy=status')).json().items as {
      status: string
      count: number
    }[]
    t.same(new Map(byStatus.map((i) => [i.status, i.count])), expected)
    const badQueries: [string, string][] = [
      ['?groupBy=type,colour', 'CERTIFICATES_GROUP_BY_INVALID'],
      ['?groupBy=type,type', 'CERTIFICATES_GROUP_BY_INVALID'],
      ['?from=yesterday', 'VALIDATION_FAILED'],
      ['?regionCode=41', 'VALIDATION_FAILED'],
      ['?other=1', 'VALIDATION_FAILED'],
    ]
    for (const [query, code] of badQueries) {
      const res = await get(query)
      t.equal(res.statusCode, 400, query)
      t.equal(res.json().code, code, query)
    }
    t.equal((await get('', issuer)).statusCode, 403)
    t.equal((await get('', h.learnerToken(learners[0]!))).statusCode, 403)
    t.equal(
      (await app.inject({ method: 'GET', url: '/v1/oversight/certificates' })).statusCode,
      401,
    )
  },
)
