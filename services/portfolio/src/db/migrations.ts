import type { Migrations } from '@creditbank/db'
import { eventTablesV1 } from '@creditbank/events'
import { idempotencyTablesV1, learnerKeyTablesV1 } from '@creditbank/service-kit'
import { foldEveryone } from '../oversight/totals.js'

export const migrations: Migrations = {
  '2026-11-29T0001_portfolio': {
    up: [
      ...eventTablesV1,
      ...idempotencyTablesV1,
      // The projection (rebuildable from the topics): timeline items, learners, organizations, certificate types.
      `create table timeline_item (
        event_id uuid primary key,
        learner_id uuid not null,
        event_type text not null,
        category text not null,
        ref_id uuid,
        title text not null,
        at timestamptz not null,
        org_id uuid,
        data jsonb not null,
        provenance jsonb not null,
        status text not null default 'active' check (status in ('active', 'reversed', 'revoked'))
      )`,
      `create index timeline_item_learner_at on timeline_item (learner_id, at desc, event_id desc)`,
      `create index timeline_item_learner_ref on timeline_item (learner_id, ref_id)`,
      `create index timeline_item_certificate on timeline_item ((data ->> 'certificateId')) where data ? 'certificateId'`,
      `create table learner (
        learner_id uuid primary key,
        account_no text not null,
        opened_at timestamptz not null
      )`,
      `create table organization (
        id uuid primary key,
        code text not null,
        name text not null,
        kind text not null
      )`,
      `create table certificate_type (
        code text primary key,
        name text not null,
        name_en text,
        evaluation_org_id uuid not null
      )`,
      // Owned state (never dropped by a rebuild): signing identities, status lists, evidence, shares.
      `create table issuer_key (
        issuer_id text primary key,
        did text not null unique,
        public_key_multibase text not null,
        secret_key_sealed text not null,
        created_at timestamptz not null default now()
      )`,
      `create table status_list (
        id uuid primary key,
        issuer_id text not null references issuer_key (issuer_id),
        purpose text not null check (purpose in ('revocation')),
        size int not null check (size >= 131072 and size % 8 = 0),
        next_index int not null default 0,
        bits bytea not null,
        version int not null default 0,
        credential text,
        credential_version int,
        created_at timestamptz not null default now()
      )`,
      `create index status_list_issuer on status_list (issuer_id, created_at)`,
      `create table credential_status (
        ref_id text not null,
        issuer_id text not null references issuer_key (issuer_id),
        status_list_id uuid not null references status_list (id),
        status_index int not null,
        revoked boolean not null default false,
        created_at timestamptz not null default now(),
        primary key (ref_id, issuer_id),
        unique (status_list_id, status_index)
      )`,
      `create table evidence_blob (
        sha256 char(64) primary key,
        media_type text not null,
        size_bytes int not null check (size_bytes > 0 and size_bytes <= 10485760),
        content bytea not null,
        created_at timestamptz not null default now()
      )`,
      `create table evidence (
        id uuid primary key,
        learner_id uuid not null,
        sha256 char(64) not null references evidence_blob (sha256),
        filename text,
        media_type text not null,
        size_bytes int not null,
        created_by text not null,
        created_at timestamptz not null default now(),
        unique (learner_id, sha256)
      )`,
      `create index evidence_learner on evidence (learner_id, id)`,
      `create table share (
        id uuid primary key,
        learner_id uuid not null,
        token_hash char(64) not null unique,
        scope text not null check (scope in ('all', 'selected')),
        entry_ids uuid[] not null default '{}',
        label text,
        expires_at timestamptz not null,
        revoked_at timestamptz,
        created_by text not null,
        created_at timestamptz not null default now()
      )`,
      `create index share_learner on share (learner_id, id)`,
      `create table share_access (
        id uuid primary key,
        share_id uuid not null references share (id),
        at timestamptz not null default now(),
        user_agent text,
        client_ip text
      )`,
      `create index share_access_share on share_access (share_id, at desc)`,
    ],
  },
  // Random status indexes (Bitstring Status List §6): a list is no longer filled in order; it takes
  // entries until random draws stop finding free indexes, then it is closed and a new one opened.
  '2026-11-29T0002_portfolio_random_status_indexes': {
    up: [
      `alter table status_list add column closed_at timestamptz`,
      `update status_list set closed_at = now() where next_index >= size`,
      `update status_list s set closed_at = now() where closed_at is null and exists (
        select 1 from status_list n where n.issuer_id = s.issuer_id and n.closed_at is null and (n.created_at, n.id) > (s.created_at, s.id))`,
      `alter table status_list drop column next_index`,
      // One open list per issuer: concurrent writers that find none cannot open two.
      `create unique index status_list_open on status_list (issuer_id) where closed_at is null`,
    ],
  },
  // Notifications (issue 14): kept from the events portfolio already consumes, one per event id
  // (a replay inserts nothing), so owned state a rebuild leaves alone: read marks survive it.
  // application_watch remembers each pending application's due date, for "due" notifications.
  '2026-12-06T0003_portfolio_notifications': {
    up: [
      `create table notification (
        id uuid primary key,
        learner_id uuid not null,
        kind text not null,
        at timestamptz not null,
        ref_id uuid,
        org_id uuid,
        data jsonb not null,
        read_at timestamptz
      )`,
      `create index notification_learner on notification (learner_id, (read_at is not null), at desc, id desc)`,
      `create table application_watch (
        application_id uuid primary key,
        learner_id uuid not null,
        target_org_id uuid not null,
        course_name text not null,
        due_at timestamptz,
        open boolean not null
      )`,
      `create index application_watch_due on application_watch (learner_id, due_at) where open`,
    ],
  },
  // Shares and printable records (issue 14): the learner's name (from accounts.learner.opened) for
  // shared views and records; the share's token sealed, so its owner can show the same link and QR
  // code again; each printed record's canonical form, found by its digest.
  '2026-12-06T0004_portfolio_records': {
    up: [
      `alter table learner add column name text`,
      `alter table share add column token_sealed text`,
      `create table record (
        digest text primary key check (digest ~ '^[0-9a-f]{64}$'),
        code text not null unique,
        learner_id uuid not null,
        share_id uuid references share (id),
        canonical text not null,
        created_at timestamptz not null default now()
      )`,
      `create index record_learner on record (learner_id, created_at)`,
    ],
  },
  // The timeline is dated by when the learning happened (an outcome's occurredOn, a certificate's
  // issue date), the posting time second; other items by their China-time day.
  '2026-12-06T0005_portfolio_timeline_occurred_on': {
    up: [
      `alter table timeline_item add column occurred_on date`,
      `update timeline_item set occurred_on = coalesce(
        case when data ->> 'occurredOn' ~ '^\\d{4}-\\d{2}-\\d{2}$' then (data ->> 'occurredOn')::date end,
        case when data ->> 'issuedOn' ~ '^\\d{4}-\\d{2}-\\d{2}$' then (data ->> 'issuedOn')::date end,
        (at at time zone 'Asia/Shanghai')::date)`,
      `alter table timeline_item alter column occurred_on set not null`,
      `create index timeline_item_learner_occurred on timeline_item (learner_id, occurred_on desc, at desc, event_id desc)`,
    ],
  },
  // Oversight (issue 18, decision 0800): the policy's own figures, projected from the same events
  // as the timeline and rebuilt with it. The learner's category and city and the school's region
  // are joined when asked, so an event of one topic never waits for another's.
  '2026-12-07T0001_portfolio_oversight': {
    up: [
      `create table oversight_org (
        id uuid primary key,
        name text not null,
        kind text not null,
        region_code char(6) not null
      )`,
      `create table oversight_learner (
        learner_id uuid primary key,
        category text not null,
        region_code char(6),
        opened_by_org_id uuid
      )`,
      `create table oversight_enrollment (
        enrollment_id uuid primary key,
        learner_id uuid not null,
        org_id uuid not null,
        started_on date not null
      )`,
      `create index oversight_enrollment_org on oversight_enrollment (org_id, started_on)`,
      `create index oversight_enrollment_learner on oversight_enrollment (learner_id, started_on)`,
      `create table oversight_training (
        entry_id uuid primary key,
        learner_id uuid not null,
        org_id uuid not null,
        hours numeric(12, 1) not null,
        occurred_on date not null,
        reversed boolean not null default false
      )`,
      `create index oversight_training_org on oversight_training (org_id, occurred_on) where not reversed`,
      `create table oversight_certificate (
        certificate_id uuid primary key,
        learner_id uuid not null,
        type_code text not null,
        type_name text not null,
        level text not null,
        score numeric(6, 2),
        issued_on date not null,
        evaluation_org_id uuid not null,
        evaluation_org_name text,
        revoked boolean not null default false
      )`,
      `create index oversight_certificate_issued on oversight_certificate (issued_on) where not revoked`,
      `create table oversight_state (
        id smallint primary key check (id = 1),
        as_of timestamptz not null,
        events bigint not null
      )`,
    ],
  },
  // Retention (decision 0727): the job finds ended shares and old notifications by these.
  '2026-12-07T0101_portfolio_retention': {
    up: [
      `create index share_expires on share (expires_at)`,
      `create index share_revoked on share (revoked_at) where revoked_at is not null`,
      `create index record_share on record (share_id) where share_id is not null`,
      `create index notification_at on notification (at)`,
      `create index notification_read on notification (read_at) where read_at is not null`,
    ],
  },
  // Oversight running totals (decision 0802), filled from the rows already projected: the new
  // consumer group then replays the topics from their start, which changes nothing already there.
  '2026-12-07T0201_portfolio_oversight_totals': {
    up: [
      `create table oversight_total (
        scope text not null,
        period text not null,
        category text not null,
        learner_city text not null,
        person_times bigint not null,
        people bigint not null,
        hours numeric(14, 1) not null,
        enrolled bigint not null,
        primary key (scope, period, category, learner_city)
      )`,
      `create index oversight_training_learner on oversight_training (learner_id)
        include (org_id, occurred_on, hours) where not reversed`,
      foldEveryone,
    ],
  },
  // Per-learner keys (decision 0730): each learner's personal data is sealed under their own key,
  // so destroying it at erasure leaves backups unreadable too. The sealed columns are filled at
  // start (domain/seal-at-start.ts), which then clears the clear ones. A file's bytes move from
  // evidence_blob (shared by sha256 between learners) into each learner's own evidence row.
  '2026-12-09T0401_portfolio_learner_keys': {
    up: [
      ...learnerKeyTablesV1,
      `alter table learner add column name_sealed text`,
      `create index learner_unsealed on learner (learner_id) where name is not null`,
      `alter table evidence add column filename_sealed text`,
      `alter table evidence add column content_sealed bytea`,
      `alter table evidence drop constraint evidence_sha256_fkey`,
      `create index evidence_unsealed on evidence (id) where content_sealed is null`,
      // A share's label and token together, sealed as one value (the token was under the service key).
      `alter table share add column personal_sealed text`,
      `create index share_unsealed on share (id) where personal_sealed is null`,
      `alter table record add column canonical_sealed text`,
      `alter table record alter column canonical drop not null`,
      `create index record_unsealed on record (digest) where canonical is not null`,
      // Who opened a share (browser, coarse network): sealed under the share's learner's key.
      `alter table share_access add column visitor_sealed text`,
      `create index share_access_unsealed on share_access (id)
        where visitor_sealed is null and (user_agent is not null or client_ip is not null)`,
    ],
  },
  // Reports to accounts (a staff read, a service's part of an erasure) were projected as timeline
  // items titled in English ("learner read"); they are not the learner's learning (decision 0400).
  '2026-12-10T0401_timeline_without_reports': {
    up: [
      `delete from timeline_item where event_type in ('certificates.learner.read',
        'recognition.learner.read', 'certificates.erasure.completed', 'recognition.erasure.completed')`,
    ],
  },
  // Reasons written about a person left the events (decision 0730, "Reasons stay where they were
  // written"): the copies kept from older events go, and a reversal or a revocation is titled
  // after what it reversed or revoked instead of by its reason.
  '2026-12-11T0401_portfolio_without_reasons': {
    up: [
      `update timeline_item set data = data - 'reason', provenance = provenance || '{"reason": null}'
        where event_type in ('accounts.entry.reversed', 'certificates.certificate.revoked',
          'recognition.application.decided', 'recognition.application.rejected')`,
      `update timeline_item r set title = coalesce((
          select o.title from timeline_item o
          where o.learner_id = r.learner_id
            and o.category in ('outcome', 'certificate', 'recognized')
            and o.ref_id = (case r.event_type when 'accounts.entry.reversed'
              then r.data ->> 'reversedEntryId' else r.data ->> 'certificateId' end)::uuid
          order by o.at limit 1), '')
        where r.event_type in ('accounts.entry.reversed', 'certificates.certificate.revoked')`,
      `update notification set data = data - 'reason'
        where kind in ('entry_reversed', 'certificate_revoked', 'application_rejected')`,
    ],
  },
}
