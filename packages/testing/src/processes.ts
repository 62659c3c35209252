import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository's root (where services/ is). */
export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url))

/**
 * Ports handed to child processes are drawn below the kernel's ephemeral range (32768 and up on
 * Linux), where `listen(0)` and outgoing connections never land: a port reserved here and bound a
 * minute later by a cluster's last service cannot meanwhile be taken by another test's server, whose
 * answers (its own keys, its own data) the cluster would then take for its own.
 */
const LOW = 20_000
const HIGH = 32_000
const BLOCK = 200
const ATTEMPTS = 50
const CLAIMS = join(tmpdir(), 'creditbank-test-ports')

/**
 * This process's own block of BLOCK ports in that range, claimed with a file only one process can
 * create (another live process's claim is passed over, a dead one's taken): test files run side
 * by side (CI runs three at once) each start clusters over a minute, and ports drawn at random from
 * one shared range collided (a drill's accounts once asked another cluster's identity for keys).
 */
let block: number | undefined
function ownBlock(): number {
  if (block !== undefined) return block
  mkdirSync(CLAIMS, { recursive: true })
  const blocks = (HIGH - LOW) / BLOCK
  const first = process.pid % blocks
  for (let k = 0; k < blocks; k++) {
    const b = (first + k) % blocks
    const claim = join(CLAIMS, String(b))
    try {
      writeFileSync(claim, String(process.pid), { flag: 'wx' })
      block = b
      return b
    } catch {
      const owner = Number(readFileSync(claim, 'utf8'))
      if (owner && owner !== process.pid && alive(owner)) continue
      writeFileSync(claim, String(process.pid))
      block = b
      return b
    }
  }
  throw new Error(`every block of test ports between ${LOW} and ${HIGH} is claimed`)
}

function alive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

let next = 0
/** A port of this process's block that nothing listens on now, each handed out once in turn. */
export async function freePort(): Promise<number> {
  const base = LOW + ownBlock() * BLOCK
  for (let i = 0; i < ATTEMPTS; i++) {
    const port = base + (next++ % BLOCK)
    if (await canListen(port)) return port
  }
  throw new Error(`no free port between ${base} and ${base + BLOCK} after ${ATTEMPTS} tries`)
}

/** A port nothing listens on (a broker or database that is gone). */
export async function closedPort(): Promise<number> {
  return freePort()
}

export const serviceNames = [
  'identity',
  'accounts',
  'certificates',
  'recognition',
  'portfolio',
] as const
export type ServiceName = (typeof serviceNames)[number]
