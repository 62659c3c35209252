/**
 * Issue 19, province scale: the accounts service (its bundled build, as the image runs it) with 10^7
 * ledger entries bulk-loaded, beside the same measurements at 10^4 in the same run:
 * - statement p99 (50 entries a page) for the same learners at 10^4 and at 10^7, and at 10^7 for
 *   learners drawn from the whole ledger (their entries interleaved with everyone else's, as years
 *   of postings leave them);
 * - single postings over HTTP, closed loop, and 1,000-outcome batches, at 10^4 and at 10^7.
 * Every figure carries the one-minute load average when it was taken: this machine is shared.
 *
 *   pnpm bench --only province
 *   PROVINCE_BENCH_LEDGER=200000 … (smaller while iterating)
 *
 * The bulk load writes about 6 GB into a database of its own, which is dropped at the end whatever
 * happens; the suite refuses to start with less than 20 GB free where Postgres keeps its data.
 * Bulk rows have time-ordered ids (as uuidv7 makes them) and placeholder hashes (see accounts.ts).
 */
import type { ChildProcess } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { existsSync, statfsSync } from 'node:fs'
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import { type Database, migrate, openDatabase } from '@creditbank/db'
import { testKeys } from '@creditbank/testing'
import { type Kysely, sql } from 'kysely'
import { migrations } from '../../services/accounts/src/db/migrations.js'
import { bundledService, round, runIfMain } from '../lib.js'
import type { BenchContext, BenchResult, BenchSuite } from '../types.js'
import {
  batches,
  closedLoop,
  freePort,
  httpPosting,
  jwksServer,
  ledgerSize,
  seedLearners,
  settle,
  startService,
  statementLatency,
  stopService,
} from './accounts.js'

const LEDGER = Number(process.env.PROVINCE_BENCH_LEDGER ?? 10_000_000)
const ENTRIES_PER_LEARNER = 100
const SLICE = 1_000
const POSTING_LEARNERS = 2_000
const CLOSED_MS = 10_000
const FREE_GB_NEEDED = 20
const TARGETS = { statementP99: 10, statementGrowth: 1.5 }

const load = () => round(os.loadavg()[0]!, 2)

/**
 * ENTRIES_PER_LEARNER entries for each learner of a prefix, SLICE learners a statement. Within a
 * slice rows go in posting order (entry 1 of every learner, then entry 2 …), so one learner's
 * entries lie on different pages; ids are time-ordered like uuidv7.
 */
async function bulkLedger(db: Database, prefix: string, org: string, log: (m: string) => void) {
  const learners = (
    await sql<{
      id: string
    }>`select id from accounts.learner where account_no like ${`${prefix}%`} order by account_no`.execute(
      db.kysely,
    )
  ).rows.map((r) => r.id)
  const started = performance.now()
  // One connection for the whole load, without foreign-key triggers (session_replication_role =
  // replica): the rows reference learners made just above.
  await db.kysely.connection().execute(async (c) => {
    await sql`set session_replication_role = replica`.execute(c)
    for (let i = 0; i < learners.length; i += SLICE)
      await bulkSlice(c, learners.slice(i, i + SLICE), i, org, started, log)
    await sql`vacuum analyze accounts.ledger_entry`.execute(c)
    await sql`vacuum analyze accounts.account`.execute(c)
    await sql`checkpoint`.execute(c)
  })
}

async function bulkSlice(
  c: Kysely<unknown>,
  slice: string[],
  i: number,
  org: string,
  started: number,
  log: (m: string) => void,
) {
  await sql`insert into accounts.ledger_entry (id, learner_id, seq, code, kind, balance_kind, org_id, title, outcome_code, credits, hours, grade_score, grade_scale, occurred_on, external_ref, posted_by, posted_at, prev_hash, hash)
      select (lpad(to_hex(${Date.now() - 1e10}::bigint + ${i}::bigint * 1000 + s * 10), 12, '0') || '7' || substr(md5(l.id::text || s), 1, 3) || '8' || substr(md5(s || l.id::text), 1, 15))::uuid,
        l.id, s, 'outcome.posted', k, k, ${org}::uuid, '课程 ' || s, 'C' || s, (s % 8)::numeric, (s % 64)::numeric, '80', '100',
        date '2016-01-01' + s * 36 + (length(l.id::text) % 30), null, 'bulk', now(), md5(l.id::text || (s - 1)) || md5(s::text), md5(l.id::text || s) || md5(s::text)
      from generate_series(1, ${ENTRIES_PER_LEARNER}::int) s cross join unnest(${slice}::uuid[]) as l(id)
      cross join lateral (select (array['course', 'training', 'competition', 'work'])[1 + s % 4] as k) kk
      order by s`.execute(c)
  await sql`update accounts.account set last_seq = ${ENTRIES_PER_LEARNER}::bigint where learner_id = any(${slice}::uuid[])`.execute(
    c,
  )
  if ((i / SLICE) % 100 === 99) {
    const rows = (i + slice.length) * ENTRIES_PER_LEARNER
    const rate = rows / ((performance.now() - started) / 1000)
    log(
      `  ${rows.toLocaleString('en')} bulk entries (${Math.round(rate).toLocaleString('en')} rows/s, load ${load()})`,
    )
  }
}

async function sizes(db: Database) {
  const { rows } = await sql<{
    table_mb: string
    indexes_mb: string
  }>`select pg_table_size('accounts.ledger_entry') / 1048576 as table_mb, pg_indexes_size('accounts.ledger_entry') / 1048576 as indexes_mb`.execute(
    db.kysely,
  )
  return { tableMb: Number(rows[0]!.table_mb), indexesMb: Number(rows[0]!.indexes_mb) }
}

/** Postings at the ledger's current size: closed loop of single postings, then batches. */
async function postingRates(
  db: Database,
  port: number,
  learners: string[],
  auth: string,
): Promise<{ single: number; batch: number; load: number }> {
  await settle(db)
  await closedLoop(2_000, () => httpPosting(port, learners, auth))
  const single = await closedLoop(CLOSED_MS, () => httpPosting(port, learners, auth))
  await settle(db)
  const batch = await batches(port, [{ learners, auth }])
  return { single, batch, load: load() }
}

/** Free space where Postgres keeps its data (this machine's Postgres; Infinity when not local). */
function freeGb(databaseDir: string) {
  if (!existsSync(databaseDir)) return Number.POSITIVE_INFINITY
  const s = statfsSync(databaseDir)
  return (s.bavail * s.bsize) / 2 ** 30
}

async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const admin = await openDatabase({ url: ctx.databaseUrl, poolMax: 1 })
  const dataDir = (
    await sql<{ d: string }>`select current_setting('data_directory') as d`.execute(admin.kysely)
  ).rows[0]!.d
  const free = freeGb(dataDir)
  if (LEDGER >= 1_000_000 && free < FREE_GB_NEEDED) {
    await admin.close()
    throw new Error(`only ${round(free, 1)} GB free at ${dataDir}; ${FREE_GB_NEEDED} GB needed`)
  }
  const name = `cb_bench_province_${randomBytes(4).toString('hex')}`
  await sql.raw(`create database "${name}"`).execute(admin.kysely)
  const url = new URL(ctx.databaseUrl)
  url.pathname = `/${name}`
  // No statement time limit: one bulk statement writes 100,000 rows on a machine others share.
  const db = await openDatabase({ url: url.toString(), poolMax: 4, statementTimeoutMs: 0 })
  const keys = testKeys()
  const jwks = await jwksServer(keys.jwk)
  let child: ChildProcess | undefined
  try {
    await migrate(db, 'accounts', migrations)
    const org = randomUUID()
    await sql`insert into accounts.organization (id, kind, name, code) values (${org}::uuid, 'school', '基准学校', 'PROV')`.execute(
      db.kysely,
    )
    // Tokens last ten minutes and the bulk load takes longer: each phase signs fresh ones.
    const registrar = randomUUID()
    const tokens = {
      admin: () => `Bearer ${keys.token({ roles: ['admin'] })}`,
      registrar: () => `Bearer ${keys.token({ roles: ['registrar'], org, sub: registrar })}`,
      learner: (id: string) => `Bearer ${keys.token({ roles: ['learner'], learner: id, sub: id })}`,
    }
    const port = await freePort()
    child = await startService(
      ctx,
      bundledService(ctx.root, 'accounts'),
      url.toString(),
      jwks.url,
      port,
    )
    return await measure(ctx, db, port, org, tokens)
  } finally {
    if (child) await stopService(child)
    await jwks.close()
    await db.close()
    await sql.raw(`drop database if exists "${name}" with (force)`).execute(admin.kysely)
    await admin.close()
    ctx.log(`dropped ${name}; ${round(freeGb(dataDir), 1)} GB free`)
  }
}

async function measure(
  ctx: BenchContext,
  db: Database,
  port: number,
  org: string,
  tokens: { admin: () => string; registrar: () => string; learner: (id: string) => string },
): Promise<BenchResult[]> {
  const small = await seedLearners(db, 'S', 100, org)
  await bulkLedger(db, 'S', org, ctx.log)
  const postingLearners = await seedLearners(db, 'P', POSTING_LEARNERS, org)
  const size4 = await ledgerSize(db)
  // The learner reading their own statement (the target), and staff reading it: each staff read
  // also commits a who-looked row (decision 0720), a write the learner's own read does not make.
  const at4 = { ...(await statementLatency(port, small, tokens.learner)), load: load() }
  const staff4 = { ...(await statementLatency(port, small, tokens.admin())), load: load() }
  const post4 = await postingRates(db, port, postingLearners, tokens.registrar())
  ctx.log(
    `at ${size4.toLocaleString('en')}: statement p99 ${round(at4.p99)} ms, staff ${round(staff4.p99)} ms (load ${at4.load}); ${Math.round(post4.single)} postings/s, batches ${Math.round(post4.batch)}/s (load ${post4.load})`,
  )

  const big = await seedLearners(db, 'L', Math.max(0, (LEDGER - size4) / ENTRIES_PER_LEARNER), org)
  const loadStarted = performance.now()
  await bulkLedger(db, 'L', org, ctx.log)
  const loadSeconds = (performance.now() - loadStarted) / 1000
  const size7 = await ledgerSize(db)
  const disk = await sizes(db)
  ctx.log(
    `bulk-loaded to ${size7.toLocaleString('en')} entries in ${round(loadSeconds, 1)} s: table ${disk.tableMb} MB, indexes ${disk.indexesMb} MB`,
  )
  const at7 = { ...(await statementLatency(port, small, tokens.learner)), load: load() }
  const staff7 = { ...(await statementLatency(port, small, tokens.admin())), load: load() }
  const spread = { ...(await statementLatency(port, big, tokens.learner)), load: load() }
  const post7 = await postingRates(db, port, postingLearners, tokens.registrar())
  ctx.log(
    `at ${size7.toLocaleString('en')}: statement p99 ${round(at7.p99)} ms, staff ${round(staff7.p99)} ms, across the ledger ${round(spread.p99)} ms; ${Math.round(post7.single)} postings/s, batches ${Math.round(post7.batch)}/s (load ${post7.load})`,
  )
  const n = (x: number) => x.toLocaleString('en')
  const growth = at7.p99 / at4.p99
  const staffGrowth = staff7.p99 / staff4.p99
  return [
    {
      issue: '19',
      metric: `statement p99 (50 entries), the learner's own, at ${n(size7)} entries`,
      value: round(at7.p99),
      unit: 'ms',
      target: `≤ ${TARGETS.statementP99} ms`,
      pass: at7.p99 <= TARGETS.statementP99,
      baseline: {
        metric: `the same learners at ${n(size4)} entries`,
        value: round(at4.p99),
        unit: 'ms',
      },
      notes: `p50 ${round(at7.p50)} ms (at ${n(size4)}: p50 ${round(at4.p50)} ms); load average ${at7.load} (at ${n(size4)}: ${at4.load}); 3,000 sequential requests over HTTP, each with the learner's own JWT`,
    },
    {
      issue: '19',
      metric: `statement p99 (50 entries) read by staff, at ${n(size7)} entries`,
      value: round(staff7.p99),
      unit: 'ms',
      target: `≤ ${TARGETS.statementP99} ms`,
      pass: staff7.p99 <= TARGETS.statementP99,
      baseline: {
        metric: `the same learners at ${n(size4)} entries`,
        value: round(staff4.p99),
        unit: 'ms',
      },
      notes: `an admin's JWT: each read also commits a who-looked row (decision 0720); p50 ${round(staff7.p50)} ms (at ${n(size4)}: p50 ${round(staff4.p50)} ms); load average ${staff7.load} (at ${n(size4)}: ${staff4.load})`,
    },
    {
      issue: '19',
      metric: `statement p99 growth, ${n(size7)} ÷ ${n(size4)}, the learner's own`,
      value: round(growth),
      unit: '×',
      target: `≤ ${TARGETS.statementGrowth} ×`,
      pass: growth <= TARGETS.statementGrowth,
    },
    {
      issue: '19',
      metric: `statement p99 growth, ${n(size7)} ÷ ${n(size4)}, read by staff`,
      value: round(staffGrowth),
      unit: '×',
      target: `≤ ${TARGETS.statementGrowth} ×`,
      pass: staffGrowth <= TARGETS.statementGrowth,
    },
    {
      issue: '19',
      metric: `statement p99 at ${n(size7)} entries, learners drawn from the whole ledger`,
      value: round(spread.p99),
      unit: 'ms',
      notes: `p50 ${round(spread.p50)} ms; load average ${spread.load}; each learner's entries on 50–100 different pages; table ${n(disk.tableMb)} MB and indexes ${n(disk.indexesMb)} MB, held in this machine's 24 GB page cache (a 10^9 ledger would not be: docs/capacity.md)`,
    },
    {
      issue: '19',
      metric: `single postings over HTTP (16 in flight) at ${n(size7)} entries`,
      value: Math.round(post7.single),
      unit: 'postings/s',
      baseline: {
        metric: `the same at ${n(size4)} entries`,
        value: Math.round(post4.single),
        unit: 'postings/s',
      },
      notes: `load average ${post7.load} (at ${n(size4)}: ${post4.load}); ${CLOSED_MS / 1000} s closed loop after a 2 s warm-up`,
    },
    {
      issue: '19',
      metric: `batch postings, 1,000 outcomes a request, at ${n(size7)} entries`,
      value: Math.round(post7.batch),
      unit: 'outcomes/s',
      baseline: {
        metric: `the same at ${n(size4)} entries`,
        value: Math.round(post4.batch),
        unit: 'outcomes/s',
      },
      notes: `load average ${post7.load} (at ${n(size4)}: ${post4.load}); bulk load of ${n(size7 - size4)} rows took ${round(loadSeconds, 1)} s`,
    },
  ]
}

const suite: BenchSuite = {
  name: 'province',
  description:
    'Issue 19: the accounts service (bundled build) on real Postgres with 10^7 ledger entries bulk-loaded (time-ordered ids, entries of a learner interleaved with others, placeholder hashes), against the same figures at 10^4 in the same run: statement p99 for the same learners and for learners across the whole ledger, single postings (closed loop, 16 in flight) and 1,000-outcome batches. Each figure notes the load average when it was taken. The database is dropped at the end.',
  run,
}
export default suite

await runIfMain(import.meta.url, run)
