import { createServer, type Server } from 'node:http'
import t from 'tap'
import { Balancer, parseBases } from '../src/balancer.js'
import { buildGateway } from '../src/gateway.js'
import { upstreamNames } from '../src/routing.js'

/** A stand-in replica: answers every request with its own name, and counts them. */
async function replica(name: string, host: string, port = 0) {
  const served: string[] = []
  const server: Server = createServer((req, res) => {
    served.push(String(req.url))
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ replica: name, status: 'ok' }))
  })
  await new Promise<void>((r) => server.listen(port, host, r))
  const bound = (server.address() as { port: number }).port
  return {
    served,
    port: bound,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

t.test(
  'a balancer takes the replicas in turn, leaves a failed one out, and re-resolves',
  async (t) => {
    let now = 0
    let addresses = ['10.0.0.1', '10.0.0.2']
    const lookups: string[] = []
    const b = new Balancer(['http://accounts:3002'], {
      ttlMs: 1_000,
      downMs: 500,
      now: () => now,
      resolve: async (host) => {
        lookups.push(host)
        return addresses
      },
    })
    const picks = [await b.next(), await b.next(), await b.next(), await b.next()]
    t.same(new Set(picks), new Set(['http://10.0.0.1:3002', 'http://10.0.0.2:3002']))
    t.not(picks[0], picks[1], 'one after the other')
    t.same(lookups, ['accounts'], 'resolved once within the TTL')

    b.markDown('http://10.0.0.1:3002')
    t.same([await b.next(), await b.next()], ['http://10.0.0.2:3002', 'http://10.0.0.2:3002'])
    now += 600
    t.ok(
      (await Promise.all([b.next(), b.next()])).includes('http://10.0.0.1:3002'),
      'back after the pause',
    )

    addresses = ['10.0.0.1', '10.0.0.2', '10.0.0.3']
    now += 1_000
    t.same(
      await b.all(),
      ['http://10.0.0.1:3002', 'http://10.0.0.2:3002', 'http://10.0.0.3:3002'],
      'a scaled-up service',
    )
    addresses = []
    now += 1_000
    t.equal((await b.all()).length, 3, 'a name that stops resolving keeps its last addresses')

    b.markDown('http://10.0.0.1:3002')
    b.markDown('http://10.0.0.2:3002')
    b.markDown('http://10.0.0.3:3002')
    t.ok(await b.next(), 'when every replica is out, all are tried again')
  },
)

t.test('addresses, lists and IPv6 are kept as they are', async (t) => {
  t.same(parseBases(' http://127.0.0.1:1/, http://127.0.0.1:2 ,'), [
    'http://127.0.0.1:1',
    'http://127.0.0.1:2',
  ])
  const b = new Balancer(['http://127.0.0.1:1', 'http://[::1]:2', 'http://v6.test:3'], {
    resolve: async () => ['fd00::5'],
  })
  t.same(await b.all(), ['http://127.0.0.1:1', 'http://[::1]:2', 'http://[fd00::5]:3'])
  t.throws(() => new Balancer([]))
})

t.test(
  'the gateway spreads a service’s requests over its replicas on one port, as Docker names them',
  async (t) => {
    // Two replicas on the same port at two loopback addresses: the shape of `--scale accounts=2`.
    const a = await replica('a', '127.0.0.1')
    const b = await replica('b', '127.0.0.2', a.port)
    const upstreams = Object.fromEntries(
      upstreamNames.map((n) => [
        n,
        n === 'accounts' ? `http://accounts.test:${a.port}` : 'http://127.0.0.1:9',
      ]),
    ) as Record<(typeof upstreamNames)[number], string>
    const gateway = await buildGateway({
      upstreams,
      logLevel: 'silent',
      balancing: { resolve: async () => ['127.0.0.1', '127.0.0.2'], downMs: 60_000 },
    })
    t.teardown(async () => {
      await gateway.close()
      await a.close()
      await b.close().catch(() => undefined)
    })
    const get = async () => {
      const res = await gateway.inject({ method: 'GET', url: '/v1/learners?limit=1' })
      return { status: res.statusCode, replica: res.statusCode === 200 ? res.json().replica : null }
    }
    const answers = []
    for (let i = 0; i < 20; i++) answers.push(await get())
    t.ok(answers.every((x) => x.status === 200))
    t.equal(a.served.length, 10, 'half to the first replica')
    t.equal(b.served.length, 10, 'half to the second')

    await b.close()
    const after = []
    for (let i = 0; i < 10; i++) after.push(await get())
    t.ok(
      after.filter((x) => x.status !== 200).length <= 1,
      'at most one request meets the stopped replica',
    )
    t.same(
      after.slice(-8).map((x) => x.replica),
      Array(8).fill('a'),
      'then every request goes to the live one',
    )
    const ready = await gateway.inject({ method: 'GET', url: '/health/ready' })
    t.equal(ready.json().checks.accounts, 'ok', 'a service with one live replica is ready')
  },
)
