/**
 * Issue 18 (decision 0800): the oversight figures answered from portfolio's projection at a
 * province's scale (100 schools, 10^6 learners and enrollments, 10^7 training entries: every
 * entry a training, the worst case for the projection), p99 over HTTP (Fastify inject, JWT,
 * Postgres, serialization), with the bare scan of the year's rows as the same-run baseline; and
 * the projection's throughput in events/s through the consumer's handler (timeline and oversight
 * in one transaction per 200 events), with the timeline alone as the baseline.
 * Runnable standalone: DATABASE_URL=postgres://… tsx bench/suites/oversight.ts
 * (OVERSIGHT_ENTRIES and OVERSIGHT_LEARNERS scale it down for a quick look.)
 */

import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { forSchema } from '@creditbank/db'
import { type CloudEvent, createEvent, EventConsumer, MemoryTransport } from '@creditbank/events'
import {
  TEST_AUDIENCE,
  TEST_ISSUER,
  testDatabase,
  testKeys,
  testService,
} from '@creditbank/testing'
import { sql } from 'kysely'
import pino from 'pino'
import portfolioApp, { SCHEMA } from '../../services/portfolio/src/app.js'
import { migrations } from '../../services/portfolio/src/db/migrations.js'
import type { PortfolioDB } from '../../services/portfolio/src/db/schema.js'
import { applyEvent } from '../../services/portfolio/src/domain/projection.js'
import { OVERSIGHT_GROUP } from '../../services/portfolio/src/oversight/consumer.js'
import {
  aroundOversight,
  oversightHandlers,
  oversightTopics,
} from '../../services/portfolio/src/oversight/projection.js'
import { foldIn } from '../../services/portfolio/src/oversight/totals.js'
import { percentile, runIfMain } from '../lib.js'
import type { BenchContext, BenchResult, BenchSuite } from '../types.js'

const SCHOOLS = 100
const LEARNERS = Number(process.env.OVERSIGHT_LEARNERS ?? 1_000_000)
const ENTRIES = Number(process.env.OVERSIGHT_ENTRIES ?? 10_000_000)
const QUERIES = 15
const EVENTS = 20_000
const BATCH = 200

const uuid = (prefix: string, i: string) =>
  sql.raw(`('${prefix}' || lpad(to_hex(${i}), 12, '0'))::uuid`)

async function load(db: ReturnType<typeof forSchema<PortfolioDB>>, log: (m: string) => void) {
  const t = (name: string) => sql.table(`${SCHEMA}.${name}`)
  const t0 = performance.now()
  // 18 Henan cities, each school in a county of its city.
  await sql`insert into ${t('oversight_org')} (id, name, kind, region_code)
    select ${uuid('00000000-0000-4000-8000-', 'i')}, '学校' || i, 'school',
      '41' || lpad((1 + i % 17)::text, 2, '0') || lpad((1 + i % 5)::text, 2, '0')
    from generate_series(1, ${SCHOOLS}) i`.execute(db)
  await sql`insert into ${t('oversight_learner')} (learner_id, category, region_code, opened_by_org_id)
    select ${uuid('00000000-0000-4000-9000-', 'i')},
      (array['student','unemployed_graduate','veteran','migrant_worker','farmer','disabled','laid_off_worker','employee','other'])[1 + i % 9],
      '41' || lpad((1 + i % 17)::text, 2, '0') || '01', null
    from generate_series(1, ${LEARNERS}) i`.execute(db)
  await sql`insert into ${t('oversight_enrollment')} (enrollment_id, learner_id, org_id, started_on)
    select ${uuid('00000000-0000-4000-a000-', 'i')}, ${uuid('00000000-0000-4000-9000-', 'i')},
      ${uuid('00000000-0000-4000-8000-', `(1 + i % ${SCHOOLS})`)},
      ('2021-09-01'::date + ((i % 5) * 365))
    from generate_series(1, ${LEARNERS}) i`.execute(db)
  log(
    `schools, ${LEARNERS} learners and enrollments in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  )
  const chunk = 1_000_000
  for (let from = 1; from <= ENTRIES; from += chunk) {
    const to = Math.min(ENTRIES, from + chunk - 1)
    await sql`insert into ${t('oversight_training')} (entry_id, learner_id, org_id, hours, occurred_on, reversed)
      select ${uuid('00000000-0000-4000-b000-', 'i')},
        ${uuid('00000000-0000-4000-9000-', `(1 + (i::int8 * 7919) % ${LEARNERS})`)},
        ${uuid('00000000-0000-4000-8000-', `(1 + i % ${SCHOOLS})`)},
        8 + i % 40, '2021-01-01'::date + (i % 1826)::int, i % 50 = 0
      from generate_series(${from}::int8, ${to}::int8) i`.execute(db)
    log(`${to} training entries loaded (${((performance.now() - t0) / 1000).toFixed(0)} s)`)
  }
  await sql`insert into ${t('oversight_state')} (id, as_of, events) values (1, now(), ${ENTRIES})`.execute(
    db,
  )
  await sql`analyze ${t('oversight_org')}`.execute(db)
  await sql`analyze ${t('oversight_learner')}`.execute(db)
  await sql`analyze ${t('oversight_enrollment')}`.execute(db)
  await sql`analyze ${t('oversight_training')}`.execute(db)
  // The running totals, folded from the rows as the upgrade's migration does, a part at a time.
  const loaded = performance.now()
  const part = 20_000
  for (let from = 1; from <= LEARNERS; from += part) {
    const ids = await sql<{ id: string }>`
      select ${uuid('00000000-0000-4000-9000-', 'i')}::text as id
      from generate_series(${from}::int8, ${Math.min(LEARNERS, from + part - 1)}::int8) i`.execute(
      db,
    )
    await foldIn(
      db,
      ids.rows.map((r) => r.id),
    )
  }
  log(`totals folded in ${((performance.now() - loaded) / 1000).toFixed(0)} s`)
  await sql`analyze ${t('oversight_total')}`.execute(db)
  return (performance.now() - t0) / 1000
}

async function timeEach(n: number, f: () => Promise<void>) {
  await f() // warm-up
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await f()
    times.push(performance.now() - t0)
  }
  return times.sort((a, b) => a - b)
}

type Event = CloudEvent<Record<string, unknown>>
const event = (type: string, subject: string, data: Record<string, unknown>): Event =>
  createEvent('/bench', { type, subject, data })

/**
 * A province's stream as accounts and identity publish it: 20 schools in 17 cities, 2,000
 * learners of every group with an enrollment each, then training postings spread over two years
 * and 20 schools, one in 50 followed by its reversal.
 */
function stream(): Event[] {
  const schools = Array.from({ length: 20 }, (_, i) => ({
    id: randomUUID(),
    region: `41${String(1 + (i % 17)).padStart(2, '0')}0${1 + (i % 5)}`,
  }))
  const learners = Array.from({ length: 2_000 }, () => randomUUID())
  const out: Event[] = schools.map((s, i) =>
    event('identity.organization.registered', s.id, {
      organizationId: s.id,
      code: `BENCH-${i}`,
      name: `基准测试学院${i}`,
      kind: 'school',
      regionCode: s.region,
      schoolLevel: 'higher_vocational',
    }),
  )
  const CATEGORIES = ['student', 'veteran', 'migrant_worker', 'farmer', 'employee', 'other']
  learners.forEach((learnerId, i) => {
    out.push(
      event('accounts.learner.opened', learnerId, {
        learnerId,
        accountNo: `B${i}`,
        category: CATEGORIES[i % CATEGORIES.length],
        openedByOrgId: schools[i % 20]!.id,
        birthDate: null,
        regionCode: `41${String(1 + (i % 17)).padStart(2, '0')}02`,
      }),
      event('accounts.enrollment.created', learnerId, {
        enrollmentId: randomUUID(),
        learnerId,
        orgId: schools[i % 20]!.id,
        programCode: 'P-BENCH',
        programName: '电气自动化技术',
        startedOn: i % 2 ? '2024-09-01' : '2025-09-01',
      }),
    )
  })
  for (let i = 0; out.length < EVENTS; i++) {
    const learnerId = learners[(i * 7) % learners.length]!
    const entryId = randomUUID()
    const orgId = schools[(i * 13) % 20]!.id
    out.push(
      event('accounts.outcome.posted', learnerId, {
        entryId,
        learnerId,
        orgId,
        kind: 'training',
        title: '电工作业安全培训',
        code: null,
        credits: null,
        hours: String(8 + (i % 40)),
        grade: null,
        level: null,
        category: null,
        occurredOn: new Date(Date.UTC(2024, 0, 1 + (i % 730))).toISOString().slice(0, 10),
        externalRef: null,
        postedAt: new Date().toISOString(),
      }),
    )
    if (i % 50 === 49)
      out.push(
        event('accounts.entry.reversed', learnerId, {
          entryId: randomUUID(),
          reversedEntryId: entryId,
          learnerId,
          orgId,
          reason: '重复录入',
          postedAt: new Date().toISOString(),
        }),
      )
  }
  return out
}

/** The timeline's handler, event by event in transactions of BATCH: the baseline. */
async function timelineRate(db: ReturnType<typeof forSchema<PortfolioDB>>, events: Event[]) {
  const t0 = performance.now()
  for (let i = 0; i < events.length; i += BATCH)
    await db.transaction().execute(async (trx) => {
      for (const e of events.slice(i, i + BATCH)) await applyEvent(trx, e)
    })
  return events.length / ((performance.now() - t0) / 1000)
}

/** The oversight consumer as the service runs it (inbox, payload checks, batches), on the in-process bus. */
async function oversightRate(db: ReturnType<typeof forSchema<PortfolioDB>>, events: Event[]) {
  const transport = new MemoryTransport()
  await transport.publish(
    events.map((e) => ({
      topic: `creditbank.${e.type.split('.')[0]}.v1`,
      key: e.subject ?? null,
      value: JSON.stringify(e),
    })),
  )
  const consumer = new EventConsumer({
    groupId: OVERSIGHT_GROUP,
    topics: oversightTopics,
    handlers: oversightHandlers(),
    around: aroundOversight,
    db,
    transport,
    logger: pino({ level: 'warn' }),
    maxBatch: 500,
  })
  const t0 = performance.now()
  await consumer.start()
  while (consumer.stats.applied + consumer.stats.ignored < events.length) {
    if (consumer.stats.deadLettered) throw new Error('an event was dead-lettered')
    await new Promise((r) => setTimeout(r, 5))
  }
  const rate = events.length / ((performance.now() - t0) / 1000)
  await consumer.stop()
  return rate
}

async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const results: BenchResult[] = []
  // Throughput first, each on an empty database of its own.
  const events = stream()
  const fresh = async <T>(f: (db: ReturnType<typeof forSchema<PortfolioDB>>) => Promise<T>) => {
    const database = await testDatabase({ [SCHEMA]: migrations }, ctx.databaseUrl)
    try {
      return await f(forSchema<PortfolioDB>(database.database, SCHEMA))
    } finally {
      await database.destroy()
    }
  }
  ctx.log(
    `applying ${events.length} events three times each: the oversight consumer, the timeline alone`,
  )
  // Three runs each, alternating, on a fresh database every time; the median of each is reported.
  const rates = { oversight: [] as number[], timeline: [] as number[] }
  for (let i = 0; i < 3; i++) {
    rates.oversight.push(await fresh((db) => oversightRate(db, events)))
    rates.timeline.push(await fresh((db) => timelineRate(db, events)))
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1] as number
  const oversight = median(rates.oversight)
  const timelineOnly = median(rates.timeline)
  results.push({
    issue: '18',
    metric: 'oversight projection throughput (its consumer, inbox included)',
    value: oversight,
    unit: 'events/s',
    target: '≥ 5,000 events/s',
    pass: oversight >= 5_000,
    baseline: {
      metric: `the timeline projection's handler alone, ${BATCH} events a transaction`,
      value: timelineOnly,
      unit: 'events/s',
    },
    notes: `${events.length} events (20 schools, 2,000 learners opened and enrolled, training postings over two years, one in 50 reversed) through the oversight consumer group on the in-process bus, batches of up to 500, one connection; median of 3 runs (${rates.oversight.map((r) => r.toFixed(0)).join(', ')} events/s; the timeline ${rates.timeline.map((r) => r.toFixed(0)).join(', ')})`,
  })

  const database = await testDatabase({ [SCHEMA]: migrations }, ctx.databaseUrl)
  const keys = testKeys()
  const platform = {
    database: database.database,
    transport: new MemoryTransport(),
    resolveKey: keys.resolveKey,
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
  }
  const app = await testService('portfolio', portfolioApp, platform, {
    secretKeyHex: 'b8'.repeat(32),
    publicBaseUrl: 'https://bench.creditbank',
    startWorkers: false,
  })
  const db = forSchema<PortfolioDB>(database.database, SCHEMA)
  try {
    ctx.log(`loading ${SCHOOLS} schools, ${LEARNERS} learners, ${ENTRIES} training entries`)
    const loadSeconds = await load(db, ctx.log)
    const admin = { authorization: `Bearer ${keys.token({ roles: ['admin'] })}` }
    const ask = (url: string) => async () => {
      const res = await app.inject({ method: 'GET', url, headers: admin })
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    }
    const bare = await timeEach(QUERIES, async () => {
      await sql`select count(*) from ${sql.table(`${SCHEMA}.oversight_training`)}
        where occurred_on >= '2025-01-01' and occurred_on < '2026-01-01' and not reversed`.execute(
        db,
      )
    })
    for (const [what, url] of [
      ['the province, a year', '/v1/oversight/training?year=2025'],
      ['one city, a term', '/v1/oversight/training?term=2025-autumn&regionCode=410100'],
      [
        'one school, a year',
        `/v1/oversight/training?year=2025&schoolId=00000000-0000-4000-8000-000000000007`,
      ],
    ] as const) {
      ctx.log(`${QUERIES} requests: ${what}`)
      const times = await timeEach(QUERIES, ask(url))
      const p99 = percentile(times, 99)
      results.push({
        issue: '18',
        metric: `oversight training figures p99, ${what}`,
        value: p99,
        unit: 'ms',
        target: '≤ 200 ms',
        pass: p99 <= 200,
        baseline: {
          metric: 'count(*) of the year’s training rows, bare SQL (p99)',
          value: percentile(bare, 99),
          unit: 'ms',
        },
        notes: `p50 ${percentile(times, 50).toFixed(0)} ms; ${QUERIES} sequential requests over inject after one warm-up; ${SCHOOLS} schools, ${LEARNERS.toLocaleString('en')} learners and enrollments, ${ENTRIES.toLocaleString('en')} training entries over 5 years (loaded by generated SQL in ${loadSeconds.toFixed(0)} s); figures read from the running totals`,
      })
    }
  } finally {
    await app.close()
    await database.destroy()
  }
  return results
}

const suite: BenchSuite = {
  name: 'oversight',
  description:
    'Issue 18: the oversight figures (training against twice the enrollment per school, city and province) p99 over HTTP from portfolio’s running totals, folded from 100 schools, 10^6 learners and 10^7 training entries (10^7 by default; the count a run used is in its rows’ notes), beside the bare count of the year’s rows; and the oversight consumer group’s throughput (inbox included), beside the timeline’s handler over the same events.',
  needsKafka: false,
  run,
}
export default suite

await runIfMain(import.meta.url, run)
