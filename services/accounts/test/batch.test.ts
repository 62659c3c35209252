import { eventually } from '@creditbank/testing'
import t from 'tap'
import { buildAccounts, counts, course, person } from './helper.js'

const a = await buildAccounts()
t.teardown(() => a.close())
const { app } = a
const school = await a.registerOrg('school')
const learners = await Promise.all(
  Array.from({ length: 5 }, () => a.openLearner(person(), a.registrar(school))),
)

const batch = (
  headers: Record<string, string>,
  payload: unknown,
  extra: Record<string, string> = {},
) =>
  app.inject({
    method: 'POST',
    url: '/v1/outcomes/batch',
    headers: { ...headers, ...extra },
    payload: payload as object,
  })
const csv = (headers: Record<string, string>, body: string, extra: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/v1/outcomes/batch',
    headers: { ...headers, 'content-type': 'text/csv', ...extra },
    payload: body,
  })

t.test(
  'a JSON batch of 1,000 is written in one transaction, each account chained in order',
  async (t) => {
    const items = Array.from({ length: 1_000 }, (_, i) =>
      course(learners[i % 5]!.id, { externalRef: `B1-${i}`, title: `课程${i}` }),
    )
    const res = await batch(a.registrar(school), { items })
    t.equal(res.statusCode, 201)
    const body = res.json()
    t.equal(body.created, 1_000)
    t.equal(body.items.length, 1_000)
    t.same(
      body.items.slice(0, 5).map((e: { externalRef: string }) => e.externalRef),
      ['B1-0', 'B1-1', 'B1-2', 'B1-3', 'B1-4'],
      'answers in the order posted',
    )
    for (const l of learners) {
      const chain = (
        await app.inject({ method: 'GET', url: `/v1/learners/${l.id}/chain`, headers: a.admin })
      ).json()
      t.match(chain, { valid: true, entryCount: 200 })
    }
    await eventually(
      async () => a.platform.transport.events('accounts.outcome.posted').length >= 1_000,
    )
    const again = await batch(a.registrar(school), { items })
    t.equal(again.statusCode, 200, 'the same batch again: every externalRef answers its entry')
    t.match(again.json(), { created: 0, existing: 1_000 })
  },
)

t.test('any bad item: 422 naming every bad item and field, nothing written', async (t) => {
  const before = await counts(a.db)
  const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)
  const items: unknown[] = Array.from({ length: 10 }, (_, i) =>
    course(learners[0]!.id, { externalRef: `B2-${i}` }),
  )
  items[1] = course(learners[0]!.id, { credits: '-1' })
  items[3] = course(learners[0]!.id, { credits: 3 })
  items[4] = course(learners[0]!.id, { occurredOn: tomorrow, grade: undefined })
  items[6] = course('0190aaaa-0000-7000-8000-00000000beef')
  items[7] = course(learners[0]!.id, { externalRef: 'B2-0' })
  items[8] = { ...course(learners[0]!.id), surprise: true }
  items[9] = 'not an object'
  const res = await batch(a.registrar(school), { items })
  t.equal(res.statusCode, 422, `answers 422${res.statusCode === 422 ? '' : `: ${res.body}`}`)
  t.equal(res.json().code, 'ACCOUNTS_BATCH_INVALID')
  const paths = res.json().errors.map((e: { path: string }) => e.path)
  for (const p of [
    '/items/1/credits',
    '/items/3/credits',
    '/items/4/occurredOn',
    '/items/4/grade',
    '/items/6/learnerId',
    '/items/7/externalRef',
    '/items/8/surprise',
    '/items/9',
  ]) {
    t.ok(paths.includes(p), `names ${p}`)
  }
  t.notOk(
    paths.some((p: string) => /^\/items\/(0|2|5)\//.test(p)),
    'good items are not named',
  )
  t.same(await counts(a.db), before, 'nothing written')
})

t.test('oversized, empty and malformed batches are 4xx and write nothing', async (t) => {
  const before = await counts(a.db)
  const big = await batch(a.registrar(school), {
    items: Array.from({ length: 1_001 }, () => course(learners[0]!.id)),
  })
  t.equal(big.statusCode, 400)
  t.equal(big.json().errors[0].path, '/items')
  t.equal((await batch(a.registrar(school), { items: [] })).statusCode, 400)
  t.equal((await batch(a.registrar(school), { items: {} })).statusCode, 400)
  t.equal((await batch(a.registrar(school), { items: [], more: 1 })).statusCode, 400)
  const header =
    'learnerId,kind,title,code,credits,hours,gradeScore,gradeScale,level,occurredOn,externalRef\n'
  const unclosed = await csv(
    a.registrar(school),
    `${header}${learners[0]!.id},course,"网页,2,,85,100,,2024-06-30,X1\n`,
  )
  t.equal(unclosed.statusCode, 400)
  t.equal(unclosed.json().code, 'ACCOUNTS_CSV_MALFORMED')
  const ragged = await csv(a.registrar(school), `${header}${learners[0]!.id},course\n`)
  t.equal(ragged.statusCode, 400, 'a row with the wrong number of cells')
  const onlyHeader = await csv(a.registrar(school), header)
  t.equal(onlyHeader.statusCode, 400, 'no rows')
  const manyRows =
    header +
    Array.from(
      { length: 1_001 },
      (_, i) => `${learners[0]!.id},course,C,,2,,80,100,,2024-06-30,M${i}`,
    ).join('\n')
  t.equal((await csv(a.registrar(school), manyRows)).statusCode, 400, 'more than 1,000 rows')
  const nul = await csv(
    a.registrar(school),
    `${header}${learners[0]!.id},course,网页\u0000,,2,,80,100,,2024-06-30,N1\n`,
  )
  t.equal(nul.statusCode, 400, 'a NUL in a cell')
  t.equal(nul.json().errors[0].path, '/items/0/title')
  const binary = await app.inject({
    method: 'POST',
    url: '/v1/outcomes/batch',
    headers: { ...a.registrar(school), 'content-type': 'application/octet-stream' },
    payload: Buffer.from([0, 1, 2]),
  })
  t.equal(binary.statusCode, 415)
  t.same(await counts(a.db), before)
})

t.test('CSV: the columns schools export, empty cells absent, bad rows named', async (t) => {
  const l = learners[1]!.id
  const body = [
    'learnerId,kind,title,code,credits,hours,gradeScore,gradeScale,level,occurredOn,externalRef',
    `${l},course,网页设计,WEB201,4,,85,100,,2024-06-30,CSV-1`,
    `${l},training,"岗前培训, 安全",,,16,,,,2024-03-01,CSV-2`,
    `${l},competition,技能大赛,,,,,,provincial,2024-05-20,CSV-3`,
  ].join('\r\n')
  const res = await csv(a.client(school), `\ufeff${body}\r\n`)
  t.equal(res.statusCode, 201, `answers 201${res.statusCode === 201 ? '' : `: ${res.body}`}`)
  t.match(res.json().items, [
    { kind: 'course', credits: '4.00', grade: { score: '85', scale: '100' }, externalRef: 'CSV-1' },
    {
      kind: 'training',
      title: '岗前培训, 安全',
      hours: '16.0',
      credits: null,
      externalRef: 'CSV-2',
    },
    { kind: 'competition', level: 'provincial', externalRef: 'CSV-3' },
  ])
  const before = await counts(a.db)
  const bad = [
    'learnerId,kind,title,credits,gradeScore,gradeScale,occurredOn,externalRef,colour',
    `${l},course,A,4,85,100,2024-06-30,CSV-4,`,
    `${l},course,B,4.567,85,100,2024-06-30,CSV-5,`,
    `${l},course,C,4,85,100,2024-06-30,CSV-6,red`,
  ].join('\n')
  const refused = await csv(a.client(school), bad)
  t.equal(refused.statusCode, 422)
  t.same(
    refused
      .json()
      .errors.map((e: { path: string }) => e.path)
      .sort(),
    ['/items/1/credits', '/items/2/colour'],
  )
  t.same(await counts(a.db), before)
})

t.test('a batch under an Idempotency-Key: a replay answers the first result', async (t) => {
  const me = a.registrar(school)
  const items = Array.from({ length: 20 }, (_, i) => course(learners[2]!.id, { title: `K${i}` }))
  const first = await batch(me, { items }, { 'idempotency-key': 'batch-k' })
  const replay = await batch(me, { items }, { 'idempotency-key': 'batch-k' })
  t.equal(first.statusCode, 201)
  t.equal(replay.statusCode, 201)
  t.equal(replay.headers['idempotency-replayed'], 'true')
  t.same(replay.json(), first.json())
  t.equal(
    (await a.db.selectFrom('ledger_entry').select('id').where('title', 'like', 'K%').execute())
      .length,
    20,
  )
  const kept = await a.db
    .selectFrom('idempotency_key')
    .select('body')
    .where('key', '=', 'batch-k')
    .executeTakeFirstOrThrow()
  t.same(
    JSON.parse(kept.body),
    { ids: first.json().items.map((e: { id: string }) => e.id), created: 20, existing: 0 },
    'remembered by the entries’ ids',
  )
})

t.test(
  'a batch that mixes an already-posted ref with other content is a 409 and writes nothing',
  async (t) => {
    const before = await counts(a.db)
    const res = await batch(a.registrar(school), {
      items: [
        course(learners[3]!.id, { externalRef: 'NEW-1' }),
        course(learners[0]!.id, { externalRef: 'B1-0', credits: '9' }),
      ],
    })
    t.equal(res.statusCode, 409)
    t.same(
      res.json().errors.map((e: { path: string }) => e.path),
      ['/items/1/externalRef'],
    )
    t.same(await counts(a.db), before)
  },
)
