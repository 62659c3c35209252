import { randomBytes, randomUUID } from 'node:crypto'
import { forSchema } from '@creditbank/db'
import {
  LearnerKeys,
  type LearnerKeyTables,
  learnerKeyTablesV1,
  openBytesFor,
  openFor,
  sealBytesFor,
  sealFor,
} from '@creditbank/service-kit'
import { testDatabase } from '@creditbank/testing'
import t from 'tap'

// LearnerKeys.ensure/ensureMany answer the keys they make without reading them back (decision
// 0730): these check that what they answer is what is stored, that keys made before, tombstones
// and concurrent first uses still come from the table, on PGlite and on real Postgres.
const SCHEMA = 'kit_keys'
const database = await testDatabase({
  [SCHEMA]: { '0001_learner_keys': { up: learnerKeyTablesV1 } },
})
t.teardown(() => database.destroy())
const db = forSchema<LearnerKeyTables>(database.database, SCHEMA)
const keys = new LearnerKeys(randomBytes(32), SCHEMA)

t.test('a new key is answered as stored, and the same key again after', async (t) => {
  const id = randomUUID()
  const made = await db.transaction().execute((trx) => keys.ensure(trx, id))
  t.ok(made && made.length === 32, 'a 256-bit key')
  t.same(await keys.get(db, id), made, 'the key answered is the key stored')
  t.same(
    await db.transaction().execute((trx) => keys.ensure(trx, id)),
    made,
    'ensure again: the same key',
  )
  const sealed = sealFor(made!, '张三')
  t.equal(openFor(await keys.get(db, id), sealed), '张三')
  t.same(
    await db.transaction().execute((trx) => keys.ensure(trx, id.toUpperCase())),
    made,
    'an id in upper case names the same learner',
  )
})

t.test('many at once: new, made before, destroyed, repeated', async (t) => {
  const before = randomUUID()
  const erased = randomUUID()
  const fresh = Array.from({ length: 5 }, () => randomUUID())
  const old = await db.transaction().execute((trx) => keys.ensure(trx, before))
  await db.transaction().execute(async (trx) => {
    await keys.ensure(trx, erased)
    t.equal(await keys.destroy(trx, erased), true)
  })
  const got = await db
    .transaction()
    .execute((trx) => keys.ensureMany(trx, [...fresh, before, erased, fresh[0]!, before]))
  t.equal(got.size, 6, 'every learner once, the erased one absent')
  t.same(got.get(before), old, 'a key made before is the stored one')
  t.notOk(got.has(erased), 'an erased learner gets no key')
  t.same(
    await keys.getMany(db, [...fresh, before, erased]),
    got,
    'what was answered is what is stored',
  )
  t.equal(
    new Set(fresh.map((id) => got.get(id)!.toString('hex'))).size,
    5,
    'each learner a key of their own',
  )
  t.equal(
    await db.transaction().execute((trx) => keys.ensure(trx, erased)),
    null,
    'ensure: null after erasure',
  )
  const row = await db
    .selectFrom('learner_key')
    .selectAll()
    .where('learner_id', '=', erased)
    .executeTakeFirstOrThrow()
  t.equal(row.key_sealed, null, 'the tombstone stays without a key')
  t.same(await db.transaction().execute((trx) => keys.ensureMany(trx, [])), new Map())
})

t.test('two first uses at once agree on one key', async (t) => {
  // The first transaction inserts the key and holds it uncommitted while the second asks for the
  // same learner (on Postgres its insert waits; on PGlite it starts after the first commits).
  for (const outcome of ['commits', 'rolls back'] as const) {
    const id = randomUUID()
    let firstKey: Buffer | null = null
    const first = db
      .transaction()
      .execute(async (trx) => {
        firstKey = await keys.ensure(trx, id)
        await new Promise((r) => setTimeout(r, 300))
        if (outcome === 'rolls back') throw new Error('rolled back')
      })
      .catch(() => undefined)
    await new Promise((r) => setTimeout(r, 50))
    const second = db.transaction().execute((trx) => keys.ensure(trx, id))
    const [, secondKey] = await Promise.all([first, second])
    const stored = await keys.get(db, id)
    const rows = await db
      .selectFrom('learner_key')
      .select('learner_id')
      .where('learner_id', '=', id)
      .execute()
    t.equal(rows.length, 1, `the first ${outcome}: one key row`)
    t.ok(secondKey, `the first ${outcome}: the second has a key`)
    t.same(secondKey, stored, `the first ${outcome}: the second uses the stored key`)
    if (outcome === 'commits') t.same(secondKey, firstKey, 'the winner’s key, not one of its own')
    else t.notSame(secondKey, firstKey, 'the loser’s key is gone with its transaction')
  }
})

t.test('forNew: keys for ids just made, stored by the caller, open as made', async (t) => {
  const fresh = [randomUUID().toUpperCase(), randomUUID()]
  const { keys: made, rows } = keys.forNew(fresh)
  t.same(
    rows.map((r) => r.learner_id),
    fresh.map((id) => id.toLowerCase()),
    'one row per id, as Postgres writes a uuid',
  )
  t.notOk(
    rows.some((r) => r.key_sealed.includes(made.get(r.learner_id)!.toString('hex'))),
    'the rows hold the keys sealed, not in the clear',
  )
  t.same(
    await keys.getMany(
      db,
      rows.map((r) => r.learner_id),
    ),
    new Map(),
    'nothing stored yet',
  )
  await db.insertInto('learner_key').values(rows).execute()
  t.same(
    await keys.getMany(
      db,
      rows.map((r) => r.learner_id),
    ),
    made,
    'the stored rows open to the keys in hand',
  )
  t.same(keys.forNew([]), { keys: new Map(), rows: [] })
})

t.test(
  'bytes sealed as bytes: open under the key only, and not once it is destroyed',
  async (t) => {
    const id = randomUUID()
    const key = (await db.transaction().execute((trx) => keys.ensure(trx, id)))!
    const file = Buffer.concat([Buffer.from('%PDF-1.7 张三的证明'), randomBytes(4096)])
    const sealed = sealBytesFor(key, file)
    t.equal(sealed.length, file.length + 29, 'format byte, IV and tag: no base64')
    t.notOk(sealed.includes(Buffer.from('张三')), 'the bytes are not there in the clear')
    t.same(openBytesFor(await keys.get(db, id), sealed), file)
    t.throws(() => openBytesFor(randomBytes(32), sealed), 'another key does not open them')
    const tampered = Buffer.from(sealed)
    tampered[tampered.length - 1]! ^= 1
    t.throws(() => openBytesFor(key, tampered), 'a changed byte is refused')
    await db.transaction().execute((trx) => keys.destroy(trx, id))
    t.equal(openBytesFor(await keys.get(db, id), sealed), null, 'no key after the erasure')
    t.equal(openBytesFor(key, null), null)
  },
)
