import { defineErrors } from '@creditbank/contracts'

const errors = defineErrors({
  CURSOR_MALFORMED: [
    'bad_request',
    'The cursor is not one this API gave out',
    '翻页标记无效，请从第一页重新查看',
  ],
})

/** Cursors are opaque to clients: the position of the last item, base64url-encoded. */
export function encodeCursor(position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url')
}

export function decodeCursor(
  cursor: string | undefined,
  arity: number,
): (string | number)[] | undefined {
  if (cursor === undefined) return undefined
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (
      Array.isArray(parsed) &&
      parsed.length === arity &&
      parsed.every((v) => typeof v === 'string' || typeof v === 'number')
    )
      return parsed
  } catch {}
  throw errors.CURSOR_MALFORMED()
}

/** The position of a one-key cursor (an id, a name, a time): what most lists page by. */
export function cursorKey(cursor: string | undefined): string | undefined {
  const position = decodeCursor(cursor, 1)
  if (position === undefined) return undefined
  if (typeof position[0] !== 'string') throw errors.CURSOR_MALFORMED()
  return position[0]
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The id of a one-key cursor over uuid ids: one made by hand is refused, never sent to Postgres. */
export function idCursorKey(cursor: string | undefined): string | undefined {
  const id = cursorKey(cursor)
  if (id !== undefined && !UUID.test(id)) throw errors.CURSOR_MALFORMED()
  return id
}

/** Takes `limit + 1` rows and turns them into a page with the next cursor. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  position: (row: R) => (string | number)[],
  map: (row: R) => T,
) {
  const more = rows.length > limit
  const items = (more ? rows.slice(0, limit) : rows).map(map)
  const last = more ? rows[limit - 1] : undefined
  return { items, nextCursor: last ? encodeCursor(position(last)) : null }
}
