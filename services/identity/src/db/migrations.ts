import type { Migrations } from '@creditbank/db'
import { eventTablesV1 } from '@creditbank/events'
import { idempotencyTablesV1 } from '@creditbank/service-kit'

export const migrations: Migrations = {
  '2026-11-29T0001_identity': {
    up: [
      ...eventTablesV1,
      ...idempotencyTablesV1,
      `create table organization (
        id uuid primary key,
        code text not null unique,
        name text not null,
        kind text not null check (kind in ('school', 'enterprise', 'training_body', 'evaluation_org', 'recognition_center')),
        region_code char(6) not null,
        school_level text check (school_level in ('secondary_vocational', 'higher_vocational', 'vocational_undergraduate', 'technician_college', 'undergraduate', 'open_university')),
        created_at timestamptz not null default now(),
        created_by uuid,
        check ((kind = 'school') = (school_level is not null))
      )`,
      `create index organization_kind_region on organization (kind, region_code, id)`,
      `create table app_user (
        id uuid primary key,
        username text not null,
        password_hash text not null,
        display_name text not null,
        platform_admin boolean not null default false,
        learner_id uuid,
        self_registered boolean not null default false,
        created_at timestamptz not null default now()
      )`,
      `create unique index app_user_username on app_user (lower(username))`,
      `create table membership (
        user_id uuid not null references app_user (id),
        org_id uuid not null references organization (id),
        role text not null check (role in ('admin', 'registrar', 'issuer', 'reviewer')),
        created_at timestamptz not null default now(),
        primary key (user_id, org_id, role)
      )`,
      `create table api_client (
        id uuid primary key,
        client_id text not null unique,
        secret_hash text not null,
        name text not null,
        org_id uuid not null references organization (id),
        scopes text[] not null,
        created_by uuid not null,
        created_at timestamptz not null default now()
      )`,
      `create table signing_key (
        kid text primary key,
        private_key_sealed text not null,
        public_jwk jsonb not null,
        created_at timestamptz not null default now(),
        retired_at timestamptz
      )`,
      `create table login_failure (
        username text not null,
        failed_at timestamptz not null default now()
      )`,
      `create index login_failure_username on login_failure (username, failed_at)`,
    ],
  },
  // Issue 19: a key revoked in an emergency leaves the JWKS at once, whatever its tokens' age.
  '2026-12-20T0001_signing_key_revoked': {
    up: ['alter table signing_key add column revoked_at timestamptz'],
    down: ['alter table signing_key drop column revoked_at'],
  },
  // Staff administration (issue 15): disabling, password resets, client revocation, the audit trail.
  '2026-12-20T0101_administration': {
    up: [
      `alter table app_user add column disabled_at timestamptz`,
      `alter table app_user add column disabled_reason text`,
      // A reset password works once, to choose a new one, until it expires.
      `alter table app_user add column password_change_required boolean not null default false`,
      `alter table app_user add column temporary_password_expires_at timestamptz`,
      // Carried in tokens as \`sv\`; raised by a disable or a reset, so identity refuses older tokens.
      `alter table app_user add column session_version int not null default 0`,
      `alter table app_user add column last_sign_in_at timestamptz`,
      `alter table api_client add column revoked_at timestamptz`,
      `alter table api_client add column revoked_by uuid`,
      `create index membership_org on membership (org_id, user_id)`,
      `create index api_client_org on api_client (org_id, client_id)`,
      // Who did what to whom, when and from where; never updated or deleted by the service.
      `create table audit_event (
        id uuid primary key,
        at timestamptz not null default now(),
        actor_id text not null,
        actor_name text not null,
        action text not null,
        target_kind text not null,
        target_id text not null,
        target_label text not null,
        org_ids uuid[] not null default '{}',
        ip text,
        user_agent text,
        detail jsonb not null default '{}'
      )`,
      `create index audit_event_org_ids on audit_event using gin (org_ids)`,
      `create index audit_event_actor on audit_event (actor_id, id)`,
    ],
  },
  // Retention (decision 0727): failed sign-ins older than a day are removed by failed_at.
  '2026-12-20T0201_login_failure_retention': {
    up: [`create index login_failure_at on login_failure (failed_at)`],
  },
}
