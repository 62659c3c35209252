import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

/** The repository's root (where services/ is). */
export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url))

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
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
