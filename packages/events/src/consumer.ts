import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import { type CloudEvent, isCloudEvent } from './envelope.js'
import type { Delivery, Subscription, Transport } from './transport.js'
import { validatePayload } from './validate.js'

export type EventHandler = (trx: Kysely<any>, event: CloudEvent<any>) => Promise<void>

export interface ConsumerOptions {
  /** The consumer group, and the inbox's consumer name. */
  groupId: string
  topics: string[]
  handlers: Record<string, EventHandler>
  /** The service's schema-bound query builder (its inbox lives there). */
  db: Kysely<any>
  transport: Transport
  logger: Logger
  maxAttempts?: number
  retryBaseMs?: number
  /** Is the database reachable? While it is not, failures are not the event's fault. */
  ping?: () => Promise<void>
}

export function deadLetterTopic(groupId: string) {
  return `creditbank.dlq.${groupId}`
}

/**
 * Applies each event once: the inbox row and the handler's effect commit in one transaction, so a
 * redelivered event is recognised and skipped. A failing event is retried a bounded number of
 * times, then parked on the group's dead-letter topic, and the stream goes on.
 */
export class EventConsumer {
  private subscription?: Subscription
  private stopping = false
  stats = { applied: 0, duplicates: 0, ignored: 0, deadLettered: 0 }

  constructor(private readonly o: ConsumerOptions) {}

  get groupId() {
    return this.o.groupId
  }

  get dlqTopic() {
    return deadLetterTopic(this.o.groupId)
  }

  async start() {
    this.stopping = false
    await this.o.transport.ensureTopics([{ name: this.dlqTopic, partitions: 1 }])
    this.subscription = await this.o.transport.subscribe({
      groupId: this.o.groupId,
      topics: this.o.topics,
      handle: (d) => this.handle(d),
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

  private async handle(d: Delivery) {
    let event: CloudEvent
    try {
      const parsed: unknown = JSON.parse(d.value)
      if (!isCloudEvent(parsed)) throw new Error('not a CloudEvents 1.0 event')
      event = parsed
    } catch (err) {
      return this.deadLetter(d, err, 0)
    }
    const handler = this.o.handlers[event.type]
    if (!handler) {
      this.stats.ignored += 1
      return
    }
    try {
      validatePayload(event.type, event.data)
    } catch (err) {
      return this.deadLetter(d, err, 0)
    }
    const maxAttempts = this.o.maxAttempts ?? 5
    for (let attempt = 1; ; attempt++) {
      try {
        await this.apply(event, handler)
        return
      } catch (err) {
        if (this.stopping) throw err
        if (attempt >= maxAttempts) {
          if (await this.databaseDown()) {
            // Not the event's fault: keep it, and wait for the database instead of parking it.
            attempt = 0
            await sleep(1_000)
            continue
          }
          return this.deadLetter(d, err, attempt)
        }
        this.log.warn({ err, eventId: event.id, type: event.type, attempt }, 'event failed; retrying')
        await sleep((this.o.retryBaseMs ?? 100) * 2 ** (attempt - 1))
      }
    }
  }

  private async apply(event: CloudEvent, handler: EventHandler) {
    await this.o.db.transaction().execute(async (trx) => {
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
      await handler(trx, event)
      this.stats.applied += 1
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
    this.log.error({ topic: d.topic, partition: d.partition, offset: d.offset, error, attempts }, 'event dead-lettered')
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
