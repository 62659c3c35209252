import { eventPayloads, type PortfolioEventType, topicOf } from '@creditbank/contracts'
import type { EventHandler, EventHandlers, Publish } from '@creditbank/events'
import type { PortfolioDB } from '../db/schema.js'
import { eraseAndReport } from '../domain/erasure.js'
import { applyEvent, type Data } from '../domain/projection.js'

export const consumedTopics = [
  'creditbank.identity.v1',
  'creditbank.accounts.v1',
  'creditbank.certificates.v1',
  'creditbank.recognition.v1',
]

/**
 * A handler for every contract type on the consumed topics, so each new type (recognition's
 * application events, say) reaches the timeline as soon as its contract exists. Types without a
 * contract are skipped by the consumer (counted as ignored), never dead-lettered.
 */
export function projectionHandlers(
  publish?: Publish<PortfolioEventType>,
): EventHandlers<PortfolioDB> {
  // The oversight figures have a group of their own (oversight/consumer.ts, decision 0802).
  const handler: EventHandler<PortfolioDB, Data> = applyEvent
  return {
    ...Object.fromEntries(
      Object.keys(eventPayloads)
        .filter((type) => consumedTopics.includes(topicOf(type)))
        .map((type) => [type, handler]),
    ),
    // Erasure and correction (decision 0730) are not timeline items: they change what is kept.
    // A rebuild (no publish) erases again without reporting a second time.
    'accounts.learner.erased': async (trx, e) => {
      await eraseAndReport(trx, String((e.data as Data).learnerId), publish)
    },
    'accounts.learner.corrected': async (trx, e) => {
      const d = e.data as Data
      await trx
        .updateTable('learner')
        .set({ name: String(d.name) })
        .where('learner_id', '=', String(d.learnerId))
        .execute()
    },
  }
}
