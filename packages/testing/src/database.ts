import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Database, dumpPglite, type Migrations, migrate, openDatabase } from '@creditbank/db'
import pg from 'pg'

export type SchemaMigrations = Record<string, Migrations>

function templateKey(schemas: SchemaMigrations) {
  const h = createHash('sha256')
  for (const [schema, migrations] of Object.entries(schemas).sort()) {
    h.update(schema)
    for (const [name, m] of Object.entries(migrations)) h.update(name).update(JSON.stringify(m))
  }
  return h.digest('hex').slice(0, 12)
}

async function migrateAll(db: Database, schemas: SchemaMigrations) {
  for (const [schema, migrations] of Object.entries(schemas)) await migrate(db, schema, migrations)
}

export interface TestDatabase {
  database: Database
  /** Real Postgres: the name of this file's own database. */
  name?: string
  /** Drops this file's database. */
  destroy(): Promise<void>
}

/**
 * An isolated database for one test file, already migrated. On real Postgres (DATABASE_URL set)
 * it is a new database cloned from a migrated template; embedded, a fresh PGlite loaded from a
 * dump of a migrated one. Templates are keyed by the migrations, so a new migration makes a new one.
 */
export async function testDatabase(
  schemas: SchemaMigrations,
  url = process.env.DATABASE_URL,
): Promise<TestDatabase> {
  const key = templateKey(schemas)
  if (url) return postgresTestDatabase(url, key, schemas)
  return pgliteTestDatabase(key, schemas)
}

async function withAdmin<T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await f(client)
  } finally {
    await client.end()
  }
}

function urlFor(url: string, database: string) {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

async function postgresTestDatabase(
  url: string,
  key: string,
  schemas: SchemaMigrations,
): Promise<TestDatabase> {
  const template = `cb_tpl_${key}`
  await withAdmin(url, async (c) => {
    await c.query('select pg_advisory_lock(7240001)')
    try {
      const { rowCount } = await c.query('select 1 from pg_database where datname = $1', [template])
      if (!rowCount) {
        await c.query(`create database "${template}"`)
        const db = await openDatabase({ url: urlFor(url, template), poolMax: 2 })
        try {
          await migrateAll(db, schemas)
        } finally {
          await db.close()
        }
      }
    } finally {
      await c.query('select pg_advisory_unlock(7240001)')
    }
  })
  const name = `cb_test_${process.pid}_${randomBytes(4).toString('hex')}`
  await withAdmin(url, async (c) => {
    // Cloning needs the template to have no sessions; a sibling file may be cloning too.
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`create database "${name}" template "${template}"`)
        return
      } catch (err) {
        if (attempt >= 50 || !/being accessed by other users/.test(String(err))) throw err
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200))
      }
    }
  })
  const database = await openDatabase({ url: urlFor(url, name), poolMax: 10 })
  return {
    database,
    name,
    async destroy() {
      await database.close()
      await withAdmin(url, (c) => c.query(`drop database if exists "${name}" with (force)`))
    },
  }
}

const cacheDir = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'node_modules',
  '.cache',
  'pglite-templates',
)

async function pgliteTestDatabase(key: string, schemas: SchemaMigrations): Promise<TestDatabase> {
  const file = join(cacheDir, `${key}.tar`)
  let dump: Blob | undefined
  try {
    dump = new Blob([await readFile(file)])
  } catch {
    dump = undefined
  }
  if (!dump) {
    const fresh = await openDatabase({})
    await migrateAll(fresh, schemas)
    dump = await dumpPglite(fresh)
    await fresh.close()
    await mkdir(cacheDir, { recursive: true })
    const tmp = `${file}.${process.pid}.${randomBytes(3).toString('hex')}`
    await writeFile(tmp, Buffer.from(await dump.arrayBuffer()))
    await rename(tmp, file)
  }
  const database = await openDatabase({ loadDataDir: dump })
  return { database, destroy: () => database.close() }
}

export async function clearTemplateCache() {
  await rm(cacheDir, { recursive: true, force: true })
}
