import type { Kysely } from 'kysely'
import type { AccountsDB } from '../db/schema.js'
import { findByStudentNos, insertStudentNumbers } from '../db/student-number.repository.js'

/** 学号 as typed: half-width, no spaces, upper case (as 身份证号 are compared). */
export function normalizeStudentNo(s: string) {
  return s
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, '')
    .toUpperCase()
}

/**
 * Gives learners their 学号 at an organization; a number that already names another learner there
 * is not taken over. Answers, for each pair, whether the number now names that learner.
 */
export async function giveStudentNos(
  trx: Kysely<AccountsDB>,
  orgId: string,
  actor: string,
  pairs: { learnerId: string; studentNo: string }[],
): Promise<boolean[]> {
  await insertStudentNumbers(
    trx,
    pairs.map((p) => ({
      org_id: orgId,
      student_no: p.studentNo,
      learner_id: p.learnerId,
      created_by: actor,
    })),
  )
  const now = await findByStudentNos(
    trx,
    orgId,
    pairs.map((p) => p.studentNo),
  )
  return pairs.map((p) => now.get(p.studentNo) === p.learnerId)
}
