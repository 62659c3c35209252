import Type, { type Static, type TObject } from 'typebox'
import { Compile } from 'typebox/compile'
import Value from 'typebox/value'

/** Settings every service reads. Absent DATABASE_URL → embedded PGlite; absent KAFKA_BROKERS → in-process bus. */
export const commonConfig = {
  HOST: Type.String({ default: '127.0.0.1' }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    default: 'info',
  }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DB_POOL_MAX: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  DATA_DIR: Type.String({ default: './data' }),
  KAFKA_BROKERS: Type.Optional(Type.String({ pattern: '^[^,\\s]+(,[^,\\s]+)*$' })),
  KAFKA_NAMESPACE: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9._-]{1,60}$',
      description:
        'a prefix for every topic and consumer group, for several systems on one broker (the drills run a cluster beside the developers’)',
    }),
  ),
  RELAY_THREAD: Type.Optional(
    Type.Boolean({
      description:
        'with Postgres and Kafka: true, every service publishes its outbox from a thread of its own; false, none does; unset, the services that ask for one (accounts)',
    }),
  ),
  JWT_ISSUER: Type.String({ default: 'https://identity.creditbank.local' }),
  JWT_AUDIENCE: Type.String({ default: 'creditbank' }),
  IDENTITY_URL: Type.String({ default: 'http://127.0.0.1:3001' }),
  TRUST_PROXY: Type.String({
    default: 'loopback',
    description: 'proxies whose X-Forwarded-For is believed (Fastify trustProxy)',
  }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 15_000 }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1_024, maximum: 50_000_000, default: 2_000_000 }),
}

/**
 * SERVICE_CLIENT_SECRET: identity's built-in service clients sign in with it, and portfolio and
 * recognition use it to ask accounts for the names they show (decision 0730). One secret for the
 * deployment, at least 32 characters.
 */
export const serviceClientSecret = Type.String({ minLength: 32, maxLength: 200 })

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/**
 * Reads and validates configuration once, at boot. A missing or malformed variable stops the start
 * with a message naming it; the result is frozen.
 */
export function loadConfig<T extends TObject>(
  schema: T,
  env: Record<string, string | undefined> = process.env,
): Readonly<Static<T>> {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(schema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') raw[key] = value
  }
  const withDefaults = Value.Default(schema, Value.Convert(schema, raw)) as Record<string, unknown>
  const check = Compile(schema)
  if (!check.Check(withDefaults)) {
    const problems = [...check.Errors(withDefaults)].map(
      (e) => `${e.instancePath.slice(1) || (e.params && JSON.stringify(e.params))}: ${e.message}`,
    )
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`)
  }
  return Object.freeze(withDefaults) as Readonly<Static<T>>
}

export function configSchema<P extends Record<string, Type.TSchema>>(own: P) {
  return Type.Object({ ...commonConfig, ...own })
}
