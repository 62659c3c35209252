import { setClock } from '@creditbank/contracts'
import { sql } from 'kysely'
import t from 'tap'
import { uuidv7 } from 'uuidv7'
import { buildAccounts, course, person } from './helper.js'

// Issue 17, who looked (decision 0720): every read of a learner's data by staff is recorded in the
// request that reads, with who, when, why (the route) and from where; the learner sees the list,
// reads by the learner themself are not in it, and the database refuses to change it.

const a = await buildAccounts()
t.teardown(() => a.close())
const { app } = a
const raw = a.platform.database.kysely
const school = await a.registerOrg('school')
const registrarId = uuidv7()
const registrar = a.keys.auth({ roles: ['registrar'], org: school, sub: registrarId })

const p = person({ name: '李看看' })
const l = await a.openLearner(p, a.registrar(school))
const other = await a.openLearner(person())
const me = a.learnerAuth(l.id)
const log = (headers: Record<string, string>, id = l.id, query = '') =>
  app.inject({ method: 'GET', url: `/v1/learners/${id}/access-log${query}`, headers })
await app.inject({
  method: 'POST',
  url: '/v1/outcomes',
  headers: a.registrar(school),
  payload: course(l.id, { credits: '3' }),
})

t.test("a registrar's find and read are recorded with who, when, why and where", async (t) => {
  const at = new Date('2026-12-06T02:30:00.000Z')
  setClock(at)
  t.teardown(() => setClock(null))
  const found = await app.inject({
    method: 'POST',
    url: '/v1/learners/find',
    headers: { ...registrar, 'x-forwarded-for': '203.0.113.7' },
    payload: { nationalId: p.nationalId, name: p.name },
  })
  t.match(found.json().items, [{ id: l.id }])
  const read = await app.inject({
    method: 'GET',
    url: `/v1/learners/${l.id}`,
    headers: { ...registrar, 'x-forwarded-for': '203.0.113.8' },
    remoteAddress: '198.51.100.2',
  })
  t.equal(read.statusCode, 200)

  const mine = (await log(me)).json()
  t.match(mine.items, [
    { at: at.toISOString(), role: 'registrar', organization: { id: school }, what: 'profile' },
    { at: at.toISOString(), role: 'registrar', organization: { id: school }, what: 'find' },
  ])
  t.notOk('ip' in mine.items[0], 'the learner is not told staff addresses')
  t.notOk('actorId' in mine.items[0], 'nor staff ids')

  const full = (await log(a.admin)).json()
  t.match(full.items.slice(0, 2), [
    {
      route: 'GET /v1/learners/:id',
      actorKind: 'user',
      actorId: registrarId,
      // The proxy header is believed only from a trusted proxy (loopback): here the caller's own address.
      ip: '198.51.100.2',
    },
    { route: 'POST /v1/learners/find', actorId: registrarId, ip: '203.0.113.7' },
  ])
  const byOrg = (
    await app.inject({
      method: 'GET',
      url: `/v1/access-log?orgId=${school}&actorId=${registrarId}`,
      headers: a.admin,
    })
  ).json()
  t.equal(byOrg.items.length, 2, 'admins query by organization and staff user')
})

t.test('every read of staff is recorded; find of several in one statement', async (t) => {
  const before = (await log(a.admin, l.id, '?limit=100')).json().items.length
  for (const url of [`/v1/learners/${l.id}/enrollments`, `/v1/learners/${l.id}/entries`])
    t.equal((await app.inject({ method: 'GET', url, headers: registrar })).statusCode, 200, url)
  for (const url of [`/v1/learners/${l.id}/account`, `/v1/learners/${l.id}/chain`])
    t.equal((await app.inject({ method: 'GET', url, headers: a.admin })).statusCode, 200, url)
  const looked = await app.inject({
    method: 'POST',
    url: '/v1/learners/lookup',
    headers: registrar,
    payload: { nationalId: p.nationalId, name: p.name },
  })
  t.equal(looked.statusCode, 200)
  const batch = await app.inject({
    method: 'POST',
    url: '/v1/learners/lookup/batch',
    headers: registrar,
    payload: { items: [{ accountNo: l.accountNo }, { accountNo: other.accountNo }] },
  })
  t.equal(batch.statusCode, 200)
  const again = await app.inject({
    method: 'POST',
    url: '/v1/learners',
    headers: registrar,
    payload: p,
  })
  t.equal(again.statusCode, 200, 'opening the same person again answers the learner there')
  const items = (await log(a.admin, l.id, '?limit=100')).json().items
  t.equal(items.length - before, 7)
  t.same(
    items.slice(0, 7).map((i: { what: string; role: string }) => `${i.what} ${i.role}`),
    [
      'open registrar',
      'lookup registrar',
      'lookup registrar',
      'chain admin',
      'account admin',
      'entries registrar',
      'enrollments registrar',
    ],
  )
  const others = (await log(a.admin, other.id)).json().items
  t.match(others, [{ what: 'lookup', role: 'registrar' }], 'the batch recorded each learner')
})

t.test("the learner's own reads are not recorded", async (t) => {
  const before = (await log(a.admin, l.id, '?limit=100')).json().items.length
  for (const path of ['', '/enrollments', '/entries', '/account', '/chain'])
    t.equal(
      (await app.inject({ method: 'GET', url: `/v1/learners/${l.id}${path}`, headers: me }))
        .statusCode,
      200,
    )
  t.equal((await log(a.admin, l.id, '?limit=100')).json().items.length, before)
})

t.test(
  'an import names the learners it found: preview and import are reads, new accounts are not',
  async (t) => {
    const fresh = person({ name: '周新开' })
    const csv = (ref: string) =>
      [
        'nationalId,name,kind,title,hours,occurredOn,externalRef',
        `${p.nationalId},${p.name},training,安全培训,8,2026-03-01,AL-${ref}-1`,
        `${fresh.nationalId},${fresh.name},training,安全培训,8,2026-03-01,AL-${ref}-2`,
      ].join('\r\n')
    const upload = (query: string, ref: string) =>
      app.inject({
        method: 'POST',
        url: `/v1/outcomes/import${query}`,
        headers: { ...registrar, 'content-type': 'text/csv' },
        payload: csv(ref),
      })
    const reads = async (id: string) =>
      (await log(a.admin, id, '?limit=100'))
        .json()
        .items.filter((i: { route: string }) => i.route === 'POST /v1/outcomes/import')

    const preview = await upload('?dryRun=true', 'P')
    t.equal(preview.statusCode, 200, preview.body)
    t.match(preview.json().rows, [{ name: p.name }, { name: fresh.name, newLearner: true }])
    t.match(await reads(l.id), [{ what: 'import', actorId: registrarId, role: 'registrar' }])
    t.equal((await reads(l.id)).length, 1, 'the preview is one read of the learner it showed')
    t.notOk('shown' in preview.json(), 'the list of learners read is not sent')

    const done = await upload('', 'I')
    t.equal(done.statusCode, 201, done.body)
    t.equal((await reads(l.id)).length, 2, 'the import, a second read, in its transaction')
    const opened = done.json().rows[1]
    const freshId = (
      await a.db
        .selectFrom('learner')
        .select('id')
        .where('account_no', '=', opened.accountNo)
        .execute()
    )[0]!.id
    t.same(await reads(freshId), [], 'an account the file opened was not read, it was written')

    const bad = await app.inject({
      method: 'POST',
      url: '/v1/outcomes/import?dryRun=true',
      headers: { ...registrar, 'content-type': 'text/csv' },
      payload: `nationalId,name,kind,title,hours,occurredOn\r\n${p.nationalId},${p.name},training,,8,2026-03-01`,
    })
    t.equal(bad.statusCode, 422)
    t.equal((await reads(l.id)).length, 2, 'a refused file shows no one and records nothing')
  },
)

t.test('the list is the learner’s and the admins’ only; paged', async (t) => {
  t.equal((await log(a.learnerAuth(other.id))).statusCode, 404, 'another learner: 404')
  t.equal((await log(registrar)).statusCode, 404, 'staff of a school that knows them: 404')
  t.equal((await log({})).statusCode, 401)
  t.equal(
    (await app.inject({ method: 'GET', url: '/v1/access-log', headers: registrar })).statusCode,
    403,
  )
  const first = (await log(me, l.id, '?limit=2')).json()
  t.equal(first.items.length, 2)
  const second = (await log(me, l.id, `?limit=2&cursor=${first.nextCursor}`)).json()
  t.equal(second.items.length, 2)
  t.ok(second.items[0].id < first.items[1].id, 'the next page goes on from the last')
  // A cursor made by hand (base64url of ["x"]) is refused, not sent to Postgres as a bad uuid.
  const forged = await log(me, l.id, '?cursor=WyJ4Il0')
  t.equal(forged.statusCode, 400)
  t.equal(forged.json().code, 'CURSOR_MALFORMED')
})

t.test('a raw UPDATE, DELETE or TRUNCATE of the log is refused by the database', async (t) => {
  const n = async () =>
    (await sql<{ n: string }>`select count(*)::text as n from accounts.learner_read`.execute(raw))
      .rows[0]?.n
  const before = await n()
  await t.rejects(
    sql`update accounts.learner_read set ip = '0.0.0.0'`.execute(raw),
    /learner_read is append-only: UPDATE refused/,
  )
  await t.rejects(
    sql`delete from accounts.learner_read`.execute(raw),
    /learner_read is append-only: DELETE refused/,
  )
  await t.rejects(
    sql`truncate accounts.learner_read`.execute(raw),
    /learner_read is append-only: TRUNCATE refused/,
  )
  await t.rejects(
    a.db.deleteFrom('learner_read').where('learner_id', '=', l.id).execute(),
    /append-only/,
  )
  t.equal(await n(), before)
})

t.test('a read whose record cannot be written does not answer the data', async (t) => {
  await sql`create function accounts.refuse_read() returns trigger language plpgsql as $$
    begin raise exception 'the log is down'; end $$`.execute(raw)
  await sql`create trigger refuse_read before insert on accounts.learner_read
    for each row execute function accounts.refuse_read()`.execute(raw)
  t.teardown(async () => {
    await sql`drop trigger refuse_read on accounts.learner_read`.execute(raw)
  })
  const read = await app.inject({ method: 'GET', url: `/v1/learners/${l.id}`, headers: registrar })
  t.equal(read.statusCode, 500)
  t.notMatch(read.body, p.name, 'no name in the answer')
  const found = await app.inject({
    method: 'POST',
    url: '/v1/learners/find',
    headers: registrar,
    payload: { nationalId: p.nationalId, name: p.name },
  })
  t.equal(found.statusCode, 500)
  t.notMatch(found.body, l.id)
  t.equal(
    (await app.inject({ method: 'GET', url: `/v1/learners/${l.id}`, headers: me })).statusCode,
    200,
    "the learner's own read needs no record",
  )
})
