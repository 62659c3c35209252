import type { SchemaColumns } from '@creditbank/db'
import { eventTableColumns } from '@creditbank/events'
import { idempotencyTableColumns } from '@creditbank/service-kit'
import type { PortfolioDB } from './schema.js'

/**
 * Every table and column of PortfolioDB as the migrations make them: [kind, nullable]. The compiler
 * holds this to the interfaces in schema.ts (each table and column, no other, the same
 * nullability, a kind the TypeScript type allows), and test/schema-columns.test.ts holds it to a
 * freshly migrated database, so the interfaces cannot drift from the tables (decision 0709).
 */
export const portfolioColumns: SchemaColumns<PortfolioDB> = {
  ...eventTableColumns,
  ...idempotencyTableColumns,
  application_watch: {
    application_id: ['uuid', false],
    learner_id: ['uuid', false],
    target_org_id: ['uuid', false],
    course_name: ['text', false],
    due_at: ['timestamptz', true],
    open: ['boolean', false],
  },
  certificate_type: {
    code: ['text', false],
    name: ['text', false],
    name_en: ['text', true],
    evaluation_org_id: ['uuid', false],
  },
  credential_status: {
    ref_id: ['text', false],
    issuer_id: ['text', false],
    status_list_id: ['uuid', false],
    status_index: ['integer', false],
    revoked: ['boolean', false],
    created_at: ['timestamptz', false],
  },
  evidence: {
    id: ['uuid', false],
    learner_id: ['uuid', false],
    sha256: ['char', false],
    filename: ['text', true],
    media_type: ['text', false],
    size_bytes: ['integer', false],
    created_by: ['text', false],
    created_at: ['timestamptz', false],
  },
  evidence_blob: {
    sha256: ['char', false],
    media_type: ['text', false],
    size_bytes: ['integer', false],
    content: ['bytea', false],
    created_at: ['timestamptz', false],
  },
  issuer_key: {
    issuer_id: ['text', false],
    did: ['text', false],
    public_key_multibase: ['text', false],
    secret_key_sealed: ['text', false],
    created_at: ['timestamptz', false],
  },
  learner: {
    learner_id: ['uuid', false],
    account_no: ['text', false],
    opened_at: ['timestamptz', false],
    name: ['text', true],
  },
  notification: {
    id: ['uuid', false],
    learner_id: ['uuid', false],
    kind: ['text', false],
    at: ['timestamptz', false],
    ref_id: ['uuid', true],
    org_id: ['uuid', true],
    data: ['jsonb', false],
    read_at: ['timestamptz', true],
  },
  organization: {
    id: ['uuid', false],
    code: ['text', false],
    name: ['text', false],
    kind: ['text', false],
  },
  record: {
    digest: ['text', false],
    code: ['text', false],
    learner_id: ['uuid', false],
    share_id: ['uuid', true],
    canonical: ['text', false],
    created_at: ['timestamptz', false],
  },
  share: {
    id: ['uuid', false],
    learner_id: ['uuid', false],
    token_hash: ['char', false],
    scope: ['text', false],
    entry_ids: ['uuid[]', false],
    label: ['text', true],
    expires_at: ['timestamptz', false],
    revoked_at: ['timestamptz', true],
    created_by: ['text', false],
    created_at: ['timestamptz', false],
    token_sealed: ['text', true],
  },
  share_access: {
    id: ['uuid', false],
    share_id: ['uuid', false],
    at: ['timestamptz', false],
    user_agent: ['text', true],
    client_ip: ['text', true],
  },
  status_list: {
    id: ['uuid', false],
    issuer_id: ['text', false],
    purpose: ['text', false],
    size: ['integer', false],
    bits: ['bytea', false],
    version: ['integer', false],
    credential: ['text', true],
    credential_version: ['integer', true],
    created_at: ['timestamptz', false],
    closed_at: ['timestamptz', true],
  },
  timeline_item: {
    event_id: ['uuid', false],
    learner_id: ['uuid', false],
    event_type: ['text', false],
    category: ['text', false],
    ref_id: ['uuid', true],
    title: ['text', false],
    at: ['timestamptz', false],
    org_id: ['uuid', true],
    data: ['jsonb', false],
    provenance: ['jsonb', false],
    status: ['text', false],
    occurred_on: ['date', false],
  },
}
