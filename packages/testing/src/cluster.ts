/**
 * The deployed shape on one machine, without Docker: every service as its own process
 * (`node --import tsx services/<name>/src/server.ts`), `replicas` of each, on real Postgres and
 * Kafka, optionally behind the gateway (services/web/src/server.ts), which takes each service's
 * replicas in turn. `pnpm start:cluster`, the cluster test and the fault drills all start it here,
 * so the drills run against the shape that is deployed.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import { join } from 'node:path'
import { freePort, repositoryRoot, type ServiceName, serviceNames } from './processes.js'

export interface ClusterOptions {
  databaseUrl: string
  kafkaBrokers: string
  /** KAFKA_NAMESPACE: this cluster's topics and groups, apart from anyone else's on the broker. */
  namespace?: string
  /** Processes of each service (default 1). */
  replicas?: number
  /** The gateway in front, balancing over the replicas; services then reach identity through it. */
  gateway?: boolean
  /** The port of a replica (0-based), and of the gateway ('web', 0); default a free one. */
  port?: (service: ServiceName | 'web', replica: number) => Promise<number> | number
  /** The secrets each service reads (IDENTITY_SECRET_KEY, ACCOUNTS_PII_KEY, …, BOOTSTRAP_ADMIN_*); default fresh ones. */
  secrets?: Record<string, string>
  /**
   * Start a process that exits again a second later, as compose's `restart: unless-stopped` does
   * (at most five times a minute). Off, an exit stays visible, which is what a drill asserts on.
   */
  restart?: boolean
  /** Where each process's output is appended (`<service>-<replica>.log`); it is kept in memory too. */
  logDir?: string
  /** The built pages for the gateway; unset, the gateway builds them when missing. */
  pagesDir?: string
  logLevel?: string
  /**
   * How node runs a process's entry (`services/<name>/src/server.ts`): its arguments and more
   * environment. Default `node --import tsx <entry>`; the idle-CPU bench gives the bundled build
   * (`services/<name>/bundle/server.js` with the image's flags), as an image runs it.
   */
  node?: (
    service: ServiceName | 'web',
    entry: string,
  ) => { args: string[]; env?: Record<string, string> }
  /** More settings for every service (e.g. DB_POOL_MAX). */
  env?: Record<string, string>
  /** How long each service (its replicas together), then the gateway, may take to be ready (default 180 s). */
  readyTimeoutMs?: number
  say?: (line: string) => void
  /** Called when a process starts or starts again (its pid changed), e.g. to write where each one is. */
  onChange?: (processes: readonly ClusterProcess[]) => void
}

type Exit = { code: number | null; signal: NodeJS.Signals | null }

export interface ClusterProcess {
  service: ServiceName | 'web'
  replica: number
  port: number
  url: string
  pid: number | undefined
  /** Times the supervisor started it again after an exit. */
  restarts: number
  log: string | undefined
  /** The last 20,000 characters it wrote (stdout and stderr). */
  output(): string
  /** The running child's exit, if it ended and was not started again. */
  exited(): Exit | undefined
}

export interface Cluster {
  /** The gateway's URL, with `gateway: true`. */
  gatewayUrl: string | undefined
  processes: ClusterProcess[]
  /** The first replica of each service. */
  services: Record<ServiceName, ClusterProcess>
  replicasOf(service: ServiceName): ClusterProcess[]
  /** The bootstrap admin. */
  admin: { username: string; password: string }
  stop(): Promise<void>
}

const OUTPUT_KEPT = 20_000
const STOP_TIMEOUT_MS = 15_000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function freshSecrets(): Record<string, string> {
  const hex = () => randomBytes(32).toString('hex')
  return {
    IDENTITY_SECRET_KEY: hex(),
    ACCOUNTS_PII_KEY: hex(),
    CERTIFICATES_SECRET_KEY: hex(),
    RECOGNITION_SECRET_KEY: hex(),
    PORTFOLIO_SECRET_KEY: hex(),
    SERVICE_CLIENT_SECRET: hex(),
    BOOTSTRAP_ADMIN_USERNAME: 'drill-admin',
    BOOTSTRAP_ADMIN_PASSWORD: `drill-${randomBytes(9).toString('hex')}`,
  }
}

interface Supervised {
  output(): string
  exited(): Exit | undefined
  stop(): Promise<void>
}
/** A process's place in the cluster, bound to its supervisor once that starts. */
type Slot = ClusterProcess & { bind(s: Supervised): void }

/** Runs one process until `stop`, starting it again after an exit when `restart` is on. */
function supervise(
  p: Slot,
  entry: string,
  env: Record<string, string>,
  o: ClusterOptions,
  processes: readonly ClusterProcess[],
): Supervised {
  let child: ChildProcess | undefined
  let stopping = false
  let out = ''
  let exit: Exit | undefined
  const exits: number[] = []
  const file: WriteStream | undefined = p.log ? createWriteStream(p.log, { flags: 'a' }) : undefined
  const collect = (b: Buffer) => {
    out = (out + b.toString('utf8')).slice(-OUTPUT_KEPT)
    file?.write(b)
  }
  const start = () => {
    exit = undefined
    const how = o.node?.(p.service, entry) ?? { args: ['--import', 'tsx', entry] }
    const c = spawn(process.execPath, how.args, {
      cwd: repositoryRoot,
      env: { PATH: process.env.PATH ?? '', ...how.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child = c
    c.stdout?.on('data', collect)
    c.stderr?.on('data', collect)
    p.pid = c.pid
    o.onChange?.(processes)
    c.once('exit', (code, signal) => {
      exit = { code, signal }
      if (stopping || !o.restart) return
      const now = Date.now()
      exits.push(now)
      while (exits.length > 0 && exits[0]! < now - 60_000) exits.shift()
      const again = exits.length <= 5
      o.say?.(
        `${p.service}#${p.replica} exited (${signal ?? code}); ${again ? 'starting it again' : 'too many exits in a minute: left stopped'}`,
      )
      if (!again) return
      setTimeout(() => {
        if (stopping) return
        p.restarts += 1
        start()
      }, 1_000)
    })
  }
  const s: Supervised = {
    output: () => out,
    exited: () => exit,
    async stop() {
      stopping = true
      const c = child
      if (c && c.exitCode === null && c.signalCode === null) {
        const exited = new Promise((r) => c.once('exit', r))
        c.kill('SIGTERM')
        if (
          !(await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]))
        )
          c.kill('SIGKILL')
      }
      file?.end()
    },
  }
  p.bind(s)
  start()
  return s
}

/** Resolves when the process answers /health/ready with 200; fails if it exits (for good) first. */
export async function waitReady(p: ClusterProcess, until: number, restart = false) {
  while (Date.now() < until) {
    const exit = p.exited()
    if (exit && !restart)
      throw new Error(
        `${p.service}#${p.replica} exited (${JSON.stringify(exit)}): ${p.output().slice(-2_000)}`,
      )
    const ok = await fetch(`${p.url}/health/ready`, { signal: AbortSignal.timeout(3_000) }).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) return
    await sleep(250)
  }
  throw new Error(
    `${p.service}#${p.replica} (${p.url}) was not ready in time: ${p.output().slice(-2_000)}`,
  )
}

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const names = serviceNames
  const replicas = o.replicas ?? 1
  const port = o.port ?? (() => freePort())
  // Secrets a caller does not give (SERVICE_CLIENT_SECRET, added later) are fresh ones.
  const secrets = { ...freshSecrets(), ...o.secrets }
  if (o.logDir) mkdirSync(o.logDir, { recursive: true })
  const processes: ClusterProcess[] = []
  const supervised: Supervised[] = []
  const add = async (service: ServiceName | 'web', replica: number): Promise<Slot> => {
    let s: Supervised | undefined
    const p: Slot = {
      service,
      replica,
      port: await port(service, replica),
      url: '',
      pid: undefined,
      restarts: 0,
      log: o.logDir ? join(o.logDir, `${service}-${replica}.log`) : undefined,
      output: () => s?.output() ?? '',
      exited: () => s?.exited(),
      bind: (x: Supervised) => {
        s = x
      },
    }
    p.url = `http://127.0.0.1:${p.port}`
    processes.push(p)
    return p
  }
  const web = o.gateway ? await add('web', 0) : undefined
  const byService = new Map<ServiceName, Slot[]>()
  for (const name of names) {
    const list: Slot[] = []
    for (let r = 0; r < replicas; r++) list.push(await add(name, r))
    byService.set(name, list)
  }
  const replicasOf = (service: ServiceName): Slot[] => byService.get(service) ?? []

  const common: Record<string, string> = {
    ...secrets,
    DATABASE_URL: o.databaseUrl,
    KAFKA_BROKERS: o.kafkaBrokers,
    ...(o.namespace ? { KAFKA_NAMESPACE: o.namespace } : {}),
    LOG_LEVEL: o.logLevel ?? 'warn',
    // Where one service asks another (identity's keys, recognition's evidence grants, a learner's
    // copy of their data from accounts and certificates): through the gateway, where any replica
    // answers; without one, the first replica.
    ...Object.fromEntries(
      names.map((n) => [`${n.toUpperCase()}_URL`, web?.url ?? replicasOf(n)[0]!.url]),
    ),
    PUBLIC_BASE_URL: secrets.PUBLIC_BASE_URL ?? web?.url ?? 'http://127.0.0.1:9',
    ...o.env,
  }
  const stop = async () => {
    await Promise.all(supervised.reverse().map((s) => s.stop()))
  }
  const perService = o.readyTimeoutMs ?? 180_000
  try {
    if (web) {
      const env: Record<string, string> = {
        PORT: String(web.port),
        LOG_LEVEL: o.logLevel ?? 'warn',
        ...(o.pagesDir ? { PAGES_DIR: o.pagesDir } : {}),
      }
      for (const name of names)
        env[`${name.toUpperCase()}_URL`] = replicasOf(name)
          .map((p) => p.url)
          .join(',')
      supervised.push(supervise(web, 'services/web/src/server.ts', env, o, processes))
    }
    // A service at a time, identity first (it owns the organizations the others learn of and the
    // keys they trust); a service's replicas together. Eleven TypeScript loaders compiling at once
    // on two cores took minutes.
    for (const name of names) {
      const list = replicasOf(name)
      for (const p of list)
        supervised.push(
          supervise(
            p,
            `services/${name}/src/server.ts`,
            { ...common, PORT: String(p.port) },
            o,
            processes,
          ),
        )
      const until = Date.now() + perService
      await Promise.all(list.map((p) => waitReady(p, until, o.restart)))
    }
    if (web) await waitReady(web, Date.now() + perService, o.restart)
  } catch (err) {
    await stop()
    throw err
  }
  const first = {} as Record<ServiceName, ClusterProcess>
  for (const name of names) first[name] = replicasOf(name)[0]!
  return {
    gatewayUrl: web?.url,
    processes,
    services: first,
    replicasOf,
    admin: {
      username: secrets.BOOTSTRAP_ADMIN_USERNAME ?? 'admin',
      password: secrets.BOOTSTRAP_ADMIN_PASSWORD ?? '',
    },
    stop,
  }
}
