import type { SchemaColumns } from '@creditbank/db'
import { eventTableColumns } from '@creditbank/events'
import { idempotencyTableColumns, learnerKeyTableColumns } from '@creditbank/service-kit'
import type { CertificatesDB } from './schema.js'

/**
 * Every table and column of CertificatesDB as the migrations make them: [kind, nullable]. The compiler
 * holds this to the interfaces in schema.ts (each table and column, no other, the same
 * nullability, a kind the TypeScript type allows), and test/schema-columns.test.ts holds it to a
 * freshly migrated database, so the interfaces cannot drift from the tables (decision 0709).
 */
export const certificatesColumns: SchemaColumns<CertificatesDB> = {
  ...eventTableColumns,
  ...idempotencyTableColumns,
  ...learnerKeyTableColumns,
  certificate: {
    id: ['uuid', false],
    number: ['text', false],
    type_code: ['text', false],
    level: ['text', false],
    learner_id: ['uuid', false],
    holder_name_hash: ['text', false],
    holder_name_sealed: ['text', true],
    holder_name_legacy: ['text', true],
    score: ['numeric', true],
    issued_on: ['date', false],
    expires_on: ['date', false],
    evaluation_org_id: ['uuid', false],
    region_code: ['char', false],
    fee_charged: ['numeric', true],
    issued_by: ['text', false],
    created_at: ['timestamptz', false],
    revoked_at: ['timestamptz', true],
    revocation_reason: ['text', true],
    revoked_by: ['text', true],
    revocation_reason_legacy: ['text', true],
  },
  certificate_number_counter: {
    type_code: ['text', false],
    year: ['integer', false],
    last_seq: ['integer', false],
  },
  certificate_type: {
    code: ['text', false],
    name: ['text', false],
    name_en: ['text', true],
    evaluation_org_id: ['uuid', false],
    levels: ['text[]', false],
    validity_years: ['integer', false],
    majors: ['text[]', false],
    created_by: ['text', false],
    created_at: ['timestamptz', false],
  },
  certificate_type_fee: {
    type_code: ['text', false],
    level: ['text', false],
    fee: ['numeric', false],
  },
  learner: {
    id: ['uuid', false],
    opened_at: ['timestamptz', false],
  },
  organization: {
    id: ['uuid', false],
    code: ['text', false],
    name: ['text', false],
    kind: ['text', false],
    region_code: ['char', false],
    updated_at: ['timestamptz', false],
  },
}
