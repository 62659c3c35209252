import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely'
import type { Database } from './database.js'

/**
 * A migration is a list of SQL statements, frozen in time: it never imports app code.
 * Statements run unqualified inside the service's schema (search_path is set for the transaction).
 */
export interface SqlMigration {
  up: readonly string[]
  down?: readonly string[]
}

export type Migrations = Readonly<Record<string, SqlMigration>>

function inSchema(schema: string, statements: readonly string[]) {
  return async (db: Kysely<any>) => {
    await sql`select set_config('search_path', ${`"${schema}", public`}, true)`.execute(db)
    for (const statement of statements) await sql.raw(statement).execute(db)
  }
}

/**
 * Runs a service's migrations in its own schema, with the migration tables in that schema too.
 * Kysely's Postgres adapter holds an advisory lock for the run, so replicas starting together are safe.
 */
export async function migrate(
  db: Database,
  schema: string,
  migrations: Migrations,
): Promise<string[]> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`)
  // A session lock around schema creation and the run: replicas starting together wait for each other.
  return db.kysely.connection().execute(async (conn) => {
    const lockKey = `creditbank.migrate.${schema}`
    await sql`select pg_advisory_lock(hashtext(${lockKey}))`.execute(conn)
    try {
      await sql.raw(`create schema if not exists "${schema}"`).execute(conn)
      return await runMigrator(conn, schema, migrations)
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${lockKey}))`.execute(conn)
    }
  })
}

async function runMigrator(
  db: Kysely<any>,
  schema: string,
  migrations: Migrations,
): Promise<string[]> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {}
      for (const [name, m] of Object.entries(migrations)) {
        out[name] = {
          up: inSchema(schema, m.up),
          ...(m.down ? { down: inSchema(schema, m.down) } : {}),
        }
      }
      return out
    },
  }
  const migrator = new Migrator({
    db,
    provider,
    migrationTableSchema: schema,
    migrationTableName: 'kysely_migration',
    migrationLockTableName: 'kysely_migration_lock',
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
