import { type ChildProcess, spawn } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { TEST_AUDIENCE, TEST_ISSUER, type TestKeys } from '@creditbank/testing'
import { PII_KEY } from './helper.js'

const serverEntry = fileURLToPath(new URL('../src/server.ts', import.meta.url))
const serviceDir = fileURLToPath(new URL('..', import.meta.url))

/** identity's JWKS, served from the test's own key, so a child process trusts the test's tokens. */
export async function jwksServer(keys: TestKeys): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ keys: [keys.jwk] }))
    } else {
      res.statusCode = 404
      res.end()
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

/** The real server (`node --import tsx src/server.ts`) as a child process, on its own port; ready when /health/ready answers. */
export async function startChild(o: {
  databaseUrl: string
  identityUrl: string
  port: number
  env?: Record<string, string>
}): Promise<ChildProcess> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATABASE_URL: o.databaseUrl,
    ACCOUNTS_PII_KEY: PII_KEY,
    PORT: String(o.port),
    IDENTITY_URL: o.identityUrl,
    JWT_ISSUER: TEST_ISSUER,
    JWT_AUDIENCE: TEST_AUDIENCE,
    LOG_LEVEL: 'warn',
    ...o.env,
  }
  delete env.KAFKA_BROKERS
  const child = spawn(process.execPath, ['--import', 'tsx', serverEntry], {
    cwd: serviceDir,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr = (stderr + d).slice(-4_000)
  })
  const until = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}): ${stderr}`)
    const ok = await fetch(`http://127.0.0.1:${o.port}/health/ready`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) return child
    if (Date.now() > until) {
      child.kill('SIGKILL')
      throw new Error(`the server did not become ready: ${stderr}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill(signal)
  await exited
}
