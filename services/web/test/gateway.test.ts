import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib'
import identityApp, { SCHEMA } from '@creditbank/identity'
import { testPlatform, testService } from '@creditbank/testing'
import t from 'tap'
import { migrations } from '../../identity/src/db/migrations.js'
import { parseFlowMetrics } from '../src/event-flow.js'
import { buildGateway } from '../src/gateway.js'
import { ownerOf, upstreamNames } from '../src/routing.js'

t.test('each API prefix is owned by exactly the service API.md names', async (t) => {
  const cases: [string, string | null][] = [
    ['/v1/auth/token', 'identity'],
    ['/v1/me', 'identity'],
    ['/v1/organizations?kind=school', 'identity'],
    ['/.well-known/jwks.json', 'identity'],
    ['/v1/users/0190/password-reset', 'identity'],
    ['/v1/clients/cb_x', 'identity'],
    ['/v1/audit?action=user.disabled', 'identity'],
    ['/v1/learners/lookup/batch', 'accounts'],
    ['/v1/learners', 'accounts'],
    ['/v1/learners/claim', 'accounts'],
    ['/v1/learners/0190/entries?kind=course', 'accounts'],
    ['/v1/learners/0190/timeline', 'portfolio'],
    ['/v1/learners/0190/credentials/0191', 'portfolio'],
    ['/v1/learners/0190/exports/clr', 'portfolio'],
    ['/v1/learners/0190/export', 'portfolio'],
    ['/v1/learners/0190/evidence', 'portfolio'],
    ['/v1/outcomes/batch', 'accounts'],
    ['/v1/entries/x/reversal', 'accounts'],
    ['/v1/learners/0190/access-log?limit=20', 'accounts'],
    ['/v1/access-log?orgId=x', 'accounts'],
    ['/v1/erasures?pending=true', 'accounts'],
    ['/v1/certificate-types', 'certificates'],
    ['/v1/certificates/verify', 'certificates'],
    ['/v1/certificates/search', 'certificates'],
    ['/v1/certificates/WEB-FE-2025-0000001/revocation', 'certificates'],
    ['/v1/oversight/certificates?groupBy=type', 'certificates'],
    ['/v1/oversight/training?year=2025', 'portfolio'],
    ['/v1/oversight/1x?year=2025', 'portfolio'],
    ['/v1/oversight/files/schools?format=csv', 'portfolio'],
    ['/v1/rules/HN-X/versions/2', 'recognition'],
    ['/v1/applications?queue=mine', 'recognition'],
    ['/v1/simulations', 'recognition'],
    ['/v1/programs/0190/P-WEB/requirements?version=2', 'recognition'],
    ['/v1/programs/0190/courses', 'recognition'],
    ['/v1/learners/0190/progress?programCode=P-WEB', 'recognition'],
    ['/v1/learners/0190/tuition?term=2026-autumn', 'recognition'],
    ['/v1/organizations/0190/tuition-schedule', 'recognition'],
    ['/v1/organizations/0190', 'identity'],
    ['/v1/shares', 'portfolio'],
    ['/v1/shared/abc', 'portfolio'],
    ['/credentials/verify', 'portfolio'],
    ['/presentations/verify', 'portfolio'],
    ['/status-lists/1', 'portfolio'],
    ['/v1/nothing-here', null],
    ['/v1/learnersX', null],
  ]
  for (const [url, owner] of cases) t.equal(ownerOf(url), owner, url)
})

t.test('event-flow metrics are read from Prometheus text, summed over labels', async (t) => {
  const text = [
    '# HELP outbox_backlog Outbox rows not yet published',
    '# TYPE outbox_backlog gauge',
    'outbox_backlog{service="accounts"} 3',
    'consumer_lag{service="accounts",topic="a"} 2',
    'consumer_lag{service="accounts",topic="b"} 5',
    'dead_letters_total{service="accounts"} 1',
    'http_request_duration_seconds_count 9',
  ].join('\n')
  t.same(parseFlowMetrics(text), { outboxBacklog: 3, consumerLag: 7, deadLetters: 1 })
  t.same(parseFlowMetrics(''), { outboxBacklog: null, consumerLag: null, deadLetters: null })
})

t.test(
  'the gateway forwards to a real identity service and answers for the missing ones',
  async (t) => {
    const platform = await testPlatform({ [SCHEMA]: migrations })
    const identity = await testService('identity', identityApp, platform, {
      secretKeyHex: 'b4'.repeat(32),
      bootstrapAdmin: { username: 'root', password: 'correct horse battery' },
    })
    await identity.listen({ host: '127.0.0.1', port: 0 })
    const address = identity.server.address()
    const port = typeof address === 'object' && address ? address.port : 0
    // Every other service points at a port where nothing listens.
    const upstreams = Object.fromEntries(
      upstreamNames.map((n) => [
        n,
        n === 'identity' ? `http://127.0.0.1:${port}` : 'http://127.0.0.1:9',
      ]),
    ) as Record<(typeof upstreamNames)[number], string>
    const gateway = await buildGateway({ upstreams, logLevel: 'silent' })
    t.teardown(async () => {
      await gateway.close()
      await identity.close()
      await platform.close()
    })

    const login = await gateway.inject({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { grant_type: 'password', username: 'root', password: 'correct horse battery' },
    })
    t.equal(login.statusCode, 200, 'a JSON body reaches identity untouched')
    const token = login.json().accessToken as string

    // Form-encoded bodies stream through as the client sent them.
    const form = await gateway.inject({
      method: 'POST',
      url: '/v1/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=password&username=root&password=correct+horse+battery',
    })
    t.equal(form.statusCode, 200, 'a form body reaches identity untouched')

    const me = await gateway.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { authorization: `Bearer ${token}` },
    })
    t.equal(me.statusCode, 200)
    t.ok(me.json().roles.includes('admin'), 'the authorization header is forwarded')
    t.ok(me.headers['x-request-id'], 'the request id comes back')

    const jwks = await gateway.inject({ method: 'GET', url: '/.well-known/jwks.json' })
    t.equal(jwks.statusCode, 200)
    t.ok(jwks.json().keys.length >= 1)

    const bad = await gateway.inject({
      method: 'POST',
      url: '/v1/organizations',
      headers: { authorization: `Bearer ${token}` },
      payload: { code: 'X', kind: 'nope' },
    })
    t.equal(bad.statusCode, 400, 'the service’s own problem answer comes back as it is')
    t.match(bad.headers['content-type'], /application\/problem\+json/)
    t.equal(bad.json().code, 'VALIDATION_FAILED')

    const list = await gateway.inject({
      method: 'GET',
      url: '/v1/organizations?limit=5',
      headers: { authorization: `Bearer ${token}` },
    })
    t.equal(list.statusCode, 200, 'query strings are forwarded')

    // One API reference at the base URL (issue 16, bug 8): what answers, merged, and who did not.
    const doc = (await gateway.inject({ method: 'GET', url: '/openapi.json' })).json()
    t.equal(doc.info.title, 'Credit Bank API')
    t.ok(doc.paths['/v1/auth/token']?.post, 'identity’s operations are in it')
    t.same(doc.paths['/v1/auth/token'].post.tags.slice(0, 1), ['identity'], 'tagged by service')
    t.match(doc.info.description, /Not answering when this was built: accounts, certificates/)
    const refs = JSON.stringify(doc.paths).match(/#\/components\/schemas\/[^"]+/g) ?? []
    t.ok(
      refs.length > 0 && refs.every((r) => r.slice(21) in doc.components.schemas),
      'every $ref resolves',
    )
    const ui = await gateway.inject({ method: 'GET', url: '/docs/json' })
    t.equal(ui.statusCode, 200)
    t.ok(ui.json().paths['/v1/auth/token'], 'the docs page reads the merged document')

    const down = await gateway.inject({ method: 'GET', url: '/v1/rules' })
    t.equal(down.statusCode, 503, 'a service that is not running is named')
    t.equal(down.json().code, 'GATEWAY_UPSTREAM_UNAVAILABLE')
    t.match(down.json().title, /recognition/)

    const unknown = await gateway.inject({ method: 'GET', url: '/v1/nothing' })
    t.equal(unknown.statusCode, 404)
    t.equal(unknown.json().code, 'GATEWAY_ROUTE_NOT_FOUND')

    const flowAnon = await gateway.inject({ method: 'GET', url: '/gateway/event-flow' })
    t.equal(flowAnon.statusCode, 401, 'the event flow is for admins')
    const flow = await gateway.inject({
      method: 'GET',
      url: '/gateway/event-flow',
      headers: { authorization: `Bearer ${token}` },
    })
    t.equal(flow.statusCode, 200)
    const services = flow.json().services as { service: string; up: boolean }[]
    t.equal(services.find((s) => s.service === 'identity')?.up, true)
    t.equal(services.find((s) => s.service === 'accounts')?.up, false)

    const shared = await gateway.inject({
      method: 'GET',
      url: '/v1/shared/abc',
      headers: { accept: 'text/html' },
    })
    t.equal(shared.statusCode, 302, 'a person opening a share link gets the page')
    t.equal(shared.headers.location, '/#/shared/abc')

    const ready = await gateway.inject({ method: 'GET', url: '/health/ready' })
    t.equal(ready.statusCode, 503, 'not ready while services are missing')
    t.equal(ready.json().checks.identity, 'ok')
  },
)

t.test('the gateway serves the built pages with their headers', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pages-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>学分银行</title>')
  writeFileSync(join(dir, 'assets', 'app-1.js'), 'console.log(1)')
  writeFileSync(join(dir, 'assets', 'app-1.js.br'), brotliCompressSync('console.log(1)'))
  const upstreams = Object.fromEntries(
    upstreamNames.map((n) => [n, 'http://127.0.0.1:9']),
  ) as Record<(typeof upstreamNames)[number], string>
  const gateway = await buildGateway({ upstreams, pagesDir: dir, logLevel: 'silent' })
  t.teardown(() => gateway.close())
  const index = await gateway.inject({ method: 'GET', url: '/' })
  t.equal(index.statusCode, 200)
  t.match(index.body, /学分银行/)
  t.equal(index.headers['cache-control'], 'no-cache')
  t.match(index.headers['content-security-policy'], /default-src 'self'/)
  const asset = await gateway.inject({ method: 'GET', url: '/assets/app-1.js' })
  t.equal(asset.statusCode, 200)
  t.match(asset.headers['cache-control'], /immutable/)
  t.notOk(asset.headers['content-encoding'], 'as it is, to a client that asks for no encoding')
  const br = await gateway.inject({
    method: 'GET',
    url: '/assets/app-1.js',
    headers: { 'accept-encoding': 'gzip, deflate, br' },
  })
  t.equal(br.headers['content-encoding'], 'br', 'the Brotli copy the build wrote')
  t.equal(brotliDecompressSync(br.rawPayload).toString(), 'console.log(1)')
  t.match(br.headers['cache-control'], /immutable/)
  t.equal((await gateway.inject({ method: 'GET', url: '/missing.txt' })).statusCode, 404)
})

t.test('the merged API document keeps each service’s schemas apart', async (t) => {
  const { mergeApiDocs } = await import('../src/api-docs.js')
  const doc = (service: string, path: string) => ({
    service,
    doc: {
      paths: { [path]: { get: { responses: { 400: { $ref: '#/components/schemas/def-0' } } } } },
      components: {
        schemas: { 'def-0': { title: `${service} problem` } },
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
    },
  })
  const merged = mergeApiDocs([doc('identity', '/v1/me'), doc('accounts', '/v1/learners')])
  t.same(Object.keys(merged.components?.schemas ?? {}), ['identity.def-0', 'accounts.def-0'])
  t.same(merged.paths?.['/v1/learners']?.get, {
    responses: { 400: { $ref: '#/components/schemas/accounts.def-0' } },
    tags: ['accounts'],
  })
  t.ok(merged.components?.securitySchemes?.bearer)
})
