import type { Migrations } from '@creditbank/db'
import { eventTablesV1 } from '@creditbank/events'
import { idempotencyTablesV1, learnerKeyTablesV1 } from '@creditbank/service-kit'

export const migrations: Migrations = {
  '2026-11-29T0001_accounts': {
    up: [
      ...eventTablesV1,
      ...idempotencyTablesV1,
      // A projection of identity.organization.registered: who may post, and which kinds.
      `create table organization (
        id uuid primary key,
        kind text not null,
        name text not null,
        code text not null,
        registered_at timestamptz not null default now()
      )`,
      `create sequence account_no_seq`,
      `create table learner (
        id uuid primary key,
        account_no text not null unique,
        national_id_hash text not null unique,
        national_id_sealed text not null,
        national_id_masked text not null,
        name text not null,
        birth_date date not null,
        category text not null check (category in ('student', 'unemployed_graduate', 'veteran', 'migrant_worker', 'farmer', 'disabled', 'laid_off_worker', 'employee', 'other')),
        user_id uuid unique,
        opened_by_org_id uuid,
        opened_at timestamptz not null default now(),
        claimed_at timestamptz
      )`,
      // The account's head and balances; changed only in the transaction that appends entries.
      `create table account (
        learner_id uuid primary key references learner (id),
        last_seq bigint not null default 0,
        head_hash text not null,
        total_credits numeric(14, 2) not null default 0,
        total_hours numeric(14, 1) not null default 0,
        recognized_credits numeric(14, 2) not null default 0,
        updated_at timestamptz not null default now()
      )`,
      `create table balance (
        learner_id uuid not null references account (learner_id),
        kind text not null,
        credits numeric(14, 2) not null default 0,
        hours numeric(14, 1) not null default 0,
        entry_count bigint not null default 0,
        primary key (learner_id, kind)
      )`,
      `create table enrollment (
        id uuid primary key,
        learner_id uuid not null references learner (id),
        org_id uuid not null references organization (id),
        program_code text not null,
        program_name text not null,
        started_on date not null,
        created_by text not null,
        created_at timestamptz not null default now(),
        unique (learner_id, org_id, program_code)
      )`,
      `create index enrollment_org on enrollment (org_id, learner_id)`,
      // Append-only: corrections are reversal entries. Each account's entries form a hash chain.
      `create table ledger_entry (
        id uuid primary key,
        learner_id uuid not null references account (learner_id),
        seq bigint not null,
        code text not null check (code in ('outcome.posted', 'certificate.issued', 'reversal', 'recognition.approved')),
        kind text not null check (kind in ('course', 'training', 'competition', 'work', 'certificate', 'recognized', 'reversal')),
        balance_kind text not null check (balance_kind in ('course', 'training', 'competition', 'work', 'certificate', 'recognized')),
        org_id uuid not null,
        title text not null,
        outcome_code text,
        credits numeric(8, 2),
        hours numeric(8, 1),
        grade_score text,
        grade_scale text,
        level text,
        category text,
        occurred_on date not null,
        external_ref text,
        content_hash text,
        certificate_id uuid,
        type_code text,
        application_id uuid,
        reverses_entry_id uuid references ledger_entry (id),
        reason text,
        posted_by text not null,
        posted_at timestamptz not null,
        prev_hash text not null,
        hash text not null,
        unique (learner_id, seq),
        check ((code = 'reversal') = (reverses_entry_id is not null))
      )`,
      // The statement: newest first by date, then by position in the account.
      `create index ledger_entry_statement on ledger_entry (learner_id, occurred_on desc, seq desc)`,
      `create unique index ledger_entry_external_ref on ledger_entry (org_id, external_ref) where external_ref is not null`,
      `create unique index ledger_entry_reversal_once on ledger_entry (reverses_entry_id) where reverses_entry_id is not null`,
      `create unique index ledger_entry_certificate on ledger_entry (certificate_id) where code = 'certificate.issued'`,
      `create unique index ledger_entry_application on ledger_entry (application_id) where code = 'recognition.approved'`,
      // Where each outcome was used: one outcome earns one course's credit at one target once.
      `create table entry_use (
        entry_id uuid not null references ledger_entry (id),
        target_org_id uuid not null,
        course_code text not null,
        application_id uuid not null,
        recognized_entry_id uuid not null references ledger_entry (id),
        created_at timestamptz not null default now(),
        primary key (entry_id, target_org_id, course_code)
      )`,
      `create index entry_use_application on entry_use (application_id)`,
    ],
  },
  // 学号: a school's own number for a learner (issue 15), so registrars and their spreadsheets name
  // learners as they do; one number names one learner at one organization.
  '2026-12-06T0001_student_numbers': {
    up: [
      `create table student_number (
        org_id uuid not null references organization (id),
        student_no text not null,
        learner_id uuid not null references learner (id),
        created_by text not null,
        created_at timestamptz not null default now(),
        primary key (org_id, student_no)
      )`,
      `create index student_number_learner on student_number (learner_id, org_id)`,
    ],
  },
  // The ledger is append-only in the database, for every role including the service's own:
  // corrections are reversal entries (decision 0707). The chain check still finds an edit made by
  // someone who drops the trigger first.
  '2026-12-06T0002_ledger_append_only': {
    up: [
      `create function ledger_entry_append_only() returns trigger language plpgsql as $$
        begin
          raise exception 'ledger_entry is append-only: % refused (a correction is a reversal entry)', tg_op
            using errcode = 'restrict_violation';
        end
      $$`,
      `create trigger ledger_entry_append_only before update or delete on ledger_entry
        for each row execute function ledger_entry_append_only()`,
      `create trigger ledger_entry_no_truncate before truncate on ledger_entry
        for each statement execute function ledger_entry_append_only()`,
    ],
  },
  // Spreadsheets committed (decision 0545): a file sent again without 外部编号 would post its rows
  // twice, so each committed file is kept by its digest, and by the digest of the rows it holds.
  '2026-12-06T0003_import_files': {
    up: [
      `create table import_file (
        id uuid primary key,
        org_id uuid not null,
        kind text not null check (kind in ('outcomes', 'enrollments')),
        sha256 text not null,
        rows_sha256 text not null,
        row_count integer not null,
        created integer not null,
        actor text not null,
        committed_at timestamptz not null default now()
      )`,
      `create index import_file_sha256 on import_file (org_id, kind, sha256)`,
      `create index import_file_rows on import_file (org_id, kind, rows_sha256)`,
    ],
  },
  // Who looked (issue 17, decision 0720): every read of a learner's data by someone other than the
  // learner, written in the request that reads. Append-only in the database as the ledger is (0707).
  '2026-12-06T0004_learner_read': {
    up: [
      `create table learner_read (
        id uuid primary key,
        learner_id uuid not null,
        actor_kind text not null check (actor_kind in ('user', 'client')),
        actor_id text not null,
        role text not null,
        org_id uuid,
        route text not null,
        ip text not null,
        read_at timestamptz not null
      )`,
      `create index learner_read_learner on learner_read (learner_id, id)`,
      `create index learner_read_org on learner_read (org_id, id)`,
      `create index learner_read_actor on learner_read (actor_id, id)`,
      `create function learner_read_append_only() returns trigger language plpgsql as $$
        begin
          raise exception 'learner_read is append-only: % refused', tg_op
            using errcode = 'restrict_violation';
        end
      $$`,
      `create trigger learner_read_append_only before update or delete on learner_read
        for each row execute function learner_read_append_only()`,
      `create trigger learner_read_no_truncate before truncate on learner_read
        for each statement execute function learner_read_append_only()`,
    ],
  },
  // Retention (decision 0727): the log is kept 3 years. The trigger lets through exactly one kind of
  // DELETE: of a row read more than 3 years ago by the database's own clock, in a transaction that
  // says it is the retention job (set_config('creditbank.retention', 'learner_read', true)). Any
  // other UPDATE, DELETE or TRUNCATE is refused as before.
  '2026-12-07T0101_learner_read_retention': {
    up: [
      `create or replace function learner_read_append_only() returns trigger language plpgsql as $$
        begin
          if tg_op = 'DELETE' and tg_level = 'ROW' then
            if current_setting('creditbank.retention', true) = 'learner_read'
               and old.read_at < now() - interval '3 years' then
              return old;
            end if;
          end if;
          raise exception 'learner_read is append-only: % refused', tg_op
            using errcode = 'restrict_violation';
        end
      $$`,
      `create index learner_read_at on learner_read (read_at)`,
    ],
  },
  // Per-learner keys (issue 17, decision 0730): the learner's name, 身份证号 and birth date are
  // sealed together under the learner's own key; start-up seals the rows opened before this and
  // clears their four clear columns. Erasure destroys the key, clears both look-up hashes and records
  // the request; each service reports back when it has destroyed its copy.
  '2026-12-07T0201_learner_keys': {
    up: [
      ...learnerKeyTablesV1,
      `alter table learner add column personal_sealed text`,
      `alter table learner add column name_hash text`,
      `alter table learner add column erased_at timestamptz`,
      `alter table learner alter column name drop not null`,
      `alter table learner alter column national_id_sealed drop not null`,
      `alter table learner alter column national_id_masked drop not null`,
      `alter table learner alter column birth_date drop not null`,
      `create index learner_unsealed on learner (id) where personal_sealed is null and erased_at is null`,
      `create index learner_name_hash on learner (name_hash) where name_hash is not null`,
      `create table erasure (
        learner_id uuid primary key references learner (id),
        requested_by text not null,
        actor_kind text not null check (actor_kind in ('learner', 'admin')),
        request_ref text,
        requested_at timestamptz not null
      )`,
      `create table erasure_report (
        learner_id uuid not null references erasure (learner_id),
        service text not null,
        completed_at timestamptz not null,
        primary key (learner_id, service)
      )`,
      // A correction keeps the old value only sealed under the learner's key (gone with erasure).
      `create table learner_correction (
        id uuid primary key,
        learner_id uuid not null references learner (id),
        fields text[] not null,
        previous_sealed text,
        reason_sealed text,
        corrected_by text not null,
        org_id uuid,
        corrected_at timestamptz not null
      )`,
      `create index learner_correction_learner on learner_correction (learner_id, corrected_at)`,
    ],
  },
  // Who looked, everywhere (decision 0725): certificates' and recognition's reads arrive as events
  // and join accounts' own in the one log: which service answered, and what was read in a word.
  '2026-12-07T0301_learner_read_services': {
    up: [
      `alter table learner_read add column service text not null default 'accounts'`,
      `alter table learner_read add column what text`,
      `alter table learner_read drop constraint learner_read_actor_kind_check`,
      `alter table learner_read add constraint learner_read_actor_kind_check
        check (actor_kind in ('user', 'client', 'public'))`,
    ],
  },
  // Answers of opened and claimed learners were remembered for replays whole, name, masked number
  // and birth date in the clear; they are remembered by the learner's id now (decision 0730), and
  // the ones already kept are cut down to it. Once: the table is scanned, and it only grows.
  '2026-12-08T0101_remembered_learners_by_id': {
    up: [
      `update idempotency_key set body = jsonb_build_object('id', body::jsonb -> 'id')::text
        where body like '{%"nationalIdMasked"%'
          and body::jsonb ?& array['id', 'accountNo', 'nationalIdMasked', 'claimed']`,
    ],
  },
  // Admins list erasures newest first (decision 0730, "Erasures in the admins' pages"). Runs again
  // harmlessly (seal-seeded.test.ts replays the migrations after 2026-12-08T0101).
  '2026-12-10T0101_erasure_newest': {
    up: [
      `create index if not exists erasure_newest on erasure (requested_at desc, learner_id desc)`,
    ],
  },
  // A reversal's reason is free text about a person (issue 17, decision 0730, 2026-12-11): new
  // entries keep it sealed under the learner's key, and the chain covers its keyed digest instead
  // of the text, so an erasure leaves the chain verifiable. Nullable columns and a check `not
  // valid` touch no row and scan none: entries written before keep their clear reason, which their
  // hashes cover. Runs again harmlessly (seal-seeded.test.ts replays the later migrations).
  '2026-12-11T0101_ledger_reason_sealed': {
    up: [
      `alter table ledger_entry add column if not exists reason_sealed text`,
      `alter table ledger_entry add column if not exists reason_digest text`,
      `alter table ledger_entry drop constraint if exists ledger_entry_reason_sealed_or_clear`,
      `alter table ledger_entry add constraint ledger_entry_reason_sealed_or_clear
        check (reason is null or (reason_sealed is null and reason_digest is null)) not valid`,
    ],
  },
}
