import type { Migrations } from '@creditbank/db'
import { eventTablesV1 } from '@creditbank/events'
import { idempotencyTablesV1, learnerKeyTablesV1 } from '@creditbank/service-kit'

export const migrations: Migrations = {
  '2026-11-29T0001_certificates': {
    up: [
      ...eventTablesV1,
      ...idempotencyTablesV1,
      // Projection of identity.organization.registered: who may own a type, and its region and name.
      `create table organization (
        id uuid primary key,
        code text not null,
        name text not null,
        kind text not null,
        region_code char(6) not null,
        updated_at timestamptz not null default now()
      )`,
      // Projection of accounts.learner.opened: certificates go only to learners that exist.
      `create table learner (
        id uuid primary key,
        opened_at timestamptz not null default now()
      )`,
      `create table certificate_type (
        code text primary key,
        name text not null,
        name_en text,
        evaluation_org_id uuid not null references organization (id),
        levels text[] not null check (cardinality(levels) between 1 and 3 and levels <@ array['junior', 'intermediate', 'senior']),
        validity_years int not null check (validity_years between 1 and 20),
        majors text[] not null default '{}',
        created_by text not null,
        created_at timestamptz not null default now()
      )`,
      `create index certificate_type_org on certificate_type (evaluation_org_id, code)`,
      // The supervised fee standard (收费标准), one row per level offered, in CNY.
      `create table certificate_type_fee (
        type_code text not null references certificate_type (code),
        level text not null check (level in ('junior', 'intermediate', 'senior')),
        fee numeric(10, 2) not null check (fee >= 0),
        primary key (type_code, level)
      )`,
      // One row per (type, year), locked FOR UPDATE while numbers are handed out: no gaps, no repeats.
      `create table certificate_number_counter (
        type_code text not null references certificate_type (code),
        year int not null,
        last_seq int not null default 0,
        primary key (type_code, year)
      )`,
      `create table certificate (
        id uuid primary key,
        number text not null,
        type_code text not null references certificate_type (code),
        level text not null check (level in ('junior', 'intermediate', 'senior')),
        learner_id uuid not null references learner (id),
        holder_name_hash text not null,
        holder_name_sealed text not null,
        score numeric(5, 2),
        issued_on date not null,
        expires_on date not null,
        evaluation_org_id uuid not null references organization (id),
        region_code char(6) not null,
        fee_charged numeric(10, 2) check (fee_charged >= 0),
        issued_by text not null,
        created_at timestamptz not null default now(),
        revoked_at timestamptz,
        revocation_reason text,
        revoked_by text,
        check ((revoked_at is null) = (revocation_reason is null))
      )`,
      // Verification looks up by number only: a unique index keeps it one index probe at any size.
      `create unique index certificate_number on certificate (number)`,
      `create unique index certificate_natural_key on certificate (type_code, learner_id, level, issued_on)`,
      // No other indexes yet: each one costs every batch insert; listings will bring theirs.
    ],
  },
  // Issuers' and admins' lists (issue 15): an organization's certificates newest issue first, and
  // a learner's. Two more indexes for every batch insert to maintain (see decision 0530).
  '2026-12-06T0101_certificate_lists': {
    up: [
      `create index certificate_org_issued on certificate (evaluation_org_id, issued_on, id)`,
      `create index certificate_learner on certificate (learner_id, issued_on, id)`,
    ],
  },
  // Per-learner keys (decision 0730): the holder's name and a revocation's reason are sealed under
  // the learner's own key. What was written before moves to the two legacy columns here, in one
  // statement, and is sealed under the learners' keys at start (domain/seal-at-start.ts), which
  // leaves them null. Learners erased before (their name cleared to '') get a tombstone, so that
  // nothing is sealed for them again.
  '2026-12-09T0301_certificates_learner_keys': {
    up: [
      ...learnerKeyTablesV1,
      `alter table certificate alter column holder_name_sealed drop not null`,
      `alter table certificate add column holder_name_legacy text`,
      `alter table certificate add column revocation_reason_legacy text`,
      // An erased holder's reason may be gone: a revocation is told by who revoked it.
      `alter table certificate drop constraint certificate_check`,
      `alter table certificate add constraint certificate_revoked_check
        check ((revoked_at is null) = (revoked_by is null))`,
      // The rows left to seal, so each batch at start walks only those, not the whole registry;
      // a row written since has no legacy value and no entry.
      `create index certificate_legacy on certificate (id)
        where holder_name_legacy is not null or revocation_reason_legacy is not null`,
      `insert into learner_key (learner_id, key_sealed, destroyed_at)
        select distinct learner_id, null::text, now() from certificate where holder_name_sealed = ''`,
      `update certificate set
        holder_name_legacy = nullif(holder_name_sealed, ''),
        holder_name_sealed = null,
        revocation_reason_legacy = revocation_reason,
        revocation_reason = null
        where holder_name_sealed is not null or revocation_reason is not null`,
      // Remembered answers held the holders' names in the clear; they are cut to what is
      // remembered now (a certificate by its id, a batch's rows without the name): a replay reads
      // the names again, sealed.
      `update idempotency_key set body = case
        when body::jsonb ? 'items' then jsonb_set(body::jsonb, '{items}', coalesce((
          select jsonb_agg(i.item - 'holderName' order by i.n)
          from jsonb_array_elements(body::jsonb -> 'items') with ordinality as i(item, n)), '[]'::jsonb))::text
        else jsonb_build_object('id', body::jsonb -> 'id')::text end
        where body like '%"holderName"%'`,
    ],
  },
}
