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
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  installMetrics(app, o.service)
  app.decorate('readiness', new Map<string, () => Promise<boolean>>())
  app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'ok' }))
  app.get('/health/ready', { schema: { hide: true } }, async (_request, reply) => {
    const checks: Record<string, 'ok' | 'failing'> = {}
    for (const [name, check] of app.readiness) {
      checks[name] = await check().then(
        (ok) => (ok ? 'ok' : 'failing'),
        () => 'failing',
      )
    }
    const ready = Object.values(checks).every((c) => c === 'ok')
    reply.code(ready ? 200 : 503)
    return { status: ready ? 'ok' : 'failing', checks }
  })
  return app
}
