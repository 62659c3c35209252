import { randomBytes } from 'node:crypto'
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { openDatabase } from '@creditbank/db'
import { startCluster } from '@creditbank/testing'
import { Kafka, logLevel } from 'kafkajs'
import { sql } from 'kysely'
import { call, setUpPostings } from '../../packages/drills/src/index.js'
import { bundledCluster, percentile, round } from '../lib.js'
import type { BenchContext, BenchResult, BenchSuite } from '../types.js'

/**
 * Issue 19, "with posting latency unchanged": a posting's latency on Postgres and Kafka with the
 * idle settings (decision 0614) against the previous ones in the same run. Every service runs as
 * its image runs it (bundled build, its own process); a registrar posts one outcome at a time,
 * `GAP_MS` apart (the system is idle between postings, which is where the idle settings act), and
 * a consumer in this process, in a group of its own, waits for each posting's event on accounts'
 * topic. Measured: the POST until its 201, and the 201 until the event reached the consumer. Two
 * clusters run side by side (previous settings, idle settings) and the postings alternate.
 */
const POSTINGS = Number(process.env.LATENCY_POSTINGS ?? 300)
const WARMUP = 10
const GAP_MS = 200
const EVENT_TIMEOUT_MS = 30_000
/** What the settings were before issue 19's second pass; the services read these at start. */
const PREVIOUS = { KAFKAJS_REQUEST_TIMEOUT_CHECK: 'interval', EVENT_LOOP_MONITOR_MS: '100' }
/** Noise allowance: p50 within 20 % + 2 ms of the baseline's, p99 within 30 % + 5 ms. */
const within = (value: number, base: number, share: number, ms: number) =>
  value <= base * (1 + share) + ms

interface Samples {
  request: number[]
  toConsumer: number[]
  total: number[]
}

/** A cluster of its own (database, Kafka namespace), set up for postings. */
async function cluster(
  ctx: BenchContext,
  previous: boolean,
  node: ReturnType<typeof bundledCluster>,
  stops: (() => Promise<void>)[],
) {
  const admin = await openDatabase({ url: ctx.databaseUrl, poolMax: 1 })
  const name = `cb_bench_latency_${randomBytes(4).toString('hex')}`
  await sql.raw(`create database "${name}"`).execute(admin.kysely)
  stops.push(async () => {
    await sql.raw(`drop database if exists "${name}" with (force)`).execute(admin.kysely)
    await admin.close()
  })
  const url = new URL(ctx.databaseUrl)
  url.pathname = `/${name}`
  const namespace = `bench-latency-${randomBytes(3).toString('hex')}.`
  const c = await startCluster({
    databaseUrl: url.toString(),
    kafkaBrokers: ctx.kafkaBrokers.join(','),
    namespace,
    node,
    ...(previous ? { env: PREVIOUS } : {}),
  })
  stops.push(() => c.stop())
  const setup = await setUpPostings(
    { identity: c.services.identity.url, accounts: c.services.accounts.url },
    c.admin,
  )
  return { accounts: c.services.accounts.url, setup, topic: `${namespace}creditbank.accounts.v1` }
}

/**
 * Both clusters run at once, one with the previous settings and one with the idle ones, and the
 * postings alternate between them: whatever else the machine does meanwhile falls on both alike.
 */
async function measure(ctx: BenchContext) {
  const node = bundledCluster(ctx.root)
  const stops: (() => Promise<void>)[] = []
  const kafka = new Kafka({
    clientId: 'bench-latency',
    brokers: ctx.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  })
  const consumer = kafka.consumer({ groupId: `bench-latency-${randomBytes(3).toString('hex')}` })
  try {
    const before = await cluster(ctx, true, node, stops)
    const after = await cluster(ctx, false, node, stops)
    const waiting = new Map<string, (at: number) => void>()
    const joined = new Promise<void>((r) => consumer.on(consumer.events.GROUP_JOIN, () => r()))
    await consumer.connect()
    await consumer.subscribe({ topics: [before.topic, after.topic], fromBeginning: false })
    await consumer.run({
      eachMessage: async ({ message }) => {
        const at = performance.now()
        const ref = (
          JSON.parse(message.value?.toString('utf8') ?? '{}') as {
            data?: { externalRef?: string }
          }
        ).data?.externalRef
        if (ref) waiting.get(ref)?.(at)
      },
    })
    await joined
    const samples = new Map<typeof before, Samples>([
      [before, { request: [], toConsumer: [], total: [] }],
      [after, { request: [], toConsumer: [], total: [] }],
    ])
    const load = loadavg()[0]!.toFixed(2)
    for (let i = 0; i < 2 * (WARMUP + POSTINGS); i++) {
      const target = i % 2 === 0 ? before : after
      const ref = `bench-latency-${i}-${randomBytes(3).toString('hex')}`
      let timer: NodeJS.Timeout | undefined
      const seen = new Promise<number>((resolve, reject) => {
        waiting.set(ref, resolve)
        timer = setTimeout(() => reject(new Error(`no event for ${ref}`)), EVENT_TIMEOUT_MS)
      })
      const sent = performance.now()
      const a = await call(target.accounts, 'POST', '/v1/outcomes', {
        token: target.setup.registrarToken,
        key: ref,
        body: {
          learnerId: target.setup.learnerId,
          kind: 'training',
          title: '安全生产培训',
          hours: '2',
          occurredOn: '2025-01-02',
          externalRef: ref,
        },
      })
      const answered = performance.now()
      if (a.status !== 201)
        throw new Error(`posting answered ${a.status}: ${JSON.stringify(a.body)}`)
      const at = await seen.finally(() => clearTimeout(timer))
      waiting.delete(ref)
      if (i >= 2 * WARMUP) {
        const s = samples.get(target)!
        s.request.push(answered - sent)
        s.toConsumer.push(Math.max(0, at - answered))
        s.total.push(at - sent)
      }
      await new Promise((r) => setTimeout(r, GAP_MS))
    }
    return {
      before: samples.get(before)!,
      after: samples.get(after)!,
      load: `${load} → ${loadavg()[0]!.toFixed(2)}`,
    }
  } finally {
    await consumer.disconnect().catch(() => {})
    for (const stop of stops.reverse()) await stop().catch(() => {})
  }
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return { p50: round(percentile(sorted, 50), 1), p99: round(percentile(sorted, 99), 1) }
}

async function runSuite(ctx: BenchContext): Promise<BenchResult[]> {
  const { before, after, load } = await measure(ctx)
  ctx.log(`previous settings: total ${JSON.stringify(stats(before.total))} ms`)
  ctx.log(`idle settings: total ${JSON.stringify(stats(after.total))} ms`)
  const results: BenchResult[] = []
  const parts = [
    ['total', 'POST sent until its event reached a consumer'],
    ['toConsumer', '201 answered until the event reached a consumer'],
    ['request', 'POST sent until its 201'],
  ] as const
  for (const [key, what] of parts) {
    const a = stats(after[key])
    const b = stats(before[key])
    for (const p of ['p50', 'p99'] as const) {
      const [share, ms] = p === 'p50' ? [0.2, 2] : [0.3, 5]
      results.push({
        issue: '19',
        metric: `posting latency ${p}, ${what} (idle settings)`,
        value: a[p],
        unit: 'ms',
        target: `≤ baseline + ${share * 100} % + ${ms} ms (unchanged within noise)`,
        pass: within(a[p], b[p], share, ms),
        baseline: { metric: `${p} with the previous settings, same run`, value: b[p], unit: 'ms' },
        notes: `${POSTINGS} postings to each, one at a time, alternating between the two clusters, ${GAP_MS} ms apart, after ${WARMUP} warm-up each; bundled builds on Postgres + Kafka; load ${load}`,
      })
    }
  }
  return results
}

const suite: BenchSuite = {
  name: 'posting-latency',
  description: `Issue 19: a posting's latency on Postgres and Kafka, every service bundled in its own process: ${POSTINGS} outcomes posted one at a time ${GAP_MS} ms apart to each of two clusters side by side, alternating, from the POST to its 201 and from the 201 to its event at a consumer, p50 and p99, with the idle settings against the previous ones (kafkajs's once-a-second request-timeout check on every connection, the event-loop monitor at 100 ms) in the same run.`,
  run: runSuite,
}
export default suite
