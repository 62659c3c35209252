import type { AppError } from '@creditbank/contracts'
import t from 'tap'
import { cursorKey, decodeCursor, encodeCursor, toPage } from '../src/pagination.js'

t.test('a page takes limit + 1 rows: the extra one says there is more', async (t) => {
  const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }]
  const first = toPage(
    rows,
    2,
    (r) => [r.id],
    (r) => r.id.toUpperCase(),
  )
  t.same(first.items, ['A', 'B'])
  t.equal(cursorKey(first.nextCursor ?? undefined), 'b', 'the cursor is the last row shown')
  t.same(
    toPage(
      rows.slice(0, 2),
      2,
      (r) => [r.id],
      (r) => r.id,
    ).nextCursor,
    null,
  )
})

t.test('cursors round-trip, and anything else is a 400 CURSOR_MALFORMED', async (t) => {
  t.same(decodeCursor(encodeCursor(['2026-12-07', 'x', 3]), 3), ['2026-12-07', 'x', 3])
  t.equal(cursorKey(undefined), undefined)
  for (const bad of ['!', encodeCursor(['a', 'b']), encodeCursor([7]), 'e30']) {
    const err = t.throws(() => cursorKey(bad)) as AppError
    t.equal(err.code, 'CURSOR_MALFORMED', `${bad} is refused`)
    t.equal(err.kind, 'bad_request')
  }
})
