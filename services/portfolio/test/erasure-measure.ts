import { capturedLogger, eventually } from '@creditbank/testing'
import { sql } from 'kysely'
import { call, fourServices, person } from './four-services.js'

// A measurement, not a test (run: npx tsx test/erasure-measure.ts, with DATABASE_URL and
// KAFKA_BROKERS for the real pass): the time from POST /v1/learners/{id}/erasure to every service's
// report, for a learner with 1,000 entries in the four services. Decision 0730 gives the figure.

const captured = capturedLogger()
const w = await fourServices({ logger: captured.logger })
const { platform, keys, acc, source, registrar } = w

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
await w.close()
