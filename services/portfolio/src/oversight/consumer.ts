import { EventConsumer } from '@creditbank/events'
import type { Platform } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { PortfolioDB } from '../db/schema.js'
import { aroundOversight, oversightHandlers, oversightTopics } from './projection.js'

/** The oversight projection's consumer group: its own inbox rows, offsets and rebuild (decision 0802). */
export const OVERSIGHT_GROUP = 'creditbank.portfolio.oversight'

/**
 * The oversight projection reads the same topics as the timeline in a group of its own, so the
 * figures keep up with the event rate whatever the timeline costs per event, and each rebuilds
 * without the other. Started and stopped with the service's other workers.
 */
export function oversightConsumer(
  app: FastifyInstance,
  o: { db: Kysely<PortfolioDB>; platform: Platform; startWorkers?: boolean },
) {
  const consumer = new EventConsumer({
    groupId: OVERSIGHT_GROUP,
    topics: oversightTopics,
    handlers: oversightHandlers(),
    around: aroundOversight,
    db: o.db,
    transport: o.platform.transport,
    logger: app.log as never,
    ping: () => o.platform.database.ping(),
    maxBatch: 500,
  })
  if (o.startWorkers !== false) {
    // Registered after the platform's own hooks: the topics exist before this group subscribes.
    app.addHook('onReady', () => consumer.start())
    app.addHook('onClose', () => consumer.stop())
  }
  return consumer
}
