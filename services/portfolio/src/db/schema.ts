import type { EventTables } from '@creditbank/events'
import type { IdempotencyTables } from '@creditbank/service-kit'
import type { ColumnType, Generated } from 'kysely'

/** The service's Postgres schema; raw SQL names its tables with it (the query builder adds it itself). */
export const SCHEMA = 'portfolio'

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type Json<T = Record<string, unknown>> = ColumnType<T, string, string>

export interface TimelineItemTable {
  event_id: string
  learner_id: string
  event_type: string
  category: string
  ref_id: string | null
  title: string
  at: ColumnType<Date, Date | string, Date | string>
  org_id: string | null
  data: Json
  provenance: Json
  status: Generated<string>
  occurred_on: ColumnType<string, string, string>
}

export interface LearnerTable {
  learner_id: string
  account_no: string
  opened_at: ColumnType<Date, Date | string, Date | string>
  name: ColumnType<string | null, string | null | undefined, string | null>
}

export interface OrganizationTable {
  id: string
  code: string
  name: string
  kind: string
}

export interface CertificateTypeTable {
  code: string
  name: string
  name_en: string | null
  evaluation_org_id: string
}

export interface IssuerKeyTable {
  issuer_id: string
  did: string
  public_key_multibase: string
  secret_key_sealed: string
  created_at: Timestamp
}

export interface StatusListTable {
  id: string
  issuer_id: string
  purpose: string
  size: number
  bits: Buffer
  version: Generated<number>
  credential: string | null
  credential_version: number | null
  closed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  created_at: Timestamp
}

export interface CredentialStatusTable {
  ref_id: string
  issuer_id: string
  status_list_id: string
  status_index: number
  revoked: Generated<boolean>
  created_at: Timestamp
}

export interface EvidenceBlobTable {
  sha256: string
  media_type: string
  size_bytes: number
  content: Buffer
  created_at: Timestamp
}

export interface EvidenceTable {
  id: string
  learner_id: string
  sha256: string
  filename: string | null
  media_type: string
  size_bytes: number
  created_by: string
  created_at: Timestamp
}

export interface ShareTable {
  id: string
  learner_id: string
  token_hash: string
  scope: string
  entry_ids: string[]
  label: string | null
  token_sealed: ColumnType<string | null, string | null | undefined, string | null>
  expires_at: ColumnType<Date, Date | string, Date | string>
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  created_by: string
  created_at: Timestamp
}

export interface ShareAccessTable {
  id: string
  share_id: string
  at: Timestamp
  user_agent: string | null
  client_ip: string | null
}

export interface NotificationTable {
  id: string
  learner_id: string
  kind: string
  at: ColumnType<Date, Date | string, Date | string>
  ref_id: string | null
  org_id: string | null
  data: Json
  read_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
}

export interface ApplicationWatchTable {
  application_id: string
  learner_id: string
  target_org_id: string
  course_name: string
  due_at: ColumnType<Date | null, Date | string | null, Date | string | null>
  open: boolean
}

export interface RecordTable {
  digest: string
  code: string
  learner_id: string
  share_id: string | null
  canonical: string
  created_at: Timestamp
}

export interface PortfolioDB extends EventTables, IdempotencyTables {
  record: RecordTable
  notification: NotificationTable
  application_watch: ApplicationWatchTable
  timeline_item: TimelineItemTable
  learner: LearnerTable
  organization: OrganizationTable
  certificate_type: CertificateTypeTable
  issuer_key: IssuerKeyTable
  status_list: StatusListTable
  credential_status: CredentialStatusTable
  evidence_blob: EvidenceBlobTable
  evidence: EvidenceTable
  share: ShareTable
  share_access: ShareAccessTable
}

/** The projection: what a rebuild truncates and replays. Everything else is owned state. */
export const projectionTables = [
  'timeline_item',
  'learner',
  'organization',
  'certificate_type',
] as const
