import { createHash } from 'node:crypto'
import t from 'tap'
import { plainPdf } from './evidence-files.js'
import { BASE_URL, buildPortfolio, fixtures } from './helper.js'

// Issue 16, bug 6: VC Data Model 2.0 §5.3 (integrity of related resources). Each `relatedResource`
// value is an object with an `id` URL, unique among them, and a `digestSRI` or `digestMultibase`.
// The VC API issuer refuses anything else naming the field; the verifier checks the digest of a
// resource this service serves (an evidence file).

const pf = await buildPortfolio()
t.teardown(() => pf.close())
const { app } = pf
const f = fixtures()
await pf.apply(f.orgRegistered(f.school, '郑州职业技术学院'), f.learnerOpened())
const client = pf.platform.keys.auth({ typ: 'client', org: f.school, scope: 'credentials:issue' })
const school = await pf.didOf(f.school)

const pdf = await plainPdf('Internship report')
const uploaded = await app.inject({
  method: 'POST',
  url: `/v1/learners/${f.learnerId}/evidence?filename=report.pdf`,
  headers: { ...pf.learner(f.learnerId), 'content-type': 'application/octet-stream' },
  payload: pdf,
})
const evidenceUrl = `${BASE_URL}/v1/evidence/${uploaded.json().id}`
const sri = (alg: 'sha256' | 'sha384' | 'sha512', b: Buffer) =>
  `${alg}-${createHash(alg).update(b).digest('base64')}`
/** A multibase (base64url, no padding: `u`) multihash (sha2-256: 0x12, 32 bytes). */
const multibase = (b: Buffer) =>
  `u${Buffer.concat([Buffer.from([0x12, 0x20]), createHash('sha256').update(b).digest()]).toString('base64url')}`
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const base58 = (b: Buffer) => {
  let n = BigInt(`0x${b.toString('hex')}`)
  let out = ''
  while (n > 0n) {
    out = BASE58[Number(n % 58n)] + out
    n /= 58n
  }
  for (const byte of b) {
    if (byte !== 0) break
    out = `1${out}`
  }
  return out
}

const credential = (relatedResource: unknown) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential'],
  issuer: school,
  credentialSubject: { id: 'did:example:abc', name: '实习证明' },
  relatedResource,
})
const issue = (relatedResource: unknown, headers: Record<string, string> = client) =>
  app.inject({
    method: 'POST',
    url: '/credentials/issue',
    headers,
    payload: { credential: credential(relatedResource) },
  })
const verify = (verifiableCredential: unknown) =>
  app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } })
const statusRows = async () =>
  Number(
    (
      await pf.db
        .selectFrom('credential_status')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

t.test('related resources that break §5.3 are refused, naming the field', async (t) => {
  t.equal(uploaded.statusCode, 201, uploaded.body)
  const good = { id: evidenceUrl, digestSRI: sri('sha384', pdf) }
  const cases: [string, unknown, string][] = [
    ['a bare URL', 'https://example.org/a.pdf', '/credential/relatedResource'],
    ['a URL in a list', ['https://example.org/a.pdf'], '/credential/relatedResource/0'],
    ['no id', [{ digestSRI: good.digestSRI }], '/credential/relatedResource/0/id'],
    [
      'an id that is not a URL',
      [{ id: 'a report', digestSRI: good.digestSRI }],
      '/credential/relatedResource/0/id',
    ],
    ['no digest', [{ id: 'https://example.org/a.pdf' }], '/credential/relatedResource/0'],
    [
      'a malformed digestSRI',
      [{ id: 'https://example.org/a.pdf', digestSRI: 'md5-abc' }],
      '/credential/relatedResource/0/digestSRI',
    ],
    [
      'a digestSRI of the wrong length',
      [
        {
          id: 'https://example.org/a.pdf',
          digestSRI: `sha384-${Buffer.alloc(32).toString('base64')}`,
        },
      ],
      '/credential/relatedResource/0/digestSRI',
    ],
    [
      'a digestMultibase that is not a multihash',
      [{ id: 'https://example.org/a.pdf', digestMultibase: 'uAAAA' }],
      '/credential/relatedResource/0/digestMultibase',
    ],
    [
      'the same id twice',
      [good, { id: evidenceUrl, digestMultibase: multibase(pdf) }],
      '/credential/relatedResource/1/id',
    ],
    ['an empty list', [], '/credential/relatedResource'],
  ]
  const before = await statusRows()
  for (const [name, value, path] of cases) {
    const res = await issue(value)
    t.equal(res.statusCode, 400, `${name}: 400${res.statusCode === 400 ? '' : ` ${res.body}`}`)
    t.match(res.headers['content-type'], /application\/problem\+json/, name)
    const body = res.json()
    t.equal(body.code, 'PORTFOLIO_RELATED_RESOURCE_INVALID', name)
    t.ok(
      body.errors?.some((e: { path: string }) => e.path === path),
      `${name}: names ${path} (${JSON.stringify(body.errors)})`,
    )
  }
  t.equal(await statusRows(), before, 'nothing allocated for a refused credential')
  const zh = await app.inject({
    method: 'POST',
    url: '/credentials/issue',
    headers: { ...client, 'accept-language': 'zh-CN' },
    payload: { credential: credential('https://example.org/a.pdf') },
  })
  t.match(zh.json(), { code: 'PORTFOLIO_RELATED_RESOURCE_INVALID', title: /relatedResource/ })
  t.not(zh.json().title, (await issue('https://example.org/a.pdf')).json().title, 'in Chinese')
})

t.test('well-formed related resources are signed, and our files’ digests checked', async (t) => {
  const ok = await issue([
    { id: evidenceUrl, digestSRI: sri('sha384', pdf), mediaType: 'application/pdf' },
    {
      id: 'https://example.org/terms.html',
      digestMultibase: `z${base58(Buffer.concat([Buffer.from([0x12, 0x20]), createHash('sha256').update('terms').digest()]))}`,
    },
  ])
  t.equal(ok.statusCode, 201, `answers 201${ok.statusCode === 201 ? '' : `: ${ok.body}`}`)
  const vc = ok.json().verifiableCredential
  const checked = await verify(vc)
  t.equal(checked.statusCode, 200, checked.body)
  t.ok(checked.json().checks.includes('integrity'))
  t.ok(
    checked.json().warnings.some((w: string) => w.includes('https://example.org/terms.html')),
    'another site’s resource is not fetched, and the verifier says so',
  )

  for (const digest of [
    { digestSRI: sri('sha256', pdf) },
    { digestSRI: sri('sha512', pdf) },
    { digestMultibase: multibase(pdf) },
  ]) {
    const res = await issue([{ id: evidenceUrl, ...digest }])
    t.equal(res.statusCode, 201, res.body)
    t.equal((await verify(res.json().verifiableCredential)).statusCode, 200, JSON.stringify(digest))
  }

  const other = await plainPdf('Another report')
  const wrong = await issue([{ id: evidenceUrl, digestSRI: sri('sha384', other) }])
  t.equal(wrong.statusCode, 201, 'a digest is only checked on verify')
  const res = await verify(wrong.json().verifiableCredential)
  t.equal(res.statusCode, 400)
  t.same(
    res.json().problemDetails.map((p: { check: string }) => p.check),
    ['integrity'],
  )
  t.match(res.json().errors, [/integrity: .*does not match/])

  const missing = await issue([
    {
      id: `${BASE_URL}/v1/evidence/0190a3b1-0000-7000-8000-000000000000`,
      digestSRI: sri('sha256', pdf),
    },
  ])
  t.equal(missing.statusCode, 201)
  const gone = await verify(missing.json().verifiableCredential)
  t.equal(gone.statusCode, 400)
  t.match(gone.json().errors, [/integrity: .*no such resource/])
})

t.test('a verifier refuses a malformed relatedResource in a signed credential', async (t) => {
  const ok = await issue([{ id: evidenceUrl, digestSRI: sri('sha384', pdf) }])
  const vc = ok.json().verifiableCredential
  const res = await verify({ ...vc, relatedResource: [{ id: evidenceUrl }] })
  t.equal(res.statusCode, 400)
  t.ok(res.json().problemDetails.some((p: { check: string }) => p.check === 'schema'))
})
