// Small helpers the bench suites share: percentiles, a kept-alive loopback HTTP client, and the
// entry that lets a suite run on its own (`tsx bench/suites/<name>.ts`).
import { Agent, request } from 'node:http'
import { fileURLToPath } from 'node:url'
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
    call(port: number, method: string, path: string, payload?: string, headers: Record<string, string> = {}) {
      return new Promise<{ status: number; body: string }>((resolve, reject) => {
        const json = payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}
        const req = request({ host: '127.0.0.1', port, method, path, agent, headers: { ...json, ...headers } }, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
          res.on('error', reject)
        })
        req.on('error', reject)
        req.end(payload)
      })
    },
    destroy: () => agent.destroy(),
  }
}

type Run = (ctx: { root: string; databaseUrl: string; kafkaBrokers: string[]; log(m: string): void }) => Promise<BenchResult[]>

/** Runs a suite on its own when its file is the entry point. */
export async function runIfMain(moduleUrl: string, run: Run) {
  if (!process.argv[1] || fileURLToPath(moduleUrl) !== process.argv[1]) return
  const root = fileURLToPath(new URL('../../', moduleUrl))
  const databaseUrl = process.env.DATABASE_URL
  if (!databaseUrl) throw new Error('DATABASE_URL is required')
  const results = await run({ root, databaseUrl, kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), log: (m) => process.stdout.write(`  ${m}\n`) })
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`)
}
