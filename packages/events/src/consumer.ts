import type { EventPayload, EventType } from '@creditbank/contracts'
import type { Kysely, Transaction } from 'kysely'
import type { Logger } from 'pino'
import { isDependencyUnavailable } from './dependency.js'
import { type CloudEvent, isCloudEvent } from './envelope.js'
import type { EventTables } from './tables.js'
import { DEFAULT_MAX_BATCH, type Delivery, type Subscription, type Transport } from './transport.js'
import { validatePayload } from './validate.js'

/**
 * Applies one event inside the consumer's transaction (the one that records it in the inbox).
 * `DB` is the consuming service's database, `T` the event's payload.
 */
export interface EventHandler<DB = EventTables, T = unknown> {
  (trx: Transaction<DB>, event: CloudEvent<T>): Promise<void>
  /** Set by `batchHandler`: applies a run of consecutive events of this type at once. */
  readonly batch?: BatchEventHandler<DB, T>
}

/** Applies consecutive events of one type, in order, inside one transaction, as if one by one. */
export type BatchEventHandler<DB = EventTables, T = unknown> = (
  trx: Transaction<DB>,
  events: CloudEvent<T>[],
) => Promise<void>

/** A consumer's handlers by event type: the handler of a type receives that type's payload. */
export type EventHandlers<DB, T extends EventType = EventType> = {
  [K in T]?: EventHandler<DB, EventPayload<K>>
}

/**
 * A handler that can take a batch: the consumer gives it every run of consecutive new events of its
 * type in a partition's batch, in one transaction with their inbox rows; a single event (and the
 * one-by-one fallback after a failed batch) is a run of one. It must leave the same effects as
 * applying the events one after the other.
 */
export function batchHandler<DB, T>(apply: BatchEventHandler<DB, T>): EventHandler<DB, T> {
  return Object.assign((trx: Transaction<DB>, event: CloudEvent<T>) => apply(trx, [event]), {
    batch: apply,
  })
}

export interface ConsumerOptions<DB extends EventTables = EventTables> {
  /** The consumer group, and the inbox's consumer name. */
  groupId: string
  topics: string[]
  handlers: EventHandlers<DB>
  /** The service's schema-bound query builder (its inbox lives there). */
  db: Kysely<DB>
  transport: Transport
  logger: Logger
  maxAttempts?: number
  retryBaseMs?: number
  /** The most events one transaction applies when a handler takes batches (default 100, at most 1,000). */
  maxBatch?: number
  /** Told after a transaction that applied events committed (a handler may have written events). */
  applied?: () => void
  /** Is the database reachable? While it is not, failures are not the event's fault. */
  ping?: () => Promise<void>
  /**
   * Runs around the handlers of each transaction's new events (a batch, or one event), inside it:
   * for a projection that must look at its state before the events and after them.
   */
  around?: Around<DB>
  /**
   * Runs before the transaction of each batch (or event), outside it, for work that must not hold
   * a transaction open: asking another service over HTTP (the embedded run's one PGlite connection
   * would wait on itself). Its answer is `around`'s `prepared`; a failure fails the attempt as a
   * handler's does.
   */
  prepare?: (events: CloudEvent[]) => Promise<unknown>
}

/** See `ConsumerOptions.around`: calls `apply` once, between its own before and after. */
export type Around<DB = EventTables> = (
  trx: Transaction<DB>,
  events: CloudEvent[],
  apply: () => Promise<void>,
  /** What `ConsumerOptions.prepare` answered for these events (undefined without one). */
  prepared?: unknown,
) => Promise<void>

export function deadLetterTopic(groupId: string) {
  return `creditbank.dlq.${groupId}`
}

/** What a delivery is to this consumer: an event to apply, one to ignore, or one to park at once. */
type Sorted = { apply: CloudEvent; handler: EventHandler } | { ignore: true } | { reject: unknown }

/**
 * Applies each event once: the inbox row and the handler's effect commit in one transaction, so a
 * redelivered event is recognised and skipped. A failing event is retried a bounded number of
 * times, then parked on the group's dead-letter topic, and the stream goes on.
 *
 * When a handler takes batches (`batchHandler`), the transport hands over consecutive messages of
 * one partition and they are applied in one transaction: one inbox insert, then each run of
 * consecutive events of one type to its handler, in order. If that transaction fails, the same
 * messages are applied one by one as above, so a poison event is isolated and parked alone.
 */
export class EventConsumer<DB extends EventTables = EventTables> {
  private subscription?: Subscription
  private stopping = false
  stats = { applied: 0, duplicates: 0, ignored: 0, deadLettered: 0 }
  /** The inbox, in the service's schema. */
  private readonly db: Kysely<EventTables>
  /**
   * The handlers as dispatch by type name sees them. `sort` checks an event's payload against its
   * type's contract before it picks that type's handler, so each handler gets the payload it was
   * typed for; the transaction is one of the service's own database.
   */
  private readonly handlers: Readonly<Record<string, EventHandler | undefined>>

  private readonly o: Omit<ConsumerOptions, 'db' | 'handlers' | 'around'>
  private readonly around: Around
  private readonly prepare: (events: CloudEvent[]) => Promise<unknown>

  constructor(o: ConsumerOptions<DB>) {
    this.o = o
    // Kysely's types are invariant in the database type; DB extends EventTables.
    this.db = o.db as unknown as Kysely<EventTables>
    this.handlers = o.handlers as unknown as Record<string, EventHandler | undefined>
    this.around = (o.around as unknown as Around | undefined) ?? ((_, __, apply) => apply())
    this.prepare = o.prepare ?? (async () => undefined)
  }

  get groupId() {
    return this.o.groupId
  }

  get dlqTopic() {
    return deadLetterTopic(this.o.groupId)
  }

  async start() {
    this.stopping = false
    await this.o.transport.ensureTopics([{ name: this.dlqTopic, partitions: 1 }])
    const batches = Object.values(this.handlers).some((h) => h?.batch)
    this.subscription = await this.o.transport.subscribe({
      groupId: this.o.groupId,
      topics: this.o.topics,
      handle: (d) => this.handle(d),
      ...(batches
        ? {
            handleBatch: (ds: Delivery[]) => this.handleBatch(ds),
            maxBatch: Math.min(this.o.maxBatch ?? DEFAULT_MAX_BATCH, 1_000),
          }
        : {}),
    })
  }

  async stop() {
    this.stopping = true
    await this.subscription?.stop()
    this.subscription = undefined
  }

  private get log() {
    return this.o.logger.child({ component: 'consumer', group: this.o.groupId })
  }

  private sort(d: Delivery): Sorted {
    let event: CloudEvent
    try {
      const parsed: unknown = JSON.parse(d.value)
      if (!isCloudEvent(parsed)) throw new Error('not a CloudEvents 1.0 event')
      event = parsed
    } catch (err) {
      return { reject: err }
    }
    const handler = this.handlers[event.type]
    if (!handler) return { ignore: true }
    try {
      validatePayload(event.type, event.data)
    } catch (err) {
      return { reject: err }
    }
    return { apply: event, handler }
  }

  private async handle(d: Delivery) {
    const sorted = this.sort(d)
    if ('reject' in sorted) return this.deadLetter(d, sorted.reject, 0)
    if ('ignore' in sorted) {
      this.stats.ignored += 1
      return
    }
    const { apply: event, handler } = sorted
    const maxAttempts = this.o.maxAttempts ?? 5
    for (let attempt = 1; ; attempt++) {
      try {
        await this.apply(event, handler)
        return
      } catch (err) {
        if (this.stopping) throw err
        if (attempt >= maxAttempts) {
          if (isDependencyUnavailable(err) || (await this.databaseDown())) {
            // Not the event's fault: keep it, and wait for the database (or the service it needs)
            // instead of parking it.
            attempt = 0
            await sleep(1_000)
            continue
          }
          return this.deadLetter(d, err, attempt)
        }
        this.log.warn(
          { err, eventId: event.id, type: event.type, attempt },
          'event failed; retrying',
        )
        await sleep((this.o.retryBaseMs ?? 100) * 2 ** (attempt - 1))
      }
    }
  }

  private async apply(event: CloudEvent, handler: EventHandler) {
    const prepared = await this.prepare([event])
    await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('inbox_event')
        .values({ consumer: this.o.groupId, event_id: event.id, event_type: event.type })
        .onConflict((oc) => oc.doNothing())
        .returning('event_id')
        .executeTakeFirst()
      if (!inserted) {
        this.stats.duplicates += 1
        return
      }
      await this.around(trx, [event], () => handler(trx, event), prepared)
      this.stats.applied += 1
    })
    this.o.applied?.()
  }

  private async handleBatch(ds: Delivery[]) {
    if (ds.length === 1) return this.handle(ds[0]!)
    const sorted = ds.map((d) => ({ d, s: this.sort(d) }))
    const todo = sorted.flatMap(({ s }) => ('apply' in s ? [s] : []))
    let counts = { applied: 0, duplicates: 0 }
    for (let attempt = 1; ; attempt++) {
      try {
        if (todo.length) counts = await this.applyBatch(todo)
        break
      } catch (err) {
        if (this.stopping) throw err
        if (isDependencyUnavailable(err)) {
          // A service the batch needs is down: the same batch again later, not its events one by
          // one (each would ask that service on its own).
          this.log.warn({ err, events: todo.length, attempt }, 'batch waits for a dependency')
          await sleep(Math.min((this.o.retryBaseMs ?? 100) * 2 ** (attempt - 1), 5_000))
          continue
        }
        this.log.warn({ err, events: todo.length }, 'batch failed; applying its events one by one')
        for (const d of ds) await this.handle(d)
        return
      }
    }
    this.stats.applied += counts.applied
    this.stats.duplicates += counts.duplicates
    if (counts.applied) this.o.applied?.()
    for (const { d, s } of sorted) {
      if ('reject' in s) await this.deadLetter(d, s.reject, 0)
      else if ('ignore' in s) this.stats.ignored += 1
    }
  }

  /** One transaction: the inbox rows in one statement, then each run of one type to its handler. */
  private async applyBatch(todo: { apply: CloudEvent; handler: EventHandler }[]) {
    const prepared = await this.prepare(todo.map((x) => x.apply))
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('inbox_event')
        .values(
          todo.map(({ apply: e }) => ({
            consumer: this.o.groupId,
            event_id: e.id,
            event_type: e.type,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .returning('event_id')
        .execute()
      const fresh = new Set(inserted.map((r) => r.event_id as string))
      // An event delivered twice in one batch is inserted once: only its first copy is new.
      const news = todo.filter(({ apply: e }) => fresh.delete(e.id))
      // An id Postgres spells differently (upper case, no hyphens) cannot be told apart here: one by one instead.
      if (news.length !== inserted.length)
        throw new Error('event ids not in canonical form; applying one by one')
      await this.around(
        trx,
        news.map((x) => x.apply),
        async () => {
          for (let i = 0; i < news.length; ) {
            const { handler, apply: first } = news[i]!
            let end = i + 1
            if (handler.batch) {
              while (end < news.length && news[end]!.apply.type === first.type) end++
              await handler.batch(
                trx,
                news.slice(i, end).map((x) => x.apply),
              )
            } else await handler(trx, first)
            i = end
          }
        },
        prepared,
      )
      return { applied: news.length, duplicates: todo.length - news.length }
    })
  }

  private async databaseDown() {
    if (!this.o.ping) return false
    try {
      await this.o.ping()
      return false
    } catch {
      return true
    }
  }

  private async deadLetter(d: Delivery, err: unknown, attempts: number) {
    const error = err instanceof Error ? err.message : String(err)
    this.log.error(
      { topic: d.topic, partition: d.partition, offset: d.offset, error, attempts },
      'event dead-lettered',
    )
    await this.o.transport.publish([
      {
        topic: this.dlqTopic,
        key: d.key,
        value: JSON.stringify({
          groupId: this.o.groupId,
          topic: d.topic,
          partition: d.partition,
          offset: d.offset,
          attempts,
          error,
          failedAt: new Date().toISOString(),
          value: d.value,
        }),
      },
    ])
    this.stats.deadLettered += 1
  }
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms))
}
