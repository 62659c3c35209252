import type { Migrations } from '@creditbank/db'
import { eventTablesV1 } from '@creditbank/events'
import { idempotencyTablesV1, learnerKeyTablesV1 } from '@creditbank/service-kit'

export const migrations: Migrations = {
  '2026-11-29T0001_recognition': {
    up: [
      ...eventTablesV1,
      ...idempotencyTablesV1,
      // Projection of identity.organization.registered: reviewer scope by region needs kind and region.
      `create table organization (
        id uuid primary key,
        kind text not null,
        region_code char(6) not null
      )`,
      `create table alliance (
        id uuid primary key,
        code text not null unique,
        name text not null,
        created_by text not null,
        created_at timestamptz not null default now()
      )`,
      `create table alliance_member (
        alliance_id uuid not null references alliance (id),
        org_id uuid not null,
        primary key (alliance_id, org_id)
      )`,
      `create index alliance_member_org on alliance_member (org_id)`,
      `create table rule (
        code text primary key,
        owner_org_id uuid,
        latest_version int not null,
        created_at timestamptz not null default now()
      )`,
      `create table rule_version (
        id uuid primary key,
        code text not null references rule (code),
        version int not null check (version >= 1),
        name text not null,
        target_org_id uuid not null,
        source_kind text not null,
        spec jsonb not null,
        valid_from date not null,
        valid_to date,
        created_at timestamptz not null default now(),
        created_by text not null,
        unique (code, version),
        check (valid_to is null or valid_to >= valid_from)
      )`,
      // The matcher's index, in SQL too: (kind, target, key) → the active version of each rule.
      `create table rule_match_key (
        source_kind text not null,
        target_org_id uuid not null,
        match_key text not null,
        rule_version_id uuid not null references rule_version (id),
        primary key (source_kind, target_org_id, match_key, rule_version_id)
      )`,
      `create index rule_match_key_version on rule_match_key (rule_version_id)`,
      // Bumped with every rule or alliance change, in the same transaction: replicas rebuild their matcher on a new value.
      `create table rule_generation (id int primary key check (id = 1), n bigint not null)`,
      `insert into rule_generation (id, n) values (1, 0)`,
      `create table enrollment (
        id uuid primary key,
        learner_id uuid not null,
        org_id uuid not null,
        program_code text not null,
        started_on date not null
      )`,
      `create index enrollment_learner on enrollment (learner_id)`,
      `create table entry (
        id uuid primary key,
        learner_id uuid not null,
        org_id uuid not null,
        kind text not null,
        title text not null,
        code text,
        credits numeric(8, 2),
        hours numeric(8, 1),
        score text,
        scale text,
        level text,
        category text,
        type_code text,
        occurred_on date not null,
        posted_at timestamptz not null,
        reversed_at timestamptz
      )`,
      `create index entry_learner on entry (learner_id, occurred_on)`,
      `create table application (
        id uuid primary key,
        learner_id uuid not null,
        target_org_id uuid not null,
        program_code text not null,
        origin text not null check (origin in ('rule', 'learner')),
        rule_version_id uuid references rule_version (id),
        rule_code text,
        rule_version int,
        trigger_entry_id uuid,
        source_entry_ids uuid[] not null check (cardinality(source_entry_ids) >= 1),
        source_org_id uuid not null,
        course_code text not null,
        course_name text not null,
        course_type text not null,
        credits numeric(8, 2),
        limits_applied jsonb not null default '[]',
        status text not null check (status in ('open', 'in_review', 'approved', 'rejected', 'withdrawn', 'appealed')),
        step int,
        steps jsonb not null default '[]',
        due_days int,
        due_at timestamptz,
        step_org_id uuid,
        step_region char(6),
        step_alliance_id uuid,
        statement text,
        opened_by text not null,
        opened_on date not null,
        -- The year and term caps count by when the learning happened: the source outcome's date.
        counted_on date not null,
        appealed boolean not null default false,
        flags text[] not null default '{}',
        recognized_entry_id uuid,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
      // Idempotent per (entry, rule version, program): replays and racing replicas cannot open twice.
      `create unique index application_rule_natural on application (trigger_entry_id, rule_version_id, program_code) where origin = 'rule'`,
      `create index application_learner on application (learner_id, target_org_id)`,
      `create index application_target on application (target_org_id, created_at)`,
      `create index application_queue_org on application (step_org_id, due_at) where status in ('open', 'in_review', 'appealed')`,
      `create index application_sources on application using gin (source_entry_ids)`,
      `create table application_trail (
        seq bigint generated always as identity primary key,
        application_id uuid not null references application (id),
        at timestamptz not null default now(),
        actor text not null,
        action text not null,
        step int,
        reason text
      )`,
      `create index application_trail_app on application_trail (application_id, seq)`,
      // The same source is approved at most once for the same target course.
      `create table source_use (
        entry_id uuid not null,
        target_org_id uuid not null,
        course_code text not null,
        application_id uuid not null references application (id),
        primary key (entry_id, target_org_id, course_code)
      )`,
    ],
  },
  // Evidence (issue 14): whose each evidence file is (from portfolio.evidence.added), and the files
  // an application names.
  '2026-12-06T0002_recognition_evidence': {
    up: [
      `create table evidence (
        id uuid primary key,
        learner_id uuid not null
      )`,
      `alter table application add column evidence_ids uuid[] not null default '{}'`,
    ],
  },
  // Reviewers at work (issue 15, decision 0540): who the learner is (from accounts.learner.opened),
  // the evidence files by name, every read of one, and the indexes
  // the reviewers' search uses.
  '2026-12-06T0003_recognition_reviewers': {
    up: [
      `create table learner (
        id uuid primary key,
        account_no text not null,
        name text,
        national_id_masked text
      )`,
      `create index learner_name on learner (name)`,
      `alter table evidence add column media_type text`,
      `alter table evidence add column size_bytes int`,
      `alter table evidence add column filename text`,
      `create table evidence_read (
        seq bigint generated always as identity primary key,
        evidence_id uuid not null,
        application_id uuid not null references application (id),
        actor text not null,
        org_id uuid,
        at timestamptz not null default now()
      )`,
      `create index evidence_read_evidence on evidence_read (evidence_id, seq)`,
      `create index application_steps on application using gin (steps jsonb_path_ops)`,
      `create index application_rule on application (rule_code, created_at)`,
      `alter table application_trail add column actor_org_id uuid`,
    ],
  },
  // Who read an evidence file, by name (decision 0545): staff usernames from identity.user.created.
  '2026-12-06T0004_recognition_staff_users': {
    up: [
      `create table staff_user (
        id uuid primary key,
        username text not null
      )`,
      `create index evidence_read_application on evidence_read (application_id, seq)`,
    ],
  },
  // Program plans and credit tuition (issue 18, decision 0810): a school's published program
  // requirements and tuition schedules, each a header and immutable versions.
  '2026-12-07T0005_recognition_programs': {
    up: [
      `create table program_plan (
        org_id uuid not null,
        program_code text not null,
        latest_version int not null,
        primary key (org_id, program_code)
      )`,
      `create table program_plan_version (
        id uuid primary key,
        org_id uuid not null,
        program_code text not null,
        version int not null check (version >= 1),
        body jsonb not null,
        created_at timestamptz not null default now(),
        created_by text not null,
        unique (org_id, program_code, version),
        foreign key (org_id, program_code) references program_plan (org_id, program_code)
      )`,
      `create table tuition_schedule (
        org_id uuid primary key,
        latest_version int not null
      )`,
      `create table tuition_schedule_version (
        id uuid primary key,
        org_id uuid not null references tuition_schedule (org_id),
        version int not null check (version >= 1),
        body jsonb not null,
        created_at timestamptz not null default now(),
        created_by text not null,
        unique (org_id, version)
      )`,
    ],
  },
  // Retention (decision 0727): old evidence reads are found by when they were made.
  '2026-12-07T0101_evidence_read_retention': {
    up: [`create index evidence_read_at on evidence_read (at)`],
  },
  // Erasure (decision 0730): a file's name asked of portfolio while portfolio has not yet done its
  // part of the learner's erasure is not written once recognition has done its own.
  '2026-12-08T0201_recognition_learner_erased': {
    up: [`alter table learner add column erased_at timestamptz`],
  },
  // Per-learner keys (decision 0730, issue 17): what recognition holds about a person is sealed
  // under that learner's own key (learner_key, sealed by RECOGNITION_SECRET_KEY). The old clear
  // columns stay, emptied at start by sealRecognitionAtStart. Reviewers find learners by part of
  // their name through keyed tokens of its characters and pairs (name_tokens), not the name.
  '2026-12-09T0301_recognition_learner_keys': {
    up: [
      ...learnerKeyTablesV1,
      `alter table learner add column personal_sealed text`,
      `alter table learner add column name_tokens text[] not null default '{}'`,
      `create index learner_name_tokens on learner using gin (name_tokens)`,
      `drop index learner_name`,
      `alter table application add column statement_sealed text`,
      `alter table evidence add column filename_sealed text`,
      `alter table application_trail add column reason_sealed text`,
    ],
  },
  // Answers remembered before an application's replay was rebuilt from its id held the learner's
  // name, statement and file names in the clear: cut to the id (decision 0730).
  '2026-12-09T0302_recognition_remembered_applications_by_id': {
    up: [
      `update idempotency_key set body = jsonb_build_object('id', body::jsonb -> 'id')::text
        where body like '{%"statement"%'
          and body::jsonb ?& array['id', 'learnerId', 'origin', 'statement']`,
    ],
  },
  // A reviewer's search takes part of a name or an account number (decision 0542): without an
  // index on the number, the OR of the two made every search read the whole learner table
  // (0.2 s at 10^6 learners, measured by `pnpm bench --only name-search`).
  '2026-12-11T0301_recognition_learner_account_no': {
    up: ['create index learner_account_no on learner (account_no)'],
  },
}
