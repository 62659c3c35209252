import { type RawBuilder, sql } from 'kysely'

/** A column for `unnestRows`: its name and its Postgres type (an array of it is bound). */
export type UnnestColumns<R> = { [K in keyof R & string]?: string }

/**
 * `select * from unnest($1::t1[], $2::t2[], …) as r(c1, c2, …)` over rows: one bound array a
 * column instead of one parameter a value. A 1,000-row insert then binds 27 parameters instead of
 * 27,000, which Postgres parses, plans and binds in a fraction of the time, and no slicing is
 * needed to stay under the 65,535-parameter limit. Use with `insertInto(t).columns(names).expression(…)`.
 */
export function unnestRows<R extends object>(rows: readonly R[], columns: UnnestColumns<R>): { names: (keyof R & string)[]; select: RawBuilder<unknown> } {
  const names = Object.keys(columns) as (keyof R & string)[]
  const arrays = names.map((name) => sql`${rows.map((r) => (r as Record<string, unknown>)[name] ?? null)}::${sql.raw(columns[name]!)}[]`)
  return { names, select: sql`select * from unnest(${sql.join(arrays)}) as r(${sql.join(names.map((n) => sql.ref(n)))})` }
}
