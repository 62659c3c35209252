import { type Kysely, type Selectable, sql } from 'kysely'

/**
 * What a column is in Postgres, roughly: enough to tell a text column from a number, a date from
 * a timestamp, a JSON document from an array. Names as `information_schema.columns` has them,
 * shortened (see `kindOf`).
 */
export type ColumnKind =
  | 'text'
  | 'varchar'
  | 'char'
  | 'uuid'
  | 'smallint'
  | 'integer'
  | 'bigint'
  | 'numeric'
  | 'real'
  | 'double'
  | 'boolean'
  | 'timestamptz'
  | 'timestamp'
  | 'date'
  | 'jsonb'
  | 'json'
  | 'bytea'
  | 'inet'
  | 'text[]'
  | 'uuid[]'

type StringKind =
  | 'text'
  | 'varchar'
  | 'char'
  | 'uuid'
  | 'numeric'
  | 'bigint'
  | 'date'
  | 'inet'
  | 'timestamptz'
  | 'timestamp'
  | 'jsonb'
  | 'json'
type NumberKind = 'smallint' | 'integer' | 'bigint' | 'numeric' | 'real' | 'double'

/**
 * The kinds a column may have given the TypeScript type Kysely selects it as (how `pg` and
 * PGlite hand it back): a `string` can be text, a uuid, a numeric or bigint (exact, as text), a
 * date kept as text, or JSON kept as text; a `Date` is a timestamp or a date; an object is JSON.
 */
export type KindsFor<T> = [T] extends [boolean]
  ? 'boolean'
  : [T] extends [Date]
    ? 'timestamptz' | 'timestamp' | 'date'
    : [T] extends [Buffer | Uint8Array]
      ? 'bytea'
      : [T] extends [number]
        ? NumberKind
        : [T] extends [string]
          ? StringKind
          : [T] extends [readonly string[]]
            ? 'text[]' | 'uuid[]'
            : 'jsonb' | 'json'

/**
 * One column: its kind, and whether it may be null (as the selected type says; a column typed
 * `unknown` says nothing, so there the declaration alone is held to the database).
 */
export type ColumnSpec<T> = readonly [
  kind: KindsFor<NonNullable<T>>,
  nullable: unknown extends T ? boolean : null extends T ? true : false,
]

/**
 * The columns of every table of a Kysely database type, declared next to the interfaces. The
 * compiler ties the declaration to the interfaces (every table and column named, no other, each
 * column's nullability and a kind its TypeScript type allows); `schemaDrift` ties it to the
 * migrated database. Together they say the interfaces describe the tables that exist.
 */
export type SchemaColumns<DB> = {
  readonly [T in keyof DB]-?: {
    readonly [C in keyof Selectable<DB[T]>]-?: ColumnSpec<Selectable<DB[T]>[C]>
  }
}

/** A declaration's plain shape, as `schemaDrift` reads it. */
export type DeclaredColumns = Readonly<
  Record<string, Readonly<Record<string, readonly [ColumnKind, boolean]>>>
>

/** Postgres' own names for a column's type, as the declarations write them. */
export function kindOf(dataType: string, udtName: string): string {
  switch (dataType) {
    case 'timestamp with time zone':
      return 'timestamptz'
    case 'timestamp without time zone':
      return 'timestamp'
    case 'character varying':
      return 'varchar'
    case 'character':
      return 'char'
    case 'double precision':
      return 'double'
    case 'ARRAY':
      return `${udtName.replace(/^_/, '')}[]`
    default:
      return dataType
  }
}

/** Tables Kysely's migrator keeps for itself, in every schema; not part of a service's types. */
const MIGRATOR_TABLES = new Set(['kysely_migration', 'kysely_migration_lock'])

/**
 * Where a migrated schema and a declaration differ: tables or columns on one side only, a column
 * nullable on one side only, or of another kind. Empty when they agree.
 */
export async function schemaDrift(
  db: Kysely<unknown>,
  schema: string,
  declared: DeclaredColumns,
): Promise<string[]> {
  const rows = await sql<{
    table_name: string
    column_name: string
    is_nullable: 'YES' | 'NO'
    data_type: string
    udt_name: string
  }>`
    select c.table_name, c.column_name, c.is_nullable, c.data_type, c.udt_name
    from information_schema.columns c
    join information_schema.tables t
      on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = ${schema} and t.table_type = 'BASE TABLE'
    order by c.table_name, c.ordinal_position`.execute(db)
  const actual = new Map<string, Map<string, [string, boolean]>>()
  for (const r of rows.rows) {
    if (MIGRATOR_TABLES.has(r.table_name)) continue
    let table = actual.get(r.table_name)
    if (!table) {
      table = new Map()
      actual.set(r.table_name, table)
    }
    table.set(r.column_name, [kindOf(r.data_type, r.udt_name), r.is_nullable === 'YES'])
  }
  const out: string[] = []
  for (const name of Object.keys(declared).sort())
    if (!actual.has(name)) out.push(`${name}: declared, but no such table in ${schema}`)
  for (const [name, columns] of [...actual].sort(([a], [b]) => a.localeCompare(b))) {
    const spec = declared[name]
    if (!spec) {
      out.push(`${name}: a table in ${schema} the types do not declare`)
      continue
    }
    for (const column of Object.keys(spec))
      if (!columns.has(column)) out.push(`${name}.${column}: declared, but no such column`)
    for (const [column, [kind, nullable]] of columns) {
      const want = spec[column]
      if (!want) {
        out.push(`${name}.${column}: a ${kind} column the types do not declare`)
        continue
      }
      if (want[0] !== kind) out.push(`${name}.${column}: declared ${want[0]}, is ${kind}`)
      if (want[1] !== nullable)
        out.push(
          `${name}.${column}: declared ${want[1] ? 'nullable' : 'not null'}, is ${nullable ? 'nullable' : 'not null'}`,
        )
    }
  }
  return out
}
