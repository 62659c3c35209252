// The whole system in one process for a newcomer's machine: one PGlite under ./data, the
// in-process bus, every service on its own port, the web gateway on :3000, demo data on the
// first start. Deployments run each service on its own (server.ts) against Postgres and Kafka.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { jwksKeyResolver } from '@creditbank/auth'
import { assembleService, commonConfig, createLogger, createPlatform, loadConfig, type ServiceDefinition } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { services } from './services.js'

const started = Date.now()
const dataDir = resolve(process.env.DATA_DIR ?? './data')
mkdirSync(dataDir, { recursive: true })
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 'creditbank')

/** Secrets for this machine's embedded run, made once and kept beside the data (never in git). */
function localSecrets(): Record<string, string> {
  const file = join(dataDir, 'secrets.json')
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'))
  const hex = () => randomBytes(32).toString('hex')
  const secrets = {
    IDENTITY_SECRET_KEY: hex(),
    ACCOUNTS_PII_KEY: hex(),
    CERTIFICATES_SECRET_KEY: hex(),
    RECOGNITION_SECRET_KEY: hex(),
    PORTFOLIO_SECRET_KEY: hex(),
    BOOTSTRAP_ADMIN_USERNAME: 'admin',
    BOOTSTRAP_ADMIN_PASSWORD: `admin-${randomBytes(4).toString('hex')}`,
  }
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 })
  return secrets
}

const secrets = localSecrets()
const { PORT: _port, ...env } = { ...secrets, ...process.env, DATA_DIR: dataDir, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' }
const common = loadConfig(Type.Object(commonConfig), env)
if (common.DATABASE_URL || common.KAFKA_BROKERS) logger.warn('DATABASE_URL or KAFKA_BROKERS set: the one-process run uses them instead of the embedded defaults')
const platform = await createPlatform(common, logger, 'creditbank-embedded', jwksKeyResolver(`http://127.0.0.1:3001/.well-known/jwks.json`))

const apps: FastifyInstance[] = []
for (const def of services as ServiceDefinition<unknown>[]) {
  const config = loadConfig(def.config!, env)
  const app = await assembleService(def, platform, config, logger)
  await app.listen({ host: common.HOST, port: def.port })
  apps.push(app)
}

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

const seconds = ((Date.now() - started) / 1000).toFixed(1)
process.stdout.write(
  [
    '',
    `Credit Bank is running (ready in ${seconds} s), data in ${dataDir}`,
    ...services.map((s) => `  ${s.service.padEnd(13)} http://localhost:${s.port}/docs`),
    `  admin login: ${secrets.BOOTSTRAP_ADMIN_USERNAME} / ${secrets.BOOTSTRAP_ADMIN_PASSWORD}`,
    '',
  ].join('\n'),
)
