/**
 * Issue 15: a registrar's spreadsheet import — 10,000 rows of .xlsx (learners by 身份证号 + 姓名,
 * a third of them without an account yet) read, checked and committed by one request to the
 * accounts service (its bundled build, as the image runs it, on real Postgres with its relay to
 * Kafka), target ≤ 10 s; the same file's dry run (preview) beside it. Baseline in the same run: the
 * same kind of rows (other people, the same share new) through the JSON API an integrator has
 * without the import — the learners looked up 1,000 at a time (`POST /v1/learners/lookup/batch`),
 * the missing ones opened one by one (`POST /v1/learners`, 16 in flight), then the outcomes posted
 * 1,000 a request (`POST /v1/outcomes/batch`).
 *
 *   pnpm bench --only imports
 *   DATABASE_URL=postgres://… KAFKA_BROKERS=127.0.0.1:9092 pnpm exec tsx bench/suites/imports.ts
 */
import type { ChildProcess } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { forSchema, jsonRows, migrate, openDatabase } from '@creditbank/db'
import { encrypt, keyedHash, parseKey } from '@creditbank/service-kit'
import { writeTable, XLSX_TYPE } from '@creditbank/spreadsheet'
import { testKeys } from '@creditbank/testing'
import { sql } from 'kysely'
import { migrations } from '../../services/accounts/src/db/migrations.js'
import { GENESIS_HASH } from '../../services/accounts/src/domain/chain.js'
import { checkCharacter } from '../../services/accounts/src/domain/national-id.js'
import { sealLearnersAtStart } from '../../services/accounts/src/domain/seal-at-start.js'
import { bundledService, describeImage, httpClient, round, runIfMain } from '../lib.js'
import type { BenchContext, BenchResult, BenchSuite } from '../types.js'
import { freePort, jwksServer, settle, startService, stopService } from './accounts.js'

const PII_KEY = 'd5'.repeat(32)
const ROWS = 10_000
const NEW_SHARE = 1 / 3
const TARGET_S = 10
const LOOKUP_BATCH = 1_000
const OUTCOME_BATCH = 1_000
const OPEN_IN_FLIGHT = 16

const http = httpClient(32)

interface Person {
  nationalId: string
  name: string
}

/** A valid, distinct 身份证号 for person n of set s (GB 11643 check character). */
function nationalIdOf(set: number, n: number) {
  const day = new Date(Date.UTC(1975, 0, 1) + (n % 9_000) * 86_400_000)
    .toISOString()
    .slice(0, 10)
    .replaceAll('-', '')
  const first17 = `410105${day}${String(set * 10 + Math.floor(n / 9_000)).padStart(3, '0')}`
  return `${first17}${checkCharacter(first17)}`
}

const SURNAMES = '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜'
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红'
const nameOf = (n: number) =>
  `${SURNAMES[n % SURNAMES.length]}${GIVEN[Math.floor(n / SURNAMES.length) % GIVEN.length]}${GIVEN[(n * 7) % GIVEN.length]}`

/** The people of a set: the first two thirds get accounts beforehand (straight in SQL). */
function peopleOf(set: number): Person[] {
  return Array.from({ length: ROWS }, (_, n) => ({
    nationalId: nationalIdOf(set, n),
    name: nameOf(n),
  }))
}

async function openAccounts(db: Awaited<ReturnType<typeof openDatabase>>, people: Person[]) {
  const key = parseKey(PII_KEY, 'ACCOUNTS_PII_KEY')
  for (let i = 0; i < people.length; i += 2_000) {
    const rows = people.slice(i, i + 2_000).map((p) => ({
      id: randomUUID(),
      account_no: `B${p.nationalId}`,
      national_id_hash: keyedHash(key, p.nationalId),
      national_id_sealed: encrypt(key, p.nationalId),
      national_id_masked: `${p.nationalId.slice(0, 6)}********${p.nationalId.slice(-4)}`,
      name: p.name,
      birth_date: `${p.nationalId.slice(6, 10)}-${p.nationalId.slice(10, 12)}-${p.nationalId.slice(12, 14)}`,
      category: 'student',
    }))
    const values = jsonRows(rows, {
      id: 'uuid',
      account_no: 'text',
      national_id_hash: 'text',
      national_id_sealed: 'text',
      national_id_masked: 'text',
      name: 'text',
      birth_date: 'date',
      category: 'text',
    })
    await sql`insert into accounts.learner (${sql.join(values.names.map((n) => sql.ref(n)))}) ${values.select}`.execute(
      db.kysely,
    )
    await sql`insert into accounts.account (learner_id, head_hash) select id, ${GENESIS_HASH} from accounts.learner where id = any(${rows.map((r) => r.id)}::uuid[])`.execute(
      db.kysely,
    )
  }
  // Written as accounts wrote rows before per-learner keys; sealed the way a start seals them (0730).
  await sealLearnersAtStart(forSchema(db, 'accounts'), key)
}

/** What every row posts besides its learner: a course as a school's grade sheet has it. */
const row = (n: number) => ({
  title: `课程${n % 40}`,
  credits: String(1 + (n % 4)),
  score: String(60 + (n % 40)),
  occurredOn: '2025-06-30',
  externalRef: `IMP-${n}`,
})

async function timed<T>(f: () => Promise<T>) {
  const t0 = performance.now()
  const out = await f()
  return { out, s: (performance.now() - t0) / 1000 }
}

async function importFile(port: number, auth: string, file: Buffer, query = '', key?: string) {
  const res = await fetch(`http://127.0.0.1:${port}/v1/outcomes/import${query}`, {
    method: 'POST',
    headers: {
      authorization: auth,
      'content-type': XLSX_TYPE,
      'accept-language': 'zh-CN',
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: file,
  })
  const body = (await res.json()) as { created?: number; openedLearners?: number }
  if (res.status !== (query ? 200 : 201))
    throw new Error(`import: ${res.status} ${JSON.stringify(body).slice(0, 500)}`)
  return body
}

/** The integrator's way with the JSON API: look up, open the missing, post in batches. */
async function jsonBaseline(port: number, auth: string, people: Person[]) {
  const headers = { authorization: auth }
  const ids: (string | undefined)[] = []
  for (let i = 0; i < people.length; i += LOOKUP_BATCH) {
    const items = people
      .slice(i, i + LOOKUP_BATCH)
      .map((p) => ({ nationalId: p.nationalId, name: p.name }))
    const res = await http.call(
      port,
      'POST',
      '/v1/learners/lookup/batch',
      JSON.stringify({ items }),
      headers,
    )
    if (res.status !== 200) throw new Error(`lookup: ${res.status} ${res.body.slice(0, 300)}`)
    for (const a of JSON.parse(res.body).items as { id: string | null }[])
      ids.push(a.id ?? undefined)
  }
  const missing = people.map((_, i) => i).filter((i) => !ids[i])
  let next = 0
  await Promise.all(
    Array.from({ length: OPEN_IN_FLIGHT }, async () => {
      while (next < missing.length) {
        const i = missing[next++]!
        const p = people[i]!
        const res = await http.call(
          port,
          'POST',
          '/v1/learners',
          JSON.stringify({ ...p, category: 'other' }),
          { ...headers, 'idempotency-key': randomUUID() },
        )
        if (res.status !== 201) throw new Error(`open: ${res.status} ${res.body.slice(0, 300)}`)
        ids[i] = JSON.parse(res.body).id
      }
    }),
  )
  let created = 0
  for (let i = 0; i < people.length; i += OUTCOME_BATCH) {
    const items = people.slice(i, i + OUTCOME_BATCH).map((_, k) => {
      const r = row(i + k)
      return {
        learnerId: ids[i + k],
        kind: 'course',
        title: r.title,
        credits: r.credits,
        grade: { score: r.score, scale: '100' },
        occurredOn: r.occurredOn,
        externalRef: `JSON-${i + k}`,
      }
    })
    const res = await http.call(port, 'POST', '/v1/outcomes/batch', JSON.stringify({ items }), {
      ...headers,
      'idempotency-key': randomUUID(),
    })
    if (res.status !== 201) throw new Error(`batch: ${res.status} ${res.body.slice(0, 300)}`)
    created += JSON.parse(res.body).created
  }
  return { created, opened: missing.length }
}

async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const name = `cb_bench_imports_${randomBytes(4).toString('hex')}`
  const admin = await openDatabase({ url: ctx.databaseUrl, poolMax: 1 })
  await sql.raw(`create database "${name}"`).execute(admin.kysely)
  const url = new URL(ctx.databaseUrl)
  url.pathname = `/${name}`
  const db = await openDatabase({ url: url.toString(), poolMax: 4 })
  const keys = testKeys()
  const jwks = await jwksServer(keys.jwk)
  let child: ChildProcess | undefined
  try {
    await migrate(db, 'accounts', migrations)
    const org = randomUUID()
    await sql`insert into accounts.organization (id, kind, name, code) values (${org}::uuid, 'school', '基准学校', 'BENCH')`.execute(
      db.kysely,
    )
    const auth = `Bearer ${keys.token({ roles: ['registrar'], org, sub: randomUUID() })}`
    const existing = Math.round(ROWS * (1 - NEW_SHARE))
    const fileSet = peopleOf(1)
    const jsonSet = peopleOf(2)
    await openAccounts(db, [...fileSet.slice(0, existing), ...jsonSet.slice(0, existing)])
    const headers = ['序号', '身份证号', '姓名', '课程名称', '学分', '成绩', '考试日期', '外部编号']
    const file = await writeTable('xlsx', {
      sheet: '成绩',
      headers,
      rows: fileSet.map((p, n) => {
        const r = row(n)
        return [
          n + 1,
          p.nationalId,
          p.name,
          r.title,
          r.credits,
          r.score,
          r.occurredOn,
          r.externalRef,
        ]
      }),
    })
    ctx.log(
      `${ROWS.toLocaleString('en')} rows, ${(ROWS - existing).toLocaleString('en')} people without an account; .xlsx of ${round(file.length / 1024, 0)} KB`,
    )
    const port = await freePort()
    const entry = bundledService(ctx.root, 'accounts')
    child = await startService(ctx, entry, url.toString(), jwks.url, port)

    // A warm-up of a small file, so that the first timed request does not pay for compiling.
    const warm = await writeTable('xlsx', {
      sheet: '成绩',
      headers,
      rows: [[1, nationalIdOf(3, 1), nameOf(1), '课程', '1', '80', '2025-06-30', 'WARM-1']],
    })
    await importFile(port, auth, warm)
    await settle(db)

    const dry = await timed(() => importFile(port, auth, file, '?dryRun=true'))
    if (dry.out.created !== ROWS) throw new Error(`dry run previewed ${dry.out.created} rows`)
    ctx.log(`dry run: ${round(dry.s)} s`)
    await settle(db)
    const loadAtImport = loadavg()[0]!
    const commit = await timed(() => importFile(port, auth, file, '', randomUUID()))
    if (commit.out.created !== ROWS || commit.out.openedLearners !== ROWS - existing)
      throw new Error(`import: ${JSON.stringify(commit.out).slice(0, 300)}`)
    ctx.log(`import: ${round(commit.s)} s`)
    await settle(db)
    const base = await timed(() => jsonBaseline(port, auth, jsonSet))
    if (base.out.created !== ROWS) throw new Error(`baseline posted ${base.out.created}`)
    ctx.log(`JSON API baseline: ${round(base.s)} s`)
    const note = `${describeImage(ctx.root, 'accounts')} ${entry}; ${ROWS.toLocaleString('en')} rows of ${headers.join(' ')} (Chinese headers, a 序号 column read past), one course a row, each learner once, ${Math.round(NEW_SHARE * 100)} % without an account`
    return [
      {
        issue: '15',
        metric: `import of ${ROWS.toLocaleString('en')} rows from .xlsx, validated and committed (one request)`,
        value: round(commit.s),
        unit: 's',
        target: `≤ ${TARGET_S} s`,
        pass: commit.s <= TARGET_S,
        baseline: {
          metric: `the same kind of rows through the JSON API (look-ups ${LOOKUP_BATCH.toLocaleString('en')} a request, ${(ROWS - existing).toLocaleString('en')} accounts opened one a request, ${OPEN_IN_FLIGHT} in flight, outcomes ${OUTCOME_BATCH.toLocaleString('en')} a request)`,
          value: round(base.s),
          unit: 's',
        },
        notes: `${note}; ${Math.round(ROWS / commit.s).toLocaleString('en')} rows/s; accounts opened and outcomes posted in one transaction; load average ${round(loadAtImport)} when it started`,
      },
      {
        issue: '15',
        metric: `dry run (preview) of the same ${ROWS.toLocaleString('en')}-row .xlsx`,
        value: round(dry.s),
        unit: 's',
        notes: 'everything the import does, in a transaction rolled back',
      },
    ]
  } finally {
    if (child) await stopService(child)
    await jwks.close()
    await db.close()
    await sql.raw(`drop database if exists "${name}" with (force)`).execute(admin.kysely)
    await admin.close()
    http.destroy()
  }
}

const suite: BenchSuite = {
  name: 'imports',
  description:
    'Issue 15: a 10,000-row .xlsx (Chinese headers, learners by 身份证号 + 姓名, a third without an account) imported by one request to the accounts service (bundled build, real Postgres, relay to Kafka): validated and committed, target ≤ 10 s, and its dry run. Baseline in the same run: the same kind of rows through the JSON API (batch look-ups, accounts opened one a request, outcomes 1,000 a request).',
  run,
}
export default suite

await runIfMain(import.meta.url, run)
