import { randomBytes } from 'node:crypto'
import { migrate, openDatabase } from '@creditbank/db'
import { sql } from 'kysely'
import t from 'tap'

const migrations = {
  '2026-11-29T0001_a': {
    up: [
      'create table thing (id int primary key, amount numeric(10,2) not null, big int8 not null, day date not null)',
    ],
  },
  '2026-11-29T0002_b': { up: ['alter table thing add column note text'] },
}

t.test(
  'two replicas migrating one schema at once both succeed and apply each migration once',
  async (t) => {
    const url = process.env.DATABASE_URL
    const schema = `mig_${randomBytes(4).toString('hex')}`
    // Embedded there is one engine per process; on Postgres each replica has its own pool.
    const a = await openDatabase(url ? { url, poolMax: 2 } : {})
    const b = url ? await openDatabase({ url, poolMax: 2 }) : a
    t.teardown(async () => {
      await sql.raw(`drop schema if exists "${schema}" cascade`).execute(a.kysely)
      await a.close()
      if (b !== a) await b.close()
    })
    const [ra, rb] = await Promise.all([
      migrate(a, schema, migrations),
      migrate(b, schema, migrations),
    ])
    t.same(
      [...ra, ...rb].sort(),
      Object.keys(migrations).sort(),
      'each migration ran exactly once across both',
    )
    const applied = await sql<{
      name: string
    }>`select name from ${sql.table(`${schema}.kysely_migration`)} order by name`.execute(a.kysely)
    t.same(
      applied.rows.map((r) => r.name),
      Object.keys(migrations),
      'the migration table lives in the service schema',
    )
    t.same(await migrate(a, schema, migrations), [], 'a restart runs nothing')
  },
)

t.test('numeric, int8 and date come back as exact strings', async (t) => {
  const url = process.env.DATABASE_URL
  const db = await openDatabase(url ? { url, poolMax: 1 } : {})
  t.teardown(() => db.close())
  const r = await sql<{
    n: string
    b: string
    d: string
  }>`select 12345678.91::numeric(12,2) as n, 9007199254740993::int8 as b, '2026-02-28'::date as d`.execute(
    db.kysely,
  )
  t.same(r.rows[0], { n: '12345678.91', b: '9007199254740993', d: '2026-02-28' })
})
