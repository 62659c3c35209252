import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import { outboxBacklog, type Relay } from './relay.js'

/** What a service's relay thread needs: everything is opened anew on the thread. */
export interface RelayThreadSettings {
  /** postgres://… — the thread opens one connection of its own. */
  databaseUrl: string
  /** The service's schema; also names the relay's advisory lock, as OutboxRelay's `name`. */
  schema: string
  brokers: string[]
  clientId: string
  /** The thread's logger name and level. */
  name: string
  logLevel: string
  idleMs?: number
  /** A prefix of every topic (KAFKA_NAMESPACE). */
  namespace?: string
}

/** Where the thread's entry is: beside this module, as TypeScript in the workspace or bundled JavaScript in an image. */
const entry = new URL(
  import.meta.url.endsWith('.ts') ? './relay-worker.ts' : './relay-worker.js',
  import.meta.url,
)

/**
 * How to start a worker thread on a module that may be TypeScript. Under `node --import tsx` (a
 * service run from source, or a test under tap) Node 20 does not carry the TypeScript hooks into a
 * worker, which then cannot load a .ts entry (the relay's ended, and was restarted, every second):
 * the worker registers them itself first. Bundled JavaScript needs nothing.
 */
export function threadEntry(module: URL): [URL | string, { eval?: boolean }] {
  const tsx = process.execArgv.some(
    (a, i, all) =>
      /^--import=tsx(\/esm)?$/.test(a) || (/^tsx(\/esm)?$/.test(a) && all[i - 1] === '--import'),
  )
  if (!module.pathname.endsWith('.ts') || !tsx) return [module, {}]
  const code = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(module.href)}) })`
  return [code, { eval: true }]
}

/**
 * Runs a service's OutboxRelay (the same class, the same guarantees) on a worker thread, with its
 * own Postgres connection and Kafka producer. Publishing — reading the outbox, encoding the Kafka
 * records, the produce requests, deleting what was sent — then uses a core the request thread does
 * not: with both on one thread, a stream of 1,000-outcome batches spent about a fifth of that
 * thread in kafkajs alone. Needs a database a second thread can reach (Postgres, not PGlite) and
 * Kafka; the in-process bus keeps the relay on the main thread. A thread that dies is started
 * again after a pause; the outbox keeps every event meanwhile.
 */
export class RelayThread implements Relay {
  private worker?: Worker
  private stopping = false
  private restartTimer?: NodeJS.Timeout
  /** Times the thread ended without being asked to and was started again. */
  restarts = 0

  constructor(
    private readonly settings: RelayThreadSettings,
    /** The service's own query builder, for the backlog metric. */
    private readonly db: Kysely<any>,
    private readonly logger: Logger,
    private readonly restartDelayMs = 1_000,
  ) {}

  /** Starts the thread; resolves when its relay is running, or when it failed (it is then started again). */
  async start() {
    this.stopping = false
    // 4 MB semi-spaces, as the images give a service (infra/docker/Dockerfile), whatever the process's
    // own flags say: the thread holds a batch of a few hundred events at a time.
    const [script, how] = threadEntry(entry)
    const worker = new Worker(script, {
      ...how,
      workerData: this.settings,
      name: `${this.settings.schema}-outbox-relay`,
      resourceLimits: { maxYoungGenerationSizeMb: 12, maxOldGenerationSizeMb: 128 },
    })
    this.worker = worker
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined
      if (this.stopping) return
      this.logger.error(
        { code, component: 'outbox-relay' },
        'relay thread ended; starting it again',
      )
      this.restarts += 1
      this.restartTimer = setTimeout(
        () =>
          void this.start().catch((err) =>
            this.logger.error({ err }, 'relay thread did not start'),
          ),
        this.restartDelayMs,
      )
    })
    worker.on('error', (err) =>
      this.logger.error({ err, component: 'outbox-relay' }, 'relay thread failed'),
    )
    await Promise.race([once(worker, 'message'), once(worker, 'exit')]).catch(() => {})
  }

  /** After a commit that wrote events: publish now rather than at the next poll. */
  wake() {
    this.worker?.postMessage('wake')
  }

  /** Lets the relay finish its batch, closes the thread's producer and connection, and waits for it to end. */
  async stop() {
    this.stopping = true
    clearTimeout(this.restartTimer)
    const worker = this.worker
    if (!worker) return
    const exited = once(worker, 'exit')
    worker.postMessage('stop')
    await exited
  }

  /** Ends the thread abruptly, as a crash would (for tests of the restart). */
  async terminate() {
    await this.worker?.terminate()
  }

  backlog() {
    return outboxBacklog(this.db)
  }
}
