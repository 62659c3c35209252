import { existsSync } from 'node:fs'
import { buildServer, sendProblem } from '@creditbank/service-kit'
import replyFrom from '@fastify/reply-from'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { mergedApiDoc } from './api-docs.js'
import { Balancer, type BalancerOptions, parseBases } from './balancer.js'
import { eventFlow } from './event-flow.js'
import { ownerOf, type UpstreamName, upstreamNames } from './routing.js'

export interface GatewayOptions {
  /**
   * Base URL of each service, e.g. `{ identity: 'http://127.0.0.1:3001', ... }`: one URL, a
   * comma-separated list or an array (one per replica), or a name that resolves to every replica
   * (`http://accounts:3002` under docker compose --scale). Requests take the replicas in turn.
   */
  upstreams: Record<UpstreamName, string | readonly string[]>
  /** How replicas are found and left out when they fail (tests shorten the times). */
  balancing?: BalancerOptions
  /** The built pages (index.html and assets/); no pages are served when absent. */
  pagesDir?: string
  logger?: Logger
  logLevel?: string
  /** How long the gateway waits for a service's answer. */
  upstreamTimeoutMs?: number
}

/** Prefixes the gateway forwards (API.md: each owned by exactly one service). */
const proxiedPrefixes = [
  '/v1/*',
  '/.well-known/*',
  '/credentials/*',
  '/presentations/*',
  '/status-lists/*',
]
const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

const pageHeaders = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
}

/**
 * The web gateway (port 3000): one base URL for every client. It forwards the API prefixes to the
 * owning service unchanged (bodies stream through untouched, so CSV and file uploads work), serves
 * the built pages, and answers its own health and the event-flow summary for the admin page.
 */
export async function buildGateway(o: GatewayOptions): Promise<FastifyInstance> {
  const balancers = Object.fromEntries(
    upstreamNames.map((name) => {
      const value = o.upstreams[name]
      const bases = typeof value === 'string' ? parseBases(value) : [...value]
      return [name, new Balancer(bases, o.balancing)]
    }),
  ) as Record<UpstreamName, Balancer>
  // One API document for clients at the base URL, from the services' own, through the balancers.
  const apiDocument = mergedApiDoc(upstreamNames, (name) => balancers[name as UpstreamName].next())
  const app = await buildServer({
    service: 'web',
    description: 'Gateway and pages',
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.logLevel ? { logLevel: o.logLevel } : {}),
    requestTimeoutMs: 120_000,
    apiDocument,
  })
  const timeout = o.upstreamTimeoutMs ?? 60_000

  for (const name of upstreamNames) {
    // Ready when at least one replica of the service is.
    app.readiness.set(name, async () => {
      const replicas = await balancers[name].all()
      const answers = await Promise.all(
        replicas.map((base) =>
          fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(2_000) }).then(
            (res) => res.ok,
            () => false,
          ),
        ),
      )
      return answers.includes(true)
    })
  }

  await app.register(async (proxy) => {
    // The body reaches the service as the client sent it: no parsing, no size limit here (each
    // service enforces its own), no re-serialisation.
    proxy.removeAllContentTypeParsers()
    proxy.addContentTypeParser('*', (_request, payload, done) => done(null, payload))
    await proxy.register(replyFrom, {
      undici: { connections: 64, pipelining: 1, headersTimeout: timeout, bodyTimeout: timeout },
    })
    const forward = async (request: FastifyRequest, reply: FastifyReply) => {
      const owner = ownerOf(request.url)
      if (!owner)
        return sendProblem(
          reply,
          404,
          'GATEWAY_ROUTE_NOT_FOUND',
          ['No service serves this path', '找不到这个地址'],
          `${request.method} ${request.url.split('?')[0]}`,
        )
      if (
        owner === 'portfolio' &&
        request.method === 'GET' &&
        wantsPage(request) &&
        request.url.startsWith('/v1/shared/')
      ) {
        // A person who opens a share link in a browser gets the page that shows it.
        return reply.redirect(
          `/#/shared/${encodeURIComponent(request.url.slice('/v1/shared/'.length).split('?')[0] ?? '')}`,
        )
      }
      const base = await balancers[owner].next()
      return reply.from(`${base}${request.url}`, {
        rewriteRequestHeaders: (req, headers) => ({
          ...headers,
          'x-request-id': req.id,
          'x-forwarded-for': [headers['x-forwarded-for'], req.ip].filter(Boolean).join(', '),
          'x-forwarded-host': String(req.headers.host ?? ''),
          'x-forwarded-proto': req.protocol,
        }),
        onError: (rep, { error }) => {
          rep.log.warn({ err: error, service: owner, replica: base }, 'upstream failed')
          // A replica that refused or dropped the connection is left out for a while; one that was
          // only slow is not (the next request may be quick).
          if (!/timeout/i.test(String((error as { code?: string }).code ?? error.name)))
            balancers[owner].markDown(base)
          sendProblem(
            rep as FastifyReply,
            503,
            'GATEWAY_UPSTREAM_UNAVAILABLE',
            [`The ${owner} service is not answering`, '服务暂时无响应，请稍后再试'],
            'It may still be starting, or not be running in this deployment.',
          )
        },
      })
    }
    for (const url of proxiedPrefixes)
      proxy.route({ method: [...methods], url, schema: { hide: true }, handler: forward })
  })

  app.get('/gateway/event-flow', { schema: { hide: true } }, async (request, reply) => {
    // Admins only: the caller's token is checked by identity itself.
    const me = await fetch(`${await balancers.identity.next()}/v1/me`, {
      headers: { authorization: String(request.headers.authorization ?? '') },
      signal: AbortSignal.timeout(5_000),
    }).catch(() => null)
    if (!me || me.status === 401)
      return sendProblem(reply, 401, 'UNAUTHENTICATED', [
        'A valid admin token is required',
        '请以平台管理员身份登录',
      ])
    const body = (await me.json().catch(() => ({}))) as { roles?: string[] }
    if (!body.roles?.includes('admin'))
      return sendProblem(reply, 403, 'FORBIDDEN', [
        'Only platform admins see the event flow',
        '只有平台管理员可以查看事件流',
      ])
    const one = await Promise.all(upstreamNames.map((n) => balancers[n].next()))
    return eventFlow(
      Object.fromEntries(upstreamNames.map((n, i) => [n, one[i]!])) as Record<UpstreamName, string>,
    )
  })

  if (o.pagesDir && existsSync(o.pagesDir)) {
    await app.register(fastifyStatic, {
      root: o.pagesDir,
      index: ['index.html'],
      wildcard: true,
      // The build writes .br and .gz copies (ui/vite.config.ts); browsers that accept them get them.
      preCompressed: true,
      cacheControl: false,
      setHeaders: (reply, path) => {
        if (path.endsWith('.html')) {
          reply.header('cache-control', 'no-cache')
          for (const [k, v] of Object.entries(pageHeaders)) reply.header(k, v)
        } else if (path.includes('/assets/')) {
          reply.header('cache-control', 'public, max-age=31536000, immutable')
        }
      },
    })
  }
  return app
}

function wantsPage(request: FastifyRequest) {
  const accept = String(request.headers.accept ?? '')
  return accept.includes('text/html') && !accept.includes('application/json')
}
