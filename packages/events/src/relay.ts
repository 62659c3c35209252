import type { Database } from '@creditbank/db'
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
  /**
   * The fallback poll: how long the relay waits when nothing woke it. Commits wake it
   * (`wake()`), so this only bounds the delay of an event whose writer did not say so.
   */
  idleMs?: number
  /**
   * After a drain that published some events but not a full batch, how long to let more gather
   * before the next one (a wake does not cut it short). Under a steady stream of small commits
   * the relay otherwise drains a handful of events at a time, each drain five statements and a
   * produce request.
   */
  lingerMs?: number
  maxBackoffMs?: number
  /**
   * Wakes from other processes (LISTEN/NOTIFY on Postgres): commits in this process wake the
   * relay through `wake()`; this carries a wake to the replica that holds the publishing lock.
   */
  signal?: RelaySignal
  /** Fault injection for tests: runs after publishing and before the rows are removed. */
  afterPublish?: () => Promise<void>
  /** For tests: runs with the lock held, once the batch is read (empty or not). */
  afterRead?: (count: number) => Promise<void>
}

/** How often an idle relay looks at its outbox when nothing woke it. */
export const DEFAULT_POLL_MS = 5_000
/** Wake-triggered drains that found the lock taken, retried before waiting for the next wake. */
const MAX_CONTENDED_RETRIES = 200
const CONTENDED_RETRY_MS = 20

/** Wakes between processes: a relay listens for them, and sends one to whoever holds the lock. */
export interface RelaySignal {
  /** Calls `onWake` for every wake sent (and after a reconnection, as wakes may have been missed). */
  listen(onWake: () => void): Promise<() => Promise<void>>
  notify(): Promise<void>
}

/** A service's relay, on its own thread (RelayThread) or on the caller's (OutboxRelay). */
export interface Relay {
  start(): Promise<void>
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
  /** A wake came since the last drain began: drain again before waiting. */
  private woken = false
  /** That wake came from this process (a commit here), not from another replica's NOTIFY. */
  private localWake = false
  private lockMissed = false
  private failures = 0
  private unlisten?: () => Promise<void>
  published = 0

  constructor(private readonly o: RelayOptions) {}

  private get batchSize() {
    return this.o.batchSize ?? 500
  }

  async start() {
    if (this.running) return
    this.running = true
    this.unlisten = await this.o.signal?.listen(() => this.rouse())
    this.loop = this.run()
  }

  async stop() {
    this.running = false
    this.wake()
    await this.loop
    await this.unlisten?.()
  }

  wake() {
    this.localWake = true
    this.rouse()
  }

  private rouse() {
    this.woken = true
    this.wakeUp?.()
  }

  private async run() {
    const log = this.o.logger.child({ component: 'outbox-relay', relay: this.o.name })
    let contended = 0
    /** The last wait ran out unwoken: this drain is the fallback poll. */
    let polled = false
    while (this.running) {
      const fromCommit = this.localWake
      const fallback = polled
      polled = false
      this.woken = false
      this.localWake = false
      let sent = 0
      try {
        // The fallback poll of an idle relay usually finds nothing: one statement says so, where
        // a drain is four round trips (begin, lock, read, commit), each a wake-up of an idle process.
        sent = fallback && !(await this.anyPending()) ? 0 : await this.drainOnce()
        if (this.failures > 0) log.info({ failures: this.failures }, 'outbox publishing again')
        this.failures = 0
      } catch (err) {
        this.failures += 1
        // The first failure, then about once a minute (12 at the longest backoff) while it lasts.
        if (this.failures % 12 === 1)
          log.warn({ err, failures: this.failures }, 'outbox publish failed; backing off')
      }
      if (this.failures > 0) await this.pause(this.backoffMs(), false)
      else if (sent >= this.batchSize) continue
      else if (sent > 0) await this.pause(this.o.lingerMs ?? 5, false)
      else if (this.lockMissed && fromCommit && contended++ < MAX_CONTENDED_RETRIES)
        await this.contended()
      else if (!this.woken) {
        contended = 0
        await this.pause(this.o.idleMs ?? DEFAULT_POLL_MS, true)
        polled = !this.woken
      }
    }
  }

  /**
   * Woken for a commit here, but another replica's relay holds the lock: its batch may have been
   * read before that commit. Tell it (NOTIFY: it drains again after its batch; a relay woken by a
   * NOTIFY never sends one, so they cannot echo), or, without a signal, try again shortly.
   */
  private async contended() {
    if (this.o.signal) {
      const sent = await this.o.signal.notify().then(
        () => true,
        () => false,
      )
      if (sent) return
    }
    this.localWake = true
    this.woken = true
    await this.pause(CONTENDED_RETRY_MS, false)
  }

  /** 100 ms doubling to the maximum, each wait drawn between half and all of it (replicas spread out). */
  private backoffMs() {
    const ceiling = Math.min(this.o.maxBackoffMs ?? 5_000, 100 * 2 ** (this.failures - 1))
    return ceiling / 2 + Math.random() * (ceiling / 2)
  }

  /** Waits `ms`; a wake cuts it short when `wakeable`, a stop always does. */
  private pause(ms: number, wakeable: boolean) {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.wakeUp = undefined
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.wakeUp = () => {
        if (wakeable || !this.running) done()
      }
    })
  }

  private async anyPending() {
    return (
      (await this.o.db.selectFrom('outbox_event').select('seq').limit(1).executeTakeFirst()) !==
      undefined
    )
  }

  /** Publishes one batch; returns how many events went out (0 when empty or another relay holds the lock). */
  async drainOnce(): Promise<number> {
    const limit = this.batchSize
    return this.o.db.transaction().execute(async (trx) => {
      const lockKey = `creditbank.outbox.${this.o.name}`
      const { rows } = await sql<{
        locked: boolean
      }>`select pg_try_advisory_xact_lock(hashtext(${lockKey})) as locked`.execute(trx)
      this.lockMissed = !rows[0]?.locked
      if (this.lockMissed) return 0
      const batch = await trx
        .selectFrom('outbox_event')
        .select(['seq', 'topic', 'key', 'value'])
        .orderBy('seq')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute()
      await this.o.afterRead?.(batch.length)
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

/** The channel relays LISTEN on; the payload names the service's schema. */
export const OUTBOX_CHANNEL = 'creditbank_outbox'

/** Wakes between a service's relays over Postgres LISTEN/NOTIFY; none on an embedded database. */
export function outboxSignal(database: Database, schema: string): RelaySignal | undefined {
  if (!database.listen || !database.notify) return undefined
  return {
    listen: (onWake) =>
      database.listen!(OUTBOX_CHANNEL, (payload) => {
        if (payload === undefined || payload === schema) onWake()
      }),
    notify: () => database.notify!(OUTBOX_CHANNEL, schema),
  }
}
