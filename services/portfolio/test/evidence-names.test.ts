import { randomUUID } from 'node:crypto'
import { validateNewPayload } from '@creditbank/events'
import { eventually } from '@creditbank/testing'
import t from 'tap'
import { plainPdf, plainPng } from './evidence-files.js'
import { buildPortfolio, fixtures } from './helper.js'

// Decision 0730: `portfolio.evidence.added` carries no file name (it often holds the learner's
// name, and the topic keeps it past an erasure); the platform's services ask
// POST /v1/evidence/names/batch. Only a `service` token may; a deleted or erased file answers null;
// nothing is written.

const pf = await buildPortfolio()
t.teardown(() => pf.close())
const { app } = pf
const f = fixtures()
const other = fixtures()
await pf.apply(f.learnerOpened(), other.learnerOpened())
const service = pf.platform.keys.auth({
  typ: 'client',
  sub: 'service:recognition',
  roles: ['service'],
})
const ask = (ids: unknown, headers: Record<string, string> = service) =>
  app.inject({ method: 'POST', url: '/v1/evidence/names/batch', headers, payload: { ids } })
const upload = async (learnerId: string, body: Buffer, contentType: string, filename?: string) => {
  const res = await app.inject({
    method: 'POST',
    url: `/v1/learners/${learnerId}/evidence${filename ? `?filename=${encodeURIComponent(filename)}` : ''}`,
    headers: { ...pf.learner(learnerId), 'content-type': contentType },
    payload: body,
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json().id as string
}
const diploma = await upload(f.learnerId, await plainPdf(), 'application/pdf', '张三-毕业证.pdf')
const unnamed = await upload(f.learnerId, await plainPng(), 'image/png')
const theirs = await upload(other.learnerId, await plainPdf(), 'application/pdf', '李四-证书.pdf')

/** Rows of the tables a read must not touch, and the events published (portfolio's among them). */
const written = async () => ({
  rows: await Promise.all(
    (['evidence', 'evidence_blob', 'idempotency_key'] as const).map(async (table) =>
      Number(
        (
          await pf.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ),
  ),
  published: pf.platform.transport.published.length,
})

t.test('the event names no file; the outbox refuses a name', async (t) => {
  const added = await eventually(async () => {
    const evs = pf.platform.transport
      .events('portfolio.evidence.added')
      .filter((e) => [diploma, unnamed, theirs].includes(e.data.evidenceId))
    return evs.length === 3 ? evs : undefined
  })
  for (const e of added)
    t.same(
      Object.keys(e.data).sort(),
      ['evidenceId', 'learnerId', 'mediaType', 'sha256', 'sizeBytes'],
      'no filename',
    )
  t.notOk(JSON.stringify(added).includes('张三'), 'the name is in no event')
  const data = { ...added[0]!.data }
  t.doesNotThrow(() => validateNewPayload('portfolio.evidence.added', data))
  for (const filename of ['张三-毕业证.pdf', null])
    t.throws(
      () => validateNewPayload('portfolio.evidence.added', { ...data, filename }),
      /filename is retired/,
      `a producer may not write filename: ${filename}`,
    )
})

t.test('a service reads the names; unnamed, unknown and erased files are null', async (t) => {
  const before = await written()
  const unknown = randomUUID()
  const res = await ask([diploma, unnamed, unknown, theirs, diploma.toUpperCase()])
  t.equal(res.statusCode, 200, 'answers 200')
  t.same(res.json().items, [
    { evidenceId: diploma, filename: '张三-毕业证.pdf' },
    { evidenceId: unnamed, filename: null },
    { evidenceId: unknown, filename: null },
    { evidenceId: theirs, filename: '李四-证书.pdf' },
  ])
  t.same(await written(), before, 'a machine read writes nothing (no "who looked" entry either)')

  // The learner is erased: their files are deleted, and so are their names.
  await pf.apply({
    type: 'accounts.learner.erased',
    data: { learnerId: f.learnerId, erasedAt: new Date().toISOString() },
  })
  await eventually(async () =>
    pf.platform.transport
      .events('portfolio.erasure.completed')
      .some((e) => e.data.learnerId === f.learnerId),
  )
  t.same((await ask([diploma, unnamed, theirs])).json().items, [
    { evidenceId: diploma, filename: null },
    { evidenceId: unnamed, filename: null },
    { evidenceId: theirs, filename: '李四-证书.pdf' },
  ])
})

t.test(
  'nobody but a service: learner, registrar, reviewer, admin, institution client',
  async (t) => {
    const before = await written()
    for (const [who, headers] of [
      ['the learner', pf.learner(other.learnerId)],
      ['registrar', pf.platform.keys.auth({ roles: ['registrar'], org: f.school })],
      ['reviewer', pf.platform.keys.auth({ roles: ['reviewer'], org: f.school })],
      ['admin', pf.admin],
      ['institution client', pf.platform.keys.auth({ typ: 'client', org: f.school })],
    ] as const) {
      const res = await ask([theirs], headers)
      t.equal(res.statusCode, 403, `${who}: 403`)
      t.equal(res.json().code, 'AUTH_FORBIDDEN')
      t.notOk(res.body.includes('李四'), `${who}: no name in the answer`)
    }
    const anonymous = await app.inject({
      method: 'POST',
      url: '/v1/evidence/names/batch',
      payload: { ids: [theirs] },
    })
    t.equal(anonymous.statusCode, 401)
    t.notOk(anonymous.body.includes('李四'))
    t.same(await written(), before, 'nothing written')
  },
)

t.test('bounds: at most 1,000 ids, each a uuid, at least one, nothing else', async (t) => {
  const before = await written()
  const many = Array.from({ length: 1_001 }, () => randomUUID())
  const tooMany = await ask(many)
  t.equal(tooMany.statusCode, 400)
  t.match(tooMany.json(), {
    code: 'VALIDATION_FAILED',
    errors: [{ path: '/ids', code: 'FIELD_TOO_MANY' }],
  })
  const most = await ask(many.slice(0, 1_000))
  t.equal(most.statusCode, 200)
  t.equal(most.json().items.length, 1_000)
  const malformed = await ask(['not-a-uuid'])
  t.match(malformed.json(), { code: 'VALIDATION_FAILED', errors: [{ code: 'FIELD_FORMAT' }] })
  for (const bad of [['not-a-uuid'], [], 'x', [theirs, 42], null]) {
    const res = await ask(bad)
    t.equal(res.statusCode, 400, JSON.stringify(bad))
    t.equal(res.json().code, 'VALIDATION_FAILED')
    t.notOk(res.body.includes('李四'))
  }
  const extra = await app.inject({
    method: 'POST',
    url: '/v1/evidence/names/batch',
    headers: service,
    payload: { ids: [theirs], learnerId: other.learnerId },
  })
  t.equal(extra.statusCode, 400)
  t.same(await written(), before, 'nothing written')
})
