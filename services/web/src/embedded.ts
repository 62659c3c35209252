// The whole system in one process for a newcomer's machine: one PGlite under ./data, the
// in-process bus, every service on its own port, the web gateway on :3000, demo data on the
// first start. Deployments run each service on its own (server.ts) against Postgres and Kafka.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { jwksKeyResolver } from '@creditbank/auth'
import { MemoryTransport } from '@creditbank/events'
import {
  assembleService,
  commonConfig,
  createLogger,
  createPlatform,
  loadConfig,
  type Platform,
  type ServiceDefinition,
} from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { type DemoSummary, loadDemoData } from '../../../seeds/load.js'
import { openEmbeddedDatabase } from './embedded-database.js'
import { buildGateway } from './gateway.js'
import { ensurePages } from './pages.js'
import { defaultPorts, type UpstreamName, upstreamNames } from './routing.js'
import { loadServices } from './services.js'

const started = Date.now()
const dataDir = resolve(process.env.DATA_DIR ?? './data')
mkdirSync(dataDir, { recursive: true })
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 'creditbank')
/** PORT_OFFSET moves every port (3000–3005) by the same amount, e.g. for a second run beside the first. */
const portOffset = Number(process.env.PORT_OFFSET ?? 0)
const webPort = Number(process.env.WEB_PORT ?? 3000 + portOffset)
const say = (line: string) => process.stdout.write(`${line}\n`)
/** START_TIMING=1 prints how long each phase of the start took. */
const phase = (name: string) =>
  process.env.START_TIMING === '1' &&
  say(`  [${((Date.now() - started) / 1000).toFixed(1)} s] ${name}`)

/** Secrets for this machine's embedded run, made once and kept beside the data (never in git). */
function localSecrets(): Record<string, string> {
  const file = join(dataDir, 'secrets.json')
  const hex = () => randomBytes(32).toString('hex')
  const fresh = {
    IDENTITY_SECRET_KEY: hex(),
    ACCOUNTS_PII_KEY: hex(),
    CERTIFICATES_SECRET_KEY: hex(),
    RECOGNITION_SECRET_KEY: hex(),
    PORTFOLIO_SECRET_KEY: hex(),
    SERVICE_CLIENT_SECRET: hex(),
    BOOTSTRAP_ADMIN_USERNAME: 'admin',
    BOOTSTRAP_ADMIN_PASSWORD: `admin-${randomBytes(4).toString('hex')}`,
    DEMO_PASSWORD: `demo-${randomBytes(4).toString('hex')}`,
  }
  const kept = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)
    : {}
  // Secrets added in later versions are made once too; existing ones never change.
  const secrets = { ...fresh, ...kept }
  if (Object.keys(kept).length !== Object.keys(secrets).length)
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 })
  return secrets
}

const secrets = localSecrets()
const merged: Record<string, string | undefined> = {
  ...secrets,
  PUBLIC_BASE_URL: `http://127.0.0.1:${webPort}`,
  IDENTITY_URL: `http://127.0.0.1:${3001 + portOffset}`,
  ACCOUNTS_URL: `http://127.0.0.1:${3002 + portOffset}`,
  CERTIFICATES_URL: `http://127.0.0.1:${3003 + portOffset}`,
  RECOGNITION_URL: `http://127.0.0.1:${3004 + portOffset}`,
  PORTFOLIO_URL: `http://127.0.0.1:${3005 + portOffset}`,
  ...process.env,
  DATA_DIR: dataDir,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
}
// Each service listens on its own port; a PORT meant for one service must not reach the others.
const { PORT: _port, ...env } = merged
const common = loadConfig(Type.Object(commonConfig), env)
if (common.DATABASE_URL || common.KAFKA_BROKERS)
  logger.warn(
    'DATABASE_URL or KAFKA_BROKERS set: the one-process run uses them instead of the embedded defaults',
  )

// The pages build (only when missing or out of date) while the database opens.
const pages = ensurePages(logger).catch((err: unknown) => {
  logger.error({ err }, 'the pages could not be built; the APIs still run')
  return null
})
phase('config read')
const keys = jwksKeyResolver(
  `http://127.0.0.1:${defaultPorts.identity + portOffset}/.well-known/jwks.json`,
)
let platform: Platform
if (common.DATABASE_URL || common.KAFKA_BROKERS) {
  platform = await createPlatform(common as never, logger, 'creditbank-embedded', keys)
} else {
  const transport = new MemoryTransport()
  await transport.connect()
  platform = {
    database: await openEmbeddedDatabase(join(dataDir, 'pglite')),
    transport,
    resolveKey: keys,
    issuer: common.JWT_ISSUER,
    audience: common.JWT_AUDIENCE,
  }
}

phase('database open')
const only = process.env.SERVICES?.split(',').map((s) => s.trim())
const loaded = await loadServices(logger, only)
phase('service modules loaded')
const apps: FastifyInstance[] = []
const running: ServiceDefinition<unknown>[] = []
for (const def of loaded.definitions) {
  try {
    const config = loadConfig(def.config!, env)
    const app = await assembleService(def, platform, config, logger)
    await app.listen({ host: common.HOST, port: def.port + portOffset })
    apps.push(app)
    running.push(def)
    phase(`${def.service} listening`)
  } catch (err) {
    logger.error({ err, service: def.service }, 'service did not start; going on without it')
    loaded.failed.push({
      service: def.service,
      error: err instanceof Error ? err.message : String(err),
    })
  }
}

const upstreams = Object.fromEntries(
  upstreamNames.map((n) => [n, `http://127.0.0.1:${defaultPorts[n] + portOffset}`]),
) as Record<UpstreamName, string>
const pagesDir = (await pages) ?? undefined
phase('pages ready')
const gateway = await buildGateway({ upstreams, pagesDir, logger, upstreamTimeoutMs: 60_000 })
await gateway.listen({ host: common.HOST, port: webPort })
apps.push(gateway)

let closing = false
async function shutdown() {
  if (closing) return
  closing = true
  for (const app of apps.reverse()) await app.close()
  await platform.transport.close()
  await platform.database.close()
  process.exit(0)
}
process.once('SIGINT', () => void shutdown())
process.once('SIGTERM', () => void shutdown())

const baseUrl = `http://localhost:${webPort}`
const ready = ((Date.now() - started) / 1000).toFixed(1)
say('')
say(`Credit Bank is running (ready in ${ready} s), data in ${dataDir}`)
say(`  web           ${baseUrl}/`)
for (const s of running)
  say(`  ${s.service.padEnd(13)} http://localhost:${s.port + portOffset}/docs`)
for (const f of loaded.failed)
  say(`  ${f.service.padEnd(13)} NOT RUNNING: ${f.error.split('\n')[0]}`)
say(`  admin login:  ${secrets.BOOTSTRAP_ADMIN_USERNAME} / ${secrets.BOOTSTRAP_ADMIN_PASSWORD}`)
say(
  `  credentials and share links point to ${env.PUBLIC_BASE_URL}` +
    (env.PUBLIC_BASE_URL?.startsWith('https://')
      ? ''
      : ' (this machine only; a deployment sets PUBLIC_BASE_URL to the https:// address people reach)'),
)

// Demo data: loaded once, through the public API, on the first start; a restart keeps it.
const marker = join(dataDir, '.seeded')
let summary: DemoSummary | null = existsSync(marker)
  ? (JSON.parse(readFileSync(marker, 'utf8')) as DemoSummary)
  : null
if (!summary && process.env.SEED !== '0') {
  const seedStart = Date.now()
  say('  loading demo data (first start only)…')
  try {
    summary = await loadDemoData({
      baseUrl: `http://127.0.0.1:${webPort}`,
      admin: {
        username: secrets.BOOTSTRAP_ADMIN_USERNAME!,
        password: secrets.BOOTSTRAP_ADMIN_PASSWORD!,
      },
      demoPassword: secrets.DEMO_PASSWORD!,
      log: logger.child({ component: 'seeds' }),
      say: (line) => say(`    ${line}`),
    })
    // Only a complete load is marked; a partial one (a service not running yet) runs again next start.
    if (summary.complete) writeFileSync(marker, `${JSON.stringify(summary, null, 2)}\n`)
    say(
      `  demo data ${summary.complete ? 'loaded' : 'PARTLY loaded (it loads again on the next start)'} in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`,
    )
  } catch (err) {
    logger.error({ err }, 'demo data failed to load')
    say(
      `  demo data FAILED: ${err instanceof Error ? err.message : String(err)} (it loads again on the next start)`,
    )
  }
}
if (summary) {
  say('  demo logins (password for all of them):')
  for (const l of summary.logins)
    say(`    ${l.role.padEnd(9)} ${l.username.padEnd(22)} ${l.description}`)
  say(`    password: ${secrets.DEMO_PASSWORD}`)
}
say(`Open ${baseUrl}/ (all ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`)
