import type { EventTables } from '@creditbank/events'
import type { IdempotencyTables, LearnerKeyTables } from '@creditbank/service-kit'
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
  /** Clear, as written before per-learner keys; emptied by the sealing at start. */
  name: ColumnType<string | null, string | null | undefined, string | null>
  /** The name sealed under the learner's key (decision 0730). */
  name_sealed: ColumnType<string | null, string | null | undefined, string | null>
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

/** The bytes of files stored before per-learner keys, shared by sha256; emptied by the sealing at start. */
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
  /** Clear, as written before per-learner keys; emptied by the sealing at start. */
  filename: ColumnType<string | null, string | null | undefined, string | null>
  /** The name the learner gave the file, sealed under their key. */
  filename_sealed: string | null
  /** The file's bytes sealed under the learner's key (sealBytesFor); null only before the sealing at start. */
  content_sealed: Buffer | null
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
  /** Clear, as written before per-learner keys; emptied by the sealing at start. */
  label: ColumnType<string | null, string | null | undefined, string | null>
  /** Under the service key, as written before per-learner keys; emptied by the sealing at start. */
  token_sealed: ColumnType<string | null, string | null | undefined, string | null>
  /** `{label, token}` sealed under the learner's key (decision 0730). */
  personal_sealed: string | null
  expires_at: ColumnType<Date, Date | string, Date | string>
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  created_by: string
  created_at: Timestamp
}

export interface ShareAccessTable {
  id: string
  share_id: string
  at: Timestamp
  /** Clear, as written before per-learner keys; emptied by the sealing at start. */
  user_agent: ColumnType<string | null, string | null | undefined, string | null>
  client_ip: ColumnType<string | null, string | null | undefined, string | null>
  /** `{userAgent, clientIp}` sealed under the share's learner's key (decision 0730). */
  visitor_sealed: string | null
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
  /** Clear, as written before per-learner keys; emptied by the sealing at start. */
  canonical: ColumnType<string | null, string | null | undefined, string | null>
  /** The record as printed (it holds the learner's name), sealed under the learner's key. */
  canonical_sealed: string | null
  created_at: Timestamp
}

type Day = ColumnType<string, string, string>

export interface OversightOrgTable {
  id: string
  name: string
  kind: string
  region_code: string
}

export interface OversightLearnerTable {
  learner_id: string
  category: string
  region_code: string | null
  opened_by_org_id: string | null
}

export interface OversightEnrollmentTable {
  enrollment_id: string
  learner_id: string
  org_id: string
  started_on: Day
}

export interface OversightTrainingTable {
  entry_id: string
  learner_id: string
  org_id: string
  /** numeric, as text */
  hours: string
  occurred_on: Day
  reversed: Generated<boolean>
}

export interface OversightCertificateTable {
  certificate_id: string
  learner_id: string
  type_code: string
  type_name: string
  level: string
  /** numeric, as text; null when the issuer gave no score */
  score: string | null
  issued_on: Day
  evaluation_org_id: string
  evaluation_org_name: string | null
  revoked: Generated<boolean>
}

/** Running totals per scope, period, learner category and learner's city (decision 0802). */
export interface OversightTotalTable {
  scope: string
  period: string
  category: string
  /** The learner's city ('410100'), '' when unknown. */
  learner_city: string
  person_times: ColumnType<string, string | number, string | number>
  people: ColumnType<string, string | number, string | number>
  /** numeric, as text */
  hours: string
  enrolled: ColumnType<string, string | number, string | number>
}

export interface OversightStateTable {
  id: number
  as_of: ColumnType<Date, Date | string, Date | string>
  events: ColumnType<string, string | number, string | number>
}

export interface PortfolioDB extends EventTables, IdempotencyTables, LearnerKeyTables {
  oversight_org: OversightOrgTable
  oversight_learner: OversightLearnerTable
  oversight_enrollment: OversightEnrollmentTable
  oversight_training: OversightTrainingTable
  oversight_certificate: OversightCertificateTable
  oversight_state: OversightStateTable
  oversight_total: OversightTotalTable
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

/** The timeline projection: what its rebuild truncates and replays. Everything else is owned state. */
export const projectionTables = [
  'timeline_item',
  'learner',
  'organization',
  'certificate_type',
] as const

/** The oversight projection, rebuilt by its own consumer group (decision 0802). */
export const oversightTables = [
  'oversight_org',
  'oversight_learner',
  'oversight_enrollment',
  'oversight_training',
  'oversight_certificate',
  'oversight_state',
  'oversight_total',
] as const
