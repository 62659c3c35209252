import type { EventPayload, EventType } from '@creditbank/contracts'
import { uuidv7 } from 'uuidv7'

/** A CloudEvents 1.0 event in structured JSON mode; the Kafka value is exactly this object. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0'
  id: string
  source: string
  type: string
  subject?: string
  time: string
  datacontenttype: 'application/json'
  data: T
}

export interface NewEvent<T = unknown> {
  type: string
  /** The learner id where there is one: it becomes the Kafka key, so one learner's events stay in order. */
  subject?: string
  data: T
  id?: string
}

/**
 * A new event of one of the contract's types: `type` names it and `data` has that type's payload,
 * so a wrong payload (or a type this writer does not publish) does not compile.
 */
export type NewEventOf<T extends EventType> = {
  [K in T]: { type: K; subject?: string; id?: string; data: EventPayload<K> }
}[T]

export function createEvent<T>(source: string, e: NewEvent<T>, now = new Date()): CloudEvent<T> {
  const id = e.id ?? uuidv7()
  const time = now.toISOString()
  // Two literals rather than a conditional spread, which is several times slower per event.
  return e.subject
    ? {
        specversion: '1.0',
        id,
        source,
        type: e.type,
        subject: e.subject,
        time,
        datacontenttype: 'application/json',
        data: e.data,
      }
    : {
        specversion: '1.0',
        id,
        source,
        type: e.type,
        time,
        datacontenttype: 'application/json',
        data: e.data,
      }
}

export function isCloudEvent(value: unknown): value is CloudEvent {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    v.specversion === '1.0' &&
    typeof v.id === 'string' &&
    typeof v.source === 'string' &&
    typeof v.type === 'string' &&
    typeof v.time === 'string' &&
    'data' in v
  )
}
