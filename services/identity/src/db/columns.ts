import type { SchemaColumns } from '@creditbank/db'
import { eventTableColumns } from '@creditbank/events'
import { idempotencyTableColumns } from '@creditbank/service-kit'
import type { IdentityDB } from './schema.js'

/**
 * Every table and column of IdentityDB as the migrations make them: [kind, nullable]. The compiler
 * holds this to the interfaces in schema.ts (each table and column, no other, the same
 * nullability, a kind the TypeScript type allows), and test/schema-columns.test.ts holds it to a
 * freshly migrated database, so the interfaces cannot drift from the tables (decision 0709).
 */
export const identityColumns: SchemaColumns<IdentityDB> = {
  ...eventTableColumns,
  ...idempotencyTableColumns,
  api_client: {
    id: ['uuid', false],
    client_id: ['text', false],
    secret_hash: ['text', false],
    name: ['text', false],
    org_id: ['uuid', false],
    scopes: ['text[]', false],
    created_by: ['uuid', false],
    created_at: ['timestamptz', false],
    revoked_at: ['timestamptz', true],
    revoked_by: ['uuid', true],
  },
  app_user: {
    id: ['uuid', false],
    username: ['text', false],
    password_hash: ['text', false],
    display_name: ['text', false],
    platform_admin: ['boolean', false],
    learner_id: ['uuid', true],
    self_registered: ['boolean', false],
    created_at: ['timestamptz', false],
    disabled_at: ['timestamptz', true],
    disabled_reason: ['text', true],
    password_change_required: ['boolean', false],
    temporary_password_expires_at: ['timestamptz', true],
    session_version: ['integer', false],
    last_sign_in_at: ['timestamptz', true],
  },
  audit_event: {
    id: ['uuid', false],
    at: ['timestamptz', false],
    actor_id: ['text', false],
    actor_name: ['text', false],
    action: ['text', false],
    target_kind: ['text', false],
    target_id: ['text', false],
    target_label: ['text', false],
    org_ids: ['uuid[]', false],
    ip: ['text', true],
    user_agent: ['text', true],
    detail: ['jsonb', false],
  },
  login_failure: {
    username: ['text', false],
    failed_at: ['timestamptz', false],
  },
  membership: {
    user_id: ['uuid', false],
    org_id: ['uuid', false],
    role: ['text', false],
    created_at: ['timestamptz', false],
  },
  organization: {
    id: ['uuid', false],
    code: ['text', false],
    name: ['text', false],
    kind: ['text', false],
    region_code: ['char', false],
    school_level: ['text', true],
    created_at: ['timestamptz', false],
    created_by: ['uuid', true],
  },
  signing_key: {
    kid: ['text', false],
    private_key_sealed: ['text', false],
    public_jwk: ['jsonb', false],
    created_at: ['timestamptz', false],
    retired_at: ['timestamptz', true],
    revoked_at: ['timestamptz', true],
  },
}
