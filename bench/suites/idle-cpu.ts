import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '@creditbank/db'
import { freePort, startCluster } from '@creditbank/testing'
import { sql } from 'kysely'
import type { BenchContext, BenchResult, BenchSuite } from '../types.js'

/**
 * Issue 19, idle cost: the CPU an idle system uses, from /proc/<pid>/stat (user + system ticks,
 * this process and its threads) over a window after it settled. Before, each relay polled its
 * outbox every 20 ms: an idle `pnpm start` held about a quarter of a core.
 */
const SETTLE_MS = 10_000
const WINDOW_MS = 30_000
const TICKS_PER_S = 100 // USER_HZ on Linux
const TARGET_SERVICE = 0.5
const TARGET_EMBEDDED = 1

function cpuTicks(pid: number) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return Number(fields[11]) + Number(fields[12]) // utime, stime (fields 14 and 15)
}

/** Percent of one core each process used over the window. */
async function idleCpu(pids: Record<string, number>) {
  await new Promise((r) => setTimeout(r, SETTLE_MS))
  const before = Object.fromEntries(Object.entries(pids).map(([n, p]) => [n, cpuTicks(p)]))
  const started = Date.now()
  await new Promise((r) => setTimeout(r, WINDOW_MS))
  const seconds = (Date.now() - started) / 1000
  return Object.fromEntries(
    Object.entries(pids).map(([n, p]) => [
      n,
      Math.round(((cpuTicks(p) - before[n]!) / TICKS_PER_S / seconds) * 1000) / 10,
    ]),
  )
}

async function services(ctx: BenchContext): Promise<BenchResult[]> {
  const admin = await openDatabase({ url: ctx.databaseUrl, poolMax: 1 })
  const name = `cb_bench_idle_${randomBytes(4).toString('hex')}`
  await sql.raw(`create database "${name}"`).execute(admin.kysely)
  const url = new URL(ctx.databaseUrl)
  url.pathname = `/${name}`
  const cluster = await startCluster({
    databaseUrl: url.toString(),
    kafkaBrokers: ctx.kafkaBrokers.join(','),
    namespace: `bench-idle-${randomBytes(3).toString('hex')}.`,
  })
  try {
    const pids = Object.fromEntries(Object.values(cluster.services).map((s) => [s.service, s.pid!]))
    const cpu = await idleCpu(pids)
    return Object.entries(cpu).map(([service, percent]) => ({
      issue: '19',
      metric: `${service} idle on Postgres and Kafka (its own process, under tsx), CPU`,
      value: percent,
      unit: '% of a core',
      target: `≤ ${TARGET_SERVICE} %`,
      pass: percent <= TARGET_SERVICE,
      notes: `${WINDOW_MS / 1000} s window, ${SETTLE_MS / 1000} s after every service was ready`,
    }))
  } finally {
    await cluster.stop()
    await sql.raw(`drop database if exists "${name}" with (force)`).execute(admin.kysely)
    await admin.close()
  }
}

/** `pnpm start` on a fresh data directory without demo data: PGlite and the in-process bus. */
async function embedded(ctx: BenchContext): Promise<BenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cb-bench-idle-'))
  const offset = ((await freePort()) % 2_000) + 500
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/web/src/embedded.ts'], {
    cwd: ctx.root,
    stdio: 'ignore',
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, SEED: '0', PORT_OFFSET: String(offset) },
  })
  try {
    const until = Date.now() + 300_000
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${3000 + offset}/health/ready`).then(
        (r) => r.ok,
        () => false,
      )
      if (ok) break
      if (child.exitCode !== null || Date.now() > until) throw new Error('embedded run not ready')
      await new Promise((r) => setTimeout(r, 500))
    }
    const { run } = await idleCpu({ run: child.pid! })
    return {
      issue: '19',
      metric: 'idle `pnpm start` (every service in one process, PGlite, in-process bus), CPU',
      value: run!,
      unit: '% of a core',
      target: `≤ ${TARGET_EMBEDDED} %`,
      pass: run! <= TARGET_EMBEDDED,
      notes: `SEED=0; ${WINDOW_MS / 1000} s window, ${SETTLE_MS / 1000} s after ready`,
    }
  } finally {
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
    rmSync(dataDir, { recursive: true, force: true })
  }
}

const suite: BenchSuite = {
  name: 'idle-cpu',
  description:
    'CPU (user + system, from /proc) of an idle system over 30 s, 10 s after ready: each service as its own process on Postgres and Kafka (≤ 0.5 % of a core each), and the one-process embedded run (≤ 1 %).',
  async run(ctx) {
    return [...(await services(ctx)), await embedded(ctx)]
  },
}
export default suite
