import { schemaDrift } from '@creditbank/db'
import { testDatabase } from '@creditbank/testing'
import t from 'tap'
import { portfolioColumns } from '../src/db/columns.js'
import { migrations } from '../src/db/migrations.js'
import { SCHEMA } from '../src/db/schema.js'

// The Kysely interfaces are held to the declaration by the compiler; this holds the declaration to
// a freshly migrated database: every table and column, its nullability and kind (decision 0709).
const tdb = await testDatabase({ [SCHEMA]: migrations })
t.teardown(() => tdb.destroy())

t.test('the migrated tables are the ones the types declare', async (t) => {
  t.same(await schemaDrift(tdb.database.kysely, SCHEMA, portfolioColumns), [])
})
