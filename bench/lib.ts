// Small helpers the bench suites share: percentiles, a kept-alive loopback HTTP client, and the
// entry that lets a suite run on its own (`tsx bench/suites/<name>.ts`).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ClusterOptions, serviceNames } from '@creditbank/testing'
import type { BenchResult } from './types.js'

/** The p-th percentile of sorted values (nearest rank); NaN when there are none. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

export const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places

/** HTTP over kept-alive loopback connections; `call` resolves with status and body. */
export function httpClient(maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets })
  return {
    call(
      port: number,
      method: string,
      path: string,
      payload?: string,
      headers: Record<string, string> = {},
    ) {
      return new Promise<{ status: number; body: string }>((resolve, reject) => {
        const json = payload
          ? {
              'content-type': 'application/json',
              'content-length': String(Buffer.byteLength(payload)),
            }
          : {}
        const req = request(
          { host: '127.0.0.1', port, method, path, agent, headers: { ...json, ...headers } },
          (res) => {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            )
            res.on('error', reject)
          },
        )
        req.on('error', reject)
        req.end(payload)
      })
    },
    destroy: () => agent.destroy(),
  }
}

type Run = (ctx: {
  root: string
  databaseUrl: string
  kafkaBrokers: string[]
  log(m: string): void
}) => Promise<BenchResult[]>

/** Runs a suite on its own when its file is the entry point. */
export async function runIfMain(moduleUrl: string, run: Run) {
  if (!process.argv[1] || fileURLToPath(moduleUrl) !== process.argv[1]) return
  const root = fileURLToPath(new URL('../../', moduleUrl))
  const databaseUrl = process.env.DATABASE_URL
  if (!databaseUrl) throw new Error('DATABASE_URL is required')
  const results = await run({
    root,
    databaseUrl,
    kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    log: (m) => process.stdout.write(`  ${m}\n`),
  })
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`)
}

/**
 * Builds a service's bundle (what its image runs: infra/docker/build-service.mjs) and links the
 * few packages it keeps external from the workspace's own pinned copies, where the image would
 * `npm install` the same versions. Returns the entry's path relative to the root.
 */
export function bundledService(root: string, service: string): string {
  execFileSync(process.execPath, [`${root}infra/docker/build-service.mjs`, service], {
    cwd: root,
    stdio: 'ignore',
  })
  const dir = `${root}services/${service}/bundle/`
  const deps = Object.keys(
    (
      JSON.parse(readFileSync(`${dir}package.json`, 'utf8')) as {
        dependencies?: Record<string, string>
      }
    ).dependencies ?? {},
  )
  for (const name of deps) {
    const from = [`services/${service}`, 'packages/service-kit', 'packages/db']
      .map((p) => `${root}${p}/node_modules/${name}`)
      .find((p) => existsSync(p))
    if (!from) throw new Error(`${name} is not installed in the workspace`)
    const to = `${dir}node_modules/${name}`
    mkdirSync(dirname(to), { recursive: true })
    rmSync(to, { recursive: true, force: true })
    symlinkSync(realpathSync(from), to)
  }
  return `services/${service}/bundle/server.js`
}

/** The Dockerfile's build args with their defaults, then the service's own from docker-compose.yml. */
function buildArgs(root: string, service: string, dockerfile: string): Map<string, string> {
  const args = new Map([...dockerfile.matchAll(/^ARG (\w+)=(\S*)$/gm)].map((m) => [m[1]!, m[2]!]))
  const compose = readFileSync(`${root}docker-compose.yml`, 'utf8')
  const own =
    new RegExp(`args: \\{ SERVICE: ${service}((?:, \\w+: [^,}]+)*) \\}`).exec(compose)?.[1] ?? ''
  for (const m of own.matchAll(/, (\w+): ([^,}]+)/g)) args.set(m[1]!, m[2]!.trim())
  return args
}

/**
 * How the service's image runs Node (infra/docker/Dockerfile with its compose build args), so a
 * bench runs a service as deployed: the environment it sets (NODE_OPTIONS and glibc's MALLOC_*)
 * and the flags its command gives node (NODE_FLAGS: V8 flags that NODE_OPTIONS refuses).
 */
export function serviceImage(
  root: string,
  service: string,
): { env: Record<string, string>; nodeFlags: string[] } {
  const dockerfile = readFileSync(`${root}infra/docker/Dockerfile`, 'utf8')
  const args = buildArgs(root, service, dockerfile)
  const expand = (text: string) =>
    text.replace(/\$\{(\w+)\}/g, (_, name: string) => {
      const value = args.get(name)
      if (value === undefined) throw new Error(`build arg ${name} has no value for ${service}`)
      return value
    })
  const options = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(dockerfile)?.[1]
  if (options === undefined) throw new Error('infra/docker/Dockerfile sets no NODE_OPTIONS')
  if (!dockerfile.includes('CMD ["sh", "-c", "exec node $NODE_FLAGS server.js"]'))
    throw new Error('infra/docker/Dockerfile no longer runs `node $NODE_FLAGS server.js`')
  const malloc = [...dockerfile.matchAll(/^ENV (MALLOC_\w+)=(\d+)$/gm)].map(
    (m) => [m[1]!, m[2]!] as const,
  )
  return {
    env: { NODE_OPTIONS: expand(options), ...Object.fromEntries(malloc) },
    nodeFlags: expand('${NODE_FLAGS}').split(' ').filter(Boolean),
  }
}

/** The image's environment and node flags as one line, for a bench's notes. */
export function describeImage(root: string, service: string): string {
  const image = serviceImage(root, service)
  return [
    ...Object.entries(image.env).map(([k, v]) => `${k}=${v}`),
    'node',
    ...image.nodeFlags,
  ].join(' ')
}

/** How an image runs each service: the bundled build, its NODE_OPTIONS, MALLOC_* and node flags. */
export function bundledCluster(root: string): ClusterOptions['node'] {
  const images = Object.fromEntries(
    serviceNames.map((s) => {
      bundledService(root, s)
      return [s, serviceImage(root, s)] as const
    }),
  )
  return (service) => {
    const image = images[service]
    if (!image) throw new Error(`no bundled build for ${service}`)
    return { args: [...image.nodeFlags, `services/${service}/bundle/server.js`], env: image.env }
  }
}
