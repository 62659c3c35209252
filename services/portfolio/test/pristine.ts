import { Worker } from 'node:worker_threads'
import { threadEntry } from '@creditbank/events'

/**
 * The canonical N-Quads of each document from jsonld as published, in a worker thread of its own
 * (test/canonize-worker.ts: a module graph where src/credentials/jsonld-reuse.ts is not loaded).
 */
export function pristine(docs: unknown[]): Promise<string[]> {
  const [script, how] = threadEntry(new URL('./canonize-worker.ts', import.meta.url))
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { ...how, workerData: docs })
    worker.once('message', (m) => {
      resolve(m as string[])
      void worker.terminate()
    })
    worker.once('error', reject)
  })
}
