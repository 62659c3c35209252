import { type ChildProcess, spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs'
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
 *
 * On real Postgres the seeded database is made once per state of the code and kept as a template
 * (`cb_seeded_<digest of every service's, package's and seed's source>`, with the run's secrets
 * beside it): each later file clones it in a second instead of seeding for a minute, and starts
 * the run only when it asks to be served.
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

/** What the seeded data depends on: every source file of the services, packages and seeds. */
function sourceDigest() {
  const h = createHash('sha256')
  const dirs = [
    ...['services', 'packages'].flatMap((top) =>
      readdirSync(join(repositoryRoot, top)).map((d) => join(top, d, 'src')),
    ),
    'seeds',
  ]
  for (const dir of dirs.sort()) {
    const abs = join(repositoryRoot, dir)
    if (!existsSync(abs)) continue
    const files = (readdirSync(abs, { recursive: true }) as string[])
      .filter((f) => /\.(ts|tsx|json|csv)$/.test(f) && !f.includes('node_modules'))
      .sort()
    for (const f of files) h.update(join(dir, f)).update(readFileSync(join(abs, f)))
  }
  return h.digest('hex').slice(0, 12)
}

const cacheDir = join(repositoryRoot, 'node_modules', '.cache', 'demo-seeded')

function urlOf(serverUrl: string, name: string) {
  const u = new URL(serverUrl)
  u.pathname = `/${name}`
  return u.toString()
}

/**
 * The seeded template for this state of the code, made under a lock (files running side by side
 * wait for one seeding), with the run's data dir (its secrets and the demo's marker) in the cache.
 */
async function seededTemplate(serverUrl: string) {
  const template = `cb_seeded_${sourceDigest()}`
  const kept = join(cacheDir, template)
  const lock = await openDatabase({ url: serverUrl, poolMax: 1 })
  try {
    await sql`select pg_advisory_lock(7240002)`.execute(lock.kysely)
    const { rows } = await sql`select 1 from pg_database where datname = ${template}`.execute(
      lock.kysely,
    )
    if (rows.length && existsSync(join(kept, '.seeded'))) return { template, kept }
    // Older states of the code: their templates and data dirs go.
    const old = await sql<{ datname: string }>`select datname from pg_database
      where starts_with(datname, 'cb_seeded_')`.execute(lock.kysely)
    for (const { datname } of old.rows)
      await sql.raw(`drop database if exists "${datname}" with (force)`).execute(lock.kysely)
    rmSync(cacheDir, { recursive: true, force: true })
    mkdirSync(kept, { recursive: true })
    await sql.raw(`create database "${template}"`).execute(lock.kysely)
    const seeding = startRun(kept, urlOf(serverUrl, template))
    try {
      await seeding.ready(true)
    } catch (err) {
      await seeding.stop()
      await sql.raw(`drop database if exists "${template}" with (force)`).execute(lock.kysely)
      rmSync(kept, { recursive: true, force: true })
      throw err
    }
    await seeding.stop()
    if (seeding.exitCode() !== 0)
      throw new Error(`the seeding run exited with ${seeding.exitCode()}`)
    return { template, kept }
  } finally {
    await sql`select pg_advisory_unlock(7240002)`.execute(lock.kysely).catch(() => {})
    await lock.close()
  }
}

/** The one-process run on a data dir (and a database, on real Postgres), started as a child. */
function startRun(dataDir: string, databaseUrl: string | undefined) {
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
  return {
    base: `http://127.0.0.1:${3000 + offset}`,
    /** Waits for "all ready"; `seeding`: and for the demo data to have loaded completely. */
    async ready(seeding: boolean) {
      const started = Date.now()
      while (!output.includes('all ready in')) {
        if (child.exitCode !== null || Date.now() - started > 300_000)
          throw new Error(`the embedded run did not become ready:\n${output.slice(-3000)}`)
        await new Promise((r) => setTimeout(r, 250))
      }
      if (seeding && !output.includes('demo data loaded'))
        throw new Error(`the demo data did not load completely:\n${output.slice(-3000)}`)
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        await exited
      }
    },
    exitCode: () => child.exitCode,
  }
}

/**
 * `serve: false` when the test only reads the database: on real Postgres with the template made,
 * no run is started at all.
 */
export async function demoSeeded(
  options: { serve?: boolean } = {},
  serverUrl = process.env.DATABASE_URL,
): Promise<DemoSeeded> {
  const serve = options.serve ?? true
  const dataDir = mkdtempSync(join(tmpdir(), 'creditbank-seeded-'))
  let databaseUrl: string | undefined
  let seeded = false
  if (serverUrl) {
    const { template, kept } = await seededTemplate(serverUrl)
    const name = `cb_test_seeded_${process.pid}_${randomBytes(4).toString('hex')}`
    for (let attempt = 0; ; attempt++) {
      try {
        await onServer(serverUrl, `create database "${name}" template "${template}"`)
        break
      } catch (err) {
        if (attempt >= 50 || !/being accessed by other users/.test(String(err))) throw err
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200))
      }
    }
    for (const f of ['secrets.json', '.seeded']) copyFileSync(join(kept, f), join(dataDir, f))
    databaseUrl = urlOf(serverUrl, name)
    seeded = true
  }
  const run = serve || !seeded ? startRun(dataDir, databaseUrl) : null
  let database: Database | undefined
  const destroy = async () => {
    await run?.stop()
    await database?.close()
    rmSync(dataDir, { recursive: true, force: true })
    if (serverUrl && databaseUrl) {
      const name = new URL(databaseUrl).pathname.slice(1)
      await onServer(serverUrl, `drop database if exists "${name}" with (force)`)
    }
  }
  try {
    await run?.ready(!seeded)
  } catch (err) {
    await destroy()
    throw err
  }
  return {
    secrets: JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')),
    base: run?.base ?? '',
    async stopAndOpen() {
      if (run) {
        await run.stop()
        if (run.exitCode() !== 0) throw new Error(`the embedded run exited with ${run.exitCode()}`)
      }
      database = await openDatabase(
        databaseUrl ? { url: databaseUrl } : { dataDir: join(dataDir, 'pglite') },
      )
      return database
    },
    destroy,
  }
}
