import type { Kysely, Transaction } from 'kysely'
import { sql } from 'kysely'
import type { RecognitionDB } from './schema.js'

type Db = Kysely<RecognitionDB>
type Trx = Transaction<RecognitionDB>

export interface PlanVersionRow {
  org_id: string
  program_code: string
  version: number
  body: unknown
  created_at: Date
  created_by: string
}

export interface ScheduleVersionRow {
  org_id: string
  version: number
  body: unknown
  created_at: Date
  created_by: string
}

/** The plan's header locked until the transaction ends (made first if new): versions are numbered under it. */
export async function lockPlan(trx: Trx, orgId: string, programCode: string) {
  await trx
    .insertInto('program_plan')
    .values({ org_id: orgId, program_code: programCode, latest_version: 0 })
    .onConflict((oc) => oc.doNothing())
    .execute()
  return trx
    .selectFrom('program_plan')
    .select('latest_version')
    .where('org_id', '=', orgId)
    .where('program_code', '=', programCode)
    .forUpdate()
    .executeTakeFirstOrThrow()
}

export async function insertPlanVersion(
  trx: Trx,
  row: {
    id: string
    org_id: string
    program_code: string
    version: number
    body: unknown
    created_by: string
  },
) {
  await trx
    .insertInto('program_plan_version')
    .values({ ...row, body: JSON.stringify(row.body) })
    .execute()
  await trx
    .updateTable('program_plan')
    .set({ latest_version: row.version })
    .where('org_id', '=', row.org_id)
    .where('program_code', '=', row.program_code)
    .execute()
}

/** One version of a plan, or the latest when `version` is absent. */
export async function findPlanVersion(
  db: Db,
  orgId: string,
  programCode: string,
  version?: number,
): Promise<PlanVersionRow | undefined> {
  let q = db
    .selectFrom('program_plan_version as v')
    .select(['v.org_id', 'v.program_code', 'v.version', 'v.body', 'v.created_at', 'v.created_by'])
    .where('v.org_id', '=', orgId)
    .where('v.program_code', '=', programCode)
  q =
    version === undefined
      ? q.innerJoin('program_plan as p', (j) =>
          j
            .onRef('p.org_id', '=', 'v.org_id')
            .onRef('p.program_code', '=', 'v.program_code')
            .onRef('p.latest_version', '=', 'v.version'),
        )
      : q.where('v.version', '=', version)
  return (await q.executeTakeFirst()) as PlanVersionRow | undefined
}

/** The latest version of each of a school's plans, by program code; bounded. */
export async function listPlans(db: Db, orgId: string, limit = 200) {
  return (await db
    .selectFrom('program_plan_version as v')
    .innerJoin('program_plan as p', (j) =>
      j
        .onRef('p.org_id', '=', 'v.org_id')
        .onRef('p.program_code', '=', 'v.program_code')
        .onRef('p.latest_version', '=', 'v.version'),
    )
    .select(['v.org_id', 'v.program_code', 'v.version', 'v.body', 'v.created_at', 'v.created_by'])
    .where('v.org_id', '=', orgId)
    .orderBy('v.program_code')
    .limit(limit)
    .execute()) as PlanVersionRow[]
}

export async function lockSchedule(trx: Trx, orgId: string) {
  await trx
    .insertInto('tuition_schedule')
    .values({ org_id: orgId, latest_version: 0 })
    .onConflict((oc) => oc.doNothing())
    .execute()
  return trx
    .selectFrom('tuition_schedule')
    .select('latest_version')
    .where('org_id', '=', orgId)
    .forUpdate()
    .executeTakeFirstOrThrow()
}

export async function insertScheduleVersion(
  trx: Trx,
  row: { id: string; org_id: string; version: number; body: unknown; created_by: string },
) {
  await trx
    .insertInto('tuition_schedule_version')
    .values({ ...row, body: JSON.stringify(row.body) })
    .execute()
  await trx
    .updateTable('tuition_schedule')
    .set({ latest_version: row.version })
    .where('org_id', '=', row.org_id)
    .execute()
}

export async function findScheduleVersion(
  db: Db,
  orgId: string,
  version?: number,
): Promise<ScheduleVersionRow | undefined> {
  let q = db
    .selectFrom('tuition_schedule_version as v')
    .select(['v.org_id', 'v.version', 'v.body', 'v.created_at', 'v.created_by'])
    .where('v.org_id', '=', orgId)
  q =
    version === undefined
      ? q.innerJoin('tuition_schedule as s', (j) =>
          j.onRef('s.org_id', '=', 'v.org_id').onRef('s.latest_version', '=', 'v.version'),
        )
      : q.where('v.version', '=', version)
  return (await q.executeTakeFirst()) as ScheduleVersionRow | undefined
}

/** A learner's enrollments (recognition's projection of accounts.enrollment.created). */
export async function enrollmentsOf(db: Db, learnerId: string) {
  return db
    .selectFrom('enrollment')
    .select(['org_id', 'program_code', 'started_on'])
    .where('learner_id', '=', learnerId)
    .orderBy('started_on')
    .limit(50)
    .execute()
}

/** A learner's applications at a target for a program, every status, with when each was approved. */
export async function applicationsFor(
  db: Db,
  learnerId: string,
  targetOrgId: string,
  programCode: string,
) {
  return db
    .selectFrom('application as a')
    .select([
      'a.id',
      'a.status',
      'a.course_code',
      'a.course_name',
      'a.course_type',
      'a.credits',
      'a.source_entry_ids',
      'a.rule_code',
      'a.rule_version',
      'a.counted_on',
      'a.recognized_entry_id',
      (eb) =>
        eb
          .selectFrom('application_trail as t')
          .select((e) => e.fn.max<Date | null>('t.at').as('at'))
          .whereRef('t.application_id', '=', 'a.id')
          .where('t.action', '=', 'approved')
          .as('approved_at'),
    ])
    .where('a.learner_id', '=', learnerId)
    .where('a.target_org_id', '=', targetOrgId)
    .where('a.program_code', '=', programCode)
    .orderBy('a.created_at')
    .limit(1_000)
    .execute()
}

/**
 * The courses a school is known to teach: those its recognition rules award and those it posted
 * as outcomes (from the entry projection), one line a code; what the registrar picks from by name.
 */
export async function knownCourses(db: Db, orgId: string, limit = 500) {
  const awarded = await db
    .selectFrom('rule_version as v')
    .innerJoin('rule as r', (j) =>
      j.onRef('r.code', '=', 'v.code').onRef('r.latest_version', '=', 'v.version'),
    )
    .select([
      sql<string>`v.spec->'award'->>'courseCode'`.as('code'),
      sql<string>`v.spec->'award'->>'courseName'`.as('name'),
      sql<string>`v.spec->'award'->>'courseType'`.as('type'),
      sql<string | null>`v.spec->'award'->>'credits'`.as('credits'),
    ])
    .where('v.target_org_id', '=', orgId)
    .limit(limit)
    .execute()
  const posted = await db
    .selectFrom('entry')
    .select([
      'code',
      sql<string>`max(title)`.as('name'),
      sql<string | null>`max(credits)::text`.as('credits'),
    ])
    .where('org_id', '=', orgId)
    .where('kind', '=', 'course')
    .where('code', 'is not', null)
    .groupBy('code')
    .orderBy('code')
    .limit(limit)
    .execute()
  return { awarded, posted: posted as { code: string; name: string; credits: string | null }[] }
}

/** The active version of each rule of a target (valid today), with its spec; bounded. */
export async function activeRulesAt(db: Db, targetOrgId: string, today: string, limit = 500) {
  return (await db
    .selectFrom('rule_version as v')
    .innerJoin('rule as r', (j) =>
      j.onRef('r.code', '=', 'v.code').onRef('r.latest_version', '=', 'v.version'),
    )
    .select(['v.code', 'v.version', 'v.name', 'v.spec'])
    .where('v.target_org_id', '=', targetOrgId)
    .where('v.valid_from', '<=', today)
    .where((eb) => eb.or([eb('v.valid_to', 'is', null), eb('v.valid_to', '>=', today)]))
    .orderBy('v.code')
    .limit(limit)
    .execute()) as { code: string; version: number; name: string; spec: unknown }[]
}
