import type { SchemaColumns } from '@creditbank/db'
import type { Generated } from 'kysely'

/**
 * The outbox and inbox tables, version 1. Each producing or consuming service puts these
 * statements in one of its own migrations; a later change gets a new constant, never an edit.
 */
export const eventTablesV1: readonly string[] = [
  `create table outbox_event (
    seq bigint generated always as identity primary key,
    event_id uuid not null unique,
    topic text not null,
    key text,
    type text not null,
    value text not null,
    created_at timestamptz not null default now()
  )`,
  `create table inbox_event (
    consumer text not null,
    event_id uuid not null,
    event_type text not null,
    processed_at timestamptz not null default now(),
    primary key (consumer, event_id)
  )`,
]

export interface OutboxEventTable {
  seq: Generated<string>
  event_id: string
  topic: string
  key: string | null
  type: string
  value: string
  created_at: Generated<Date>
}

export interface InboxEventTable {
  consumer: string
  event_id: string
  event_type: string
  processed_at: Generated<Date>
}

export interface EventTables {
  outbox_event: OutboxEventTable
  inbox_event: InboxEventTable
}

/** The event tables' columns as eventTablesV1 makes them, for each service's SchemaColumns. */
export const eventTableColumns: SchemaColumns<EventTables> = {
  outbox_event: {
    seq: ['bigint', false],
    event_id: ['uuid', false],
    topic: ['text', false],
    key: ['text', true],
    type: ['text', false],
    value: ['text', false],
    created_at: ['timestamptz', false],
  },
  inbox_event: {
    consumer: ['text', false],
    event_id: ['uuid', false],
    event_type: ['text', false],
    processed_at: ['timestamptz', false],
  },
}
