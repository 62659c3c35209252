// biome-ignore-all lint/suspicious/noConsole: a command-line runner prints its progress and its table
/**
 * The bench runner: runs the named suites in bench/suites/, prints their figures, and rewrites
 * BENCHMARKS.md, keeping the sections of suites that did not run this time.
 *
 *   DATABASE_URL=postgres://… [KAFKA_BROKERS=127.0.0.1:9092] pnpm bench [--only relay[,idle-rss]]
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { openDatabase } from '@creditbank/db'
import { sql } from 'kysely'
import type { BenchContext, BenchResult, BenchSuite } from './types.js'

const root = fileURLToPath(new URL('../', import.meta.url))
const suitesDir = `${root}bench/suites/`
const reportFile = `${root}BENCHMARKS.md`
const KAFKA_VERSION_FALLBACK = '4.1.2'

interface SuiteRun {
  suite: BenchSuite
  results: BenchResult[]
  error?: string
  seconds: number
}

function fail(message: string): never {
  console.error(`bench: ${message}`)
  process.exit(2)
}

/**
 * Every suite file, imported one by one: a suite that does not load (another engineer's work in
 * progress, say) is reported under its file name instead of stopping the others.
 */
async function loadSuites(): Promise<BenchSuite[]> {
  const files = readdirSync(suitesDir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
  const suites: BenchSuite[] = []
  for (const f of files) {
    const name = f.replace(/\.ts$/, '')
    try {
      const mod = (await import(pathToFileURL(`${suitesDir}${f}`).href)) as { default?: BenchSuite }
      const s = mod.default
      if (!s || typeof s.name !== 'string' || typeof s.run !== 'function')
        throw new Error('does not default-export { name, description, run }')
      suites.push(s)
    } catch (err) {
      const message = `bench/suites/${f} did not load: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`
      suites.push({
        name,
        description: `(${message})`,
        run: () => Promise.reject(new Error(message)),
      })
    }
  }
  return suites
}

/** KAFKA_BROKERS, or the local broker from infra/kafka (started for benchmarks with the full JIT). */
function kafkaBrokers(): string[] {
  if (process.env.KAFKA_BROKERS) return process.env.KAFKA_BROKERS.split(',')
  console.log(
    'bench: KAFKA_BROKERS is not set; starting the local broker with infra/kafka/start.sh (KAFKA_FAST_START=0)',
  )
  // setsid: the broker must outlive this process and not share its process group.
  execFileSync('setsid', ['--wait', 'bash', `${root}infra/kafka/start.sh`], {
    stdio: 'inherit',
    env: { ...process.env, KAFKA_FAST_START: '0' },
  })
  console.log('bench: using KAFKA_BROKERS=127.0.0.1:9092')
  return ['127.0.0.1:9092']
}

async function machine(databaseUrl: string) {
  const db = await openDatabase({ url: databaseUrl, poolMax: 1 })
  const pg = await sql<{ version: string }>`select version()`
    .execute(db.kysely)
    .finally(() => db.close())
  const cpus = os.cpus()
  const jar = existsSync(`${root}infra/kafka/.libs`)
    ? readdirSync(`${root}infra/kafka/.libs`).find((f) => /^kafka_2\.13-.*\.jar$/.test(f))
    : undefined
  const kafka = /^kafka_2\.13-(.+)\.jar$/.exec(jar ?? '')?.[1] ?? KAFKA_VERSION_FALLBACK
  let jit = 'unknown (no local broker process)'
  try {
    const args = execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' })
      .split('\n')
      .find((l) => l.includes('kafka.Kafka'))
    if (args)
      jit = args.includes('-XX:TieredStopAtLevel=1')
        ? 'C1 only (started with KAFKA_FAST_START=1)'
        : 'full tiered JIT'
  } catch {}
  return {
    cpu: `${cpus[0]?.model ?? 'unknown'} × ${cpus.length}`,
    memory: `${Math.round(os.totalmem() / 1024 ** 3)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    /** Other work on the machine skews figures: the 1-minute load average when the run began. */
    load: os.loadavg()[0]!.toFixed(2),
    postgres: pg.rows[0]?.version ?? 'unknown',
    kafka: `Apache Kafka ${kafka} (single KRaft node, loopback), broker JVM: ${jit}`,
  }
}

const num = (v: number) =>
  Number.isNaN(v) ? '—' : v.toLocaleString('en', { maximumFractionDigits: 1 })
const verdict = (r: BenchResult) =>
  r.skipped ? 'skipped' : r.pass === undefined ? '' : r.pass ? 'pass' : 'FAIL'
const baselineText = (r: BenchResult) =>
  r.baseline ? `${num(r.baseline.value)} ${r.baseline.unit} (${r.baseline.metric})` : ''
const notesText = (r: BenchResult) =>
  [r.skipped ? `skipped: ${r.skipped}` : '', r.notes ?? ''].filter(Boolean).join('; ')

function printTable(runs: SuiteRun[]) {
  const rows = [['suite', 'metric', 'value', 'target', 'result', 'baseline (same run)']]
  for (const run of runs) {
    if (run.error) rows.push([run.suite.name, 'ERROR', run.error, '', 'FAIL', ''])
    for (const r of run.results)
      rows.push([
        run.suite.name,
        r.metric,
        `${num(r.value)} ${r.unit}`,
        r.target ?? '',
        verdict(r),
        baselineText(r),
      ])
  }
  const widths = rows[0]!.map((_, i) =>
    Math.min(70, Math.max(...rows.map((row) => (row[i] ?? '').length))),
  )
  for (const [i, row] of rows.entries()) {
    console.log(row.map((c, j) => c.slice(0, 70).padEnd(widths[j]!)).join(' | '))
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('-|-'))
  }
  for (const run of runs)
    for (const r of run.results)
      if (notesText(r)) console.log(`  ${run.suite.name} · ${r.metric}: ${notesText(r)}`)
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

function section(run: SuiteRun, when: string, m: Awaited<ReturnType<typeof machine>>) {
  const lines = [
    `<!-- suite:${run.suite.name} -->`,
    `## ${run.suite.name}`,
    '',
    run.suite.description,
    '',
    `Measured ${when} on ${m.cpu}, ${m.memory}, Node ${m.node}, load average ${m.load} at the start (${run.seconds.toFixed(0)} s).`,
    '',
  ]
  if (run.error) lines.push(`**The suite failed:** ${cell(run.error)}`, '')
  if (run.results.length > 0) {
    lines.push(
      '| issue | metric | value | target | result | baseline (same run) | notes |',
      '| --- | --- | ---: | --- | --- | --- | --- |',
    )
    for (const r of run.results) {
      const result = verdict(r) === 'FAIL' ? '**FAIL**' : verdict(r)
      lines.push(
        `| ${r.issue ?? ''} | ${cell(r.metric)} | ${num(r.value)} ${r.unit} | ${r.target ?? ''} | ${result} | ${cell(baselineText(r))} | ${cell(notesText(r))} |`,
      )
    }
    lines.push('')
  }
  lines.push(`<!-- /suite:${run.suite.name} -->`)
  return lines.join('\n')
}

/** The sections of the existing report, by suite name, so suites not run this time keep theirs. */
function existingSections(): Map<string, string> {
  const sections = new Map<string, string>()
  if (!existsSync(reportFile)) return sections
  const text = readFileSync(reportFile, 'utf8')
  for (const m of text.matchAll(/<!-- suite:([\w.-]+) -->[\s\S]*?<!-- \/suite:\1 -->/g))
    sections.set(m[1]!, m[0])
  return sections
}

function writeReport(runs: SuiteRun[], m: Awaited<ReturnType<typeof machine>>, when: string) {
  const sections = existingSections()
  for (const run of runs) sections.set(run.suite.name, section(run, when, m))
  const text = [
    '# Benchmarks',
    '',
    'Written by `pnpm bench` (bench/run.ts); see bench/README.md. Each section says when and where it was',
    'measured; a run with `--only` rewrites its own sections and keeps the others.',
    '',
    `Last run: ${when}`,
    '',
    `- CPU: ${m.cpu}`,
    `- Memory: ${m.memory}`,
    `- OS: ${m.os}`,
    `- Load average (1 min) when the run began: ${m.load}`,
    `- Node: ${m.node}`,
    `- Postgres: ${m.postgres}`,
    `- Kafka: ${m.kafka}`,
    '',
    ...[...sections.keys()].sort().flatMap((name) => [sections.get(name)!, '']),
  ].join('\n')
  writeFileSync(reportFile, text)
}

async function checkpoint(databaseUrl: string) {
  const db = await openDatabase({ url: databaseUrl, poolMax: 1 })
  await sql`checkpoint`.execute(db.kysely).finally(() => db.close())
}

async function main() {
  const { values } = parseArgs({ options: { only: { type: 'string', multiple: true } } })
  const databaseUrl =
    process.env.DATABASE_URL ??
    fail('DATABASE_URL is required (a Postgres server; suites create and drop their own databases)')
  const all = await loadSuites()
  const only = values.only?.flatMap((o) => o.split(',')).filter(Boolean)
  const unknown = only?.filter((n) => !all.some((s) => s.name === n)) ?? []
  if (unknown.length > 0)
    fail(`unknown suite ${unknown.join(', ')}; suites: ${all.map((s) => s.name).join(', ')}`)
  const selected = only ? all.filter((s) => only.includes(s.name)) : all
  const ctx: BenchContext = {
    root,
    databaseUrl,
    kafkaBrokers: selected.some((s) => s.needsKafka !== false) ? kafkaBrokers() : [],
    log: (message) => console.log(`  ${message}`),
  }
  const m = await machine(databaseUrl)
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  console.log(
    `bench ${when} on ${m.cpu}, ${m.memory}, Node ${m.node}\n  ${m.postgres}\n  ${m.kafka}`,
  )
  const runs: SuiteRun[] = []
  for (const suite of selected) {
    console.log(`\n▶ ${suite.name}`)
    // The last suite's bulk loads are written out now, not during this suite's measurements.
    await checkpoint(databaseUrl)
    const started = performance.now()
    const run: SuiteRun = { suite, results: [], seconds: 0 }
    try {
      run.results = await suite.run(ctx)
    } catch (err) {
      run.error = err instanceof Error ? err.message : String(err)
      console.error(err)
    }
    run.seconds = (performance.now() - started) / 1000
    runs.push(run)
  }
  console.log('')
  printTable(runs)
  writeReport(runs, m, when)
  console.log(`\nwrote ${reportFile}`)
  const failed = runs.some((r) => r.error || r.results.some((x) => x.pass === false))
  // Kafka clients and pools of a failed suite may still hold handles: the report is written, so leave.
  process.exit(failed ? 1 : 0)
}

await main()
