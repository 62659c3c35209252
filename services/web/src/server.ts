// The gateway on its own, for deployments (docker-compose): the services run elsewhere and are
// reached at <NAME>_URL — one URL, a comma-separated list of replicas, or a name that resolves to
// every replica (docker compose --scale); the pages are built into the image (PAGES_DIR).
import { createLogger } from '@creditbank/service-kit'
import { buildGateway } from './gateway.js'
import { ensurePages } from './pages.js'
import { defaultPorts, upstreamNames } from './routing.js'

const logger = createLogger(process.env.LOG_LEVEL ?? 'info', 'web')
const upstreams = Object.fromEntries(
  upstreamNames.map((name) => [
    name,
    process.env[`${name.toUpperCase()}_URL`] ?? `http://127.0.0.1:${defaultPorts[name]}`,
  ]),
) as Record<(typeof upstreamNames)[number], string>
// BALANCER_TTL_MS: how long resolved replica addresses are used before the names are looked up again.
const ttlMs = Number(process.env.BALANCER_TTL_MS ?? 5_000)
const pagesDir = process.env.PAGES_DIR ?? (await ensurePages(logger))
const app = await buildGateway({ upstreams, pagesDir, logger, balancing: { ttlMs } })
await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 3000) })
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0))
  })
}
