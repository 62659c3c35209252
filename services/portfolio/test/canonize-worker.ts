/**
 * Canonizes documents (RDFC-1.0 N-Quads, as the eddsa-rdfc-2022 suite does) in a worker thread:
 * a module graph of its own, where jsonld runs as published (src/credentials/jsonld-reuse.ts is
 * not loaded here). test/jsonld-reuse.test.ts compares the service's results with these.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import { documentLoader } from '../src/credentials/loader.js'

const out: string[] = []
for (const doc of workerData as Record<string, unknown>[])
  out.push(await cryptosuite.canonize(doc, { documentLoader }))
parentPort?.postMessage(out)
