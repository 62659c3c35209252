import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { jwksKeyResolver, type KeyResolver } from '@creditbank/auth'
import { type Database, type Migrations, migrate, openDatabase } from '@creditbank/db'
import { KafkaTransport, MemoryTransport, type Transport, withNamespace } from '@creditbank/events'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import pino, { type Logger } from 'pino'
import type { TObject } from 'typebox'
import { type commonConfig, loadConfig } from './config.js'
import type { Platform } from './platform.js'
import { buildServer, redactPaths } from './server.js'

type CommonConfig = { [K in keyof typeof commonConfig]: unknown } & {
  DATABASE_URL?: string
  DB_POOL_MAX: number
  DATA_DIR: string
  KAFKA_BROKERS?: string
  KAFKA_NAMESPACE?: string
  RELAY_THREAD?: boolean
  JWT_ISSUER: string
  JWT_AUDIENCE: string
  IDENTITY_URL: string
  LOG_LEVEL: string
  HOST: string
  REQUEST_TIMEOUT_MS: number
  BODY_LIMIT_BYTES: number
  TRUST_PROXY: string
}

export function createLogger(level: string, name?: string): Logger {
  return pino({
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    ...(name ? { name } : {}),
  })
}

/** Opens the process's database and transport from configuration. */
export async function createPlatform(
  config: CommonConfig,
  logger: Logger,
  clientId: string,
  resolveKey?: KeyResolver,
): Promise<Platform> {
  let database: Database
  if (config.DATABASE_URL) {
    database = await openDatabase({
      url: config.DATABASE_URL,
      poolMax: config.DB_POOL_MAX,
      onConnectionError: (err) => logger.warn({ err: err.message }, 'database connection lost'),
    })
  } else {
    mkdirSync(config.DATA_DIR, { recursive: true })
    database = await openDatabase({ dataDir: join(config.DATA_DIR, 'pglite') })
  }
  const transport: Transport = config.KAFKA_BROKERS
    ? withNamespace(
        new KafkaTransport({ brokers: config.KAFKA_BROKERS.split(','), clientId, logger }),
        config.KAFKA_NAMESPACE,
      )
    : new MemoryTransport()
  await transport.connect()
  const relayThread =
    config.DATABASE_URL && config.KAFKA_BROKERS && config.RELAY_THREAD !== false
      ? {
          databaseUrl: config.DATABASE_URL,
          brokers: config.KAFKA_BROKERS.split(','),
          clientId,
          logLevel: config.LOG_LEVEL,
          ...(config.KAFKA_NAMESPACE ? { namespace: config.KAFKA_NAMESPACE } : {}),
          everyService: config.RELAY_THREAD === true,
        }
      : undefined
  return {
    database,
    transport,
    ...(relayThread ? { relayThread } : {}),
    resolveKey: resolveKey ?? jwksKeyResolver(`${config.IDENTITY_URL}/.well-known/jwks.json`),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  }
}

export interface ServiceDefinition<O> {
  service: string
  schema: string
  migrations: Migrations
  app: FastifyPluginAsync<O & { platform: Platform }>
  /** The service's configuration schema (common settings plus its own). */
  config?: TObject
  /** Options for the app from configuration, e.g. secrets. */
  options?: (config: any) => O
  port: number
}

/** Builds one service on a platform: migrations, the server, the app; it does not listen. */
export async function assembleService<O>(
  def: ServiceDefinition<O>,
  platform: Platform,
  config: any,
  logger?: Logger,
) {
  await migrate(platform.database, def.schema, def.migrations)
  const app = await buildServer({
    service: def.service,
    logLevel: config.LOG_LEVEL,
    ...(logger ? { logger } : {}),
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
  })
  await app.register(def.app, { ...(def.options?.(config) ?? ({} as O)), platform } as never)
  return app
}

/**
 * The thin entry of a standalone service: config validated once, platform opened, migrations
 * run, the app registered, listening, and a graceful shutdown on SIGTERM or SIGINT.
 */
export async function runService<O>(
  def: ServiceDefinition<O>,
  schema: TObject | undefined = def.config,
) {
  if (!schema) throw new Error(`${def.service} has no configuration schema`)
  const logger = createLogger(process.env.LOG_LEVEL ?? 'info', def.service)
  let config: CommonConfig & { PORT?: number }
  try {
    config = loadConfig(schema) as never
  } catch (err) {
    logger.fatal({ err }, 'configuration rejected')
    process.exit(78)
  }
  const platform = await createPlatform(config, logger, `creditbank-${def.service}`)
  const app: FastifyInstance = await assembleService(def, platform, config)
  await app.listen({ host: config.HOST, port: config.PORT ?? def.port })
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    await app.close()
    await platform.transport.close()
    await platform.database.close()
    process.exit(0)
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  process.once('SIGINT', () => void shutdown('SIGINT'))
  return app
}
