import { type Kysely, sql } from 'kysely'
import type { Logger } from 'pino'
import type { Transport } from './transport.js'

export interface RelayOptions {
  /** The service's schema-bound query builder. */
  db: Kysely<any>
  /** Names the advisory lock: one relay per service publishes at a time, so order holds. */
  name: string
  transport: Transport
  logger: Logger
  batchSize?: number
  idleMs?: number
  /**
   * After a drain that published some events but not a full batch, how long to let more gather
   * before the next one (a wake does not cut it short). Under a steady stream of small commits
   * the relay otherwise drains a handful of events at a time, each drain five statements and a
   * produce request.
   */
  lingerMs?: number
  maxBackoffMs?: number
  /** Fault injection for tests: runs after publishing and before the rows are removed. */
  afterPublish?: () => Promise<void>
}

/** A service's relay, on its own thread (RelayThread) or on the caller's (OutboxRelay). */
export interface Relay {
  start(): unknown
  stop(): Promise<void>
  /** Cuts the idle wait short, e.g. right after a commit that wrote events. */
  wake(): void
  /** Events written and not yet published. */
  backlog(): Promise<number>
}

/** How many events wait in a service's outbox. */
export async function outboxBacklog(db: Kysely<any>): Promise<number> {
  const row = await db
    .selectFrom('outbox_event')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirst()
  return Number(row?.n ?? 0)
}

/**
 * Publishes outbox rows in bounded batches. The batch is read `FOR UPDATE SKIP LOCKED`, published,
 * then deleted in the same transaction: a crash between publish and delete publishes the batch
 * again (at-least-once), and consumers' inboxes make the effect exactly-once.
 */
export class OutboxRelay implements Relay {
  private running = false
  private loop?: Promise<void>
  private wakeUp?: () => void
  private failures = 0
  published = 0

  constructor(private readonly o: RelayOptions) {}

  private get batchSize() {
    return this.o.batchSize ?? 500
  }

  start() {
    if (this.running) return
    this.running = true
    this.loop = this.run()
  }

  async stop() {
    this.running = false
    this.wake()
    await this.loop
  }

  wake() {
    this.wakeUp?.()
  }

  private async run() {
    const log = this.o.logger.child({ component: 'outbox-relay', relay: this.o.name })
    while (this.running) {
      let sent = 0
      try {
        sent = await this.drainOnce()
        this.failures = 0
      } catch (err) {
        this.failures += 1
        log.warn({ err, failures: this.failures }, 'outbox publish failed; backing off')
      }
      if (this.failures === 0 && sent >= this.batchSize) continue
      if (this.failures === 0 && sent > 0) {
        await new Promise<void>((resolve) => setTimeout(resolve, this.o.lingerMs ?? 5))
        continue
      }
      const backoff =
        this.failures === 0
          ? (this.o.idleMs ?? 20)
          : Math.min(this.o.maxBackoffMs ?? 5_000, 50 * 2 ** this.failures)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff)
        this.wakeUp = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.wakeUp = undefined
    }
  }

  /** Publishes one batch; returns how many events went out (0 when empty or another relay holds the lock). */
  async drainOnce(): Promise<number> {
    const limit = this.batchSize
    return this.o.db.transaction().execute(async (trx) => {
      const lockKey = `creditbank.outbox.${this.o.name}`
      const { rows } = await sql<{
        locked: boolean
      }>`select pg_try_advisory_xact_lock(hashtext(${lockKey})) as locked`.execute(trx)
      if (!rows[0]?.locked) return 0
      const batch = await trx
        .selectFrom('outbox_event')
        .select(['seq', 'topic', 'key', 'value'])
        .orderBy('seq')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute()
      if (batch.length === 0) return 0
      await this.o.transport.publish(
        batch.map((r) => ({ topic: r.topic, key: r.key, value: r.value })),
      )
      await this.o.afterPublish?.()
      await trx
        .deleteFrom('outbox_event')
        .where(
          'seq',
          'in',
          batch.map((r) => r.seq),
        )
        .execute()
      this.published += batch.length
      return batch.length
    })
  }

  backlog() {
    return outboxBacklog(this.o.db)
  }
}
