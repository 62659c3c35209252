import { readFileSync } from 'node:fs'
import { Ajv2019 } from 'ajv/dist/2019.js'
import addFormatsModule from 'ajv-formats'
import t from 'tap'
import { buildPortfolio, fixtures, ids } from './helper.js'

// Issue 16, bug 7: every credential portfolio issues as an Open Badges 3.0 AchievementCredential
// validates against 1EdTech's JSON Schema for it, in its VC Data Model 2.0 edition (the one that
// requires `validFrom`; schemas/1edtech/SOURCE.md says which file and where it came from). Every
// rule of the file applies: there is no exception left.
//
// The CLR 2.0 export is checked twice: the ClrCredential as a whole against 1EdTech's CLR 2.0
// ClrCredential schema (schemas/1edtech/clr_v2p0_clrcredential_schema.json, every rule; its $refs
// all point inside the file), and each credential inside it against the OB 3.0 schema above.

const addFormats = addFormatsModule as unknown as (ajv: Ajv2019) => Ajv2019
const schema = JSON.parse(
  readFileSync(
    new URL('../schemas/1edtech/ob_v3p0_achievementcredential_schema.json', import.meta.url),
    'utf8',
  ),
)
// Strict mode, so Ajv throws on any keyword it does not know instead of skipping it: every rule of
// both files is applied. Only `strictTuples` is off: it lints the schema's own style (a tuple
// `items` without a matching `minItems`/`additionalItems`) and drops no rule.
const ajv = addFormats(new Ajv2019({ allErrors: true, strict: true, strictTuples: false }))
const validate = ajv.compile(schema)
const clrSchema = JSON.parse(
  readFileSync(
    new URL('../schemas/1edtech/clr_v2p0_clrcredential_schema.json', import.meta.url),
    'utf8',
  ),
)
const validateClr = ajv.compile(clrSchema)

/** Every error a schema (the OB 3.0 one unless told) reports, as `path message`. */
function problems(vc: Record<string, unknown>, check = validate) {
  check(vc)
  return (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`)
}

const pf = await buildPortfolio()
t.teardown(() => pf.close())
const { app } = pf
const f = fixtures()
const me = pf.learner(f.learnerId)

const outcomes = {
  course: f.outcome(),
  training: f.outcome({ kind: 'training', title: '电工培训', code: null, grade: null }),
  competition: f.outcome({
    kind: 'competition',
    title: '全国职业院校技能大赛',
    code: null,
    credits: null,
    hours: null,
    grade: null,
    level: '一等奖',
  }),
  work: f.outcome({ kind: 'work', title: '企业实习', code: null, credits: '2', grade: null }),
}
const certId = ids()
const certificate = f.certificateIssued(certId)
const ledgerCopy = f.ledgerCopy(certId)
const recognizedId = ids()
await pf.apply(
  f.orgRegistered(f.school, '郑州职业技术学院'),
  f.orgRegistered(f.evalOrg, '工业和信息化部教育与考试中心', 'evaluation_org'),
  f.typePublished(),
  f.learnerOpened(),
  ...Object.values(outcomes),
  certificate,
  ledgerCopy,
  {
    type: 'accounts.credit.recognized',
    data: {
      entryId: recognizedId,
      learnerId: f.learnerId,
      orgId: f.school,
      applicationId: ids(),
      courseCode: 'WEB201',
      courseName: '网页设计',
      credits: '4',
      sourceEntryIds: [outcomes.course.data.entryId],
      postedAt: new Date().toISOString(),
    },
  },
)

const kinds: [string, string][] = [
  ...Object.entries(outcomes).map(([k, e]): [string, string] => [k, String(e.data.entryId)]),
  ['certificate (bilingual name)', certId],
  ['certificate ledger copy', String(ledgerCopy.data.entryId)],
  ['recognized credit', recognizedId],
]

t.test('the schema file is 1EdTech’s AchievementCredential schema, VC 2.0 edition', async (t) => {
  t.equal(
    schema.$id,
    'https://purl.imsglobal.org/spec/ob/v3p0/schema/json-ld/ob_v3p0_achievementcredential_schema.json',
  )
  t.equal(schema.$schema, 'https://json-schema.org/draft/2019-09/schema#')
  t.ok(schema.required.includes('validFrom'), 'it requires validFrom')
  t.notOk(schema.required.includes('issuanceDate'), 'and not the VC 1.1 issuanceDate')
  t.notOk(validate({ type: ['VerifiableCredential'], name: [{ '@value': 'x' }] }), 'it refuses')
})

t.test('every kind of entry credential validates, in both cryptosuites', async (t) => {
  for (const suite of ['eddsa-rdfc-2022', 'eddsa-jcs-2022'])
    for (const [kind, ref] of kinds) {
      const res = await app.inject({
        method: 'GET',
        url: `/v1/learners/${f.learnerId}/credentials/${ref}?cryptosuite=${suite}`,
        headers: me,
      })
      t.equal(res.statusCode, 200, `${kind}: ${res.statusCode === 200 ? 'issued' : res.body}`)
      const vc = res.json()
      t.same(problems(vc), [], `${kind} (${suite}) validates`)
      t.type(vc.name, 'string', `${kind}: name is a string`)
      t.type(vc.credentialSubject.achievement.name, 'string')
    }
})

t.test('the bilingual certificate keeps its English name beside the Chinese one', async (t) => {
  const vc = (
    await app.inject({
      method: 'GET',
      url: `/v1/learners/${f.learnerId}/credentials/${certId}`,
      headers: me,
    })
  ).json()
  t.equal(vc.name, 'Web前端开发')
  t.match(vc.credentialSubject.achievement.description, /Web Front-End Development/)
  t.equal(
    (
      await app.inject({
        method: 'POST',
        url: '/credentials/verify',
        payload: { verifiableCredential: vc },
      })
    ).statusCode,
    200,
  )
})

t.test('every credential inside the CLR export validates', async (t) => {
  const res = await app.inject({
    method: 'GET',
    url: `/v1/learners/${f.learnerId}/exports/clr`,
    headers: me,
  })
  t.equal(res.statusCode, 200)
  const inner: Record<string, unknown>[] = res.json().credentialSubject.verifiableCredential
  t.equal(inner.length, 6, 'four outcomes, the certificate once, the recognized credit')
  for (const vc of inner) t.same(problems(vc), [], String(vc.id))
})

t.test(
  'the CLR schema file is 1EdTech’s ClrCredential schema, with no $ref outside it',
  async (t) => {
    t.equal(
      clrSchema.$id,
      'https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json',
    )
    t.equal(clrSchema.$schema, 'https://json-schema.org/draft/2019-09/schema#')
    t.same(clrSchema.required, [
      '@context',
      'type',
      'id',
      'name',
      'credentialSubject',
      'issuer',
      'validFrom',
    ])
    const refs = new Set<string>()
    JSON.stringify(clrSchema, (k, v) => {
      if (k === '$ref') refs.add(v)
      return v
    })
    t.same(
      [...refs].filter((r) => !(r.startsWith('#/$defs/') && r.slice(8) in clrSchema.$defs)),
      [],
      'every $ref resolves inside the file, so nothing is stubbed or fetched',
    )
    t.notOk(
      validateClr({
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        id: 'urn:uuid:x',
        type: ['VerifiableCredential'],
        name: 'x',
        issuer: 'did:example:x',
        validFrom: '2025-01-01T00:00:00Z',
        credentialSubject: { type: ['ClrSubject'], verifiableCredential: [] },
      }),
      'it refuses a credential that is not a ClrCredential',
    )
    const oldName = problems(
      {
        '@context': [
          'https://www.w3.org/ns/credentials/v2',
          'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json',
          'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
        ],
        id: 'urn:uuid:x',
        type: ['VerifiableCredential', 'ClrCredential'],
        name: [{ '@value': '终身学习电子档案', '@language': 'zh-CN' }],
        issuer: 'did:example:x',
        validFrom: '2025-01-01T00:00:00Z',
        credentialSubject: {
          type: ['ClrSubject'],
          verifiableCredential: [
            {
              '@context': ['https://www.w3.org/ns/credentials/v2'],
              type: ['VerifiableCredential'],
              issuer: 'did:example:y',
              validFrom: '2025-01-01T00:00:00Z',
              credentialSubject: {},
            },
          ],
        },
      },
      validateClr,
    )
    t.same(
      oldName,
      [
        '/name must be string',
        '/name must be object',
        '/name must match exactly one schema in oneOf',
      ],
      'it refuses the VC 2.0 language-value name the export carried before decision 0708',
    )
  },
)

t.test('the CLR export validates against the CLR 2.0 ClrCredential schema', async (t) => {
  for (const suite of ['eddsa-rdfc-2022', 'eddsa-jcs-2022']) {
    const res = await app.inject({
      method: 'GET',
      url: `/v1/learners/${f.learnerId}/exports/clr?cryptosuite=${suite}`,
      headers: me,
    })
    t.equal(res.statusCode, 200, res.statusCode === 200 ? 'exported' : res.body)
    const clr = res.json()
    t.same(problems(clr, validateClr), [], `the ClrCredential (${suite}) validates`)
    t.equal(clr.credentialSubject.verifiableCredential.length, 6)
  }
})
