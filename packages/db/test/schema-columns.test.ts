import { testDatabase } from '@creditbank/testing'
import t from 'tap'
import { type DeclaredColumns, schemaDrift } from '../src/index.js'

// schemaDrift names every way a declaration and a migrated schema can differ.
const tdb = await testDatabase({
  drift: {
    '0001': {
      up: [
        `create table item (
          id uuid primary key,
          title text not null,
          note text,
          credits numeric(6, 2) not null,
          tags text[] not null default '{}',
          at timestamptz not null default now()
        )`,
        `create table extra (id uuid primary key)`,
      ],
    },
  },
})
t.teardown(() => tdb.destroy())
const db = tdb.database.kysely

const agreeing: DeclaredColumns = {
  item: {
    id: ['uuid', false],
    title: ['text', false],
    note: ['text', true],
    credits: ['numeric', false],
    tags: ['text[]', false],
    at: ['timestamptz', false],
  },
  extra: { id: ['uuid', false] },
}

t.test(
  'a declaration that agrees finds nothing (the migrator’s tables are not counted)',
  async (t) => {
    t.same(await schemaDrift(db, 'drift', agreeing), [])
  },
)

t.test('each kind of drift is named', async (t) => {
  const { extra: _extra, ...withoutExtra } = agreeing
  t.same(
    await schemaDrift(db, 'drift', {
      ...withoutExtra,
      item: {
        ...agreeing.item,
        note: ['text', false],
        credits: ['integer', false],
        at: ['timestamptz', false],
        gone: ['text', true],
      },
      missing: { id: ['uuid', false] },
    }),
    [
      'missing: declared, but no such table in drift',
      'extra: a table in drift the types do not declare',
      'item.gone: declared, but no such column',
      'item.note: declared not null, is nullable',
      'item.credits: declared integer, is numeric',
    ],
  )
  const { title: _title, ...noTitle } = agreeing.item as Record<string, ['text', false]>
  t.same(await schemaDrift(db, 'drift', { ...agreeing, item: noTitle }), [
    'item.title: a text column the types do not declare',
  ])
})
