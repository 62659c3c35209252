import { authPlugin, type KeyResolver, RevokedKeys } from '@creditbank/auth'
import { topics as contractTopics } from '@creditbank/contracts'
import { type Database, forSchema } from '@creditbank/db'
import {
  type CloudEvent,
  EventConsumer,
  type EventHandler,
  type NewEvent,
  OutboxRelay,
  outboxSignal,
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

export interface ServiceEvents {
  /** The CloudEvents `source` of this service. */
  readonly source: string
  /** Writes events to the outbox in the caller's transaction. */
  write(trx: Kysely<any>, events: NewEvent[]): Promise<CloudEvent[]>
  /** Call after a commit that wrote events: the relay publishes without waiting for its next poll. */
  committed(): void
  readonly relay?: Relay
  readonly consumer?: EventConsumer
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The service's query builder; every table is qualified by the service's schema. */
    db: Kysely<any>
    events: ServiceEvents
  }
}

export interface ServicePlatformOptions {
  service: string
  schema: string
  platform: Platform
  publishes?: boolean
  /**
   * Publish from a thread of its own where the platform allows it: for a service whose outbox
   * carries an event per request item (accounts). It costs the process about 25 MB.
   */
  relayThread?: boolean
  consumes?: { topics: string[]; handlers: Record<string, EventHandler> }
  /** Tests run the relay and consumer by hand. */
  startWorkers?: boolean
}

/**
 * Gives a service its database schema, its outbox and relay, its inbox consumer, token
 * verification, and readiness checks; starts the workers when the server is ready and stops them
 * when it closes. The database and transport belong to the process, not to the service.
 */
export const servicePlatform = fp<ServicePlatformOptions>(
  async (app: FastifyInstance, o) => {
    const { platform } = o
    const db = forSchema<any>(platform.database, o.schema)
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
    const consumer = o.consumes
      ? new EventConsumer({
          groupId: `creditbank.${o.service}`,
          topics: o.consumes.topics,
          handlers: o.consumes.handlers,
          db,
          transport: platform.transport,
          logger,
          ping: () => platform.database.ping(),
          // A handler may have written events: publish them now, not at the relay's next poll.
          applied: () => relay?.wake(),
        })
      : undefined
    const source = `/creditbank/${o.service}`
    app.decorate('db', db)
    app.decorate('events', {
      source,
      write: (trx: Kysely<any>, events: NewEvent[]) => writeOutbox(trx, source, events),
      committed: () => relay?.wake(),
      relay,
      consumer,
    } satisfies ServiceEvents)
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
        consumer && o.consumes
          ? () => platform.transport.lag(consumer.groupId, o.consumes!.topics)
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
      await revocations?.stop()
      await consumer?.stop()
      await relay?.stop()
    })
  },
  { name: 'creditbank-platform', fastify: '5.x' },
)
