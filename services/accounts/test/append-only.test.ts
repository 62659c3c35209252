import { sql } from 'kysely'
import t from 'tap'
import { buildAccounts, course, person } from './helper.js'

// Issue 16: the ledger is append-only in the database, not by convention. A trigger refuses
// UPDATE, DELETE and TRUNCATE on ledger_entry for every role; posting and reversal (which
// appends) go on as before.

const a = await buildAccounts()
t.teardown(() => a.close())
const { app } = a
const school = await a.registerOrg('school')
const raw = a.platform.database.kysely

const l = await a.openLearner(person(), a.registrar(school))
const posted = await app.inject({
  method: 'POST',
  url: '/v1/outcomes',
  headers: a.registrar(school),
  payload: course(l.id, { credits: '3' }),
})
const entryId: string = posted.json().id

t.test('posting and reversal still work: a reversal is a new entry', async (t) => {
  t.equal(
    posted.statusCode,
    201,
    `answers 201${posted.statusCode === 201 ? '' : `: ${posted.body}`}`,
  )
  const rev = await app.inject({
    method: 'POST',
    url: `/v1/entries/${entryId}/reversal`,
    headers: a.registrar(school),
    payload: { reason: '录入错误' },
  })
  t.equal(rev.statusCode, 201, `answers 201${rev.statusCode === 201 ? '' : `: ${rev.body}`}`)
  t.match(rev.json(), { reversesEntryId: entryId, credits: '-3.00', seq: 2 })
  const chain = await app.inject({
    method: 'GET',
    url: `/v1/learners/${l.id}/chain`,
    headers: a.admin,
  })
  t.match(chain.json(), { valid: true, entryCount: 2 })
})

t.test('a raw UPDATE, DELETE or TRUNCATE of the ledger is refused by the database', async (t) => {
  const before = await a.db.selectFrom('ledger_entry').selectAll().orderBy('seq').execute()
  await t.rejects(
    sql`update accounts.ledger_entry set credits = 40 where id = ${entryId}`.execute(raw),
    /ledger_entry is append-only: UPDATE refused/,
  )
  await t.rejects(
    sql`delete from accounts.ledger_entry where id = ${entryId}`.execute(raw),
    /ledger_entry is append-only: DELETE refused/,
  )
  await t.rejects(
    sql`truncate accounts.ledger_entry cascade`.execute(raw),
    /ledger_entry is append-only: TRUNCATE refused/,
  )
  await t.rejects(
    a.db.updateTable('ledger_entry').set({ title: 'x' }).where('id', '=', entryId).execute(),
    /append-only/,
    'through the service’s own connection too',
  )
  t.same(
    await a.db.selectFrom('ledger_entry').selectAll().orderBy('seq').execute(),
    before,
    'nothing changed',
  )
})
