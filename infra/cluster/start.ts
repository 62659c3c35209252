// pnpm start:cluster — the deployed shape on this machine, without Docker: every service as its own
// process, REPLICAS (default 2) of each, on real Postgres and Kafka, behind the gateway, with the
// demo data loaded through the gateway on the first start. See infra/cluster/README.md.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { serviceNames, startCluster } from '@creditbank/testing'
import { loadDemoData } from '../../seeds/load.js'

const say = (line: string) => process.stdout.write(`${line}\n`)
const databaseUrl = process.env.DATABASE_URL
const kafkaBrokers = process.env.KAFKA_BROKERS
if (!databaseUrl || !kafkaBrokers) {
  say('start:cluster needs DATABASE_URL and KAFKA_BROKERS (real Postgres and Kafka), e.g.')
  say(
    '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/creditbank KAFKA_BROKERS=127.0.0.1:9092 pnpm start:cluster',
  )
  process.exit(2)
}
const dataDir = resolve(process.env.DATA_DIR ?? './data/cluster')
mkdirSync(dataDir, { recursive: true })
const replicas = Number(process.env.REPLICAS ?? 2)
const offset = Number(process.env.PORT_OFFSET ?? 0)

/** Secrets for this machine's cluster, made once and kept beside its state (never in git). */
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
  // Secrets added in later versions (SERVICE_CLIENT_SECRET) are made once too; kept ones never change.
  const secrets = { ...fresh, ...kept }
  if (Object.keys(kept).length !== Object.keys(secrets).length)
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 })
  return secrets
}

const secrets = localSecrets()
// The gateway on 3000 + PORT_OFFSET; replica r of the k-th service on 3000 + offset + 100·(r+1) + k+1.
const gatewayUrl = `http://127.0.0.1:${3000 + offset}`
const cluster = await startCluster({
  databaseUrl,
  kafkaBrokers,
  replicas,
  gateway: true,
  restart: true,
  logDir: join(dataDir, 'logs'),
  secrets,
  port: (service, replica) =>
    service === 'web'
      ? 3000 + offset
      : 3000 + offset + 100 * (replica + 1) + serviceNames.indexOf(service) + 1,
  ...(process.env.PAGES_DIR ? { pagesDir: process.env.PAGES_DIR } : {}),
  logLevel: process.env.LOG_LEVEL ?? 'warn',
  say,
  // Where each process is, for a drill that kills or pauses one.
  onChange: (processes) =>
    writeFileSync(
      join(dataDir, 'cluster.json'),
      `${JSON.stringify({ gateway: gatewayUrl, processes }, null, 2)}\n`,
    ),
})
let closing = false
const shutdown = async () => {
  if (closing) return
  closing = true
  await cluster.stop()
  process.exit(0)
}
process.once('SIGINT', () => void shutdown())
process.once('SIGTERM', () => void shutdown())

say(
  `Credit Bank cluster: ${replicas} replicas of each service, state in ${join(dataDir, 'cluster.json')}`,
)
say(`  web (gateway)  ${gatewayUrl}/`)
for (const p of cluster.processes.filter((x) => x.service !== 'web'))
  say(`  ${`${p.service}#${p.replica}`.padEnd(14)} ${p.url}  pid ${p.pid}  log ${p.log}`)
say(`  admin login:  ${secrets.BOOTSTRAP_ADMIN_USERNAME} / ${secrets.BOOTSTRAP_ADMIN_PASSWORD}`)

// Demo data through the gateway, once per database (the load is idempotent anyway).
const marker = join(dataDir, `.seeded-${Buffer.from(databaseUrl).toString('base64url')}`)
if (process.env.SEED !== '0' && !existsSync(marker)) {
  say('  loading demo data…')
  const summary = await loadDemoData({
    baseUrl: gatewayUrl,
    admin: {
      username: secrets.BOOTSTRAP_ADMIN_USERNAME!,
      password: secrets.BOOTSTRAP_ADMIN_PASSWORD!,
    },
    demoPassword: secrets.DEMO_PASSWORD!,
    say: (line) => say(`    ${line}`),
  })
  if (summary.complete) writeFileSync(marker, `${JSON.stringify(summary, null, 2)}\n`)
  say(
    `  demo data ${summary.complete ? 'loaded' : 'PARTLY loaded (it loads again on the next start)'}`,
  )
}
say(`  demo password: ${secrets.DEMO_PASSWORD}`)
say(`Open ${gatewayUrl}/ — Ctrl-C stops every process.`)
