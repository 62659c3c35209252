import { type Kysely, sql, type Updateable } from 'kysely'
import type { ApplicationTable, RecognitionDB } from './schema.js'

type Db = Kysely<RecognitionDB>

export type ApplicationRow = Omit<ApplicationTable, 'appealed' | 'flags' | 'created_at' | 'updated_at' | 'limits_applied' | 'steps'> & {
  appealed: boolean
  flags: string[]
  created_at: Date
  updated_at: Date
  limits_applied: unknown
  steps: unknown
}

export type NewApplication = Omit<ApplicationRow, 'appealed' | 'flags' | 'created_at' | 'updated_at' | 'limits_applied' | 'steps' | 'recognized_entry_id'> & {
  limits_applied: string
  steps: string
}

/** Inserts; for rule applications a second insert of the same (entry, rule version, program) returns undefined. */
export async function insertApplication(db: Db, row: NewApplication): Promise<ApplicationRow | undefined> {
  let q = db.insertInto('application').values(row)
  if (row.origin === 'rule') q = q.onConflict((oc) => oc.columns(['trigger_entry_id', 'rule_version_id', 'program_code']).where('origin', '=', 'rule').doNothing())
  return (await q.returningAll().executeTakeFirst()) as ApplicationRow | undefined
}

export const activeStatuses = ['open', 'in_review', 'appealed', 'approved'] as const
export const pendingStatuses = ['open', 'in_review', 'appealed'] as const

/** What counts against the caps: the learner's active applications at the target, bounded. */
export async function activeApplications(db: Db, learnerId: string, targetOrgId: string) {
  return db
    .selectFrom('application')
    .select(['id', 'credits', 'counted_on', 'program_code', 'source_org_id', 'source_entry_ids', 'course_code'])
    .where('learner_id', '=', learnerId)
    .where('target_org_id', '=', targetOrgId)
    .where('status', 'in', activeStatuses)
    .limit(5_000)
    .execute()
}

export async function findApplication(db: Db, id: string, lock = false) {
  let q = db.selectFrom('application').selectAll().where('id', '=', id)
  if (lock) q = q.forUpdate()
  return (await q.executeTakeFirst()) as ApplicationRow | undefined
}

export async function updateApplication(db: Db, id: string, set: Omit<Updateable<ApplicationTable>, 'id'>) {
  return (await db
    .updateTable('application')
    .set({ ...set, updated_at: sql`now()` as never })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()) as ApplicationRow
}

export async function addTrail(db: Db, rows: { application_id: string; actor: string; action: string; step: number | null; reason: string | null; at?: string }[]) {
  if (rows.length) await db.insertInto('application_trail').values(rows).execute()
}

export async function trailsOf(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return []
  return db.selectFrom('application_trail').selectAll().where('application_id', 'in', ids).orderBy('seq').execute()
}

/** Records each source as used for the target course; false if one already was (the same source twice). */
export async function claimSources(db: Db, applicationId: string, entryIds: readonly string[], targetOrgId: string, courseCode: string) {
  const rows = await db
    .insertInto('source_use')
    .values(entryIds.map((entry_id) => ({ entry_id, target_org_id: targetOrgId, course_code: courseCode, application_id: applicationId })))
    .onConflict((oc) => oc.doNothing())
    .returning('entry_id')
    .execute()
  return rows.length === entryIds.length
}

export async function pendingApplicationsUsing(db: Db, entryId: string) {
  return (await db
    .selectFrom('application')
    .selectAll()
    .where(sql<boolean>`source_entry_ids @> array[${entryId}]::uuid[]`)
    .forUpdate()
    .execute()) as ApplicationRow[]
}

export async function addFlag(db: Db, id: string, flag: string) {
  await db
    .updateTable('application')
    .set({ flags: sql`array_append(flags, ${flag})` as never, updated_at: sql`now()` as never })
    .where('id', '=', id)
    .where(sql<boolean>`not (${flag} = any(flags))`)
    .execute()
}

export interface ListFilter {
  learnerId?: string
  targetOrgId?: string
  status?: string
  /** A reviewer's queue: current step in their scope. */
  queue?: { orgId: string; regionCode: string | null; allianceIds: string[]; notLearner: string | null }
  after?: { dueAt: string | null; id: string }
  limit: number
}

export async function listApplications(db: Db, f: ListFilter) {
  let q = db.selectFrom('application').selectAll().limit(f.limit + 1)
  if (f.learnerId) q = q.where('learner_id', '=', f.learnerId)
  if (f.targetOrgId) q = q.where('target_org_id', '=', f.targetOrgId)
  if (f.status) q = q.where('status', '=', f.status)
  if (f.queue) {
    const s = f.queue
    q = q.where('status', 'in', pendingStatuses).where((eb) => {
      const ors = [eb('step_org_id', '=', s.orgId)]
      if (s.regionCode) ors.push(eb('step_region', '=', s.regionCode))
      if (s.allianceIds.length) ors.push(eb('step_alliance_id', 'in', s.allianceIds))
      return eb.or(ors)
    })
    if (s.notLearner) q = q.where('learner_id', '<>', s.notLearner)
    // Ordered by due date: the overdue ones (earliest due) come first.
    q = q.orderBy('due_at', 'asc').orderBy('id', 'asc')
    if (f.after) {
      const { dueAt, id } = f.after
      q = q.where((eb) => (dueAt === null ? eb('id', '>', id) : eb.or([eb('due_at', '>', dueAt as never), eb.and([eb('due_at', '=', dueAt as never), eb('id', '>', id)])])))
    }
  } else {
    q = q.orderBy('id', 'desc')
    if (f.after) q = q.where('id', '<', f.after.id)
  }
  return (await q.execute()) as ApplicationRow[]
}
