import { eventPayloads, type PortfolioEventType, topicOf } from '@creditbank/contracts'
import {
  batchHandler,
  type CloudEvent,
  type EventHandler,
  type EventHandlers,
  type Publish,
} from '@creditbank/events'
import {
  type LearnerKeys,
  type LearnerPersonalSource,
  learnerPersonalStep,
  sealFor,
} from '@creditbank/service-kit'
import { sql } from 'kysely'
import { type PortfolioDB, SCHEMA } from '../db/schema.js'
import { eraseAndReport } from '../domain/erasure.js'
import { notify } from '../domain/notifications.js'
import { applyEvent, type Data } from '../domain/projection.js'

export const consumedTopics = [
  'creditbank.identity.v1',
  'creditbank.accounts.v1',
  'creditbank.certificates.v1',
  'creditbank.recognition.v1',
]

/**
 * Reports to accounts on the consumed topics, not the learner's learning: a staff read of their
 * data (shown on their "who looked" page, from accounts) and a service's part of an erasure.
 */
export const NOT_ON_TIMELINE = [
  'certificates.learner.read',
  'recognition.learner.read',
  'certificates.erasure.completed',
  'recognition.erasure.completed',
] as const

/**
 * A handler for every contract type on the consumed topics, so each new type (recognition's
 * application events, say) reaches the timeline as soon as its contract exists. Types without a
 * contract are skipped by the consumer (counted as ignored), never dead-lettered.
 */
export function projectionHandlers(
  keys: LearnerKeys,
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
    ...Object.fromEntries(NOT_ON_TIMELINE.map((type) => [type, async () => {}])),
    // Erasure and correction (decision 0730) are not timeline items: they change what is kept.
    // A rebuild (no publish) erases again without reporting a second time.
    'accounts.learner.erased': async (trx, e) => {
      await eraseAndReport(trx, keys, String((e.data as Data).learnerId), publish)
    },
    // The event names no value: `learnerNames` asks accounts for the corrected name. The learner
    // is told which fields changed, and by whom.
    'accounts.learner.corrected': async (trx, e) => {
      await notify(trx, e as CloudEvent<Data>)
    },
    // A batch handler, so the consumer hands over batches and `learnerNames` asks accounts once per
    // batch, not once per opened account (a rebuild replays every one).
    'accounts.learner.opened': batchHandler<PortfolioDB, Data>(async (trx, events) => {
      for (const e of events) await applyEvent(trx, e)
    }),
  }
}

/**
 * The consumer's `around`: the names of the learners a batch opens or corrects, from accounts
 * (events carry none, decision 0730), sealed under each learner's key (made here on first use,
 * once for the batch) and written after the batch's events. An erased learner's name is null, and
 * so is that of a learner whose key was destroyed: nothing is sealed for them again.
 */
export function learnerNames(source: LearnerPersonalSource, keys: LearnerKeys) {
  return learnerPersonalStep<PortfolioDB>(source, async (trx, people) => {
    const named = people.filter((p) => p.name !== null).map((p) => p.learnerId)
    const byId = await keys.ensureMany(trx, named)
    const sealed = people.map((p) => {
      const key = byId.get(p.learnerId.toLowerCase())
      return key && p.name !== null ? sealFor(key, p.name) : null
    })
    await sql`update ${sql.table(`${SCHEMA}.learner`)} l set name_sealed = v.sealed, name = null
      from unnest(${people.map((p) => p.learnerId)}::uuid[], ${sealed}::text[]) v(id, sealed)
      where l.learner_id = v.id`.execute(trx)
  })
}
