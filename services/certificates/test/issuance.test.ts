import { chinaDate } from '@creditbank/contracts'
import { eventually } from '@creditbank/testing'
import t from 'tap'
import { buildCertificates, PROBLEM_JSON } from './helper.js'

const h = await buildCertificates()
t.teardown(() => h.close())
const { app } = h

const [org, otherOrg] = await h.orgs([
  { name: '工业和信息化部教育与考试中心', regionCode: '110000' },
  { name: '北京中福长者文化科技有限公司' },
])
const web = await h.type(org!.id)
const elder = await h.type(otherOrg!.id, { name: '老年照护' })
const learners = await h.learners(30)
const issuer = h.issuerOf(org!.id)
const today = chinaDate()

const cert = (i: number, extra: Record<string, unknown> = {}) => ({
  typeCode: web.code,
  level: 'junior',
  learnerId: learners[i]!,
  holderName: `张${i}`,
  score: '86.5',
  issuedOn: '2025-06-30',
  feeCharged: '80',
  ...extra,
})
const issue = (payload: unknown, headers: Record<string, string> = issuer) =>
  app.inject({ method: 'POST', url: '/v1/certificates', headers, payload: payload as object })
const batch = (items: unknown[], headers: Record<string, string> = issuer) =>
  app.inject({ method: 'POST', url: '/v1/certificates/batch', headers, payload: { items } })
const written = async () => ({
  certificates: await h.count('certificate'),
  counters: await h.db
    .selectFrom('certificate_number_counter')
    .selectAll()
    .orderBy('type_code')
    .orderBy('year')
    .execute(),
})

t.test(
  'an issuer of the owning organization issues a certificate with a readable number and an event',
  async (t) => {
    const res = await issue(cert(0))
    t.equal(res.statusCode, 201, `answers 201${res.statusCode === 201 ? '' : `: ${res.body}`}`)
    const c = res.json()
    t.match(c, {
      number: `${web.code}-2025-0000001`,
      typeCode: web.code,
      typeName: 'Web前端开发',
      level: 'junior',
      learnerId: learners[0],
      holderName: '张0',
      score: '86.50',
      issuedOn: '2025-06-30',
      expiresOn: '2028-06-30',
      evaluationOrgId: org!.id,
      issuer: '工业和信息化部教育与考试中心',
      feeCharged: '80.00',
      revokedAt: null,
    })
    t.equal(c.status, '2028-06-30' <= today ? 'expired' : 'valid')
    const events = await eventually(async () => {
      const e = h.platform.transport.events('certificates.certificate.issued')
      return e.length === 1 && e
    })
    t.equal(events[0]!.subject, learners[0], 'the learner id is the subject (and so the Kafka key)')
    t.match(events[0]!.data, {
      certificateId: c.id,
      number: c.number,
      learnerId: learners[0],
      typeCode: web.code,
      level: 'junior',
      score: '86.50',
      issuedOn: '2025-06-30',
      expiresOn: '2028-06-30',
      evaluationOrgId: org!.id,
      feeCharged: '80.00',
    })
    t.notOk(
      JSON.stringify(events[0]!.data).includes('张0'),
      'the holder name stays out of the event',
    )
    const stored = await h.db
      .selectFrom('certificate')
      .select(['holder_name_hash', 'holder_name_sealed'])
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow()
    t.notOk(
      JSON.stringify(stored).includes('张'),
      'the name is stored hashed and sealed, never plain',
    )
  },
)

t.test(
  'the natural key and the Idempotency-Key make repeats answer the first certificate',
  async (t) => {
    const before = await written()
    const again = await issue(
      cert(0, { score: '86.50', feeCharged: '80.00', holderName: ' 张 0 ' }),
    )
    t.equal(again.statusCode, 200, 'same type, learner, level and date: the existing certificate')
    t.equal(again.json().number, `${web.code}-2025-0000001`)
    const changed = await issue(cert(0, { score: '90' }))
    t.equal(changed.statusCode, 409)
    t.equal(changed.json().code, 'CERTIFICATES_CERTIFICATE_CONFLICT')
    const headers = { ...issuer, 'idempotency-key': 'issue-1' }
    const first = await issue(cert(1), headers)
    const replay = await issue(cert(1), headers)
    t.equal(first.statusCode, 201)
    t.equal(replay.statusCode, 201)
    t.equal(replay.headers['idempotency-replayed'], 'true')
    t.same(replay.json(), first.json())
    const reused = await issue(cert(2), headers)
    t.equal(reused.statusCode, 422)
    t.equal(reused.json().code, 'IDEMPOTENCY_KEY_REUSED')
    const after = await written()
    t.equal(after.certificates, before.certificates + 1, 'one new certificate in all')
    await eventually(
      async () =>
        h.platform.transport.events('certificates.certificate.issued').length ===
        after.certificates,
    )
    t.equal(
      h.platform.transport.events('certificates.certificate.issued').length,
      after.certificates,
      'one event per certificate',
    )
  },
)

t.test(
  'issuance refuses what the rules forbid, naming the field, and writes nothing',
  async (t) => {
    const before = await written()
    const cases: [string, unknown, number, string, string][] = [
      [
        'a learner that does not exist',
        cert(3, { learnerId: '0190a0a0-0000-7000-8000-00000000abcd' }),
        422,
        'CERTIFICATES_ISSUANCE_INVALID',
        '/learnerId',
      ],
      [
        'a level the type does not offer',
        cert(3, { level: 'senior' }),
        422,
        'CERTIFICATES_ISSUANCE_INVALID',
        '/level',
      ],
      [
        'a fee above the standard',
        cert(3, { feeCharged: '80.01' }),
        422,
        'CERTIFICATES_ISSUANCE_INVALID',
        '/feeCharged',
      ],
      [
        'an unknown type',
        cert(3, { typeCode: 'NO-SUCH' }),
        422,
        'CERTIFICATES_ISSUANCE_INVALID',
        '/typeCode',
      ],
      [
        'a date in the future',
        cert(3, { issuedOn: '2999-01-01' }),
        422,
        'CERTIFICATES_ISSUANCE_INVALID',
        '/issuedOn',
      ],
      [
        'a date that does not exist',
        cert(3, { issuedOn: '2025-02-30' }),
        400,
        'VALIDATION_FAILED',
        '/issuedOn',
      ],
      [
        'a blank name',
        cert(3, { holderName: '   ' }),
        422,
        'CERTIFICATES_ISSUANCE_INVALID',
        '/holderName',
      ],
      [
        'a type of another organization',
        cert(3, { typeCode: elder.code }),
        403,
        'CERTIFICATES_NOT_ISSUER',
        '/typeCode',
      ],
      ['an unknown level', cert(3, { level: 'expert' }), 400, 'VALIDATION_FAILED', '/level'],
      ['a fee as a number', cert(3, { feeCharged: 80 }), 400, 'VALIDATION_FAILED', '/feeCharged'],
      ['a negative fee', cert(3, { feeCharged: '-1' }), 400, 'VALIDATION_FAILED', '/feeCharged'],
      ['a score above 100', cert(3, { score: '100.5' }), 400, 'VALIDATION_FAILED', '/score'],
      [
        'a malformed learner id',
        cert(3, { learnerId: 'abc' }),
        400,
        'VALIDATION_FAILED',
        '/learnerId',
      ],
      [
        'a malformed date',
        cert(3, { issuedOn: '30/06/2025' }),
        400,
        'VALIDATION_FAILED',
        '/issuedOn',
      ],
      [
        'a missing holder name',
        { ...cert(3), holderName: undefined },
        400,
        'VALIDATION_FAILED',
        '/holderName',
      ],
      [
        'an unknown field',
        cert(3, { studentNo: '2023010101' }),
        400,
        'VALIDATION_FAILED',
        '/studentNo',
      ],
    ]
    for (const [name, payload, status, code, path] of cases) {
      const res = await issue(payload)
      t.equal(res.statusCode, status, `${name}: ${res.body}`)
      t.equal(res.headers['content-type'], PROBLEM_JSON, name)
      t.equal(res.json().code, code, name)
      t.ok(
        res.json().errors?.some((e: { path: string }) => e.path === path),
        `${name} names ${path}: ${JSON.stringify(res.json().errors)}`,
      )
    }
    t.same(await written(), before, 'nothing written, no number used')
  },
)

t.test(
  'a fee equal to the standard, no fee, and a system client of the organization are fine',
  async (t) => {
    t.equal((await issue(cert(4, { feeCharged: '80.00' }))).statusCode, 201)
    t.equal((await issue(cert(5, { feeCharged: null, score: null }))).statusCode, 201)
    const byClient = await issue(
      cert(6, { level: 'intermediate', feeCharged: '120' }),
      h.clientOf(org!.id),
    )
    t.equal(
      byClient.statusCode,
      201,
      `answers 201${byClient.statusCode === 201 ? '' : `: ${byClient.body}`}`,
    )
    t.equal(
      (await issue(cert(7), h.clientOf(org!.id, 'outcomes:write'))).statusCode,
      403,
      'a client without certificates:write',
    )
    t.equal(
      (await issue(cert(7), h.issuerOf(otherOrg!.id))).statusCode,
      403,
      'an issuer of another organization',
    )
  },
)

t.test('a batch is validated whole: every bad row is listed and nothing is written', async (t) => {
  const before = await written()
  const items = Array.from({ length: 12 }, (_, i) => cert(10 + i, { issuedOn: '2025-07-01' }))
  items[3] = { ...items[3]!, level: 'senior' }
  items[5] = { ...items[5]!, learnerId: '0190a0a0-0000-7000-8000-00000000abcd' }
  items[7] = { ...items[7]!, feeCharged: '999' }
  items[9] = { ...items[2]! }
  const res = await batch(items)
  t.equal(res.statusCode, 422, `answers 422${res.statusCode === 422 ? '' : `: ${res.body}`}`)
  t.equal(res.headers['content-type'], PROBLEM_JSON)
  t.equal(res.json().code, 'CERTIFICATES_ISSUANCE_INVALID')
  t.same(
    res.json().errors.map((e: { path: string }) => e.path),
    ['/items/3/level', '/items/5/learnerId', '/items/7/feeCharged', '/items/9'],
  )
  const schemaBad = await batch([
    cert(10),
    { ...cert(11), level: 'expert' },
    { ...cert(12), feeCharged: 1 },
  ])
  t.equal(schemaBad.statusCode, 400)
  t.same([...new Set(schemaBad.json().errors.map((e: { path: string }) => e.path))].sort(), [
    '/items/1/level',
    '/items/2/feeCharged',
  ])
  const tooMany = await batch(
    Array.from({ length: 1001 }, (_, i) => cert(i % 30, { issuedOn: '2024-01-01' })),
  )
  t.equal(tooMany.statusCode, 400)
  t.equal(tooMany.json().code, 'VALIDATION_FAILED')
  t.equal((await batch([])).statusCode, 400)
  const foreign = await batch([cert(10), cert(11, { typeCode: elder.code })])
  t.equal(foreign.statusCode, 403)
  t.same(foreign.json().errors, [
    { path: '/items/1/typeCode', message: `${elder.code} is issued by another organization` },
  ])
  t.same(await written(), before, 'nothing written')
})

t.test(
  'a good batch is one transaction with contiguous numbers; a replay answers the existing ones',
  async (t) => {
    const items = Array.from({ length: 20 }, (_, i) =>
      cert(10 + i, {
        issuedOn: '2024-12-31',
        level: i % 2 ? 'intermediate' : 'junior',
        feeCharged: null,
      }),
    )
    const res = await batch(items)
    t.equal(res.statusCode, 201, `answers 201${res.statusCode === 201 ? '' : `: ${res.body}`}`)
    const body = res.json()
    t.equal(body.created, 20)
    t.equal(body.existing, 0)
    t.same(
      body.items.map((i: { number: string }) => i.number),
      items.map((_, i) => `${web.code}-2024-${String(i + 1).padStart(7, '0')}`),
    )
    t.same(
      body.items.map((i: { index: number }) => i.index),
      items.map((_, i) => i),
    )
    await eventually(
      async () =>
        h.platform.transport
          .events('certificates.certificate.issued')
          .filter((e) => e.data.issuedOn === '2024-12-31').length === 20,
    )
    const again = await batch([...items.slice(0, 5), cert(0, { issuedOn: '2024-12-30' })])
    t.equal(again.statusCode, 201)
    t.equal(again.json().created, 1)
    t.equal(again.json().existing, 5)
    t.same(
      again
        .json()
        .items.slice(0, 5)
        .map((i: { id: string }) => i.id),
      body.items.slice(0, 5).map((i: { id: string }) => i.id),
    )
    t.equal(again.json().items[5].number, `${web.code}-2024-0000021`)
    const replay = await batch(items.slice(0, 3))
    t.equal(replay.statusCode, 200, 'all existing: 200')
  },
)

t.test('numbers stay unique and gapless when issuers race', async (t) => {
  const fresh = await h.learners(24)
  const day = '2023-03-15'
  const singles = fresh
    .slice(0, 16)
    .map((learnerId, i) => issue({ ...cert(0), learnerId, holderName: `李${i}`, issuedOn: day }))
  const batches = [fresh.slice(16, 20), fresh.slice(20, 24)].map((ids) =>
    batch(ids.map((learnerId) => ({ ...cert(0), learnerId, issuedOn: day }))),
  )
  const failed = [...singles, ...batches].map(async (p) => (await p).statusCode)
  t.same((await Promise.all(failed)).sort(), Array(18).fill(201))
  const numbers = (
    await h.db.selectFrom('certificate').select('number').where('issued_on', '=', day).execute()
  )
    .map((r) => r.number)
    .sort()
  t.same(
    numbers,
    Array.from({ length: 24 }, (_, i) => `${web.code}-2023-${String(i + 1).padStart(7, '0')}`),
  )
  const counter = await h.db
    .selectFrom('certificate_number_counter')
    .select('last_seq')
    .where('type_code', '=', web.code)
    .where('year', '=', 2023)
    .executeTakeFirstOrThrow()
  t.equal(counter.last_seq, 24)
  // The same certificate asked for twice at once: one is created, the other answers it.
  const [a, b] = await Promise.all([
    issue({ ...cert(0), learnerId: fresh[0], issuedOn: '2023-03-16' }),
    issue({ ...cert(0), learnerId: fresh[0], issuedOn: '2023-03-16' }),
  ])
  t.same([a!.statusCode, b!.statusCode].sort(), [200, 201])
  t.equal(a!.json().id, b!.json().id)
})

t.test(
  'a full batch of 1,000: two bad rows refuse it all, then it is issued whole and a replay answers every row',
  async (t) => {
    const many = await h.learners(1_000)
    const day = '2022-09-01'
    const items = many.map((learnerId, i) => ({
      ...cert(0),
      learnerId,
      holderName: `王${i}`,
      level: i % 2 ? 'intermediate' : 'junior',
      score: String(60 + (i % 40)),
      issuedOn: day,
      feeCharged: i % 2 ? '120' : '80',
    }))
    const before = await written()
    const unknown = '0190a0a0-0000-7000-8000-00000000beef'
    const bad = await batch(
      items.map((item, i) =>
        i === 777
          ? { ...item, learnerId: unknown }
          : i === 999
            ? { ...item, feeCharged: '120.01' }
            : item,
      ),
    )
    t.equal(bad.statusCode, 422, `answers 422${bad.statusCode === 422 ? '' : `: ${bad.body}`}`)
    t.same(
      bad.json().errors.map((e: { path: string }) => e.path),
      ['/items/777/learnerId', '/items/999/feeCharged'],
    )
    t.same(await written(), before, 'nothing written, no number used')

    const res = await batch(items)
    t.equal(res.statusCode, 201, `answers 201${res.statusCode === 201 ? '' : `: ${res.body}`}`)
    const body = res.json()
    t.equal(body.created, 1_000)
    t.same(
      body.items.map((i: { number: string }) => i.number),
      items.map((_, i) => `${web.code}-2022-${String(i + 1).padStart(7, '0')}`),
      'numbers in row order, contiguous from 1',
    )
    t.same(
      body.items.map((i: { learnerId: string }) => i.learnerId),
      many,
    )
    const stored = await h.db
      .selectFrom('certificate')
      .select(['id', 'score', 'fee_charged', 'expires_on'])
      .where('issued_on', '=', day)
      .where('type_code', '=', web.code)
      .execute()
    t.equal(stored.length, 1_000)
    const byId = new Map(stored.map((s) => [s.id, s]))
    t.same(byId.get(body.items[1].id), {
      id: body.items[1].id,
      score: '61.00',
      fee_charged: '120.00',
      expires_on: '2025-09-01',
    })
    const one = await app.inject({
      method: 'GET',
      url: `/v1/certificates/${body.items[999].id}`,
      headers: issuer,
    })
    t.match(
      one.json(),
      { holderName: '王999', number: `${web.code}-2022-0001000`, learnerId: many[999] },
      'the sealed name opens again',
    )

    const replay = await batch(items)
    t.equal(replay.statusCode, 200, 'all existing: 200')
    t.equal(replay.json().existing, 1_000)
    t.same(
      replay.json().items.map((i: { id: string }) => i.id),
      body.items.map((i: { id: string }) => i.id),
    )
    t.equal((await written()).certificates, before.certificates + 1_000)
    await eventually(
      async () =>
        h.platform.transport
          .events('certificates.certificate.issued')
          .filter((e) => e.data.issuedOn === day).length === 1_000,
    )
  },
)

t.test(
  'when accounts does not answer, issuing by 身份证号 is a 503 and writes nothing',
  async (t) => {
    const before = await written()
    const body = {
      ...cert(0, { issuedOn: '2025-07-01' }),
      learnerId: undefined,
      nationalId: '11010519491231002X',
    }
    for (const res of [await issue(body), await batch([body])]) {
      t.equal(res.statusCode, 503)
      t.equal(res.json().code, 'CERTIFICATES_ACCOUNTS_UNAVAILABLE')
      t.notOk(res.body.includes('11010519491231002X'), 'the national id is not echoed')
    }
    t.same(await written(), before)
  },
)

t.test('every certificate was announced exactly once', async (t) => {
  const total = await h.count('certificate')
  await eventually(
    async () => h.platform.transport.events('certificates.certificate.issued').length >= total,
  )
  const ids = h.platform.transport
    .events('certificates.certificate.issued')
    .map((e) => e.data.certificateId)
  t.equal(new Set(ids).size, total)
  // The relay deletes what it published after the broker took it: drained soon after, not at once.
  await eventually(async () => (await h.count('outbox_event')) === 0)
  t.equal(await h.count('outbox_event'), 0, 'the outbox is drained')
})
