import { readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'
import { upstreamNames } from '../src/routing.js'

// docker-compose.yml read as Compose reads it (anchors and merge keys resolved): what makes
// `docker compose up --scale accounts=3` work. There is no Docker engine here to run it.
const compose = parse(
  readFileSync(new URL('../../../docker-compose.yml', import.meta.url), 'utf8'),
  {
    merge: true,
  },
) as {
  services: Record<
    string,
    { ports?: unknown[]; container_name?: string; environment?: Record<string, unknown> }
  >
}

t.test('only the gateway publishes a host port, so every service can scale', async (t) => {
  for (const name of upstreamNames) {
    const s = compose.services[name]
    t.ok(s, `${name} is in docker-compose.yml`)
    t.notOk(s?.ports, `${name} publishes no fixed host port`)
    t.notOk(s?.container_name, `${name} has no fixed container name`)
  }
  t.same(compose.services.web?.ports, ['3000:3000'])
})

t.test(
  'the gateway reaches each service by its name, on the port the service listens on',
  async (t) => {
    const env = compose.services.web?.environment ?? {}
    for (const name of upstreamNames) {
      const url = new URL(String(env[`${name.toUpperCase()}_URL`]))
      t.equal(url.hostname, name, `${name} by its service name (Docker's DNS: every replica)`)
      t.equal(url.port, String(compose.services[name]?.environment?.PORT), `${name}'s port`)
    }
    t.ok(Number(env.BALANCER_TTL_MS) > 0, 'replicas are looked up again, so new ones get requests')
  },
)
