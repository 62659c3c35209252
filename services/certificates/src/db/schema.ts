import type { CertificateLevel } from '@creditbank/contracts'
import type { EventTables } from '@creditbank/events'
import type { IdempotencyTables, LearnerKeyTables } from '@creditbank/service-kit'
import type { ColumnType, Generated } from 'kysely'

/** The service's own Postgres schema. */
export const SCHEMA = 'certificates'

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>

export interface OrganizationTable {
  id: string
  code: string
  name: string
  kind: string
  region_code: string
  updated_at: Timestamp
}

export interface LearnerTable {
  id: string
  opened_at: Timestamp
}

export interface CertificateTypeTable {
  code: string
  name: string
  name_en: string | null
  evaluation_org_id: string
  levels: string[]
  validity_years: number
  majors: string[]
  created_by: string
  created_at: Timestamp
}

export interface CertificateTypeFeeTable {
  type_code: string
  level: string
  /** numeric(10,2), a string in TypeScript. */
  fee: string
}

export interface CertificateNumberCounterTable {
  type_code: string
  year: number
  last_seq: Generated<number>
}

export interface CertificateTable {
  id: string
  number: string
  type_code: string
  /** check (level in ('junior', 'intermediate', 'senior')) */
  level: CertificateLevel
  learner_id: string
  holder_name_hash: string
  /** Sealed under the learner's key (decision 0730); null once the holder was erased. */
  holder_name_sealed: string | null
  /** Written before per-learner keys (under the service key); null once sealed at start. */
  holder_name_legacy: string | null
  score: string | null
  /** date: 'YYYY-MM-DD'. */
  issued_on: string
  expires_on: string
  evaluation_org_id: string
  region_code: string
  fee_charged: string | null
  issued_by: string
  created_at: Timestamp
  revoked_at: Date | null
  /** Sealed under the learner's key; null when not revoked or once the holder was erased. */
  revocation_reason: string | null
  revoked_by: string | null
  /** A reason written in the clear before per-learner keys; null once sealed at start. */
  revocation_reason_legacy: string | null
}

export interface CertificatesDB extends EventTables, IdempotencyTables, LearnerKeyTables {
  organization: OrganizationTable
  learner: LearnerTable
  certificate_type: CertificateTypeTable
  certificate_type_fee: CertificateTypeFeeTable
  certificate_number_counter: CertificateNumberCounterTable
  certificate: CertificateTable
}
