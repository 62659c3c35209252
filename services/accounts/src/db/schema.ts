import type { EventTables } from '@creditbank/events'
import type { IdempotencyTables } from '@creditbank/service-kit'
import type { ColumnType } from 'kysely'

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

export interface LearnerTable {
  id: string
  account_no: string
  national_id_hash: string
  national_id_sealed: string
  national_id_masked: string
  name: string
  birth_date: string
  category: string
  user_id: string | null
  opened_by_org_id: string | null
  opened_at: Timestamp
  claimed_at: Timestamp | null
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
  reason: string | null
  posted_by: string
  posted_at: Timestamp
  prev_hash: string
  hash: string
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
  actor_kind: 'user' | 'client'
  actor_id: string
  role: string
  org_id: string | null
  route: string
  ip: string
  read_at: ColumnType<Date, Date | string, never>
}

export interface AccountsDB extends EventTables, IdempotencyTables {
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
}

export type LedgerEntryRow = Omit<LedgerEntryTable, 'seq' | 'posted_at'> & {
  seq: string
  posted_at: Date
}
