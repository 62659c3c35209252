import { ProblemDetails } from '@creditbank/contracts'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { installJsonDepthLimit } from './body-limits.js'
import { installMetrics } from './metrics.js'
import { installErrorHandler } from './problem.js'
import { refuseUnstorableText } from './storable-text.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Checks `/health/ready` runs: the database, the event transport. */
    readiness: Map<string, () => Promise<boolean>>
  }
}

export interface ServerOptions {
  service: string
  version?: string
  description?: string
  logLevel?: string
  /** A parent logger (the embedded run shares one); otherwise a new pino logger. */
  logger?: Logger
  requestTimeoutMs?: number
  bodyLimitBytes?: number
  /** Which proxies' X-Forwarded-For to believe (the gateway), as Fastify's `trustProxy` takes it. */
  trustProxy?: string
  /**
   * Another OpenAPI document to serve at /openapi.json and /docs instead of this app's own (the
   * gateway's, merged from the services'): `get` builds it, `last` is the latest one built.
   */
  apiDocument?: { get(): Promise<object>; last(): object | null }
}

/**
 * How long one readiness check may take before it counts as failing: a probe (Kubernetes' 1 s
 * default, compose's 3 s) must get an answer, and a broker or database that does not answer in
 * time is not ready.
 */
export const READY_CHECK_TIMEOUT_MS = 300

/**
 * Runs every readiness check at once, each bounded by `timeoutMs`. A check still running from an
 * earlier probe is awaited rather than started again, so probes against an unreachable broker or
 * database do not pile up connection attempts.
 */
export function boundedChecks(checks: Map<string, () => Promise<boolean>>, timeoutMs: number) {
  const running = new Map<string, Promise<boolean>>()
  const run = (name: string, check: () => Promise<boolean>) => {
    let p = running.get(name)
    if (!p) {
      p = check()
        .catch(() => false)
        .finally(() => running.delete(name))
      running.set(name, p)
    }
    return p
  }
  return async (): Promise<Record<string, 'ok' | 'failing'>> => {
    const entries = await Promise.all(
      [...checks].map(async ([name, check]) => {
        let timer: NodeJS.Timeout | undefined
        const late = new Promise<boolean>((r) => {
          timer = setTimeout(() => r(false), timeoutMs)
        })
        const ok = await Promise.race([run(name, check), late])
        clearTimeout(timer)
        return [name, ok ? 'ok' : 'failing'] as const
      }),
    )
    return Object.fromEntries(entries)
  }
}

/** Paths in logs never carry personal data, and these fields never reach a log line. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.authorization',
  '*.cookie',
  '*.nationalId',
  '*.password',
  '*.clientSecret',
  '*.accessToken',
  'nationalId',
  'password',
]

/**
 * Builds a Fastify server with what every service shares: pino with request ids and redaction,
 * TypeBox validation (bodies are never coerced), problem+json errors, health, metrics and an
 * OpenAPI document generated from the route schemas. It never listens; server.ts does.
 */
export async function buildServer(o: ServerOptions): Promise<FastifyInstance> {
  const loggerOptions = o.logger
    ? { loggerInstance: o.logger.child({ service: o.service }) }
    : {
        logger: {
          level: o.logLevel ?? 'info',
          redact: { paths: redactPaths, censor: '[redacted]' },
          base: { service: o.service },
        },
      }
  const app = Fastify({
    ...loggerOptions,
    requestIdHeader: 'x-request-id',
    connectionTimeout: 30_000,
    keepAliveTimeout: 72_000,
    requestTimeout: o.requestTimeoutMs ?? 15_000,
    bodyLimit: o.bodyLimitBytes ?? 2_000_000,
    return503OnClosing: true,
    // onReady connects the relay (on a thread of its own, for accounts) and consumers to the
    // broker; on a busy machine that took longer than Fastify's 10 s default, and the start failed.
    pluginTimeout: 60_000,
    // Per-address limits must see the client behind the gateway, not the gateway itself.
    trustProxy: o.trustProxy ?? 'loopback',
    routerOptions: { maxParamLength: 200 },
    ajv: { customOptions: { removeAdditional: false } },
  } as never) as unknown as FastifyInstance
  app.setValidatorCompiler(TypeBoxValidatorCompiler)
  app.withTypeProvider<TypeBoxTypeProvider>()
  app.addSchema(ProblemDetails)
  installErrorHandler(app)
  installJsonDepthLimit(app)
  refuseUnstorableText(app)
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: `Credit Bank ${o.service}`,
        version: o.version ?? '1.0.0',
        description: o.description ?? '',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearer: [] }],
    },
  })
  const other = o.apiDocument
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    ...(other ? { transformSpecification: (own: object) => other.last() ?? own } : {}),
  })
  if (other)
    app.addHook('onRequest', async (request) => {
      if (request.url.startsWith('/docs/json') || request.url.startsWith('/docs/yaml'))
        await other.get()
    })
  app.get('/openapi.json', { schema: { hide: true } }, async () =>
    other ? other.get() : app.swagger(),
  )
  installMetrics(app, o.service)
  app.decorate('readiness', new Map<string, () => Promise<boolean>>())
  app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'ok' }))
  const readiness = boundedChecks(app.readiness, READY_CHECK_TIMEOUT_MS)
  app.get('/health/ready', { schema: { hide: true } }, async (_request, reply) => {
    const checks = await readiness()
    const ready = Object.values(checks).every((c) => c === 'ok')
    reply.code(ready ? 200 : 503)
    return { status: ready ? 'ok' : 'failing', checks }
  })
  return app
}
