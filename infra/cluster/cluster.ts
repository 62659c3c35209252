/**
 * The deployed shape without Docker: every service as its own process, `replicas` of each, on real
 * Postgres and Kafka, behind the gateway (services/web/src/server.ts), which takes each service's
 * replicas in turn. A replica that exits is started again after a second, as compose's
 * `restart: unless-stopped` would (at most 5 times a minute). Where each process is, with its pid,
 * port and log, is written to `<dataDir>/cluster.json` so a drill can kill or pause one.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const clusterServices = [
  'identity',
  'accounts',
  'certificates',
  'recognition',
  'portfolio',
] as const
export type ClusterService = (typeof clusterServices)[number]

export interface ClusterOptions {
  root: string
  databaseUrl: string
  kafkaBrokers: string
  replicas?: number
  /** The port of a replica (0-based), and of the gateway (service 'web', replica 0). */
  port: (service: ClusterService | 'web', replica: number) => Promise<number> | number
  dataDir: string
  /** The secrets each service reads (IDENTITY_SECRET_KEY, ACCOUNTS_PII_KEY, …, BOOTSTRAP_ADMIN_*). */
  secrets: Record<string, string>
  /** The built pages for the gateway; unset, the gateway builds them when missing. */
  pagesDir?: string
  logLevel?: string
  /** Extra environment for every process (e.g. DB_POOL_MAX). */
  env?: Record<string, string>
  readyTimeoutMs?: number
  say?: (line: string) => void
}

export interface ClusterProcess {
  service: ClusterService | 'web'
  replica: number
  port: number
  url: string
  pid: number | undefined
  log: string
  restarts: number
}

export interface Cluster {
  gatewayUrl: string
  processes: ClusterProcess[]
  replicasOf(service: ClusterService): ClusterProcess[]
  stop(): Promise<void>
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function waitReady(p: ClusterProcess, until: number) {
  const url = p.url
  while (Date.now() < until) {
    const ok = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(3_000) }).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) return
    await sleep(500)
  }
  const tail = existsSync(p.log) ? readFileSync(p.log, 'utf8').slice(-1_500) : '(no log)'
  throw new Error(
    `${p.service}#${p.replica} (${url}) was not ready in time; its log ends:\n${tail}`,
  )
}

/** Starts one process and keeps it running until `stop`. */
function supervise(
  o: ClusterOptions,
  p: ClusterProcess,
  entry: string,
  env: Record<string, string>,
  onChange: () => void,
) {
  let child: ChildProcess | undefined
  let stopping = false
  const exits: number[] = []
  const out = createWriteStream(p.log, { flags: 'a' })
  const start = () => {
    child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: o.root,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout?.pipe(out, { end: false })
    child.stderr?.pipe(out, { end: false })
    p.pid = child.pid
    onChange()
    child.once('exit', (code, signal) => {
      if (stopping) return
      const now = Date.now()
      exits.push(now)
      while (exits.length > 0 && exits[0]! < now - 60_000) exits.shift()
      o.say?.(
        `${p.service}#${p.replica} exited (${signal ?? code}); ${exits.length <= 5 ? 'starting it again' : 'too many exits in a minute: left stopped'}`,
      )
      if (exits.length > 5) return
      p.restarts += 1
      setTimeout(() => {
        if (!stopping) start()
      }, 1_000)
    })
  }
  start()
  return {
    async stop() {
      stopping = true
      const c = child
      if (c && c.exitCode === null && c.signalCode === null) {
        const exited = new Promise((r) => c.once('exit', r))
        c.kill('SIGTERM')
        if (!(await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)])))
          c.kill('SIGKILL')
      }
      out.end()
    },
  }
}

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const replicas = o.replicas ?? 2
  const logDir = join(o.dataDir, 'logs')
  mkdirSync(logDir, { recursive: true })
  const processes: ClusterProcess[] = []
  const add = async (service: ClusterService | 'web', replica: number) => {
    const port = await o.port(service, replica)
    const p: ClusterProcess = {
      service,
      replica,
      port,
      url: `http://127.0.0.1:${port}`,
      pid: undefined,
      log: join(logDir, `${service}-${replica}.log`),
      restarts: 0,
    }
    processes.push(p)
    return p
  }
  const web = await add('web', 0)
  for (const service of clusterServices) for (let r = 0; r < replicas; r++) await add(service, r)
  const replicasOf = (service: ClusterService) => processes.filter((p) => p.service === service)
  const stateFile = join(o.dataDir, 'cluster.json')
  const writeState = () =>
    writeFileSync(stateFile, `${JSON.stringify({ gateway: web.url, processes }, null, 2)}\n`)

  const common: Record<string, string> = {
    ...o.secrets,
    ...o.env,
    DATABASE_URL: o.databaseUrl,
    KAFKA_BROKERS: o.kafkaBrokers,
    LOG_LEVEL: o.logLevel ?? 'warn',
    // Keys are fetched through the gateway, so any identity replica answers.
    IDENTITY_URL: web.url,
    PUBLIC_BASE_URL: o.secrets.PUBLIC_BASE_URL ?? web.url,
    // Portfolio asks recognition to grant reviewers' reads of evidence; any replica answers.
    RECOGNITION_URL: web.url,
    // A learner's copy of their data asks accounts and certificates too (0721); so does
    // certificates' look-up of learners: through the gateway, any replica answers.
    ACCOUNTS_URL: web.url,
    CERTIFICATES_URL: web.url,
  }
  const gatewayEnv: Record<string, string> = {
    PORT: String(web.port),
    LOG_LEVEL: o.logLevel ?? 'warn',
    ...(o.pagesDir ? { PAGES_DIR: o.pagesDir } : {}),
  }
  for (const s of clusterServices)
    gatewayEnv[`${s.toUpperCase()}_URL`] = replicasOf(s)
      .map((p) => p.url)
      .join(',')

  const running: ReturnType<typeof supervise>[] = []
  const stop = async () => {
    await Promise.all(running.reverse().map((r) => r.stop()))
  }
  try {
    running.push(supervise(o, web, 'services/web/src/server.ts', gatewayEnv, writeState))
    for (const p of processes.filter((x) => x.service !== 'web')) {
      const env = { ...common, PORT: String(p.port) }
      running.push(supervise(o, p, `services/${p.service}/src/server.ts`, env, writeState))
    }
    const until = Date.now() + (o.readyTimeoutMs ?? 240_000)
    await Promise.all(processes.map((p) => waitReady(p, until)))
  } catch (err) {
    await stop()
    throw err
  }
  writeState()
  return { gatewayUrl: web.url, processes, replicasOf, stop }
}
