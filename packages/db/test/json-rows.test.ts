import { randomBytes, randomUUID } from 'node:crypto'
import { jsonRows, openDatabase } from '@creditbank/db'
import { sql } from 'kysely'
import t, { type Test } from 'tap'

/** A table of its own for one test (rows numbered by `seq` in insertion order), dropped after it. */
async function tableFor(t: Test, columns: string) {
  const db = await openDatabase(
    process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, poolMax: 2 } : {},
  )
  const table = `json_rows_${randomBytes(4).toString('hex')}`
  t.teardown(async () => {
    await sql.raw(`drop table if exists ${table}`).execute(db.kysely)
    await db.close()
  })
  await sql.raw(`create table ${table} (seq bigserial primary key, ${columns})`).execute(db.kysely)
  return { db, table }
}

t.test(
  'jsonRows inserts rows as one parameter: order kept, absent fields null, every type round-trips',
  async (t) => {
    const { db, table } = await tableFor(
      t,
      'id uuid, title text, amount numeric(8, 2), big bigint, day date, at timestamptz',
    )
    type Row = {
      id: string
      title?: string | null
      amount?: string | null
      big?: string
      day?: string
      at?: Date
    }
    const at = new Date('2026-11-29T08:30:00.123Z')
    const rows: Row[] = [
      {
        id: randomUUID(),
        title: '网页设计 "quoted", back\\slash, {braces}, 🎓',
        amount: '4.50',
        big: '9007199254740993',
        day: '2024-06-30',
        at,
      },
      { id: randomUUID() },
      { id: randomUUID(), title: null, amount: null },
      ...Array.from({ length: 997 }, (_, i) => ({
        id: randomUUID(),
        title: `row ${i}`,
        amount: String(i % 8),
        day: '2010-01-01',
      })),
    ]
    const values = jsonRows(rows, {
      id: 'uuid',
      title: 'text',
      amount: 'numeric',
      big: 'bigint',
      day: 'date',
      at: 'timestamptz',
    })
    const q = db.kysely.insertInto(table).columns(values.names).expression(values.select)
    t.equal(q.compile().parameters.length, 1, 'one parameter for 1,000 rows')
    await q.execute()
    const back = await sql<{
      id: string
      title: string | null
      amount: string | null
      big: string | null
      day: string | null
      at: Date | null
    }>`select id, title, amount, big, day, at from ${sql.table(table)} order by seq`.execute(
      db.kysely,
    )
    t.same(
      back.rows.map((r) => r.id),
      rows.map((r) => r.id),
      'in the order given',
    )
    t.same(back.rows[0], {
      id: rows[0]!.id,
      title: rows[0]!.title,
      amount: '4.50',
      big: '9007199254740993',
      day: '2024-06-30',
      at,
    })
    t.same(
      back.rows[1],
      { id: rows[1]!.id, title: null, amount: null, big: null, day: null, at: null },
      'absent fields are null',
    )
    t.same(back.rows[2]!.title, null)
    t.equal(back.rows[999]!.amount, '4.00')
  },
)

t.test(
  'jsonRows: an object for a json column arrives as the text JSON.stringify wrote, also in a text column',
  async (t) => {
    const { db, table } = await tableFor(t, 'value text not null')
    const docs = [
      { b: 1, a: '网页 "x" \\ \n', nested: { z: [1, 2.5, null, true], y: '🎓' } },
      { empty: {} },
    ]
    const values = jsonRows(
      docs.map((value) => ({ value })),
      { value: 'json' },
    )
    await db.kysely.insertInto(table).columns(values.names).expression(values.select).execute()
    const back = await sql<{
      value: string
    }>`select value from ${sql.table(table)} order by seq`.execute(db.kysely)
    t.same(
      back.rows.map((r) => r.value),
      docs.map((d) => JSON.stringify(d)),
      'byte for byte, key order kept',
    )
  },
)
