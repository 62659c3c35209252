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
 * Whether an organization knows a learner: enrolled there, given a 学号 there, or posted an outcome
 * for them there (enterprises and training bodies enroll nobody, yet see what they posted).
 */
export async function knowsLearner(db: Kysely<AccountsDB>, learnerId: string, orgId: string) {
  const r = await sql<{ known: boolean }>`
    select exists (select 1 from accounts.enrollment where learner_id = ${learnerId} and org_id = ${orgId})
      or exists (select 1 from accounts.student_number where learner_id = ${learnerId} and org_id = ${orgId})
      or exists (
        select 1 from accounts.ledger_entry
        where learner_id = ${learnerId} and org_id = ${orgId} and code = 'outcome.posted'
      ) as known`.execute(db)
  return r.rows[0]?.known === true
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
