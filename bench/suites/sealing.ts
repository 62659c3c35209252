/**
 * Issue 17 (decision 0730): what sealing learners' personal data under per-learner keys costs in
 * posting throughput, against the same run without per-learner keys.
 *
 * The accounts service runs in-process on a database of its own on real Postgres, driven over
 * Fastify inject (JWT check, routing, validation, Postgres, serialization), its workers off (the
 * outbox is emptied between trials, as its relay would). Sealing happens where an account is
 * opened, so the postings measured are the ones that open accounts:
 * - batches of 1,000 outcomes naming 1,000 new people by 身份证号 + name (`POST /v1/outcomes/batch`:
 *   1,000 accounts opened and sealed in the batch's transaction);
 * - single postings, each to a learner opened just before (`POST /v1/learners`, then
 *   `POST /v1/outcomes` by id), 8 in flight;
 * - and single postings to learners opened earlier, which open nothing and seal nothing: the same
 *   code path in both, so their difference is the run's noise (a control).
 *
 * "Without" is the same code with `LearnerKeys` answering the service key for every learner
 * (patched on its prototype here, for the baseline's trials only): personal data sealed under the
 * service key alone, as before decision 0730 — no key made, sealed, stored, read back or opened
 * per learner. The one AES-256-GCM seal of the personal data itself is in both. Each trial counts
 * the learner_key rows it made, so a patch that did not take (or took when it should not) fails
 * the suite. Trials alternate between the two (ABBAAB…) so that a growing database and a busy
 * machine weigh on both alike; the median of each is reported.
 *
 *   pnpm bench --only sealing
 *   DATABASE_URL=postgres://… pnpm exec tsx bench/suites/sealing.ts   (standalone)
 */
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { type Database, forSchema } from '@creditbank/db'
import { MemoryTransport } from '@creditbank/events'
import { LearnerKeys, parseKey } from '@creditbank/service-kit'
import {
  TEST_AUDIENCE,
  TEST_ISSUER,
  testDatabase,
  testKeys,
  testService,
} from '@creditbank/testing'
import { sql } from 'kysely'
import accountsApp, { SCHEMA } from '../../services/accounts/src/app.js'
import { migrations } from '../../services/accounts/src/db/migrations.js'
import type { AccountsDB } from '../../services/accounts/src/db/schema.js'
import { checkCharacter } from '../../services/accounts/src/domain/national-id.js'
import { round, runIfMain } from '../lib.js'
import type { BenchContext, BenchResult, BenchSuite } from '../types.js'
import { POSTING } from './accounts.js'

const PII_KEY = 'e7'.repeat(32)
const BATCH = 1_000
/** Timed batches per trial, after one warm-up batch per trial. */
const BATCHES_PER_TRIAL = 2
const TRIALS = 5
const IN_FLIGHT = 8
const SINGLE_MS = 6_000
const KNOWN_LEARNERS = 2_000
const TARGET_COST_PCT = 10

type Arm = 'per-learner' | 'service-key'

/**
 * The baseline's LearnerKeys: every learner's "key" is the service key itself, and nothing is
 * written to or read from learner_key. Returns the function that puts the real methods back.
 */
function serviceKeyOnly(serviceKey: Buffer) {
  const proto = LearnerKeys.prototype
  const real = {
    ensure: proto.ensure,
    ensureMany: proto.ensureMany,
    forNew: proto.forNew,
    getMany: proto.getMany,
  }
  const keysOf = (ids: string[]) => new Map(ids.map((id) => [id, serviceKey]))
  const all = async (_db: unknown, ids: string[]) => keysOf(ids)
  proto.ensure = async () => serviceKey
  proto.ensureMany = all
  proto.forNew = (ids: string[]) => ({ keys: keysOf(ids), rows: [] })
  proto.getMany = all
  return () => Object.assign(proto, real)
}

let personSeq = 0
/** A new, valid 身份证号 and a name each call (Zhengzhou; birth dates from 1970 on). */
function newPerson() {
  const n = personSeq++
  const day = new Date(Date.UTC(1970, 0, 1) + (n % 15_000) * 86_400_000)
    .toISOString()
    .slice(0, 10)
    .replaceAll('-', '')
  const first17 = `410105${day}${String(Math.floor(n / 15_000)).padStart(3, '0')}`
  const surnames = '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨'
  const given = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明'
  return {
    nationalId: `${first17}${checkCharacter(first17)}`,
    name: `${surnames[n % 16]}${given[Math.floor(n / 16) % 16]}${given[(n * 7) % 16]}`,
  }
}

let refSeq = 0
const outcome = () => ({ ...POSTING, externalRef: `SEAL-${++refSeq}` })

type App = Awaited<ReturnType<typeof testService>>
type Answer = Awaited<ReturnType<App['inject']>>

async function expect(res: Promise<Answer>, what: string) {
  const r = await res
  if (r.statusCode !== 200 && r.statusCode !== 201)
    throw new Error(`${what}: ${r.statusCode} ${r.body.slice(0, 300)}`)
  return r
}

/** Between trials: the outbox emptied (as the relay would) and the churned tables vacuumed. */
async function settle(db: Database) {
  await sql`delete from accounts.outbox_event`.execute(db.kysely)
  await sql`vacuum analyze accounts.outbox_event, accounts.learner, accounts.learner_key, accounts.account, accounts.balance, accounts.ledger_entry, accounts.idempotency_key`.execute(
    db.kysely,
  )
}

async function keyRows(db: Database) {
  const r = await sql<{ n: string }>`select count(*) as n from accounts.learner_key`.execute(
    db.kysely,
  )
  return Number(r.rows[0]!.n)
}

interface Workload {
  name: string
  /** Runs one trial; answers postings per second and how many accounts it opened. */
  trial(): Promise<{ perS: number; opened: number }>
}

function workloads(app: App, auth: Record<string, string>, known: string[]) {
  const batchBody = () =>
    JSON.stringify({
      items: Array.from({ length: BATCH }, () => ({ ...newPerson(), ...outcome() })),
    })
  const sendBatch = (payload: string) =>
    expect(
      app.inject({
        method: 'POST',
        url: '/v1/outcomes/batch',
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        payload,
      }),
      'batch',
    )
  const closedLoop = async (one: () => Promise<void>) => {
    let done = 0
    const started = performance.now()
    const until = started + SINGLE_MS
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (performance.now() < until) {
          await one()
          done += 1
        }
      }),
    )
    return { done, perS: done / ((performance.now() - started) / 1000) }
  }
  const post = (learnerId: string) =>
    expect(
      app.inject({
        method: 'POST',
        url: '/v1/outcomes',
        headers: { ...auth, 'idempotency-key': randomUUID() },
        payload: { learnerId, ...outcome() },
      }),
      'posting',
    )
  const batches: Workload = {
    name: 'batch',
    async trial() {
      await sendBatch(batchBody())
      const payloads = Array.from({ length: BATCHES_PER_TRIAL }, batchBody)
      const t0 = performance.now()
      for (const p of payloads) await sendBatch(p)
      const perS = (BATCHES_PER_TRIAL * BATCH) / ((performance.now() - t0) / 1000)
      return { perS, opened: (BATCHES_PER_TRIAL + 1) * BATCH }
    },
  }
  const openThenPost: Workload = {
    name: 'open-then-post',
    async trial() {
      const r = await closedLoop(async () => {
        const opened = await expect(
          app.inject({
            method: 'POST',
            url: '/v1/learners',
            headers: { ...auth, 'idempotency-key': randomUUID() },
            payload: { ...newPerson(), category: 'student' },
          }),
          'opening',
        )
        await post((opened.json() as { id: string }).id)
      })
      return { perS: r.perS, opened: r.done }
    },
  }
  const knownPosts: Workload = {
    name: 'known',
    async trial() {
      const r = await closedLoop(async () => {
        await post(known[Math.floor(Math.random() * known.length)]!)
      })
      return { perS: r.perS, opened: 0 }
    },
  }
  return { batches, openThenPost, knownPosts }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** TRIALS trials of each arm, alternating ABBAAB…; checks each trial made keys only in its arm. */
async function compare(db: Database, serviceKey: Buffer, w: Workload, log: (m: string) => void) {
  const perS: Record<Arm, number[]> = { 'per-learner': [], 'service-key': [] }
  for (let i = 0; i < TRIALS * 2; i++) {
    const arm: Arm = i % 4 === 0 || i % 4 === 3 ? 'per-learner' : 'service-key'
    await settle(db)
    const before = await keyRows(db)
    const restore = arm === 'service-key' ? serviceKeyOnly(serviceKey) : undefined
    let r: { perS: number; opened: number }
    try {
      r = await w.trial()
    } finally {
      restore?.()
    }
    const made = (await keyRows(db)) - before
    const expected = arm === 'per-learner' ? r.opened : 0
    if (made !== expected)
      throw new Error(`${w.name} (${arm}): ${made} learner keys made, expected ${expected}`)
    perS[arm].push(r.perS)
    log(`${w.name} ${arm}: ${Math.round(r.perS)} postings/s (${r.opened} accounts opened)`)
  }
  const a = median(perS['per-learner'])
  const b = median(perS['service-key'])
  return { a, b, costPct: (100 * (b - a)) / b, perS }
}

const list = (xs: number[]) => xs.map((x) => Math.round(x).toLocaleString('en')).join(', ')

async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const database = await testDatabase({ [SCHEMA]: migrations }, ctx.databaseUrl)
  const keys = testKeys()
  const transport = new MemoryTransport()
  await transport.connect()
  const app = await testService(
    'accounts',
    accountsApp,
    {
      database: database.database,
      transport,
      resolveKey: keys.resolveKey,
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
    },
    { piiKeyHex: PII_KEY, startWorkers: false },
  )
  const db = database.database
  const results: BenchResult[] = []
  try {
    const org = randomUUID()
    await forSchema<AccountsDB>(db, SCHEMA)
      .insertInto('organization')
      .values({ id: org, kind: 'school', name: '基准学校', code: 'SEAL' })
      .execute()
    const auth = { authorization: `Bearer ${keys.token({ roles: ['registrar'], org })}` }
    // Learners the school opened earlier, through the API, for the postings that open nothing.
    const known: string[] = []
    for (let i = 0; i < KNOWN_LEARNERS; i += BATCH) {
      const items = Array.from({ length: BATCH }, () => ({ ...newPerson(), ...outcome() }))
      const res = await app.inject({
        method: 'POST',
        url: '/v1/outcomes/batch',
        headers: auth,
        payload: { items },
      })
      known.push(
        ...(res.json() as { items: { learnerId: string }[] }).items.map((e) => e.learnerId),
      )
    }
    const w = workloads(app, auth, known)
    const serviceKey = parseKey(PII_KEY, 'ACCOUNTS_PII_KEY')
    const batch = await compare(db, serviceKey, w.batches, ctx.log)
    const single = await compare(db, serviceKey, w.openThenPost, ctx.log)
    const plain = await compare(db, serviceKey, w.knownPosts, ctx.log)
    const trials = (c: typeof batch) =>
      `trials, alternating: ${list(c.perS['per-learner'])} with per-learner keys, ${list(c.perS['service-key'])} without`
    const rows = [
      {
        c: batch,
        what: `batch of ${BATCH.toLocaleString('en')} outcomes naming ${BATCH.toLocaleString('en')} new people by 身份证号 + name (an account opened and sealed for each)`,
        unit: 'outcomes/s',
        how: `POST /v1/outcomes/batch over inject, one at a time, ${BATCHES_PER_TRIAL} timed after one warm-up a trial; per-learner keys add no statement: 1,000 key rows go in with the learners' own insert (a statement that also writes their accounts), and a key is sealed per person`,
        target: true,
      },
      {
        c: single,
        what: 'single postings, each to a learner opened just before (POST /v1/learners, then POST /v1/outcomes)',
        unit: 'postings/s',
        how: `${IN_FLIGHT} in flight, closed loop for ${SINGLE_MS / 1000} s a trial; each posting is one opening and one outcome; per-learner keys add no statement to an opening: its key row goes in with the learner's insert, and a key is sealed`,
        target: true,
      },
      {
        c: plain,
        what: 'single postings to learners opened earlier (nothing opened, nothing sealed; the control)',
        unit: 'postings/s',
        how: `${IN_FLIGHT} in flight, closed loop for ${SINGLE_MS / 1000} s a trial over ${KNOWN_LEARNERS.toLocaleString('en')} learners: the postings of a learner's life after the first, and the run's control: both take the same code path (no LearnerKeys call), so their difference is this run's noise`,
        target: false,
      },
    ]
    for (const r of rows) {
      ctx.log(
        `${r.what}: ${Math.round(r.c.a)} with per-learner keys, ${Math.round(r.c.b)} without (${round(r.c.costPct, 1)} %)`,
      )
      results.push(
        {
          issue: '17',
          metric: `${r.what}, with per-learner keys (median of ${TRIALS})`,
          value: Math.round(r.c.a),
          unit: r.unit,
          baseline: {
            metric: `the same without per-learner keys (personal data sealed under the service key only), median of ${TRIALS}`,
            value: Math.round(r.c.b),
            unit: r.unit,
          },
          notes: `${r.how}; ${trials(r.c)}`,
        },
        {
          issue: '17',
          metric: `${r.what}: throughput lost to per-learner keys`,
          value: round(r.c.costPct, 1),
          unit: '%',
          ...(r.target
            ? { target: `≤ ${TARGET_COST_PCT} %`, pass: r.c.costPct <= TARGET_COST_PCT }
            : {}),
          notes: '(without − with) ÷ without, of the medians; negative when with was faster',
        },
      )
    }
  } finally {
    await app.close()
    await transport.close()
    await database.destroy()
  }
  return results
}

const suite: BenchSuite = {
  name: 'sealing',
  description:
    'Issue 17 (decision 0730): posting throughput with learners’ personal data sealed under per-learner keys (envelope encryption, AES-256-GCM), against the same run without per-learner keys (the same code with LearnerKeys answering the service key for every learner: personal data sealed under the service key only, no key made, stored, read or opened per learner). The accounts service in-process on real Postgres over Fastify inject, workers off; batches of 1,000 outcomes that open 1,000 accounts, single postings each to a learner opened just before, and single postings to learners opened earlier; trials alternate between the two, medians of 5. Needs no Kafka.',
  needsKafka: false,
  run,
}
export default suite

await runIfMain(import.meta.url, run)
