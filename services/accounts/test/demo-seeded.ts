import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Database, openDatabase } from '@creditbank/db'
import { repositoryRoot } from '@creditbank/testing'
import { sql } from 'kysely'

/**
 * A database filled by the demo seeds as `pnpm start` fills it: the one-process run
 * (services/web/src/embedded.ts: every service, the gateway, the in-process bus) started as a
 * child on a fresh data dir, which loads seeds/load.ts through the public API on its first start,
 * then stopped. Embedded it is the run's PGlite; with DATABASE_URL, a new Postgres database of its
 * own (the run's bus stays in-process: the subject here is the database, not Kafka).
 */
export interface DemoSeeded {
  /** The run's secrets (ACCOUNTS_PII_KEY, the admin's password) from its data dir. */
  secrets: Record<string, string>
  /** The gateway, while the run is up. */
  base: string
  /** Stops the run (its database closed and, for PGlite, written) and opens the database here. */
  stopAndOpen(): Promise<Database>
  /** Closes what stopAndOpen opened and removes the data dir and the Postgres database. */
  destroy(): Promise<void>
}

/** One statement on the server's own database (creating or dropping the run's). */
async function onServer(url: string, statement: string) {
  const db = await openDatabase({ url, poolMax: 1 })
  try {
    await sql.raw(statement).execute(db.kysely)
  } finally {
    await db.close()
  }
}

export async function demoSeeded(serverUrl = process.env.DATABASE_URL): Promise<DemoSeeded> {
  const dataDir = mkdtempSync(join(tmpdir(), 'creditbank-seeded-'))
  let databaseUrl: string | undefined
  if (serverUrl) {
    const name = `cb_test_seeded_${process.pid}_${randomBytes(4).toString('hex')}`
    await onServer(serverUrl, `create database "${name}"`)
    const u = new URL(serverUrl)
    u.pathname = `/${name}`
    databaseUrl = u.toString()
  }
  // 3400–3905, as the browser journeys' run: clear of the machine's own services.
  const offset = 400 + Math.floor(Math.random() * 500)
  const { DATABASE_URL: _d, KAFKA_BROKERS: _k, PORT: _p, ...env } = process.env
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'services/web/src/embedded.ts'],
    {
      cwd: repositoryRoot,
      env: {
        ...env,
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        DATA_DIR: dataDir,
        PORT_OFFSET: String(offset),
        LOG_LEVEL: 'warn',
        // The demo's people sign in: a tenth of the cost of a hash (decision 0612).
        IDENTITY_PASSWORD_COST: '12',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  let database: Database | undefined
  const destroy = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await exited
    }
    await database?.close()
    rmSync(dataDir, { recursive: true, force: true })
    if (serverUrl && databaseUrl) {
      const name = new URL(databaseUrl).pathname.slice(1)
      await onServer(serverUrl, `drop database if exists "${name}" with (force)`)
    }
  }
  try {
    const started = Date.now()
    while (!output.includes('all ready in')) {
      if (child.exitCode !== null || Date.now() - started > 300_000)
        throw new Error(`the embedded run did not become ready:\n${output.slice(-3000)}`)
      await new Promise((r) => setTimeout(r, 250))
    }
    if (!output.includes('demo data loaded'))
      throw new Error(`the demo data did not load completely:\n${output.slice(-3000)}`)
  } catch (err) {
    await destroy()
    throw err
  }
  return {
    secrets: JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')),
    base: `http://127.0.0.1:${3000 + offset}`,
    async stopAndOpen() {
      child.kill('SIGTERM')
      await exited
      if (child.exitCode !== 0) throw new Error(`the embedded run exited with ${child.exitCode}`)
      database = await openDatabase(
        databaseUrl ? { url: databaseUrl } : { dataDir: join(dataDir, 'pglite') },
      )
      return database
    },
    destroy,
  }
}
