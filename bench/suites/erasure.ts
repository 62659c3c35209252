/**
 * Issue 17: erasure of a learner with 1,000 entries, end to end — from `POST
 * /v1/learners/{id}/erasure` to every service (accounts, certificates, recognition, portfolio)
 * reporting its part done — against ≤ 2 s, on real Postgres and Kafka and embedded (PGlite, the
 * in-process bus). Each run is services/portfolio/test/erasure-measure.ts in a process of its own:
 * the four services, the learner's world and the 1,000 entries built through the public API first.
 * Baseline in the same run: the erasure request's own answer (accounts' part, before the events).
 *
 *   pnpm bench --only erasure
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { runIfMain } from '../lib.js'
import type { BenchContext, BenchResult, BenchSuite } from '../types.js'

const run = promisify(execFile)
const TARGET_MS = 2_000

interface Measured {
  entries: number
  answeredMs: number
  completeMs: number
  database: string
  bus: string
}

async function measure(ctx: BenchContext, real: boolean): Promise<Measured> {
  const { DATABASE_URL: _d, KAFKA_BROKERS: _k, ...env } = process.env
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/erasure-measure.ts'], {
    cwd: `${ctx.root}services/portfolio`,
    env: real
      ? { ...env, DATABASE_URL: ctx.databaseUrl, KAFKA_BROKERS: ctx.kafkaBrokers.join(',') }
      : env,
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  })
  const line = stdout.trim().split('\n').pop() ?? ''
  return JSON.parse(line) as Measured
}

function result(m: Measured, where: string): BenchResult {
  return {
    issue: '17',
    metric: `erasure of a learner with ${m.entries.toLocaleString('en')} entries, request to every service done (${where})`,
    value: m.completeMs,
    unit: 'ms',
    target: `≤ ${TARGET_MS.toLocaleString('en')} ms`,
    pass: m.completeMs <= TARGET_MS,
    baseline: {
      metric: 'the erasure request answered (accounts alone)',
      value: m.answeredMs,
      unit: 'ms',
    },
    notes: `${m.database}, ${m.bus} bus; four services in one process, as test/erasure-measure.ts builds them`,
  }
}

const suite: BenchSuite = {
  name: 'erasure',
  description:
    'Issue 17: erasure of a learner with 1,000 entries across accounts, certificates, recognition and portfolio, from the request to every service reporting done (≤ 2 s), on Postgres and Kafka and embedded; baseline: the erasure request’s own answer.',
  async run(ctx) {
    ctx.log('on Postgres and Kafka')
    const real = await measure(ctx, true)
    ctx.log('embedded')
    const embedded = await measure(ctx, false)
    return [result(real, 'Postgres and Kafka'), result(embedded, 'embedded')]
  },
}
export default suite

await runIfMain(import.meta.url, suite.run)
