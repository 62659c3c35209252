// Writes docs/openapi/<service>.json from the route schemas (never written by hand); CI runs it
// and fails when the committed documents differ from what the code says.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { staticKeyResolver } from '@creditbank/auth'
import { migrate, openDatabase } from '@creditbank/db'
import { MemoryTransport } from '@creditbank/events'
import {
  buildServer,
  loadConfig,
  type Platform,
  type ServiceDefinition,
} from '@creditbank/service-kit'
import pino from 'pino'
import { loadServices } from '../src/services.js'

const { definitions: services, failed } = await loadServices(pino({ level: 'silent' }))
if (failed.length)
  throw new Error(
    `services did not load: ${failed.map((f) => `${f.service}: ${f.error}`).join('; ')}`,
  )
const out = join(fileURLToPath(new URL('../../..', import.meta.url)), 'docs', 'openapi')
mkdirSync(out, { recursive: true })
const database = await openDatabase({})
const platform: Platform = {
  database,
  transport: new MemoryTransport(),
  resolveKey: staticKeyResolver(() => []),
  issuer: 'https://identity.creditbank.local',
  audience: 'creditbank',
}
// Placeholder secrets: the documents do not depend on them.
const env = Object.fromEntries(
  [
    'IDENTITY_SECRET_KEY',
    'ACCOUNTS_PII_KEY',
    'CERTIFICATES_SECRET_KEY',
    'RECOGNITION_SECRET_KEY',
    'PORTFOLIO_SECRET_KEY',
    'SERVICE_CLIENT_SECRET',
  ].map((k) => [k, '0'.repeat(64)]),
)
for (const def of services as ServiceDefinition<unknown>[]) {
  await migrate(database, def.schema, def.migrations)
  const app = await buildServer({ service: def.service, logLevel: 'silent' })
  const options = def.options?.(loadConfig(def.config!, env)) ?? {}
  await app.register(def.app, { ...(options as object), platform, startWorkers: false } as never)
  await app.ready()
  writeFileSync(join(out, `${def.service}.json`), `${JSON.stringify(app.swagger(), null, 2)}\n`)
  await app.close()
}
await database.close()
process.stdout.write(`wrote ${services.length} OpenAPI documents to docs/openapi\n`)
