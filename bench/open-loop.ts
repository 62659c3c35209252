/**
 * An open-loop load generator on a worker thread of its own: requests are sent at their intended
 * times, whatever the answers, and each latency counts from its intended send time (so a stall
 * anywhere counts, and is not hidden by sending later). The worker has its own V8 heap, so the
 * bench's own garbage (the rows and baselines of earlier phases) does not stall the sender; what
 * the sender's event loop was delayed by is still measured and reported beside the latencies.
 */
import { randomUUID } from 'node:crypto'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { httpClient, percentile } from './lib.js'

export interface OpenLoopOptions {
  port: number
  path: string
  /** Request headers; each request also gets its own Idempotency-Key. */
  headers: Record<string, string>
  /** JSON bodies: `template` with `learnerId` set to one of `learners` and a fresh `externalRef` under `refPrefix`. */
  template: Record<string, unknown>
  learners: string[]
  refPrefix: string
  ratePerS: number
  durationMs: number
  /** The status every answer must have to count as a success. */
  status: number
}

export interface OpenLoopResult {
  total: number
  errors: number
  p50: number
  p99: number
  max: number
  /** The sender's own event loop delay while it ran (ms). */
  senderDelayP99: number
  senderDelayMax: number
}

/** Runs the loop on a new worker thread and resolves with its figures. */
export function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  return new Promise((resolve, reject) => {
    // A worker does not inherit tsx's loader on Node 20: it registers it, then loads this file.
    const self = JSON.stringify(import.meta.url)
    const worker = import.meta.url.endsWith('.ts')
      ? new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${self}) })`,
          { eval: true, workerData: options },
        )
      : new Worker(new URL(import.meta.url), { workerData: options })
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.once('exit', (code) =>
      reject(new Error(`open-loop worker exited (${code}) without a result`)),
    )
  })
}

async function send(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const http = httpClient(128)
  const interval = 1000 / o.ratePerS
  const total = Math.round((o.durationMs / 1000) * o.ratePerS)
  const latencies: number[] = []
  let errors = 0
  const delay = monitorEventLoopDelay({ resolution: 1 })
  delay.enable()
  const start = performance.now() + 50
  const inflight: Promise<void>[] = []
  for (let i = 0; i < total; i++) {
    const intended = start + i * interval
    const wait = intended - performance.now()
    if (wait > 1) await new Promise((r) => setTimeout(r, wait))
    const learnerId = o.learners[Math.floor(Math.random() * o.learners.length)]
    const body = JSON.stringify({ ...o.template, learnerId, externalRef: `${o.refPrefix}-${i}` })
    inflight.push(
      http
        .call(o.port, 'POST', o.path, body, { ...o.headers, 'idempotency-key': randomUUID() })
        .then(
          (res) => {
            if (res.status === o.status) latencies.push(performance.now() - intended)
            else errors += 1
          },
          () => {
            errors += 1
          },
        ),
    )
  }
  await Promise.all(inflight)
  delay.disable()
  http.destroy()
  latencies.sort((a, b) => a - b)
  return {
    total,
    errors,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    senderDelayP99: delay.percentile(99) / 1e6,
    senderDelayMax: delay.max / 1e6,
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort
  send(workerData as OpenLoopOptions).then(
    (result) => port.postMessage(result),
    (err: unknown) => {
      throw err
    },
  )
}
