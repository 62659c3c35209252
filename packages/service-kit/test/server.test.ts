import { Writable } from 'node:stream'
import { AppError, defineErrors } from '@creditbank/contracts'
import {
  buildServer,
  configSchema,
  loadConfig,
  MAX_JSON_DEPTH,
  MAX_WALK_VALUES,
  redactPaths,
  unstorableText,
} from '@creditbank/service-kit'
import pino from 'pino'
import t from 'tap'
import Type from 'typebox'

t.test(
  'config is validated once and frozen; a bad variable stops the start naming it',
  async (t) => {
    const schema = configSchema({
      PORT: Type.Integer({ minimum: 1, maximum: 65_535, default: 3001 }),
    })
    const ok = loadConfig(schema, { PORT: '4000', KAFKA_BROKERS: 'a:1,b:2' })
    t.equal(ok.PORT, 4000)
    t.equal(ok.DB_POOL_MAX, 10, 'defaults apply')
    t.ok(Object.isFrozen(ok))
    t.throws(() => loadConfig(schema, { PORT: 'eighty' }), { name: 'ConfigError', message: /PORT/ })
    t.throws(() => loadConfig(schema, { DATABASE_URL: 'mysql://x' }), /DATABASE_URL/)
    t.throws(() => loadConfig(schema, { KAFKA_BROKERS: 'a:1,,b' }), /KAFKA_BROKERS/)
  },
)

async function serverWithLogs() {
  const lines: string[] = []
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString())
      done()
    },
  })
  const logger = pino({ level: 'info', redact: { paths: redactPaths, censor: '[redacted]' } }, sink)
  const app = await buildServer({ service: 'kit-test', logger })
  app.post('/echo', async (request) => {
    request.log.info(
      { nationalId: '41010519900307123X', password: 'hunter2hunter2', headers: request.headers },
      'handling',
    )
    return { ok: true }
  })
  app.get('/boom', async () => {
    throw new Error('connection string postgres://secret@db leaked?')
  })
  app.get('/domain', async () => {
    throw new AppError('conflict', 'KIT_THING_TAKEN', 'That thing is taken', [
      { path: '/thing', message: 'is taken' },
    ])
  })
  await app.ready()
  return { app, lines }
}

t.test('personal data and credentials never reach a log line', async (t) => {
  const { app, lines } = await serverWithLogs()
  t.teardown(() => app.close())
  await app.inject({
    method: 'POST',
    url: '/echo',
    headers: { authorization: 'Bearer abc.def.ghi' },
    payload: { nationalId: '41010519900307123X' },
  })
  const all = lines.join('')
  t.notMatch(all, /41010519900307123X/)
  t.notMatch(all, /hunter2/)
  t.notMatch(all, /abc\.def\.ghi/)
  t.match(all, /\[redacted\]/)
})

t.test('errors are problem+json with stable codes; 5xx carry no internals', async (t) => {
  const { app } = await serverWithLogs()
  t.teardown(() => app.close())
  const boom = await app.inject({ method: 'GET', url: '/boom' })
  t.equal(boom.statusCode, 500)
  t.equal(boom.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(boom.json().code, 'INTERNAL')
  t.notMatch(boom.body, /postgres|secret|stack/)
  const domain = await app.inject({ method: 'GET', url: '/domain' })
  t.match(domain.json(), { status: 409, code: 'KIT_THING_TAKEN', errors: [{ path: '/thing' }] })
  const missing = await app.inject({ method: 'GET', url: '/nowhere' })
  t.match(missing.json(), { status: 404, code: 'NOT_FOUND' })
  t.ok(boom.headers['x-request-id'], 'every answer names its request id')
})

t.test(
  'problems speak the language asked for: titles and coded field messages, same code',
  async (t) => {
    const app = await buildServer({ service: 'kit-test', logger: pino({ level: 'silent' }) })
    t.teardown(() => app.close())
    const errors = defineErrors({ KIT_GONE: ['not_found', 'No such thing', '没有这个东西'] })
    app.get('/gone', async () => {
      throw errors.KIT_GONE('thing 7 is gone')
    })
    app.post(
      '/things',
      {
        schema: {
          body: Type.Object(
            {
              nationalId: Type.String({ pattern: '^[0-9]{17}[0-9X]$' }),
              title: Type.String({ minLength: 1, maxLength: 5 }),
            },
            { additionalProperties: false },
          ),
        },
      },
      async () => ({ ok: true }),
    )
    await app.ready()
    const zh = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' }
    const gone = await app.inject({ method: 'GET', url: '/gone', headers: zh })
    t.match(gone.json(), { code: 'KIT_GONE', title: '没有这个东西', detail: 'thing 7 is gone' })
    t.equal(gone.headers['content-language'], 'zh-CN')
    const goneEn = await app.inject({ method: 'GET', url: '/gone' })
    t.match(goneEn.json(), { code: 'KIT_GONE', title: 'No such thing' }, 'English by default')

    const body = { nationalId: '4101', title: 'far too long' }
    const bad = await app.inject({ method: 'POST', url: '/things', payload: body, headers: zh })
    t.equal(bad.statusCode, 400)
    t.match(bad.json(), { code: 'VALIDATION_FAILED', title: '填写的内容有误' })
    t.notMatch(
      bad.json().errors,
      [{ message: /\^|\[0-9\]|must/ }],
      'no regular expression, no Ajv words',
    )
    const byPath = Object.fromEntries(bad.json().errors.map((e: { path: string }) => [e.path, e]))
    t.match(byPath['/nationalId'], { code: 'FIELD_FORMAT', message: '格式不正确' })
    t.match(byPath['/title'], { code: 'FIELD_TOO_LONG', limit: 5, message: '不能超过 5 个字符' })
    const en = await app.inject({ method: 'POST', url: '/things', payload: {} })
    t.match(en.json().errors, [{ code: 'FIELD_REQUIRED', message: 'is required' }])
    t.notMatch(en.body, /must (have|match)/, 'English messages are ours too')
  },
)

t.test('health, OpenAPI and metrics are served', async (t) => {
  const { app } = await serverWithLogs()
  t.teardown(() => app.close())
  t.equal((await app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200)
  app.readiness.set('database', async () => false)
  const ready = await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(ready.statusCode, 503)
  t.same(ready.json().checks, { database: 'failing' })
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  t.equal(doc.openapi, '3.1.0')
  const metrics = await app.inject({ method: 'GET', url: '/metrics' })
  t.match(metrics.body, /http_request_duration_seconds_bucket/)
})

t.test(
  'text Postgres cannot store as sent (NUL, a lone surrogate) is a 400 naming the field, in a body, query or path',
  async (t) => {
    const app = await buildServer({ service: 'kit-test', logLevel: 'silent' })
    t.teardown(() => app.close())
    let handled = 0
    app.post('/things/:name', async (request) => {
      handled += 1
      return { body: request.body }
    })
    app.addContentTypeParser(
      'application/octet-stream',
      { parseAs: 'buffer' },
      (_req, body, done) => done(null, body),
    )
    const post = (url: string, payload: unknown) =>
      app.inject({ method: 'POST', url, payload: payload as object })
    const nul = await post('/things/a', {
      items: [{ title: 'ok' }, { title: 'a\u0000b', tags: ['x', 'y\ud800'] }],
    })
    t.equal(nul.statusCode, 400)
    t.match(nul.headers['content-type'], /application\/problem\+json/)
    t.same(
      nul.json().errors.map((e: { path: string }) => e.path),
      ['/items/1/title', '/items/1/tags/1'],
    )
    t.equal(nul.json().code, 'VALIDATION_FAILED')
    const query = await post('/things/a?q=%00', { title: 'ok' })
    t.equal(query.statusCode, 400, query.body)
    t.same(
      query.json().errors.map((e: { path: string }) => e.path),
      ['querystring:/q'],
    )
    const path = await post('/things/a%00b', { title: 'ok' })
    t.same(
      path.json().errors.map((e: { path: string }) => e.path),
      ['params:/name'],
    )
    t.equal(handled, 0, 'no handler ran')
    const fine = await post('/things/a', { title: '网页设计 🎓 (paired surrogates are text)' })
    t.equal(fine.statusCode, 200)
    const bytes = await app.inject({
      method: 'POST',
      url: '/things/a',
      headers: { 'content-type': 'application/octet-stream' },
      payload: Buffer.from([0, 0xd8, 0, 0]),
    })
    t.equal(bytes.statusCode, 200, 'an uploaded file is bytes, not text')
  },
)

t.test(
  'deep or huge JSON is a 400 naming the limit, before anything walks it (issue 19, fault 2)',
  async (t) => {
    const app = await buildServer({ service: 'kit-test', logLevel: 'silent' })
    t.teardown(() => app.close())
    let handled = 0
    app.post('/things', async (request) => {
      handled += 1
      return { body: request.body }
    })
    const post = (payload: string) =>
      app.inject({
        method: 'POST',
        url: '/things',
        headers: { 'content-type': 'application/json' },
        payload,
      })
    const nested = (n: number, open: string, close: string) => `${open.repeat(n)}${close.repeat(n)}`
    const deepObject = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`
    for (const [name, body] of [
      ['10,000 nested arrays', nested(10_000, '[', ']')],
      ['a 5,000-deep object', deepObject],
      [`${MAX_JSON_DEPTH + 1} nested arrays`, nested(MAX_JSON_DEPTH + 1, '[', ']')],
    ] as const) {
      const res = await post(body)
      t.equal(res.statusCode, 400, name)
      t.match(res.headers['content-type'], /application\/problem\+json/)
      t.equal(res.json().code, 'BODY_TOO_DEEP', name)
      t.match(res.json().title, String(MAX_JSON_DEPTH), `${name}: the answer names the limit`)
    }
    t.equal(handled, 0, 'no handler saw a refused body')
    const atLimit = await post(nested(MAX_JSON_DEPTH, '[', ']'))
    t.equal(atLimit.statusCode, 200, 'nesting up to the limit is fine')
    const brackets = await post(JSON.stringify({ text: `${'['.repeat(500)} \\" {{{ "` }))
    t.equal(brackets.statusCode, 200, 'brackets and escaped quotes inside strings do not count')
    t.equal((await post('{"a": [1, 2')).json().code, 'BODY_MALFORMED', 'bad JSON is still 400')
    const poisoned = await post('{"__proto__": {"admin": true}}')
    t.equal(poisoned.statusCode, 400, 'prototype poisoning is still refused')
  },
)

t.test('the storable-text walk is bounded in depth and in values, without recursion', async (t) => {
  let deep: unknown = 'x\u0000'
  for (let i = 0; i < 10_000; i++) deep = [deep]
  t.throws(() => unstorableText(deep), { code: 'BODY_TOO_DEEP' })
  const wide = Array.from({ length: MAX_WALK_VALUES + 1 }, () => 1)
  t.throws(() => unstorableText(wide), { code: 'BODY_TOO_COMPLEX' })
  let fine: unknown = 'x\u0000'
  for (let i = 0; i < MAX_JSON_DEPTH; i++) fine = { a: fine }
  t.same(
    unstorableText(fine).map((e) => e.path),
    [`${'/a'.repeat(MAX_JSON_DEPTH)}`],
    'a deep but allowed value is still checked',
  )
})
