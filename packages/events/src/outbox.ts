import { topicOf } from '@creditbank/contracts'
import { unnestRows } from '@creditbank/db'
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
  // One array a column (unnestRows): a 1,000-event insert binds 5 parameters, not 5,000. The rows
  // keep their order, so the relay's seq order is the order the caller gave.
  const rows = built.map((e) => ({ event_id: e.id, topic: topicOf(e.type), key: e.subject ?? null, type: e.type, value: JSON.stringify(e) }))
  const values = unnestRows(rows, { event_id: 'uuid', topic: 'text', key: 'text', type: 'text', value: 'text' })
  await trx.insertInto('outbox_event').columns(values.names).expression(values.select).execute()
  return built
}
