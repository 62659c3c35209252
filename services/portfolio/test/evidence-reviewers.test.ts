import { randomUUID } from 'node:crypto'
import { testPlatform, testService } from '@creditbank/testing'
import t from 'tap'
import portfolioApp, { SCHEMA } from '../src/app.js'
import { migrations } from '../src/db/migrations.js'
import { evidenceGrants } from '../src/domain/evidence-grants.js'
import { plainPng } from './evidence-files.js'
import { BASE_URL, SECRET_KEY } from './helper.js'

// Decision 0544: a reviewer reads a learner's evidence file through an application that names it;
// recognition grants (and logs) each read, asked with the reviewer's own token. Recognition is a
// stand-in here that answers as recognition's own tests show it does.
const platform = await testPlatform({ [SCHEMA]: migrations })
const asked: { path: string; authorization: string }[] = []
let answer: { status: number; body: unknown } = { status: 404, body: {} }
const app = await testService('portfolio', portfolioApp, platform, {
  secretKeyHex: SECRET_KEY,
  publicBaseUrl: BASE_URL,
  evidenceGrants: evidenceGrants(async (path, headers) => {
    asked.push({ path, authorization: headers.authorization ?? '' })
    return { status: answer.status, json: async () => answer.body }
  }),
})
t.teardown(async () => {
  await app.close()
  await platform.close()
})

const learner = randomUUID()
const other = randomUUID()
const png = plainPng()
const uploaded = await app.inject({
  method: 'POST',
  url: `/v1/learners/${learner}/evidence?filename=${encodeURIComponent('证书.png')}`,
  headers: {
    ...platform.keys.auth({ roles: ['learner'], learner }),
    'content-type': 'image/png',
  },
  payload: await png,
})
const file = uploaded.json().id as string
const application = randomUUID()
const reviewer = platform.keys.auth({ roles: ['reviewer'], org: randomUUID(), sub: 'rev-1' })
const read = (headers: Record<string, string>, query = `?application=${application}`) =>
  app.inject({ method: 'GET', url: `/v1/evidence/${file}${query}`, headers })

t.test('a granted reviewer gets the file; the grant was asked with their token', async (t) => {
  t.equal(uploaded.statusCode, 201)
  answer = {
    status: 201,
    body: { applicationId: application, evidenceId: file, learnerId: learner },
  }
  asked.length = 0
  const res = await read(reviewer)
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'image/png')
  t.same(asked, [
    {
      path: `/v1/applications/${application}/evidence/${file}/reads`,
      authorization: reviewer.authorization,
    },
  ])
})

t.test('no grant, a grant for another learner, or no application: nothing', async (t) => {
  for (const [status, body] of [
    [404, { code: 'RECOGNITION_EVIDENCE_NOT_FOUND' }],
    [201, { applicationId: application, evidenceId: file, learnerId: other }],
    [500, {}],
  ] as const) {
    answer = { status, body }
    const res = await read(reviewer)
    t.equal(res.statusCode, 404, `recognition answered ${status}`)
    t.equal(res.json().code, 'PORTFOLIO_EVIDENCE_NOT_FOUND')
  }
  asked.length = 0
  answer = { status: 201, body: { learnerId: learner } }
  t.equal((await read(reviewer, '')).statusCode, 404, 'a reviewer without an application')
  t.same(asked, [], 'nothing asked without an application')
  const registrar = platform.keys.auth({ roles: ['registrar'], org: randomUUID() })
  t.equal((await read(registrar)).statusCode, 403, 'registrars do not read evidence')
  t.same(asked, [], 'nor is recognition asked for them')
})

t.test('the learner still reads their own file without asking anyone', async (t) => {
  asked.length = 0
  const res = await read(platform.keys.auth({ roles: ['learner'], learner }), '')
  t.equal(res.statusCode, 200)
  t.same(asked, [])
})
