import { type Kysely, sql } from 'kysely'

/**
 * Where any of the needles is in the clear: every text, JSON and array column of every table of
 * these schemas, as `schema.table.column`, sorted, once each. The erasure and sealing tests walk
 * the database with it rather than naming the columns they expect, so a new column is walked too.
 */
export async function clearTextIn(
  db: Kysely<any>,
  schemas: string[],
  needles: string[],
): Promise<string[]> {
  const cols = await sql<{ table_schema: string; table_name: string; column_name: string }>`
    select c.table_schema, c.table_name, c.column_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = any(${schemas}) and t.table_type = 'BASE TABLE'
      and c.data_type in ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY')`.execute(
    db,
  )
  if (cols.rows.length === 0) throw new Error(`no text column in ${schemas.join(', ')}`)
  const hits = new Set<string>()
  for (const c of cols.rows)
    for (const needle of needles) {
      const r = await sql<{ n: string }>`select count(*)::text as n
        from ${sql.table(`${c.table_schema}.${c.table_name}`)}
        where ${sql.ref(c.column_name)}::text like ${`%${needle}%`}`.execute(db)
      if (r.rows[0]!.n !== '0') hits.add(`${c.table_schema}.${c.table_name}.${c.column_name}`)
    }
  return [...hits].sort()
}
