import type { EventTables } from '@creditbank/events'
import type { IdempotencyTables, LearnerKeyTables } from '@creditbank/service-kit'
import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
/** numeric comes back as a string; it is written as a string too (never a JS number). */
type Decimal = string

export interface OrganizationTable {
  id: string
  kind: string
  name: string
  code: string
  registered_at: Timestamp
}

/**
 * A learner. Their name, 身份证号 and birth date are sealed under their own key (personal_sealed,
 * decision 0730); the four clear columns are left from before and are null once start-up has
 * sealed the row. Look-ups go by keyed hashes; an erased learner has neither hash.
 */
export interface LearnerTable {
  id: string
  account_no: string
  national_id_hash: string
  national_id_sealed: string | null
  national_id_masked: string | null
  name: string | null
  birth_date: string | null
  category: string
  user_id: string | null
  opened_by_org_id: string | null
  opened_at: Timestamp
  claimed_at: Timestamp | null
  personal_sealed: string | null
  name_hash: string | null
  erased_at: Timestamp | null
}

export interface AccountTable {
  learner_id: string
  last_seq: ColumnType<string, string | number | undefined, string | number>
  head_hash: string
  total_credits: ColumnType<Decimal, Decimal | undefined, Decimal>
  total_hours: ColumnType<Decimal, Decimal | undefined, Decimal>
  recognized_credits: ColumnType<Decimal, Decimal | undefined, Decimal>
  updated_at: Timestamp
}

export interface BalanceTable {
  learner_id: string
  kind: string
  credits: Decimal
  hours: Decimal
  entry_count: ColumnType<string, string | number, string | number>
}

export interface EnrollmentTable {
  id: string
  learner_id: string
  org_id: string
  program_code: string
  program_name: string
  started_on: string
  created_by: string
  created_at: Timestamp
}

export interface LedgerEntryTable {
  id: string
  learner_id: string
  seq: ColumnType<string, string | number, never>
  code: string
  kind: string
  balance_kind: string
  org_id: string
  title: string
  outcome_code: string | null
  credits: Decimal | null
  hours: Decimal | null
  grade_score: string | null
  grade_scale: string | null
  level: string | null
  category: string | null
  occurred_on: string
  external_ref: string | null
  content_hash: string | null
  certificate_id: string | null
  type_code: string | null
  application_id: string | null
  reverses_entry_id: string | null
  /** A reversal's reason in the clear: entries written before 2026-12-11 only (decision 0730). */
  reason: string | null
  posted_by: string
  posted_at: Timestamp
  prev_hash: string
  hash: string
  /** The reason sealed under the learner's key; unreadable once they are erased. */
  reason_sealed: string | null
  /** The reason's keyed digest (key derived from the learner's), what the chain covers of it. */
  reason_digest: string | null
}

export interface EntryUseTable {
  entry_id: string
  target_org_id: string
  course_code: string
  application_id: string
  recognized_entry_id: string
  created_at: Timestamp
}

/** A spreadsheet committed by an organization, kept to notice it being sent again (0545). */
export interface ImportFileTable {
  id: string
  org_id: string
  kind: 'outcomes' | 'enrollments'
  sha256: string
  rows_sha256: string
  row_count: number
  created: number
  actor: string
  committed_at: ColumnType<Date, Date | string | undefined, never>
}

/** 学号: an organization's own number for a learner; one number names one learner there. */
export interface StudentNumberTable {
  org_id: string
  student_no: string
  learner_id: string
  created_by: string
  created_at: Timestamp
}

/** One read of a learner's data by someone other than the learner (decision 0720); never changed. */
export interface LearnerReadTable {
  id: string
  learner_id: string
  actor_kind: 'user' | 'client' | 'public'
  actor_id: string
  role: string
  org_id: string | null
  route: string
  ip: string
  read_at: ColumnType<Date, Date | string, never>
  /** The service that answered the read (decision 0725). */
  service: Generated<string>
  /** What was read, for reads reported by another service; accounts' own are named by route. */
  what: string | null
}

/** An erasure asked for (decision 0730): by the learner, or by an admin on a verified request. */
export interface ErasureTable {
  learner_id: string
  requested_by: string
  actor_kind: 'learner' | 'admin'
  request_ref: string | null
  requested_at: ColumnType<Date, Date | string, never>
}

/** A service that has destroyed its copy of an erased learner's data. */
export interface ErasureReportTable {
  learner_id: string
  service: string
  completed_at: ColumnType<Date, Date | string, never>
}

/** A correction of a learner's name or 身份证号: the old values sealed under the learner's key. */
export interface LearnerCorrectionTable {
  id: string
  learner_id: string
  fields: string[]
  previous_sealed: string | null
  reason_sealed: string | null
  corrected_by: string
  org_id: string | null
  corrected_at: ColumnType<Date, Date | string, never>
}

export interface AccountsDB extends EventTables, IdempotencyTables, LearnerKeyTables {
  organization: OrganizationTable
  learner: LearnerTable
  account: AccountTable
  balance: BalanceTable
  enrollment: EnrollmentTable
  ledger_entry: LedgerEntryTable
  entry_use: EntryUseTable
  student_number: StudentNumberTable
  import_file: ImportFileTable
  learner_read: LearnerReadTable
  erasure: ErasureTable
  erasure_report: ErasureReportTable
  learner_correction: LearnerCorrectionTable
}

export type LedgerEntryRow = Omit<LedgerEntryTable, 'seq' | 'posted_at'> & {
  seq: string
  posted_at: Date
}
