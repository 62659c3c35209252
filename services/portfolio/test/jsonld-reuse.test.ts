import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import t from 'tap'
import { JSONLD_VERSION, jsonldReuse } from '../src/credentials/jsonld-reuse.js'
import { documentLoader } from '../src/credentials/loader.js'
import { BASE_URL, buildPortfolio, fixtures, ids } from './helper.js'
import { pristine } from './pristine.js'

const pf = await buildPortfolio()
t.teardown(() => pf.close())
const { app } = pf
const f = fixtures()
const me = pf.learner(f.learnerId)
const course = f.outcome()
const certId = ids()
await pf.apply(
  f.orgRegistered(f.school, '郑州职业技术学院'),
  f.orgRegistered(f.evalOrg, '工业和信息化部教育与考试中心', 'evaluation_org'),
  f.typePublished(),
  f.learnerOpened(),
  course,
  f.certificateIssued(certId),
)

const ok = async (res: Promise<{ statusCode: number; body: string; json(): any }>) => {
  const r = await res
  if (r.statusCode >= 300) throw new Error(`answered ${r.statusCode}: ${r.body}`)
  return r.json()
}

t.test('the pinned jsonld is patched to reuse processed contexts', async (t) => {
  t.equal(jsonldReuse.installed, true, `jsonld ${JSONLD_VERSION} found and patched`)
})

t.test(
  'canonical N-Quads are those of jsonld as published, for every kind of document the service signs or verifies',
  async (t) => {
    const entry = await ok(
      app.inject({
        method: 'GET',
        url: `/v1/learners/${f.learnerId}/credentials/${course.data.entryId}`,
        headers: me,
      }),
    )
    const certificate = await ok(
      app.inject({
        method: 'GET',
        url: `/v1/learners/${f.learnerId}/credentials/${certId}`,
        headers: me,
      }),
    )
    const clr = await ok(
      app.inject({ method: 'GET', url: `/v1/learners/${f.learnerId}/exports/clr`, headers: me }),
    )
    const list = await ok(
      app.inject({
        method: 'GET',
        url: (entry.credentialStatus.statusListCredential as string).slice(BASE_URL.length),
      }),
    )
    const client = pf.platform.keys.auth({
      typ: 'client',
      org: f.school,
      scope: 'credentials:issue',
    })
    const custom = (
      await ok(
        app.inject({
          method: 'POST',
          url: '/credentials/issue',
          headers: client,
          payload: {
            credential: {
              '@context': [
                'https://www.w3.org/ns/credentials/v2',
                'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
              ],
              type: ['VerifiableCredential', 'OpenBadgeCredential'],
              issuer: {
                id: await pf.didOf(f.school),
                type: ['Profile'],
                name: '郑州职业技术学院',
                url: 'https://example.edu',
              },
              credentialSubject: {
                type: ['AchievementSubject'],
                achievement: {
                  id: 'urn:example:a',
                  type: ['Achievement'],
                  name: '实习',
                  criteria: { narrative: '完成' },
                  alignment: [
                    { type: ['Alignment'], targetName: 'x', targetUrl: 'https://example.org/x' },
                  ],
                },
                result: [{ type: ['Result'], value: 'A' }],
              },
            },
            options: { cryptosuite: 'eddsa-jcs-2022' },
          },
        }),
      )
    ).verifiableCredential
    const v1 = {
      '@context': [
        'https://www.w3.org/2018/credentials/v1',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ],
      id: 'urn:uuid:4f0c6a44-4e9c-4b9c-9d0c-3b1f0f5a1c11',
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: 'did:example:issuer', type: 'Profile', name: 'Example' },
      issuanceDate: '2024-01-01T00:00:00Z',
      credentialSubject: {
        type: 'AchievementSubject',
        achievement: {
          id: 'urn:example:b',
          type: 'Achievement',
          name: 'n',
          criteria: { narrative: 'c' },
        },
      },
    }
    const vp = {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiablePresentation'],
      verifiableCredential: [entry, certificate],
    }
    const docs = [entry, certificate, clr, list, custom, v1, vp, entry]

    const expected = await pristine(docs)
    // Twice: once as the caches fill, once from them.
    for (const round of ['first', 'second']) {
      const got: string[] = []
      for (const doc of docs) got.push(await cryptosuite.canonize(doc, { documentLoader }))
      t.same(got, expected, `${round} round`)
    }
    t.ok(
      expected.every((nquads) => nquads.split('\n').length > 5),
      'every document gives statements',
    )
  },
)
