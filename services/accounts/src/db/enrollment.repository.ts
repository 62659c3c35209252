import type { Kysely } from 'kysely'
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

export async function isEnrolled(db: Kysely<AccountsDB>, learnerId: string, orgId: string) {
  const r = await db
    .selectFrom('enrollment')
    .select('id')
    .where('learner_id', '=', learnerId)
    .where('org_id', '=', orgId)
    .limit(1)
    .executeTakeFirst()
  return !!r
}

export function listEnrollments(
  db: Kysely<AccountsDB>,
  f: { learnerId: string; orgId?: string; after?: string; limit: number },
) {
  let q = db
    .selectFrom('enrollment')
    .selectAll()
    .where('learner_id', '=', f.learnerId)
    .orderBy('id')
    .limit(f.limit + 1)
  if (f.orgId) q = q.where('org_id', '=', f.orgId)
  if (f.after) q = q.where('id', '>', f.after)
  return q.execute() as Promise<EnrollmentRow[]>
}
