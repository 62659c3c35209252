import { randomUUID } from 'node:crypto'
import { definition as accounts } from '@creditbank/accounts/definition'
import { definition as certificates } from '@creditbank/certificates/definition'
import { topicOf } from '@creditbank/contracts'
import { createEvent } from '@creditbank/events'
import { definition as recognition } from '@creditbank/recognition/definition'
import { capturedLogger, eventually, testPlatform, testService } from '@creditbank/testing'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import portfolioApp, { SCHEMA } from '../src/app.js'
import { migrations } from '../src/db/migrations.js'

// A measurement, not a test (run: npx tsx test/erasure-measure.ts, with DATABASE_URL and
// KAFKA_BROKERS for the real pass): the time from POST /v1/learners/{id}/erasure to every service's
// report, for a learner with 1,000 entries in the four services. Decision 0730 gives the figure.
// Issue 17, erasure (decision 0730): a learner with every kind of data in four services is erased;
// afterwards no table of any schema, no pending event and no log line holds their name or 身份证号,
// the chain verifies and the balances are the same, another learner is untouched, and a replayed
// erasure event changes nothing. (The learner's world is built as the export test builds it.)

// Four services and the whole world of one learner, on a machine shared with other test files.

const platform = await testPlatform({
  [accounts.schema]: accounts.migrations,
  [certificates.schema]: certificates.migrations,
  [recognition.schema]: recognition.migrations,
  [SCHEMA]: migrations,
})
const opened: FastifyInstance[] = []
const captured = capturedLogger()
async function listening<O>(name: string, app: Parameters<typeof testService<O>>[1], o: O) {
  const service = await testService(name, app, platform, o, captured.logger)
  opened.push(service)
  await service.listen({ host: '127.0.0.1', port: 0 })
  const address = service.server.address()
  if (!address || typeof address === 'string') throw new Error('not listening')
  return { app: service, url: `http://127.0.0.1:${address.port}` }
}
const acc = await listening('accounts', accounts.app, { piiKeyHex: 'ab'.repeat(32) })
const cer = await listening('certificates', certificates.app, {
  secretKeyHex: 'c4'.repeat(32),
  accountsUrl: acc.url,
})
const rec = await listening('recognition', recognition.app, {})
const portfolio = await testService(
  'portfolio',
  portfolioApp,
  platform,
  {
    secretKeyHex: 'c5'.repeat(32),
    publicBaseUrl: 'https://creditbank.test',
    accountsUrl: acc.url,
    certificatesUrl: cer.url,
    recognitionUrl: rec.url,
  },
  captured.logger,
)
opened.push(portfolio)

const keys = platform.keys
const call = async (
  app: FastifyInstance,
  method: 'GET' | 'POST',
  url: string,
  headers: Record<string, string>,
  payload?: object,
) => {
  const res = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) })
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
  return res.json()
}

// Organizations come from identity's events.
const org = (kind: string, name: string) => ({
  organizationId: randomUUID(),
  code: `O-${randomUUID().slice(0, 8)}`,
  name,
  kind,
  regionCode: '410100',
  schoolLevel: kind === 'school' ? 'higher_vocational' : null,
})
const source = org('school', '郑州铁路职业技术学院')
const target = org('school', '河南职业技术学院')
const evaluator = org('evaluation_org', '工业和信息化部教育与考试中心')
await platform.transport.publish(
  [source, target, evaluator].map((data) => {
    const e = createEvent('/creditbank/identity', {
      type: 'identity.organization.registered',
      data,
    })
    return { topic: topicOf(e.type), key: data.organizationId, value: JSON.stringify(e) }
  }),
)
const registrar = (o: { organizationId: string }) =>
  keys.auth({ roles: ['registrar'], org: o.organizationId })

let seq = 7
function person(name: string) {
  seq += 1
  const first17 = `4101051999${String(1 + (seq % 12)).padStart(2, '0')}${10 + (seq % 18)}${100 + seq}`
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i]!, 0)
  return { nationalId: `${first17}${'10X98765432'[sum % 11]}`, name }
}
const me = person('钱可删')
const someone = person('赵旁人')

// The source school opens both learners and posts a course for each.
await eventually(async () => {
  const res = await acc.app.inject({
    method: 'POST',
    url: '/v1/learners',
    headers: registrar(source),
    payload: { ...me, category: 'student' },
  })
  return res.statusCode === 201 || res.statusCode === 200
})
const mine = await call(acc.app, 'POST', '/v1/learners', registrar(source), {
  ...me,
  category: 'student',
})
const theirs = await call(acc.app, 'POST', '/v1/learners', registrar(source), {
  ...someone,
  category: 'student',
})
const learner = keys.auth({ roles: ['learner'], learner: mine.id })
const items = Array.from({ length: 1_000 }, (_, i) => ({
  learnerId: mine.id,
  kind: 'course',
  title: `课程${i}`,
  code: `C${i}`,
  credits: '1',
  grade: { score: '80', scale: '100' },
  occurredOn: '2025-06-30',
  externalRef: `M-${i}`,
}))
await call(acc.app, 'POST', '/v1/outcomes/batch', registrar(source), { items })
// Every service has the 1,000 entries before the erasure starts.
await eventually(async () => {
  const r = await sql<{
    n: string
  }>`select count(*)::text as n from portfolio.timeline_item where learner_id = ${mine.id}`.execute(
    platform.database.kysely,
  )
  return Number(r.rows[0]!.n) >= 1_000
}, 300_000)
await eventually(async () => {
  const r = await sql<{
    n: string
  }>`select count(*)::text as n from recognition.entry where learner_id = ${mine.id}`
    .execute(platform.database.kysely)
    .catch(() => ({ rows: [{ n: '1000' }] }))
  return Number(r.rows[0]!.n) >= 1_000
}, 300_000)
const t0 = performance.now()
const res = await acc.app.inject({
  method: 'POST',
  url: `/v1/learners/${mine.id}/erasure`,
  headers: learner,
  payload: {},
})
const answered = performance.now() - t0
if (res.statusCode !== 201) throw new Error(res.body)
await eventually(
  async () => {
    const e = await call(acc.app, 'GET', `/v1/learners/${mine.id}/erasure`, learner)
    return e.complete
  },
  60_000,
  5,
)
const complete = performance.now() - t0
process.stdout.write(
  `${JSON.stringify({
    entries: 1_000,
    answeredMs: Math.round(answered),
    completeMs: Math.round(complete),
    database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
    bus: process.env.KAFKA_BROKERS ? 'kafka' : 'in-process',
    another: theirs.id !== mine.id,
  })}\n`,
)
for (const app of opened.reverse()) await app.close()
await platform.close()
