import type { ApplicationOrigin, ApplicationStatus } from '@creditbank/contracts'
import type { EventTables } from '@creditbank/events'
import type { IdempotencyTables, LearnerKeyTables } from '@creditbank/service-kit'
import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type Json<T> = ColumnType<T, string, string>

export interface OrganizationTable {
  id: string
  kind: string
  region_code: string
}

export interface AllianceTable {
  id: string
  code: string
  name: string
  created_by: string
  created_at: Timestamp
}

export interface AllianceMemberTable {
  alliance_id: string
  org_id: string
}

export interface RuleTable {
  code: string
  owner_org_id: string | null
  latest_version: number
  created_at: Timestamp
}

export interface RuleVersionTable {
  id: string
  code: string
  version: number
  name: string
  target_org_id: string
  source_kind: string
  spec: Json<unknown>
  valid_from: string
  valid_to: string | null
  created_at: Timestamp
  created_by: string
}

export interface RuleMatchKeyTable {
  source_kind: string
  target_org_id: string
  match_key: string
  rule_version_id: string
}

export interface EnrollmentTable {
  id: string
  learner_id: string
  org_id: string
  program_code: string
  started_on: string
}

export interface EntryTable {
  id: string
  learner_id: string
  org_id: string
  kind: string
  title: string
  code: string | null
  credits: string | null
  hours: string | null
  score: string | null
  scale: string | null
  level: string | null
  category: string | null
  type_code: string | null
  occurred_on: string
  posted_at: Timestamp
  reversed_at: Date | null
}

export interface ApplicationTable {
  id: string
  learner_id: string
  target_org_id: string
  program_code: string
  /** check (origin in ('rule', 'learner')) */
  origin: ApplicationOrigin
  rule_version_id: string | null
  rule_code: string | null
  rule_version: number | null
  trigger_entry_id: string | null
  source_entry_ids: string[]
  source_org_id: string
  course_code: string
  course_name: string
  course_type: string
  credits: string | null
  limits_applied: Json<unknown>
  /** check (status in (...)): the contract's statuses */
  status: ApplicationStatus
  step: number | null
  steps: Json<unknown>
  due_days: number | null
  due_at: Date | null
  step_org_id: string | null
  step_region: string | null
  step_alliance_id: string | null
  /** Cleared at start since per-learner keys (decision 0730): the statement is `statement_sealed`. */
  statement: string | null
  /** The learner's statement, sealed under their key. */
  statement_sealed: string | null
  opened_by: string
  opened_on: string
  counted_on: string
  appealed: Generated<boolean>
  flags: Generated<string[]>
  recognized_entry_id: string | null
  evidence_ids: Generated<string[]>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface EvidenceTable {
  id: string
  learner_id: string
  media_type: string | null
  size_bytes: number | null
  /** Cleared at start since per-learner keys (decision 0730): the name is `filename_sealed`. */
  filename: string | null
  /** The file's name (portfolio's answer), sealed under the learner's key. */
  filename_sealed: string | null
}

export interface LearnerTable {
  id: string
  account_no: string
  /** Cleared at start since per-learner keys (decision 0730): see `personal_sealed`. */
  name: string | null
  national_id_masked: string | null
  /** `{name, nationalIdMasked}` as JSON, sealed under the learner's key. */
  personal_sealed: string | null
  /** The name's search tokens (domain/personal.ts `nameTokens`); empty once erased. */
  name_tokens: Generated<string[]>
  /** Set by the learner's erasure: nothing personal is written for them again. */
  erased_at: Timestamp | null
}

export interface EvidenceReadTable {
  seq: Generated<string>
  evidence_id: string
  application_id: string
  actor: string
  org_id: string | null
  at: Timestamp
}

export interface ApplicationTrailTable {
  seq: Generated<string>
  application_id: string
  at: Timestamp
  actor: string
  actor_org_id: string | null
  action: string
  step: number | null
  /** The system's own words (fixed text with codes and ids); a person's words are `reason_sealed`. */
  reason: string | null
  /** What a reviewer or the learner wrote, sealed under the learner's key (decision 0730). */
  reason_sealed: string | null
}

export interface SourceUseTable {
  entry_id: string
  target_org_id: string
  course_code: string
  application_id: string
}

export interface ProgramPlanTable {
  org_id: string
  program_code: string
  latest_version: number
}

export interface ProgramPlanVersionTable {
  id: string
  org_id: string
  program_code: string
  version: number
  body: Json<unknown>
  created_at: Timestamp
  created_by: string
}

export interface TuitionScheduleTable {
  org_id: string
  latest_version: number
}

export interface TuitionScheduleVersionTable {
  id: string
  org_id: string
  version: number
  body: Json<unknown>
  created_at: Timestamp
  created_by: string
}

export interface RecognitionDB extends EventTables, IdempotencyTables, LearnerKeyTables {
  organization: OrganizationTable
  alliance: AllianceTable
  alliance_member: AllianceMemberTable
  rule: RuleTable
  rule_version: RuleVersionTable
  rule_match_key: RuleMatchKeyTable
  rule_generation: { id: number; n: string }
  enrollment: EnrollmentTable
  entry: EntryTable
  application: ApplicationTable
  application_trail: ApplicationTrailTable
  source_use: SourceUseTable
  evidence: EvidenceTable
  evidence_read: EvidenceReadTable
  staff_user: { id: string; username: string }
  learner: LearnerTable
  program_plan: ProgramPlanTable
  program_plan_version: ProgramPlanVersionTable
  tuition_schedule: TuitionScheduleTable
  tuition_schedule_version: TuitionScheduleVersionTable
}

/** The service's Postgres schema. */
export const SCHEMA = 'recognition'
