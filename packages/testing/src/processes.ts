import { createServer } from 'node:net'
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
const ATTEMPTS = 50

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

export async function freePort(): Promise<number> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW))
    if (await canListen(port)) return port
  }
  throw new Error(`no free port between ${LOW} and ${HIGH} after ${ATTEMPTS} tries`)
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
