import { eventTablesV1 } from '@creditbank/events'

/** A tiny service schema for exercising the outbox, relay and inbox on their own. */
export const eventsTestSchema = {
  evt_test: {
    '2026-11-29T0001_init': {
      up: [
        ...eventTablesV1,
        'create table effect (group_id text not null, event_id uuid not null, learner_id uuid not null, primary key (group_id, event_id))',
      ],
    },
    // Effects in the order they were applied (batch consumers: order within a partition, once each).
    '2026-11-29T0002_applied': {
      up: [
        'create table applied (seq bigint generated always as identity primary key, group_id text not null, event_id uuid not null, type text not null, unique (group_id, event_id))',
      ],
    },
  },
}
