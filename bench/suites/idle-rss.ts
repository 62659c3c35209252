import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { openDatabase } from '@creditbank/db'
import { Kafka, logLevel } from 'kafkajs'
import { sql } from 'kysely'
import { bundledService, serviceImage } from '../lib.js'
import type { BenchContext, BenchResult, BenchSuite } from '../types.js'

const TARGET_SERVICE_MB = 120
const TARGET_BROKER_HEAP_MB = 512
const READY_TIMEOUT_MS = 60_000
const IDLE_MS = 5_000
const STOP_TIMEOUT_MS = 15_000
/** What identity consumes (services/identity/src/app.ts) and its consumer group (service-kit's platform). */
const IDENTITY_TOPIC = 'creditbank.accounts.v1'
const IDENTITY_GROUP = 'creditbank.identity'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** VmRSS (and the peak, VmHWM) of a process, in MB. */
function memoryOf(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN)
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 }
}

const mb = (n: number) => Math.round(n * 10) / 10

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

async function waitReady(port: number, child: ChildProcess, output: () => string) {
  const until = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < until) {
    if (child.exitCode !== null)
      throw new Error(`exited with code ${child.exitCode}: ${output().slice(-600)}`)
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`, {
      signal: AbortSignal.timeout(2_000),
    }).then(
      (r) => r.status === 200,
      () => false,
    )
    if (ok) return
    await sleep(250)
  }
  throw new Error(`not ready within ${READY_TIMEOUT_MS} ms: ${output().slice(-600)}`)
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  const done = await Promise.race([
    exited.then(() => true),
    sleep(STOP_TIMEOUT_MS).then(() => false),
  ])
  if (!done) child.kill('SIGKILL')
}

/**
 * Moves identity's consumer group to the end of the topic it consumes. The group reads from its
 * committed offsets (from the beginning when new), so what earlier suites published there (the
 * accounts suite: about 100,000 events) would be a backlog to work through, not idleness: with
 * one, the idle figure measured 123–133 MB instead of 96.
 */
async function quietBus(brokers: string[]) {
  const admin = new Kafka({
    clientId: 'bench-idle-rss',
    brokers,
    logLevel: logLevel.NOTHING,
  }).admin()
  await admin.connect()
  try {
    if (!(await admin.listTopics()).includes(IDENTITY_TOPIC)) return
    // The offsets themselves: kafkajs' resetOffsets to the latest commits -1, which a consumer
    // subscribed from the beginning (as the services are) reads as "start at the beginning".
    const ends = await admin.fetchTopicOffsets(IDENTITY_TOPIC)
    await admin.setOffsets({
      groupId: IDENTITY_GROUP,
      topic: IDENTITY_TOPIC,
      partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })),
    })
  } finally {
    await admin.disconnect()
  }
}

/** Starts the service on a fresh database and a quiet bus, waits until ready and idle, and reads its memory. */
async function measureService(ctx: BenchContext, args: string[], image?: Record<string, string>) {
  await quietBus(ctx.kafkaBrokers)
  const admin = await openDatabase({ url: ctx.databaseUrl, poolMax: 1 })
  const dbName = `cb_bench_identity_${randomBytes(4).toString('hex')}`
  const url = new URL(ctx.databaseUrl)
  url.pathname = `/${dbName}`
  await sql.raw(`create database "${dbName}"`).execute(admin.kysely)
  const port = await freePort()
  let out = ''
  const child = spawn(process.execPath, args, {
    cwd: ctx.root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      ...image,
      PORT: String(port),
      DATABASE_URL: url.toString(),
      KAFKA_BROKERS: ctx.kafkaBrokers.join(','),
      BOOTSTRAP_ADMIN_USERNAME: 'admin',
      BOOTSTRAP_ADMIN_PASSWORD: `bench-${randomBytes(12).toString('hex')}`,
      IDENTITY_SECRET_KEY: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
    },
  })
  const collect = (b: Buffer) => {
    out = (out + b.toString('utf8')).slice(-4_000)
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  try {
    const started = Date.now()
    await waitReady(port, child, () => out)
    const readyMs = Date.now() - started
    await sleep(IDLE_MS)
    if (!child.pid || child.exitCode !== null)
      throw new Error(`exited while idle: ${out.slice(-600)}`)
    return { ...memoryOf(child.pid), readyMs }
  } finally {
    await stop(child)
    await sql.raw(`drop database if exists "${dbName}" with (force)`).execute(admin.kysely)
    await admin.close()
  }
}

async function serviceResults(ctx: BenchContext): Promise<BenchResult[]> {
  const source = 'services/identity/src/server.ts'
  const bundle = 'services/identity/bundle/server.js'
  const target = `≤ ${TARGET_SERVICE_MB} MB`
  if (!existsSync(`${ctx.root}${source}`)) {
    return [
      {
        issue: '2',
        metric: 'identity service idle RSS',
        value: Number.NaN,
        unit: 'MB',
        target,
        skipped: `${source} does not exist yet`,
      },
    ]
  }
  const results: BenchResult[] = []
  const viaTsx = await measureService(ctx, ['--import', 'tsx', source]).catch((err: Error) => err)
  const tsxBaseline =
    viaTsx instanceof Error
      ? undefined
      : { metric: 'same service under tsx', value: mb(viaTsx.rssMb), unit: 'MB' }
  {
    bundledService(ctx.root, 'identity')
    const image = serviceImage(ctx.root, 'identity')
    const bundled = await measureService(ctx, [...image.nodeFlags, bundle], image.env).catch(
      (err: Error) => err,
    )
    results.push(
      bundled instanceof Error
        ? {
            issue: '2',
            metric: 'identity service idle RSS, bundled build',
            value: Number.NaN,
            unit: 'MB',
            target,
            skipped: `failed: ${bundled.message}`,
          }
        : {
            issue: '2',
            metric: `identity service idle RSS, bundled build (node ${bundle}, the image’s NODE_OPTIONS, MALLOC_* and node flags), ${IDLE_MS / 1000} s after ready`,
            value: mb(bundled.rssMb),
            unit: 'MB',
            target,
            pass: bundled.rssMb <= TARGET_SERVICE_MB,
            ...(tsxBaseline ? { baseline: tsxBaseline } : {}),
            notes: `peak RSS ${mb(bundled.peakMb)} MB; ready in ${bundled.readyMs} ms`,
          },
    )
  }
  results.push(
    viaTsx instanceof Error
      ? {
          metric: 'identity service idle RSS under tsx',
          value: Number.NaN,
          unit: 'MB',
          skipped: `failed: ${viaTsx.message}`,
        }
      : {
          metric: `identity service idle RSS under tsx (node --import tsx ${source}), for reference`,
          value: mb(viaTsx.rssMb),
          unit: 'MB',
          notes: `includes the TypeScript loader; peak RSS ${mb(viaTsx.peakMb)} MB; ready in ${viaTsx.readyMs} ms`,
        },
  )
  return results
}

/** The broker's JVM: its -Xmx from the command line (the last one wins, as in the JVM) and its RSS. */
function brokerResults(): BenchResult[] {
  const pid = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .find((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').includes('kafka.Kafka')
      } catch {
        return false
      }
    })
  const target = `≤ ${TARGET_BROKER_HEAP_MB} MB`
  if (!pid)
    return [
      {
        issue: '2',
        metric: 'Kafka broker max heap (-Xmx)',
        value: Number.NaN,
        unit: 'MB',
        target,
        skipped: 'no local kafka.Kafka process (remote broker?)',
      },
    ]
  const args = execFileSync('ps', ['-o', 'args=', '-p', pid], { encoding: 'utf8' })
  const xmx = [...args.matchAll(/-Xmx(\d+)([kKmMgG]?)/g)].at(-1)
  const factor: Record<string, number> = { k: 1 / 1024, m: 1, g: 1024, '': 1 / (1024 * 1024) }
  const heapMb = xmx
    ? Number(xmx[1]) * (factor[(xmx[2] ?? '').toLowerCase()] ?? Number.NaN)
    : Number.NaN
  const { rssMb, peakMb } = memoryOf(Number(pid))
  const jit = args.includes('-XX:TieredStopAtLevel=1')
    ? 'C1 only (KAFKA_FAST_START=1)'
    : 'full tiered JIT'
  return [
    {
      issue: '2',
      metric: 'Kafka broker max heap (-Xmx from its command line)',
      value: heapMb,
      unit: 'MB',
      target,
      pass: heapMb <= TARGET_BROKER_HEAP_MB,
      notes: xmx ? `-Xmx${xmx[1]}${xmx[2]}` : 'no -Xmx: the JVM default (1/4 of RAM) applies',
    },
    {
      metric: 'Kafka broker RSS (heap + metaspace + code cache + threads + page tables)',
      value: mb(rssMb),
      unit: 'MB',
      notes: `peak ${mb(peakMb)} MB; ${jit}`,
    },
  ]
}

const suite: BenchSuite = {
  name: 'idle-rss',
  description:
    'Resident memory of the identity service idle 5 s after /health/ready (bundled build checked against the target, tsx run beside it), and the Kafka broker JVM’s -Xmx and RSS.',
  async run(ctx) {
    return [...(await serviceResults(ctx)), ...brokerResults()]
  },
}
export default suite
