import { topicOf } from '@creditbank/contracts'
import type { Kysely } from 'kysely'
import { type CloudEvent, createEvent, type NewEvent } from './envelope.js'
import { validatePayload } from './validate.js'

/**
 * Writes events to the outbox in the caller's transaction, so an event exists exactly when the
 * change that caused it commits. The relay publishes them afterwards.
 */
export async function writeOutbox(trx: Kysely<any>, source: string, events: NewEvent[]): Promise<CloudEvent[]> {
  if (events.length === 0) return []
  const now = new Date()
  const built = events.map((e) => {
    validatePayload(e.type, e.data)
    return createEvent(source, e, now)
  })
  // Large batches go in slices so one statement stays within Postgres' parameter limit.
  for (let i = 0; i < built.length; i += 1_000) {
    await trx
      .insertInto('outbox_event')
      .values(
        built.slice(i, i + 1_000).map((e) => ({
          event_id: e.id,
          topic: topicOf(e.type),
          key: e.subject ?? null,
          type: e.type,
          value: JSON.stringify(e),
        })),
      )
      .execute()
  }
  return built
}
