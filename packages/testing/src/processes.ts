import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

/** The repository's root (where services/ is). */
export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url))

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** A port nothing listens on (a broker or database that is gone). */
export async function closedPort(): Promise<number> {
  return freePort()
}

export const serviceNames = [
  'identity',
  'accounts',
  'certificates',
  'recognition',
  'portfolio',
] as const
export type ServiceName = (typeof serviceNames)[number]

/** One service running as its own process (`node --import tsx services/<name>/src/server.ts`). */
export interface ServiceProcess {
  name: string
  port: number
  url: string
  child: ChildProcess
  /** The last 20,000 characters it wrote (stdout and stderr). */
  output(): string
  /** Its exit, if it ended: code or signal. */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined
  stop(): Promise<void>
}

const OUTPUT_KEPT = 20_000
const STOP_TIMEOUT_MS = 15_000

export function startServiceProcess(
  name: string,
  env: Record<string, string>,
  port: number,
): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', `services/${name}/src/server.ts`], {
    cwd: repositoryRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
  })
  let out = ''
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined
  const collect = (b: Buffer) => {
    out = (out + b.toString('utf8')).slice(-OUTPUT_KEPT)
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  child.on('exit', (code, signal) => {
    exit = { code, signal }
  })
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => out,
    exited: () => exit,
    stop: async () => {
      if (exit) return
      const done = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
      await done
      clearTimeout(timer)
    },
  }
}

export interface ClusterOptions {
  databaseUrl: string
  kafkaBrokers: string
  /** KAFKA_NAMESPACE: this cluster's topics and groups, apart from anyone else's on the broker. */
  namespace?: string
  services?: readonly ServiceName[]
  logLevel?: string
  /** More settings for every service. */
  env?: Record<string, string>
  /** How long each service may take to answer /health/ready (default 180 s). */
  readyTimeoutMs?: number
}

export interface Cluster {
  services: Record<string, ServiceProcess>
  admin: { username: string; password: string }
  stop(): Promise<void>
}

/**
 * Every service as its own process on one Postgres and one broker, as deployed (one replica
 * each), with fresh secrets and a bootstrap admin; resolves once each answers /health/ready.
 */
export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const names = o.services ?? serviceNames
  const ports = Object.fromEntries(
    await Promise.all(names.map(async (n) => [n, await freePort()] as const)),
  ) as Record<string, number>
  const hex = () => randomBytes(32).toString('hex')
  const admin = { username: 'drill-admin', password: `drill-${randomBytes(9).toString('hex')}` }
  const env: Record<string, string> = {
    DATABASE_URL: o.databaseUrl,
    KAFKA_BROKERS: o.kafkaBrokers,
    ...(o.namespace ? { KAFKA_NAMESPACE: o.namespace } : {}),
    LOG_LEVEL: o.logLevel ?? 'warn',
    IDENTITY_URL: `http://127.0.0.1:${ports.identity}`,
    IDENTITY_SECRET_KEY: hex(),
    ACCOUNTS_PII_KEY: hex(),
    CERTIFICATES_SECRET_KEY: hex(),
    RECOGNITION_SECRET_KEY: hex(),
    PORTFOLIO_SECRET_KEY: hex(),
    BOOTSTRAP_ADMIN_USERNAME: admin.username,
    BOOTSTRAP_ADMIN_PASSWORD: admin.password,
    PUBLIC_BASE_URL: 'http://127.0.0.1:9',
    ...o.env,
  }
  const services: Record<string, ServiceProcess> = {}
  const stopAll = async () => {
    await Promise.all(Object.values(services).map((s) => s.stop()))
  }
  try {
    // One at a time, identity first (it owns the organizations the others learn of, and the keys
    // they trust): four TypeScript loaders compiling at once on two cores took minutes.
    for (const n of names) {
      services[n] = startServiceProcess(n, env, ports[n]!)
      await waitReady(services[n]!, o.readyTimeoutMs)
    }
  } catch (err) {
    await stopAll()
    throw err
  }
  return { services, admin, stop: stopAll }
}

/** Resolves when the service answers /health/ready with 200; fails if it exits first. */
export async function waitReady(s: ServiceProcess, timeoutMs = 180_000) {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    const exit = s.exited()
    if (exit)
      throw new Error(`${s.name} exited (${JSON.stringify(exit)}): ${s.output().slice(-2_000)}`)
    const ok = await fetch(`${s.url}/health/ready`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) return
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${s.name} not ready within ${timeoutMs} ms: ${s.output().slice(-2_000)}`)
}
