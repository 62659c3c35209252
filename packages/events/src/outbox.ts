import { type EventType, topicOf } from '@creditbank/contracts'
import { jsonRows } from '@creditbank/db'
import type { Kysely, Transaction } from 'kysely'
import { type CloudEvent, createEvent, type NewEvent, type NewEventOf } from './envelope.js'
import type { EventTables } from './tables.js'
import { validateNewPayload } from './validate.js'

/**
 * The outbox insert for events, built (payloads validated, envelopes made) but not run, for a
 * caller that sends it as part of a larger statement (a data-modifying CTE): one round trip fewer.
 * One JSON parameter (jsonRows): a 1,000-event insert binds 1 parameter, not 5,000; the rows
 * keep their order, so the relay's seq order is the order the caller gave.
 */
export function outboxInsert<DB extends EventTables>(
  trx: Transaction<DB>,
  source: string,
  events: readonly NewEvent[],
) {
  // Kysely's types are invariant in the database type: every service's extends EventTables.
  const outbox = trx as unknown as Kysely<EventTables>
  const now = new Date()
  const built = events.map((e) => {
    validateNewPayload(e.type, e.data)
    return createEvent(source, e, now)
  })
  if (built.length === 0) return { built, query: undefined }
  // The envelope travels as JSON inside the rows' JSON (not as a string escaped a second time);
  // Postgres keeps a json value's text as written, which becomes the text of `value`.
  const rows = built.map((e) => ({
    event_id: e.id,
    topic: topicOf(e.type),
    key: e.subject ?? null,
    type: e.type,
    value: e,
  }))
  const values = jsonRows(rows, {
    event_id: 'uuid',
    topic: 'text',
    key: 'text',
    type: 'text',
    value: 'json',
  })
  return {
    built,
    query: outbox.insertInto('outbox_event').columns(values.names).expression(values.select),
  }
}

/**
 * Writes events to the outbox in the caller's transaction, so an event exists exactly when the
 * change that caused it commits. The relay publishes them afterwards.
 */
export async function writeOutbox<DB extends EventTables>(
  trx: Transaction<DB>,
  source: string,
  events: readonly NewEvent[],
): Promise<CloudEvent[]> {
  const { built, query } = outboxInsert(trx, source, events)
  await query?.execute()
  return built
}

/**
 * How a service writes its events: in the caller's transaction, only the types it publishes, each
 * with its contract's payload. A use case takes the narrowest `Publish<T>` it needs.
 */
export type Publish<T extends EventType> = <DB extends EventTables>(
  trx: Transaction<DB>,
  events: readonly NewEventOf<T>[],
) => Promise<CloudEvent[]>
