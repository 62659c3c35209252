import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { forSchema } from '@creditbank/db'
import { eventTablesV1, KafkaTransport, OutboxRelay } from '@creditbank/events'
import { testDatabase } from '@creditbank/testing'
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs'
import { type Kysely, sql } from 'kysely'
import pino from 'pino'
import type { BenchContext, BenchResult, BenchSuite } from '../types.js'

const SCHEMA = 'bench_relay'
const ROWS = 100_000
const PARTITIONS = 6
const BATCH_SIZES = [1_000, 2_000] as const
const WARMUP_ROWS = 2_000
const TARGET_EVENTS_PER_S = 5_000
const TARGET_RATIO = 0.3
/** The relay's figure is only meaningful if the drain ends; bound it well above the target's time. */
const MAX_DRAIN_MS = 10 * 60_000
/** The same client and producer settings as packages/events/src/kafka-transport.ts. */
const CLIENT = {
  connectionTimeout: 3_000,
  requestTimeout: 30_000,
  retry: { initialRetryTime: 100, maxRetryTime: 5_000, retries: 8 },
}
const PRODUCER = {
  idempotent: true,
  maxInFlightRequests: 1,
  allowAutoTopicCreation: false,
  createPartitioner: Partitioners.DefaultPartitioner,
  retry: CLIENT.retry,
}

const schemas = { [SCHEMA]: { '2026-11-29T0001_init': { up: [...eventTablesV1] } } }

/** Valid CloudEvents for accounts.learner.claimed, generated in one statement. */
async function fillOutbox(db: Kysely<any>, topic: string, rows: number) {
  await sql`
    insert into ${sql.table(`${SCHEMA}.outbox_event`)} (event_id, topic, key, type, value)
    select id, ${topic}, learner::text, 'accounts.learner.claimed',
      json_build_object(
        'specversion', '1.0', 'id', id, 'source', '/bench/relay', 'type', 'accounts.learner.claimed',
        'subject', learner, 'time', now(), 'datacontenttype', 'application/json',
        'data', json_build_object('learnerId', learner, 'userId', gen_random_uuid())
      )::text
    from (select gen_random_uuid() as id, gen_random_uuid() as learner from generate_series(1, ${rows})) s`.execute(
    db,
  )
}

async function drainAll(relay: OutboxRelay) {
  const started = performance.now()
  let sent = 0
  for (let n = await relay.drainOnce(); n > 0; n = await relay.drainOnce()) {
    sent += n
    if (performance.now() - started > MAX_DRAIN_MS)
      throw new Error(`relay drain exceeded ${MAX_DRAIN_MS} ms`)
  }
  return { sent, ms: performance.now() - started }
}

async function sendAll(
  producer: Producer,
  topic: string,
  messages: { key: string | null; value: string }[],
  chunk: number,
) {
  const started = performance.now()
  for (let i = 0; i < messages.length; i += chunk) {
    await producer.sendBatch({
      acks: -1,
      timeout: CLIENT.requestTimeout,
      topicMessages: [{ topic, messages: messages.slice(i, i + chunk) }],
    })
  }
  return { sent: messages.length, ms: performance.now() - started }
}

const rate = (r: { sent: number; ms: number }) => Math.round((r.sent * 1000) / r.ms)

interface Trial {
  batchSize: number
  relay: number
  raw: number
}

async function runSuite(ctx: BenchContext): Promise<BenchResult[]> {
  const run = randomBytes(3).toString('hex')
  const logger = pino({ level: 'warn' })
  const testDb = await testDatabase(schemas, ctx.databaseUrl)
  const db = forSchema<any>(testDb.database, SCHEMA)
  const transport = new KafkaTransport({
    brokers: ctx.kafkaBrokers,
    clientId: 'creditbank-bench-relay',
    logger,
  })
  // ERROR: the transport already logs kafkajs' one warning (idempotence with bounded retries).
  const kafka = new Kafka({
    clientId: 'creditbank-bench-raw',
    brokers: ctx.kafkaBrokers,
    logLevel: logLevel.ERROR,
    ...CLIENT,
  })
  const admin = kafka.admin()
  const producer = kafka.producer(PRODUCER)
  const topics: string[] = []
  const topic = async (name: string) => {
    const full = `bench.${run}.${name}`
    await transport.ensureTopics([{ name: full, partitions: PARTITIONS }])
    topics.push(full)
    return full
  }
  const delivered = async (t: string) =>
    (await admin.fetchTopicOffsets(t)).reduce((n, p) => n + Number(p.high), 0)
  try {
    await Promise.all([transport.connect(), admin.connect(), producer.connect()])
    const trials: Trial[] = []
    // Warm-up: connections, metadata, producer ids and the JIT on both paths.
    const warm = await topic('warmup')
    await fillOutbox(db, warm, WARMUP_ROWS)
    const warmValues = await db
      .selectFrom('outbox_event')
      .select(['key', 'value'])
      .orderBy('seq')
      .execute()
    await drainAll(new OutboxRelay({ db, name: SCHEMA, transport, logger, batchSize: 1_000 }))
    await sendAll(producer, warm, warmValues, 1_000)

    for (const batchSize of BATCH_SIZES) {
      const relayTopic = await topic(`relay-${batchSize}`)
      const rawTopic = await topic(`raw-${batchSize}`)
      const fillStart = performance.now()
      await fillOutbox(db, relayTopic, ROWS)
      ctx.log(`filled ${ROWS} outbox rows in ${Math.round(performance.now() - fillStart)} ms`)
      const messages = await db
        .selectFrom('outbox_event')
        .select(['key', 'value'])
        .orderBy('seq')
        .execute()
      await sql`analyze ${sql.table(`${SCHEMA}.outbox_event`)}`.execute(testDb.database.kysely)

      // Alternate which path goes first, so neither always gets the warmer (or the quieter) broker.
      const relayPath = () =>
        drainAll(new OutboxRelay({ db, name: SCHEMA, transport, logger, batchSize }))
      const rawPath = () => sendAll(producer, rawTopic, messages, batchSize)
      const relayFirst = trials.length % 2 === 0
      const first = await (relayFirst ? relayPath() : rawPath())
      const second = await (relayFirst ? rawPath() : relayPath())
      const [relayRun, rawRun] = relayFirst ? [first, second] : [second, first]
      const [onRelay, onRaw] = await Promise.all([delivered(relayTopic), delivered(rawTopic)])
      if (relayRun.sent !== ROWS || onRelay !== ROWS)
        throw new Error(`relay sent ${relayRun.sent}, topic holds ${onRelay}, expected ${ROWS}`)
      if (onRaw !== ROWS) throw new Error(`raw topic holds ${onRaw}, expected ${ROWS}`)
      const trial = { batchSize, relay: rate(relayRun), raw: rate(rawRun) }
      ctx.log(
        `batch ${batchSize}: relay ${trial.relay} events/s (${Math.round(relayRun.ms)} ms), raw sendBatch ${trial.raw} msg/s (${Math.round(rawRun.ms)} ms)`,
      )
      trials.push(trial)
    }
    return report(trials)
  } finally {
    await admin
      .deleteTopics({ topics, timeout: 30_000 })
      .catch((err) => ctx.log(`could not delete bench topics: ${err}`))
    await producer.disconnect().catch(() => {})
    await admin.disconnect().catch(() => {})
    await transport.close()
    await testDb.destroy()
  }
}

function report(trials: Trial[]): BenchResult[] {
  const best = trials.reduce((a, b) => (b.relay > a.relay ? b : a))
  const bestRaw = trials.reduce((a, b) => (b.raw > a.raw ? b : a))
  const ratio = best.relay / bestRaw.raw
  const baseline = {
    metric: `raw kafkajs sendBatch, chunks of ${bestRaw.batchSize} (best)`,
    value: bestRaw.raw,
    unit: 'msg/s',
  }
  return [
    {
      issue: '2',
      metric: `relay drain of ${ROWS.toLocaleString('en')} rows, batchSize ${best.batchSize} (best of ${trials.map((t) => t.batchSize).join(', ')})`,
      value: best.relay,
      unit: 'events/s',
      target: `≥ ${TARGET_EVENTS_PER_S.toLocaleString('en')} events/s`,
      pass: best.relay >= TARGET_EVENTS_PER_S,
      baseline,
    },
    {
      issue: '2',
      metric: 'relay ÷ raw kafkajs sendBatch (best ÷ best)',
      value: Math.round(ratio * 1000) / 10,
      unit: '%',
      target: `≥ ${TARGET_RATIO * 100} %`,
      pass: ratio >= TARGET_RATIO,
      baseline,
    },
    ...trials.map((t) => ({
      metric: `batch ${t.batchSize}: relay vs raw sendBatch`,
      value: t.relay,
      unit: 'events/s',
      baseline: { metric: `raw sendBatch, chunks of ${t.batchSize}`, value: t.raw, unit: 'msg/s' },
      notes: `${Math.round((t.relay / t.raw) * 1000) / 10} % of raw`,
    })),
  ]
}

const suite: BenchSuite = {
  name: 'relay',
  description: `OutboxRelay.drainOnce() draining ${ROWS.toLocaleString('en')} pending outbox rows into a ${PARTITIONS}-partition topic (acks all, idempotent producer), against raw kafkajs sendBatch of the same values with the same producer settings.`,
  run: runSuite,
}
export default suite
