import { createHash } from 'node:crypto'
import t from 'tap'
import { PLATFORM_ISSUER } from '../src/credentials/issuers.js'
import { documentLoader, UnknownDocumentError } from '../src/credentials/loader.js'
import { bitAt, decodeList } from '../src/credentials/status-list.js'
import { BASE_URL, buildPortfolio, fixtures, ids } from './helper.js'

const pf = await buildPortfolio()
t.teardown(() => pf.close())
const { app } = pf
const f = fixtures()
const me = pf.learner(f.learnerId)

const course = f.outcome()
const certId = ids()
const certificate = f.certificateIssued(certId)
const certEntry = f.ledgerCopy(certId)
await pf.apply(
  f.orgRegistered(f.school, '郑州职业技术学院'),
  f.orgRegistered(f.evalOrg, '工业和信息化部教育与考试中心', 'evaluation_org'),
  f.typePublished(),
  f.learnerOpened(),
  course,
  certificate,
  certEntry,
)

const credentialOf = (entryId: string, suite?: string, headers: Record<string, string> = me) =>
  app.inject({
    method: 'GET',
    url: `/v1/learners/${f.learnerId}/credentials/${entryId}${suite ? `?cryptosuite=${suite}` : ''}`,
    headers,
  })
const verify = (verifiableCredential: unknown) =>
  app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } })
const count = async (table: 'credential_status' | 'issuer_key' | 'status_list') =>
  Number(
    (
      await pf.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

t.test(
  'a course entry becomes an Open Badges 3.0 AchievementCredential signed by the school (eddsa-rdfc-2022) that verifies',
  async (t) => {
    const res = await credentialOf(course.data.entryId as string)
    t.equal(res.statusCode, 200, `answers 200${res.statusCode === 200 ? '' : `: ${res.body}`}`)
    const vc = res.json()
    t.same(vc['@context'], [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ])
    t.same(vc.type, ['VerifiableCredential', 'AchievementCredential'])
    t.match(vc.issuer, { id: /^did:key:z6Mk/, name: '郑州职业技术学院' })
    t.equal(vc.proof.length, 1, 'proof is a set, as Open Badges 3.0 serializes it (decision 0708)')
    t.equal(vc.proof[0].type, 'DataIntegrityProof')
    t.equal(vc.proof[0].cryptosuite, 'eddsa-rdfc-2022')
    t.ok(vc.proof[0].verificationMethod.startsWith(`${vc.issuer.id}#`))
    const subject = vc.credentialSubject
    t.equal(subject.creditsEarned, 4)
    t.match(subject.achievement, {
      type: ['Achievement'],
      achievementType: 'Course',
      name: '网页设计',
      humanCode: 'WEB201',
      creditsAvailable: 4,
    })
    t.match(subject.result, [{ type: ['Result'], value: '88' }])
    const identity = subject.identifier[0]
    t.match(identity, {
      type: 'IdentityObject',
      hashed: true,
      identityType: 'identifier',
      identityHash: /^sha256\$[0-9a-f]{64}$/,
    })
    t.notOk(JSON.stringify(vc).includes(f.learnerId), 'the learner id is not in the credential')
    t.match(vc.credentialStatus, {
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListCredential: new RegExp(`^${BASE_URL}/status-lists/`),
    })
    const ok = await verify(vc)
    t.equal(ok.statusCode, 200, `answers 200${ok.statusCode === 200 ? '' : `: ${ok.body}`}`)
    t.match(ok.json(), {
      verified: true,
      errors: [],
      checks: ['schema', 'signature', 'expiry', 'status'],
    })

    const again = (await credentialOf(course.data.entryId as string)).json()
    t.equal(
      again.credentialStatus.statusListIndex,
      vc.credentialStatus.statusListIndex,
      'the same entry keeps its status bit',
    )
    t.equal(again.issuer.id, vc.issuer.id, 'the same organization signs with the same did:key')
  },
)

t.test('eddsa-jcs-2022 on request, and both suites verify', async (t) => {
  const res = await credentialOf(course.data.entryId as string, 'eddsa-jcs-2022')
  t.equal(res.statusCode, 200)
  t.equal(res.json().proof[0].cryptosuite, 'eddsa-jcs-2022')
  t.equal((await verify(res.json())).statusCode, 200)
  const bad = await credentialOf(course.data.entryId as string, 'rsa-2048')
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().code, 'VALIDATION_FAILED')
})

t.test(
  'a certificate is signed by its evaluation organization, in Chinese and English',
  async (t) => {
    const res = await credentialOf(certId)
    t.equal(res.statusCode, 200, `answers 200${res.statusCode === 200 ? '' : `: ${res.body}`}`)
    const vc = res.json()
    t.equal(vc.issuer.name, '工业和信息化部教育与考试中心')
    const school = (await credentialOf(course.data.entryId as string)).json()
    t.not(vc.issuer.id, school.issuer.id, 'each organization signs as itself')
    t.match(vc.credentialSubject.achievement, {
      achievementType: 'Certificate',
      name: 'Web前端开发（中级）',
      description: /Web Front-End Development \(Intermediate\)/,
    })
    // Open Badges 3.0: `name` is one string; the English name is in the description beside it.
    t.equal(vc.name, 'Web前端开发')
    t.equal(vc.description, 'Web前端开发 — Web Front-End Development')
    t.equal(vc.validUntil, '2029-04-30T23:59:59Z')
    t.equal((await verify(vc)).statusCode, 200)
  },
)

t.test('tampering, expiry and unknown contexts each fail their own check', async (t) => {
  const vc = (await credentialOf(course.data.entryId as string)).json()
  const tampered = await verify({
    ...vc,
    credentialSubject: { ...vc.credentialSubject, creditsEarned: 40 },
  })
  t.equal(tampered.statusCode, 400)
  t.equal(tampered.json().verified, false)
  t.same(
    tampered.json().problemDetails.map((p: { check: string }) => p.check),
    ['signature'],
  )

  const expired = await app.inject({
    method: 'POST',
    url: '/credentials/issue',
    headers: pf.admin,
    payload: {
      credential: {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiableCredential'],
        issuer: await pf.didOf(PLATFORM_ISSUER),
        validFrom: '2020-01-01T00:00:00Z',
        validUntil: '2021-01-01T00:00:00Z',
        credentialSubject: { id: 'did:example:123', name: 'x' },
      },
    },
  })
  t.equal(
    expired.statusCode,
    201,
    `answers 201${expired.statusCode === 201 ? '' : `: ${expired.body}`}`,
  )
  const exp = await verify(expired.json().verifiableCredential)
  t.equal(exp.statusCode, 400)
  t.same(
    exp.json().problemDetails.map((p: { check: string }) => p.check),
    ['expiry'],
    'the signature is fine, only expiry fails',
  )

  const unknown = await verify({
    ...vc,
    '@context': [...vc['@context'], 'https://evil.example/context.json'],
  })
  t.equal(unknown.statusCode, 400)
  t.ok(
    unknown
      .json()
      .errors.some((e: string) =>
        e.startsWith('schema: unknown @context https://evil.example/context.json'),
      ),
  )
  t.equal((await verify('not a credential')).statusCode, 400)
  const noBody = await app.inject({ method: 'POST', url: '/credentials/verify', payload: {} })
  t.equal(noBody.statusCode, 400)
  t.equal(noBody.json().code, 'VALIDATION_FAILED')
})

t.test(
  'the document loader is offline: an unknown URL is a clear error, never a fetch',
  async (t) => {
    await t.rejects(documentLoader('https://example.com/some-context.jsonld'), UnknownDocumentError)
    await t.rejects(
      documentLoader('did:web:example.com'),
      /unknown JSON-LD context or document did:web:example.com/,
    )
    const known = await documentLoader('https://www.w3.org/ns/credentials/v2')
    t.ok(known.document['@context'])
    t.equal(
      await documentLoader('https://www.w3.org/ns/credentials/v2'),
      known,
      'the same frozen document every time',
    )
    t.ok(Object.isFrozen(known.document['@context']))
  },
)

t.test('the bundled CLR 2.0 context is the published context-2.0.1.json', async (t) => {
  // sha256 of the compact JSON of 1EdTech/digital-credentials-public-validator
  // inspector-vc/src/main/resources/contexts/clr-v2p0-2.0.1.json @ de1b9bb2d49b551379721f748661549524a4b013
  const { document } = await documentLoader(
    'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json',
  )
  t.equal(
    createHash('sha256').update(JSON.stringify(document)).digest('hex'),
    '114c37a0eee7ff5feb6247625d741ad22f1e7d146ef23059330a73b69d9ca735',
  )
})

t.test('reversing an entry flips its bit in the issuer’s Bitstring Status List', async (t) => {
  const vc = (await credentialOf(course.data.entryId as string)).json()
  const listUrl: string = vc.credentialStatus.statusListCredential
  const index = Number(vc.credentialStatus.statusListIndex)
  const before = (await app.inject({ method: 'GET', url: listUrl.slice(BASE_URL.length) })).json()
  t.same(before.type, ['VerifiableCredential', 'BitstringStatusListCredential'])
  t.equal(before.issuer, vc.issuer.id)
  const bits = decodeList(before.credentialSubject.encodedList)
  t.equal(bits.length * 8, 131_072)
  t.notOk(bitAt(bits, index))
  t.equal((await verify(before)).statusCode, 200, 'the status list credential itself verifies')

  await pf.apply({
    type: 'accounts.entry.reversed',
    data: {
      entryId: ids(),
      reversedEntryId: course.data.entryId,
      learnerId: f.learnerId,
      orgId: f.school,
      reason: '录入错误',
      postedAt: new Date().toISOString(),
    },
  })
  const after = (await app.inject({ method: 'GET', url: listUrl.slice(BASE_URL.length) })).json()
  t.ok(bitAt(decodeList(after.credentialSubject.encodedList), index), 'the bit is set')
  const checked = await verify(vc)
  t.equal(checked.statusCode, 400)
  t.same(
    checked.json().problemDetails.map((p: { check: string }) => p.check),
    ['status'],
  )
  const refused = await credentialOf(course.data.entryId as string)
  t.equal(refused.statusCode, 409)
  t.equal(refused.json().code, 'PORTFOLIO_ENTRY_REVOKED')
  t.equal((await app.inject({ method: 'GET', url: `/status-lists/${ids()}` })).statusCode, 404)
})

t.test(
  'revoking a certificate flips the bits of the certificate and of its ledger entry',
  async (t) => {
    const cert = (await credentialOf(certId)).json()
    const entry = (await credentialOf(certEntry.data.entryId as string)).json()
    t.equal(entry.issuer.id, cert.issuer.id)
    await pf.apply({
      type: 'certificates.certificate.revoked',
      data: {
        certificateId: certId,
        number: certificate.data.number,
        learnerId: f.learnerId,
        evaluationOrgId: f.evalOrg,
        reason: '考核作弊',
        revokedAt: new Date().toISOString(),
      },
    })
    for (const vc of [cert, entry]) {
      const res = await verify(vc)
      t.equal(res.statusCode, 400)
      t.match(res.json().errors, [/^status: the credential was revoked/])
    }
  },
)

t.test(
  'the CLR export holds every live entry, each signed by its organization, inside one credit bank signature',
  async (t) => {
    const f2 = fixtures()
    const a = f2.outcome({ orgId: f.school })
    const b = f2.outcome({ orgId: f.school, title: '数据库', code: 'DB101', credits: '3' })
    await pf.apply(f2.learnerOpened(), a, b)
    const res = await app.inject({
      method: 'GET',
      url: `/v1/learners/${f2.learnerId}/exports/clr`,
      headers: pf.learner(f2.learnerId),
    })
    t.equal(res.statusCode, 200, `answers 200${res.statusCode === 200 ? '' : `: ${res.body}`}`)
    const clr = res.json()
    t.same(clr.type, ['VerifiableCredential', 'ClrCredential'])
    t.ok(clr['@context'].includes('https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json'))
    t.equal(clr.credentialSubject.verifiableCredential.length, 2)
    const v = await verify(clr)
    t.equal(v.statusCode, 200, `answers 200${v.statusCode === 200 ? '' : `: ${v.body}`}`)
    for (const inner of clr.credentialSubject.verifiableCredential)
      t.equal((await verify(inner)).statusCode, 200)
    const empty = await app.inject({
      method: 'GET',
      url: `/v1/learners/${ids()}/exports/clr`,
      headers: pf.learner(ids()),
    })
    t.equal(empty.statusCode, 403, 'another learner id than the token’s')
  },
)

t.test(
  'the VC API issuer: org clients with the scope sign as their organization; others are refused; bad input writes nothing',
  async (t) => {
    const client = pf.platform.keys.auth({
      typ: 'client',
      org: f.school,
      scope: 'credentials:issue',
    })
    const school = await pf.didOf(f.school)
    const credential = {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiableCredential'],
      issuer: school,
      credentialSubject: { id: 'did:example:abc', name: '实习证明' },
    }
    const res = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: client,
      payload: { credential, options: { cryptosuite: 'eddsa-jcs-2022' } },
    })
    t.equal(res.statusCode, 201, `answers 201${res.statusCode === 201 ? '' : `: ${res.body}`}`)
    const issued = res.json().verifiableCredential
    t.same(
      issued.issuer,
      { id: school, name: '郑州职业技术学院' },
      'the issuer named by its DID, with the organization’s name',
    )
    t.equal(issued.proof.cryptosuite, 'eddsa-jcs-2022')
    t.ok(issued.credentialStatus)
    t.equal((await verify(issued)).statusCode, 200)

    // The VC Data Model 2.0 examples (and its test suite) use the W3C examples context: it is bundled.
    const example = {
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://www.w3.org/ns/credentials/examples/v2',
      ],
      type: ['VerifiableCredential', 'ExampleAlumniCredential'],
      issuer: { id: school, name: 'Example University' },
      credentialSubject: { id: 'did:example:abc', alumniOf: 'The School of Examples' },
    }
    for (const cryptosuite of ['eddsa-rdfc-2022', 'eddsa-jcs-2022']) {
      const withExamples = await app.inject({
        method: 'POST',
        url: '/credentials/issue',
        headers: client,
        payload: { credential: example, options: { cryptosuite } },
      })
      t.equal(
        withExamples.statusCode,
        201,
        `the examples context, ${cryptosuite}: ${withExamples.statusCode === 201 ? '' : withExamples.body}`,
      )
      t.equal(
        (await verify(withExamples.json().verifiableCredential)).statusCode,
        200,
        `and it verifies (${cryptosuite})`,
      )
    }
    // Schemas and terms of use that name their type (and a schema its URL) are signed as given.
    const typed = {
      ...example,
      credentialSchema: [{ id: 'https://example.org/schemas/alumni.json', type: 'JsonSchema' }],
      termsOfUse: { type: 'ExampleTermsPolicy' },
    }
    const withTyped = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: client,
      payload: { credential: typed },
    })
    t.equal(
      withTyped.statusCode,
      201,
      `typed schema and terms of use: ${withTyped.statusCode === 201 ? '' : withTyped.body}`,
    )
    t.same(
      withTyped.json().verifiableCredential.credentialSchema,
      typed.credentialSchema,
      'the schema is kept as given',
    )
    t.equal(
      (await verify(withTyped.json().verifiableCredential)).statusCode,
      200,
      'and it verifies',
    )

    const before = await count('credential_status')
    const cases: [string, Record<string, string>, unknown, number, string][] = [
      ['no token', {}, { credential }, 401, 'AUTH_TOKEN_MISSING'],
      [
        'a registrar',
        pf.platform.keys.auth({ roles: ['registrar'], org: f.school }),
        { credential },
        403,
        'AUTH_FORBIDDEN',
      ],
      [
        'a client without the scope',
        pf.platform.keys.auth({ typ: 'client', org: f.school, scope: 'outcomes:write' }),
        { credential },
        403,
        'AUTH_FORBIDDEN',
      ],
      ['a learner', me, { credential }, 403, 'AUTH_FORBIDDEN'],
      [
        'an unknown context',
        client,
        {
          credential: {
            ...credential,
            '@context': ['https://www.w3.org/ns/credentials/v2', 'https://evil.example/ctx'],
          },
        },
        400,
        'PORTFOLIO_CONTEXT_UNKNOWN',
      ],
      [
        'another issuer',
        client,
        {
          credential: {
            ...credential,
            issuer: 'did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH',
          },
        },
        400,
        'PORTFOLIO_ISSUER_MISMATCH',
      ],
      [
        'an undefined term',
        client,
        {
          credential: {
            ...credential,
            credentialSubject: { id: 'did:example:abc', notInAnyContext: 1 },
          },
        },
        400,
        'PORTFOLIO_CREDENTIAL_INVALID',
      ],
      [
        'a proof already',
        client,
        { credential: { ...credential, proof: {} } },
        400,
        'PORTFOLIO_CREDENTIAL_INVALID',
      ],
      ['no credential', client, { options: {} }, 400, 'VALIDATION_FAILED'],
      [
        'an unknown option',
        client,
        { credential, options: { cryptosuite: 'none' } },
        400,
        'VALIDATION_FAILED',
      ],
    ]
    for (const [name, headers, payload, status, code] of cases) {
      const r = await app.inject({
        method: 'POST',
        url: '/credentials/issue',
        headers,
        payload: payload as object,
      })
      t.equal(r.statusCode, status, `${name}: ${r.body}`)
      t.equal(r.json().code, code, name)
      t.match(r.headers['content-type'], /application\/problem\+json/, name)
    }

    // What VC Data Model 2.0 requires of a credential (the VC API issuer suite's cases): 400, the field named.
    const { issuer: _issuer, ...noIssuer } = credential
    const { credentialSubject: _subject, ...noSubject } = credential
    const { type: _type, ...noType } = credential
    const { '@context': _context, ...noContext } = credential
    const malformed: [string, Record<string, unknown>, string][] = [
      ['no issuer', noIssuer, '/credential/issuer'],
      ['a null issuer', { ...credential, issuer: null }, '/credential/issuer'],
      ['a numeric issuer', { ...credential, issuer: 4 }, '/credential/issuer'],
      ['an issuer array', { ...credential, issuer: [] }, '/credential/issuer'],
      [
        'an issuer object without id',
        { ...credential, issuer: { name: 'x' } },
        '/credential/issuer',
      ],
      ['no credentialSubject', noSubject, '/credential/credentialSubject'],
      [
        'a null credentialSubject',
        { ...credential, credentialSubject: null },
        '/credential/credentialSubject',
      ],
      [
        'a string credentialSubject',
        { ...credential, credentialSubject: 'did:example:1234' },
        '/credential/credentialSubject',
      ],
      [
        'an empty credentialSubject array',
        { ...credential, credentialSubject: [] },
        '/credential/credentialSubject',
      ],
      [
        'an empty credentialSubject',
        { ...credential, credentialSubject: {} },
        '/credential/credentialSubject',
      ],
      ['no type', noType, '/credential/type'],
      ['a numeric type', { ...credential, type: 4 }, '/credential/type'],
      [
        'a null in type',
        { ...credential, type: [null, 'VerifiableCredential'] },
        '/credential/type',
      ],
      [
        'a nested type array',
        { ...credential, type: [['VerifiableCredential']] },
        '/credential/type',
      ],
      ['no @context', noContext, '/credential/@context'],
      ['a numeric @context', { ...credential, '@context': 4 }, '/credential/@context'],
      ['a numeric @context item', { ...credential, '@context': [4] }, '/credential/@context/0'],
      ['a null id', { ...credential, id: null }, '/credential/id'],
      ['two ids', { ...credential, id: ['urn:uuid:1', 'urn:uuid:2'] }, '/credential/id'],
      ['an id that is not a URL', { ...credential, id: 'not a url' }, '/credential/id'],
      [
        'a malformed validFrom',
        { ...credential, validFrom: '2024-01-01' },
        '/credential/validFrom',
      ],
      [
        'validUntil before validFrom',
        { ...credential, validFrom: '2024-01-02T00:00:00Z', validUntil: '2024-01-01T00:00:00Z' },
        '/credential/validUntil',
      ],
      [
        'a status already',
        { ...credential, credentialStatus: { type: 'BitstringStatusListEntry' } },
        '/credential/credentialStatus',
      ],
      [
        'a credentialSchema without type',
        { ...credential, credentialSchema: { id: 'https://example.org/schema.json' } },
        '/credential/credentialSchema/type',
      ],
      [
        'a credentialSchema without id',
        { ...credential, credentialSchema: [{ type: 'JsonSchema' }] },
        '/credential/credentialSchema/0/id',
      ],
      [
        'a credentialSchema whose id is not a URL',
        { ...credential, credentialSchema: { id: 'schema', type: 'JsonSchema' } },
        '/credential/credentialSchema/id',
      ],
      [
        'a termsOfUse without type',
        { ...credential, termsOfUse: [{ id: 'https://example.org/tou' }] },
        '/credential/termsOfUse/0/type',
      ],
      [
        'an evidence without type',
        { ...credential, evidence: { id: 'https://example.org/evidence/1' } },
        '/credential/evidence/type',
      ],
      [
        'a refreshService that is a string',
        { ...credential, refreshService: 'https://example.org/refresh' },
        '/credential/refreshService',
      ],
    ]
    for (const [name, bad, path] of malformed) {
      const r = await app.inject({
        method: 'POST',
        url: '/credentials/issue',
        headers: client,
        payload: { credential: bad },
      })
      t.equal(r.statusCode, 400, `${name}: ${r.body}`)
      t.equal(r.json().code, 'PORTFOLIO_CREDENTIAL_INVALID', name)
      t.ok(
        r.json().errors.some((e: { path: string }) => e.path === path),
        `${name} names ${path}`,
      )
    }
    const missing = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: client,
      payload: { credential: noIssuer },
    })
    t.match(
      missing.json().errors,
      [{ path: '/credential/issuer', message: new RegExp(school) }],
      'a missing issuer is answered with the DID the caller signs as',
    )
    t.equal(
      await count('credential_status'),
      before,
      'no status entry was allocated by a refused request',
    )
  },
)

t.test(
  'the VC API status update: the issuing organization revokes what it issued; verify then fails on status',
  async (t) => {
    const client = pf.platform.keys.auth({
      typ: 'client',
      org: f.school,
      scope: 'credentials:issue',
    })
    const issue = (credential: Record<string, unknown>, headers = client) =>
      app.inject({ method: 'POST', url: '/credentials/issue', headers, payload: { credential } })
    const base = {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiableCredential'],
      issuer: await pf.didOf(f.school),
      credentialSubject: { id: 'did:example:holder', name: '实习证明' },
    }
    const issued = (await issue({ ...base, id: `urn:uuid:${ids()}` })).json().verifiableCredential
    const kept = (await issue({ ...base, id: `urn:uuid:${ids()}` })).json().verifiableCredential
    t.match(issued.credentialStatus, {
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListCredential: new RegExp(`^${BASE_URL}/status-lists/`),
    })
    t.equal((await verify(issued)).statusCode, 200)

    const update = (body: Record<string, unknown>, headers: Record<string, string> = client) =>
      app.inject({ method: 'POST', url: '/credentials/status', headers, payload: body })
    const revoke = (credentialId: string, extra: Record<string, unknown> = {}) => ({
      credentialId,
      credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', ...extra },
      status: true,
    })
    const listUrl = (issued.credentialStatus.statusListCredential as string).slice(BASE_URL.length)
    const listBefore = (await app.inject({ method: 'GET', url: listUrl })).json()
    const countBefore = await count('credential_status')

    // Refused: nothing changes, the credential still verifies.
    const refusals: [string, Record<string, unknown>, Record<string, string>, number, string][] = [
      ['no token', revoke(issued.id), {}, 401, 'AUTH_TOKEN_MISSING'],
      ['a learner', revoke(issued.id), me, 403, 'AUTH_FORBIDDEN'],
      [
        'a registrar of the school',
        revoke(issued.id),
        pf.platform.keys.auth({ roles: ['registrar'], org: f.school }),
        403,
        'AUTH_FORBIDDEN',
      ],
      [
        'another organization',
        revoke(issued.id),
        pf.platform.keys.auth({ typ: 'client', org: f.evalOrg, scope: 'credentials:issue' }),
        404,
        'PORTFOLIO_CREDENTIAL_NOT_FOUND',
      ],
      [
        'an admin (signs as the credit bank, not the school)',
        revoke(issued.id),
        pf.admin,
        404,
        'PORTFOLIO_CREDENTIAL_NOT_FOUND',
      ],
      ['an unknown id', revoke(`urn:uuid:${ids()}`), client, 404, 'PORTFOLIO_CREDENTIAL_NOT_FOUND'],
      [
        'another index',
        revoke(issued.id, {
          statusListIndex: String((Number(issued.credentialStatus.statusListIndex) + 1) % 131_072),
        }),
        client,
        400,
        'PORTFOLIO_CREDENTIAL_INVALID',
      ],
      [
        'another list',
        revoke(issued.id, { statusListCredential: `${BASE_URL}/status-lists/${ids()}` }),
        client,
        400,
        'PORTFOLIO_CREDENTIAL_INVALID',
      ],
      [
        'another purpose',
        revoke(issued.id, { statusPurpose: 'suspension' }),
        client,
        400,
        'VALIDATION_FAILED',
      ],
      [
        'no status',
        {
          credentialId: issued.id,
          credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' },
        },
        client,
        400,
        'VALIDATION_FAILED',
      ],
    ]
    for (const [name, body, headers, status, code] of refusals) {
      const r = await update(body, headers)
      t.equal(r.statusCode, status, `${name}: ${r.body}`)
      t.equal(r.json().code, code, name)
    }
    t.equal((await verify(issued)).statusCode, 200, 'still verifies after the refusals')
    t.same(
      (await app.inject({ method: 'GET', url: listUrl })).json(),
      listBefore,
      'the list is unchanged',
    )

    const done = await update(
      revoke(issued.id, {
        statusListIndex: issued.credentialStatus.statusListIndex,
        statusListCredential: issued.credentialStatus.statusListCredential,
      }),
    )
    t.equal(done.statusCode, 200, `answers 200${done.statusCode === 200 ? '' : `: ${done.body}`}`)
    t.same(done.json(), {
      credentialId: issued.id,
      credentialStatus: issued.credentialStatus,
      status: true,
    })
    const checked = await verify(issued)
    t.equal(checked.statusCode, 400)
    t.same(
      checked.json().problemDetails.map((p: { check: string }) => p.check),
      ['status'],
      'only the status check fails',
    )
    t.match(checked.json().errors, [/^status: the credential was revoked/])
    const listAfter = (await app.inject({ method: 'GET', url: listUrl })).json()
    t.ok(
      bitAt(
        decodeList(listAfter.credentialSubject.encodedList),
        Number(issued.credentialStatus.statusListIndex),
      ),
      'the published list has the bit set',
    )
    t.equal((await verify(listAfter)).statusCode, 200, 'the re-signed list verifies')

    // A replay changes nothing; undoing a revocation is refused; the other credential is untouched.
    t.equal((await update(revoke(issued.id))).statusCode, 200)
    t.same(
      (await app.inject({ method: 'GET', url: listUrl })).json(),
      listAfter,
      'the replay left the list as it was',
    )
    const undo = await update({ ...revoke(issued.id), status: false })
    t.equal(undo.statusCode, 409)
    t.equal(undo.json().code, 'PORTFOLIO_STATUS_FINAL')
    const notRevoked = await update({ ...revoke(kept.id), status: false })
    t.equal(notRevoked.statusCode, 200)
    t.equal(notRevoked.json().status, false)
    t.equal((await verify(kept)).statusCode, 200, 'the other credential still verifies')

    // The revoked id cannot be issued again; a refused re-issue of a live id keeps that credential's entry.
    const again = await issue({ ...base, id: issued.id })
    t.equal(again.statusCode, 409)
    t.equal(again.json().code, 'PORTFOLIO_STATUS_FINAL')
    const badReissue = await issue({
      ...base,
      id: kept.id,
      credentialSubject: { id: 'did:example:holder', notInAnyContext: 1 },
    })
    t.equal(badReissue.statusCode, 400)
    t.equal(await count('credential_status'), countBefore, 'no entry was made or given back')
    t.equal(
      (await update(revoke(kept.id))).statusCode,
      200,
      'the live credential is still revocable by its id',
    )
    t.equal((await verify(kept)).statusCode, 400)
  },
)

t.test('credentials are the learner’s own', async (t) => {
  const entry = certEntry.data.entryId as string
  const cases: [string, Record<string, string>, number][] = [
    ['no token', {}, 401],
    ['another learner', pf.learner(ids()), 403],
    ['a registrar', pf.platform.keys.auth({ roles: ['registrar'], org: f.school }), 403],
    ['an admin (the table says self)', pf.admin, 403],
  ]
  for (const [name, headers, status] of cases)
    t.equal((await credentialOf(entry, undefined, headers)).statusCode, status, name)
  t.equal((await credentialOf(ids())).statusCode, 404, 'an entry not in the record')
  t.equal(
    (
      await app.inject({
        method: 'GET',
        url: `/v1/learners/${f.learnerId}/credentials/not-a-uuid`,
        headers: me,
      })
    ).statusCode,
    400,
  )
})

t.test(
  'presentations: an unsigned presentation of good credentials verifies with a warning; a bad one names the credential and check',
  async (t) => {
    const f3 = fixtures()
    const o = f3.outcome({ orgId: f.school })
    await pf.apply(f3.learnerOpened(), o)
    const vc = (
      await app.inject({
        method: 'GET',
        url: `/v1/learners/${f3.learnerId}/credentials/${o.data.entryId}`,
        headers: pf.learner(f3.learnerId),
      })
    ).json()
    const vp = {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiablePresentation'],
      verifiableCredential: [vc],
    }
    const ok = await app.inject({
      method: 'POST',
      url: '/presentations/verify',
      payload: { verifiablePresentation: vp },
    })
    t.equal(ok.statusCode, 200, `answers 200${ok.statusCode === 200 ? '' : `: ${ok.body}`}`)
    t.equal(ok.json().verified, true)
    t.ok(ok.json().warnings.length >= 1)
    const bad = await app.inject({
      method: 'POST',
      url: '/presentations/verify',
      payload: {
        verifiablePresentation: { ...vp, verifiableCredential: [vc, { ...vc, name: 'forged' }] },
      },
    })
    t.equal(bad.statusCode, 400)
    t.match(bad.json().errors, [/^signature: verifiableCredential\[1\]/])
    t.equal(
      (
        await app.inject({
          method: 'POST',
          url: '/presentations/verify',
          payload: { verifiablePresentation: { type: 'nope' } },
        })
      ).statusCode,
      400,
    )
    // a credential under the property's full IRI is not skipped as an unknown property (VC DM 2.0 suite)
    const hidden = {
      '@context': vp['@context'],
      type: vp.type,
      'https://www.w3.org/2018/credentials#verifiableCredential': ['eyJhbGciOiJFUzI1NiJ9.e30.c2ln'],
    }
    const smuggled = await app.inject({
      method: 'POST',
      url: '/presentations/verify',
      payload: { verifiablePresentation: hidden },
    })
    t.equal(smuggled.statusCode, 400)
    t.match(smuggled.json().errors, [
      /^schema: https:\/\/www\.w3\.org\/2018\/credentials#verifiableCredential is not allowed/,
    ])
    // An unsigned presentation whose first @context is not the base context does not verify
    // (VC DM 2.0 §4.3), nor one without @context (issue 16, bug 5).
    for (const [label, context] of [
      [
        'the base context second',
        ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json', ...vp['@context']],
      ],
      ['no @context', undefined],
    ] as const) {
      const { '@context': _, ...rest } = vp
      const res = await app.inject({
        method: 'POST',
        url: '/presentations/verify',
        payload: { verifiablePresentation: context ? { ...rest, '@context': context } : rest },
      })
      t.equal(res.statusCode, 400, label)
      t.match(
        res.json().errors,
        [/^schema: @context must start with https:\/\/www\.w3\.org\/ns\/credentials\/v2/],
        label,
      )
    }
  },
)
