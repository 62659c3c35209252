import { authPlugin, type KeyResolver, RevokedKeys } from '@creditbank/auth'
import { topics as contractTopics, type EventType } from '@creditbank/contracts'
import { type Database, forSchema } from '@creditbank/db'
import {
  type Around,
  type CloudEvent,
  EventConsumer,
  type EventHandlers,
  type EventTables,
  OutboxRelay,
  outboxSignal,
  type Publish,
  type Relay,
  RelayThread,
  type RelayThreadSettings,
  type Subscription,
  type Transport,
  writeOutbox,
} from '@creditbank/events'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import { watchKeyRevocations } from './key-revocations.js'
import { eventFlowMetrics } from './metrics.js'

/** What a process shares between the services it runs: one database, one transport, one key source. */
export interface Platform {
  database: Database
  transport: Transport
  resolveKey: KeyResolver
  issuer: string
  audience: string
  /** Partitions for event topics created at start. */
  partitions?: number
  /** The relays' fallback poll (commits wake them); DEFAULT_POLL_MS when absent. */
  relayIdleMs?: number
  /**
   * Set where a relay can run on a thread of its own (Postgres and Kafka; see RelayThread): the
   * services that ask for one get it, or every service that publishes with `everyService`.
   */
  relayThread?: Pick<
    RelayThreadSettings,
    'databaseUrl' | 'brokers' | 'clientId' | 'logLevel' | 'namespace'
  > & {
    everyService?: boolean
  }
}

export interface ServiceEvents<P extends EventType = never> {
  /** The CloudEvents `source` of this service. */
  readonly source: string
  /** Writes events of the types this service publishes to the outbox, in the caller's transaction. */
  readonly write: Publish<P>
  /** Call after a commit that wrote events: the relay publishes without waiting for its next poll. */
  committed(): void
  readonly relay?: Relay
  readonly consumer?: EventConsumer<EventTables>
}

/**
 * What a service's routes and use cases are given: its own database, typed by its tables, and its
 * own events, typed by the contracts it publishes.
 */
export interface ServiceContext<DB, P extends EventType = never> {
  /** The service's query builder; every table is qualified by the service's schema. */
  readonly db: Kysely<DB>
  readonly events: ServiceEvents<P>
}

export interface ServicePlatformOptions<DB, P extends EventType = never> {
  service: string
  schema: string
  platform: Platform
  publishes?: boolean
  /**
   * Publish from a thread of its own where the platform allows it: for a service whose outbox
   * carries an event per request item (accounts). It costs the process about 25 MB.
   */
  relayThread?: boolean
  /**
   * The topics and a handler per consumed type. Handlers that publish are built from the
   * service's `write` (they run in the inbox transaction, so their events join that commit).
   */
  consumes?: {
    topics: string[]
    handlers: EventHandlers<DB> | ((write: Publish<P>) => EventHandlers<DB>)
    /** Runs around each transaction's events (see ConsumerOptions.around). */
    around?: Around<DB>
    /** Runs before each transaction, outside it (see ConsumerOptions.prepare). */
    prepare?: (events: CloudEvent[]) => Promise<unknown>
  }
  /** Tests run the relay and consumer by hand. */
  startWorkers?: boolean
}

/**
 * Gives a service its database schema, its outbox and relay, its inbox consumer, token
 * verification, and readiness checks; starts the workers when the server is ready and stops them
 * when it closes. The database and transport belong to the process, not to the service.
 *
 * `DB` is the service's database type and `P` the event types it publishes; the answer is the
 * service's context, typed by both. (A decorator on the Fastify instance cannot be: five services
 * share one program, and a module augmentation is global.)
 */
export async function servicePlatform<DB extends EventTables, P extends EventType = never>(
  app: FastifyInstance,
  o: ServicePlatformOptions<DB, P>,
): Promise<ServiceContext<DB, P>> {
  const { platform } = o
  const db = forSchema<DB>(platform.database, o.schema)
  const logger = app.log as never
  const idleMs = platform.relayIdleMs
  const thread =
    platform.relayThread && (o.relayThread || platform.relayThread.everyService)
      ? platform.relayThread
      : undefined
  const relay: Relay | undefined = !o.publishes
    ? undefined
    : thread
      ? new RelayThread(
          {
            databaseUrl: thread.databaseUrl,
            brokers: thread.brokers,
            clientId: `${thread.clientId}-relay`,
            logLevel: thread.logLevel,
            ...(thread.namespace ? { namespace: thread.namespace } : {}),
            schema: o.schema,
            name: o.service,
            idleMs,
          },
          db,
          logger,
        )
      : new OutboxRelay({
          db,
          name: o.schema,
          transport: platform.transport,
          logger,
          idleMs,
          signal: outboxSignal(platform.database, o.schema),
        })
  const source = `/creditbank/${o.service}`
  const write: Publish<P> = (trx, events) => writeOutbox(trx, source, events)
  const handlers =
    typeof o.consumes?.handlers === 'function' ? o.consumes.handlers(write) : o.consumes?.handlers
  const consumer = o.consumes
    ? new EventConsumer({
        groupId: `creditbank.${o.service}`,
        topics: o.consumes.topics,
        handlers: handlers ?? {},
        ...(o.consumes.around ? { around: o.consumes.around } : {}),
        ...(o.consumes.prepare ? { prepare: o.consumes.prepare } : {}),
        db,
        transport: platform.transport,
        logger,
        ping: () => platform.database.ping(),
        // A handler may have written events: publish them now, not at the relay's next poll.
        applied: () => relay?.wake(),
      })
    : undefined
  const events: ServiceEvents<P> = {
    source,
    write,
    committed: () => relay?.wake(),
    relay,
    consumer,
  }
  await app.register(platformHooks, {
    service: o.service,
    platform,
    relay,
    consumer,
    consumedTopics: o.consumes?.topics,
    startWorkers: o.startWorkers,
  })
  return { db, events }
}

interface PlatformHooksOptions {
  service: string
  platform: Platform
  relay: Relay | undefined
  consumer: EventConsumer<EventTables> | undefined
  consumedTopics: string[] | undefined
  startWorkers: boolean | undefined
}

/** Token verification, readiness, metrics and the workers' lifecycle, on the service's instance. */
const platformHooks = fp<PlatformHooksOptions>(
  async (app: FastifyInstance, o) => {
    const { platform, relay, consumer } = o
    const logger = app.log as never
    const revoked = new RevokedKeys()
    await app.register(authPlugin, {
      issuer: platform.issuer,
      audience: platform.audience,
      resolveKey: platform.resolveKey,
      revoked,
    })
    app.readiness.set('database', async () => {
      await platform.database.ping()
      return true
    })
    app.readiness.set('events', () => platform.transport.ready())
    eventFlowMetrics(app.metrics, {
      backlog: relay ? () => relay.backlog() : undefined,
      lag:
        consumer && o.consumedTopics
          ? () => platform.transport.lag(consumer.groupId, o.consumedTopics!)
          : undefined,
      deadLettered: consumer ? () => consumer.stats.deadLettered : undefined,
    })
    if (o.startWorkers === false) return
    let revocations: Subscription | undefined
    app.addHook('onReady', async () => {
      await platform.transport.ensureTopics(
        contractTopics.map((name) => ({ name, partitions: platform.partitions ?? 6 })),
      )
      await relay?.start()
      await consumer?.start()
      revocations = await watchKeyRevocations({
        transport: platform.transport,
        service: o.service,
        revoked,
        resolveKey: platform.resolveKey,
        logger,
      })
    })
    app.addHook('onClose', async () => {
      // Side by side: each consumer waits for its fetch in flight to return.
      await Promise.all([revocations?.stop(), consumer?.stop()])
      await relay?.stop()
    })
  },
  { name: 'creditbank-platform', fastify: '5.x' },
)
