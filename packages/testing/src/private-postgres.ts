import { execFile } from 'node:child_process'
import { chownSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from './processes.js'

const run = promisify(execFile)
const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin'

/** A Postgres cluster of a drill's own, which it may stop, crash and start at will. */
export interface PrivatePostgres {
  url: string
  port: number
  /** `pg_ctl stop -m fast` (connections terminated: 57P01) or `-m immediate` (a crash). */
  stop(mode: 'fast' | 'immediate'): Promise<void>
  /** Starts it and resolves once it accepts connections (after crash recovery, if any). */
  start(): Promise<void>
  /** Stops it for good and removes its files. */
  destroy(): Promise<void>
}

/** Runs a Postgres binary as the postgres user (initdb and postgres refuse to run as root). */
function asPostgres(bin: string, args: string[]) {
  const command = join(BIN, bin)
  if (process.getuid?.() !== 0) return run(command, args, { timeout: 120_000 })
  return run('runuser', ['-u', 'postgres', '--', command, ...args], { timeout: 120_000 })
}

/**
 * A fresh Postgres 15 cluster in a temporary directory on a free port, with trust
 * authentication for local TCP connections, never the machine's shared cluster. Needs the
 * server binaries (PG_BIN, default Debian's /usr/lib/postgresql/15/bin) and, as root, a
 * postgres user to run them as. No systemd or pg_ctlcluster involved.
 */
export async function privatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'cb-private-pg-'))
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres'])
    const { stdout: gid } = await run('id', ['-g', 'postgres'])
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()))
  }
  const data = join(dir, 'data')
  const port = await freePort()
  await asPostgres('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '--no-sync',
    '-E',
    'UTF8',
  ])
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses='127.0.0.1'",
    '-c shared_buffers=32MB',
    '-c max_connections=200',
    '-c fsync=off', // the machine does not crash in a drill; a stopped server's files are complete
  ].join(' ')
  const pgCtl = (...args: string[]) => asPostgres('pg_ctl', ['-D', data, ...args])
  const start = async () => {
    await pgCtl('start', '-w', '-t', '60', '-l', join(dir, 'log'), '-o', options)
  }
  await start()
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: async (mode) => {
      await pgCtl('stop', '-w', '-t', '60', '-m', mode)
    },
    start,
    destroy: async () => {
      await pgCtl('stop', '-w', '-t', '60', '-m', 'immediate').catch(() => {})
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
