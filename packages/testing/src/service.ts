import { Writable } from 'node:stream'
import { buildServer, type Platform, redactPaths } from '@creditbank/service-kit'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import pino, { type Logger } from 'pino'
import { type SchemaMigrations, type TestDatabase, testDatabase } from './database.js'
import { TEST_AUDIENCE, TEST_ISSUER, type TestKeys, testKeys } from './tokens.js'
import { type TestTransport, testTransport } from './transport.js'

export interface TestPlatform extends Platform {
  transport: TestTransport
  keys: TestKeys
  db: TestDatabase
  close(): Promise<void>
}

/** A platform for one test file: its own database, its own topics, its own keys. */
export async function testPlatform(schemas: SchemaMigrations): Promise<TestPlatform> {
  const db = await testDatabase(schemas)
  const transport = testTransport()
  await transport.connect()
  const keys = testKeys()
  return {
    database: db.database,
    transport,
    keys,
    db,
    resolveKey: keys.resolveKey,
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    partitions: 3,
    relayIdleMs: 10,
    async close() {
      await transport.close()
      await db.destroy()
    },
  }
}

/** Builds a service's app on a test platform, as server.ts would, without listening. */
export async function testService<O>(
  service: string,
  app: FastifyPluginAsync<O & { platform: Platform }>,
  platform: Platform,
  options: O,
  logger?: Logger,
): Promise<FastifyInstance> {
  const server = await buildServer({
    service,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...(logger ? { logger } : {}),
  })
  await server.register(app, { ...options, platform } as never)
  await server.ready()
  return server
}

/** Polls until `check` returns a value, bounded; for effects that travel over the bus. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  everyMs = 25,
): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/**
 * A logger at the most detailed level, redacting as services do, that keeps every line it writes:
 * a test searches them for personal data (decision 0730).
 */
export function capturedLogger() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    },
  })
  const logger = pino(
    { level: 'trace', redact: { paths: redactPaths, censor: '[redacted]' } },
    stream,
  )
  return { logger, lines }
}
