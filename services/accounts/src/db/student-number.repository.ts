import { type Kysely, sql } from 'kysely'
import type { AccountsDB } from './schema.js'

/**
 * Gives learners their 学号 at an organization; a number already given stays as it is (the caller
 * compares the learner it names). Set-wise: one statement for any number of rows.
 */
export async function insertStudentNumbers(
  db: Kysely<AccountsDB>,
  rows: { org_id: string; student_no: string; learner_id: string; created_by: string }[],
) {
  if (rows.length === 0) return
  await db
    .insertInto('student_number')
    .values(rows)
    .onConflict((oc) => oc.columns(['org_id', 'student_no']).doNothing())
    .execute()
}

/** The learners these 学号 name at an organization: one probe of the key per number. */
export async function findByStudentNos(db: Kysely<AccountsDB>, orgId: string, nos: string[]) {
  if (nos.length === 0) return new Map<string, string>()
  const r = await sql<{ student_no: string; learner_id: string }>`
    select s.student_no, s.learner_id
    from unnest(${[...new Set(nos)]}::text[]) as k(student_no)
    join accounts.student_number s on s.org_id = ${orgId} and s.student_no = k.student_no`.execute(
    db,
  )
  return new Map(r.rows.map((x) => [x.student_no, x.learner_id]))
}

/** A learner's 学号 at an organization (the first given), or null. */
export async function studentNoOf(db: Kysely<AccountsDB>, learnerId: string, orgId: string) {
  const r = await db
    .selectFrom('student_number')
    .select('student_no')
    .where('learner_id', '=', learnerId)
    .where('org_id', '=', orgId)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst()
  return r?.student_no ?? null
}
