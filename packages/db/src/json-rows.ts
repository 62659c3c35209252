import { type RawBuilder, sql } from 'kysely'

/** The columns for `jsonRows`, each with its Postgres type. */
export type RowColumns<R> = { [K in keyof R & string]?: string }

/**
 * `select c1, c2, … from json_to_recordset($1::json) as r(c1 t1, c2 t2, …)` over rows: the rows
 * travel as one JSON text parameter, whatever their number, in the order given. A 1,000-row insert
 * binds one parameter instead of 27,000 (which Postgres took longer to parse and bind than to
 * write the rows), and JSON.stringify builds it in one flat string: one array a column (`unnest`)
 * cost more on our side, element by element escaped and concatenated. Values are scalars (text,
 * numbers, dates, null), or objects for a `json` column (their text is kept as JSON.stringify wrote
 * it, also when inserted into a text column); a field a row lacks is null. Use with
 * `insertInto(t).columns(names).expression(select)`.
 */
export function jsonRows<R extends object>(
  rows: readonly R[],
  columns: RowColumns<R>,
): { names: (keyof R & string)[]; select: RawBuilder<unknown> } {
  const names = Object.keys(columns) as (keyof R & string)[]
  const defs = names.map((n) => sql`${sql.ref(n)} ${sql.raw(columns[n]!)}`)
  return {
    names,
    select: sql`select ${sql.join(names.map((n) => sql.ref(n)))} from json_to_recordset(${JSON.stringify(rows)}::json) as r(${sql.join(defs)})`,
  }
}
