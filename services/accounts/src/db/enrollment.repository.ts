import { type Kysely, sql } from 'kysely'
import type { AccountsDB, EnrollmentTable } from './schema.js'

export type EnrollmentRow = Omit<EnrollmentTable, 'created_at'> & { created_at: Date }

export async function insertEnrollment(
  db: Kysely<AccountsDB>,
  row: Omit<EnrollmentRow, 'created_at'>,
) {
  return (await db
    .insertInto('enrollment')
    .values(row)
    .onConflict((oc) => oc.columns(['learner_id', 'org_id', 'program_code']).doNothing())
    .returningAll()
    .executeTakeFirst()) as EnrollmentRow | undefined
}

export function findEnrollment(
  db: Kysely<AccountsDB>,
  learnerId: string,
  orgId: string,
  programCode: string,
) {
  return db
    .selectFrom('enrollment')
    .selectAll()
    .where('learner_id', '=', learnerId)
    .where('org_id', '=', orgId)
    .where('program_code', '=', programCode)
    .executeTakeFirst() as Promise<EnrollmentRow | undefined>
}

/**
 * Whether an organization knows a learner: it opened their account, enrolled them, gave them a
 * 学号, or posted an outcome for them (enterprises and training bodies enroll nobody, yet see what
 * they posted). Each of these took the 身份证号 and name, or a learner already known (decision 0613).
 */
export async function knowsLearner(db: Kysely<AccountsDB>, learnerId: string, orgId: string) {
  return (await strangers(db, orgId, [learnerId])).size === 0
}

/** The learners among `ids` that exist and that the organization does not know. */
export async function strangers(
  db: Kysely<AccountsDB>,
  orgId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) return new Set()
  const r = await sql<{ id: string }>`
    select l.id from accounts.learner l
    where l.id in (${sql.join(unique)})
      and l.opened_by_org_id is distinct from ${orgId}
      and not exists (select 1 from accounts.enrollment where learner_id = l.id and org_id = ${orgId})
      and not exists (select 1 from accounts.student_number where learner_id = l.id and org_id = ${orgId})
      and not exists (
        select 1 from accounts.ledger_entry
        where learner_id = l.id and org_id = ${orgId} and code = 'outcome.posted'
      )`.execute(db)
  return new Set(r.rows.map((x) => x.id))
}

export function listEnrollments(
  db: Kysely<AccountsDB>,
  f: { learnerId: string; orgId?: string; after?: string; limit: number },
) {
  let q = db
    .selectFrom('enrollment')
    .selectAll()
    .select((eb) =>
      eb
        .selectFrom('student_number as s')
        .select('s.student_no')
        .whereRef('s.learner_id', '=', 'enrollment.learner_id')
        .whereRef('s.org_id', '=', 'enrollment.org_id')
        .orderBy('s.created_at')
        .limit(1)
        .as('student_no'),
    )
    .where('learner_id', '=', f.learnerId)
    .orderBy('id')
    .limit(f.limit + 1)
  if (f.orgId) q = q.where('org_id', '=', f.orgId)
  if (f.after) q = q.where('id', '>', f.after)
  return q.execute() as Promise<(EnrollmentRow & { student_no: string | null })[]>
}
