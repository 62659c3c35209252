import t from 'tap'
import { buildCertificates, madeUpPerson } from './helper.js'

const h = await buildCertificates({}, { withAccounts: true })
t.teardown(() => h.close())
const { app } = h

const [own] = await h.orgs([{ name: '工业和信息化部教育与考试中心' }])
const web = await h.type(own!.id, { name: 'Web前端开发' })
const [wang, zhao, sun, qian] = ['王小明', '赵丽', '孙强', '钱多多'].map(madeUpPerson) as [
  ReturnType<typeof madeUpPerson>,
  ReturnType<typeof madeUpPerson>,
  ReturnType<typeof madeUpPerson>,
  ReturnType<typeof madeUpPerson>,
]
const [wangAccount, zhaoAccount, sunAccount] = await h.people([wang, zhao, sun])
const issuer = h.issuerOf(own!.id)

const row = (p: { nationalId: string; name: string }, over: Record<string, unknown> = {}) => ({
  typeCode: web.code,
  level: 'junior',
  nationalId: p.nationalId,
  holderName: p.name,
  score: '88.5',
  issuedOn: '2025-06-20',
  ...over,
})
const batch = (items: unknown[], query = '', headers: Record<string, string> = issuer) =>
  app.inject({ method: 'POST', url: `/v1/certificates/batch${query}`, headers, payload: { items } })
/** What a write would change: certificates, numbers handed out, idempotency keys (the relay empties the outbox on its own). */
const nothingWritten = async () => ({
  certificates: await h.count('certificate'),
  numbers: (
    await h.db
      .selectFrom('certificate_number_counter')
      .select('last_seq')
      .orderBy('type_code')
      .orderBy('year')
      .execute()
  ).map((r) => r.last_seq),
  keys: await h.count('idempotency_key'),
})

t.test('a dry run previews the batch and writes nothing; the real run issues it', async (t) => {
  const items = [row(wang), row(zhao, { level: 'intermediate' }), row(sun)]
  const before = await nothingWritten()
  const preview = await batch(items, '?dryRun=true')
  t.equal(preview.statusCode, 200)
  const p = preview.json()
  t.equal(p.dryRun, true)
  t.equal(p.created, 3)
  t.match(p.items[0], {
    index: 0,
    id: null,
    number: null,
    created: true,
    learnerId: wangAccount!.id,
    accountNo: wangAccount!.accountNo,
    holderName: '王小明',
    typeCode: web.code,
    level: 'junior',
    issuedOn: '2025-06-20',
  })
  t.same(await nothingWritten(), before, 'no certificate, number or idempotency key')

  const real = await batch(items)
  t.equal(real.statusCode, 201)
  t.equal(real.json().dryRun, false)
  t.same(
    real.json().items.map((i: { learnerId: string }) => i.learnerId),
    [wangAccount!.id, zhaoAccount!.id, sunAccount!.id],
  )
  t.ok(real.json().items.every((i: { number: string }) => i.number.startsWith(`${web.code}-2025-`)))
  const again = await batch(items, '?dryRun=true')
  t.same(
    again.json().items.map((i: { number: string; created: boolean }) => [i.number, i.created]),
    real.json().items.map((i: { number: string }) => [i.number, false]),
    'a preview of what exists shows the existing numbers',
  )
})

t.test('every bad row is named, in a dry run as for real, and nothing is written', async (t) => {
  const before = await nothingWritten()
  const items = [
    row(qian),
    row({ ...wang, name: '王大明' }),
    row({ nationalId: '410105199001011234', name: '李某' }),
    row(zhao, { learnerId: zhaoAccount!.id }),
    { ...row(sun), nationalId: undefined },
    row(sun, { level: 'senior', issuedOn: '2099-01-01' }),
    row(wang, { issuedOn: '2025-06-21' }),
  ]
  for (const query of ['?dryRun=true', '']) {
    const res = await batch(items, query)
    t.equal(res.statusCode, 422, query)
    t.equal(res.json().code, 'CERTIFICATES_ISSUANCE_INVALID')
    const paths = res.json().errors.map((e: { path: string }) => e.path)
    t.same(
      paths.sort(),
      [
        '/items/0/nationalId',
        '/items/1/nationalId',
        '/items/2/nationalId',
        '/items/3/nationalId',
        '/items/4/nationalId',
        '/items/5/issuedOn',
        '/items/5/level',
      ].sort(),
      `${query}: each bad row by field; the good row 6 is not named`,
    )
    t.match(
      res.json().errors.find((e: { path: string }) => e.path === '/items/2/nationalId').message,
      /check digit/,
      'a malformed 身份证号 says why',
    )
  }
  t.same(await nothingWritten(), before)
})

t.test('issuing again after a revocation: 409 naming the revoked certificate', async (t) => {
  const first = await app.inject({
    method: 'POST',
    url: '/v1/certificates',
    headers: issuer,
    payload: row(wang, { issuedOn: '2024-11-11' }),
  })
  t.equal(first.statusCode, 201)
  const { number, id } = first.json()
  const revoked = await app.inject({
    method: 'POST',
    url: `/v1/certificates/${number}/revocation`,
    headers: issuer,
    payload: { reason: '成绩复核不合格' },
  })
  t.equal(revoked.statusCode, 200)

  const before = await nothingWritten()
  const again = await app.inject({
    method: 'POST',
    url: '/v1/certificates',
    headers: issuer,
    payload: row(wang, { issuedOn: '2024-11-11' }),
  })
  t.equal(again.statusCode, 409)
  t.equal(again.json().code, 'CERTIFICATES_CERTIFICATE_REVOKED')
  t.match(again.json().detail, number, 'the answer names the revoked certificate')
  const inBatch = await batch([
    row(sun, { issuedOn: '2024-11-11' }),
    row(wang, { issuedOn: '2024-11-11' }),
  ])
  t.equal(inBatch.statusCode, 409)
  t.same(
    inBatch.json().errors.map((e: { path: string; message: string }) => e.path),
    ['/items/1'],
  )
  t.match(inBatch.json().errors[0].message, number)
  const preview = await batch([row(wang, { issuedOn: '2024-11-11' })], '?dryRun=true')
  t.equal(preview.statusCode, 409, 'the preview says so too')
  t.same(await nothingWritten(), before, 'and nothing was written')

  const reassessed = await app.inject({
    method: 'POST',
    url: '/v1/certificates',
    headers: issuer,
    payload: row(wang, { issuedOn: '2025-03-03' }),
  })
  t.equal(reassessed.statusCode, 201, 'a new assessment date gives a new certificate')
  t.not(reassessed.json().number, number)
  t.equal(reassessed.json().status, 'valid')
  const old = await app.inject({ method: 'GET', url: `/v1/certificates/${id}`, headers: issuer })
  t.equal(old.json().status, 'revoked', 'the revoked one stays revoked')
})

t.test("an evaluation organization's system client issues by 身份证号 too", async (t) => {
  const res = await batch([row(zhao, { issuedOn: '2025-01-15' })], '', h.clientOf(own!.id))
  t.equal(res.statusCode, 201, res.body)
  t.equal(res.json().items[0].learnerId, zhaoAccount!.id)
  const registrar = h.keys.auth({ roles: ['registrar'], org: own!.id })
  t.equal((await batch([row(zhao)], '?dryRun=true', registrar)).statusCode, 403)
})
