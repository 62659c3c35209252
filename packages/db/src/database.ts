import type { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { Listener, type NotificationHandler } from './listen.js'

/** OIDs whose text form we keep as strings: exact decimals, 64-bit integers and plain dates. */
const NUMERIC = 1700
const INT8 = 20
const DATE = 1082
const keepText = (value: string) => value

export type DatabaseKind = 'postgres' | 'pglite'

/** One connection to Postgres (a pool) or to an embedded PGlite, shared by the services in a process. */
export interface Database {
  readonly kind: DatabaseKind
  readonly kysely: Kysely<any>
  /** The embedded engine, when there is one. */
  readonly pglite?: PGlite
  ping(): Promise<void>
  /**
   * Postgres only: LISTEN on a channel over a connection of its own (opened on first use, opened
   * again after a restart); resolves to a function that stops listening.
   */
  listen?(channel: string, handler: NotificationHandler): Promise<() => Promise<void>>
  /** Postgres only: NOTIFY a channel, outside any transaction. */
  notify?(channel: string, payload: string): Promise<void>
  close(): Promise<void>
}

export interface DatabaseOptions {
  /** postgres://… — absent means embedded PGlite. */
  url?: string
  /** PGlite data directory; absent means in memory. */
  dataDir?: string
  /** A PGlite data dir dump to start from (tests start from a migrated template). */
  loadDataDir?: Blob | File
  poolMax?: number
  /**
   * Told when a pooled connection breaks (a restart, a dropped database), idle or checked out;
   * the pool discards it either way.
   */
  onConnectionError?: (err: Error) => void
  /** Upper bound for one statement, so a stuck query cannot hold a connection forever. */
  statementTimeoutMs?: number
}

const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === NUMERIC || oid === INT8 || oid === DATE) return keepText
    return pg.types.getTypeParser(oid, format as 'text')
  },
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options)
  return openPglite(options)
}

function openPostgres(url: string, options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolMax ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    types: pgTypes,
  })
  // A connection closed by the server (a restart, a dropped database) must not crash the process.
  // pg-pool listens on idle clients only; a checked-out one (a transaction waiting on Kafka, a
  // consumer's handler) would emit 'error' to nobody, which Node turns into an exit. Its query
  // fails instead, and the pool drops it on release (it is no longer queryable).
  pool.on('error', () => {}) // told below, once, for idle and checked-out clients alike
  pool.on('connect', (client) => {
    client.on('error', (err) => options.onConnectionError?.(err))
  })
  const kysely = new Kysely<any>({ dialect: new PostgresDialect({ pool }) })
  let listener: Listener | undefined
  return {
    kind: 'postgres',
    kysely,
    ping: async () => {
      await sql`select 1`.execute(kysely)
    },
    listen: (channel, handler) => {
      listener ??= new Listener(url, options.onConnectionError)
      return listener.listen(channel, handler)
    },
    notify: async (channel, payload) => {
      await sql`select pg_notify(${channel}, ${payload})`.execute(kysely)
    },
    close: async () => {
      await listener?.close()
      await kysely.destroy()
    },
  }
}

async function openPglite(options: DatabaseOptions): Promise<Database> {
  const parsers = { [NUMERIC]: keepText, [INT8]: keepText, [DATE]: keepText }
  // Loaded only when embedded, so a deployment on Postgres never loads the wasm engine.
  const { PGlite } = await import('@electric-sql/pglite')
  const { PGliteDialect } = await import('kysely-pglite-dialect')
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers,
  })
  const kysely = new Kysely<any>({ dialect: new PGliteDialect(pglite) })
  return {
    kind: 'pglite',
    kysely,
    pglite,
    ping: async () => {
      await sql`select 1`.execute(kysely)
    },
    close: () => kysely.destroy(),
  }
}

/** The query builder of one service: every table reference is qualified by its schema. */
export function forSchema<DB>(db: Database, schema: string): Kysely<DB> {
  return db.kysely.withSchema(schema) as unknown as Kysely<DB>
}

/** Dumps an embedded database (tests start each file from a dump of a migrated template). */
export async function dumpPglite(db: Database): Promise<Blob> {
  if (!db.pglite) throw new Error('dumpPglite needs an embedded database')
  return db.pglite.dumpDataDir('none')
}
