import { type Kysely, sql } from 'kysely'
import { knowsLearner } from '../db/enrollment.repository.js'
import { findLearner, findLearnerByHash, type LearnerRow } from '../db/learner.repository.js'
import type { AccountsDB } from '../db/schema.js'
import { findByStudentNos, studentNoOf } from '../db/student-number.repository.js'
import { accountsErrors } from './errors.js'
import { identify, learnerView } from './learners.js'
import { normalizeName } from './national-id.js'
import { nameHashOf, personalOf } from './personal.js'
import { normalizeStudentNo } from './student-numbers.js'

/** How a registrar names a learner: never by our internal id. */
export interface FindInput {
  nationalId?: string
  name?: string
  studentNo?: string
  accountNo?: string
  birthDate?: string
}

/** Learners found by name and birth date: at most this many (a name is not unique). */
const MAX_BY_NAME = 20

const bad = (message: string) =>
  accountsErrors.ACCOUNTS_FIND_INVALID(undefined, [{ path: '/', message }])

/**
 * Finds the learners a registrar names: by 身份证号 and name (anyone's account: knowing both is
 * what opening or looking up an account takes), by account number, by 学号 at the caller's
 * organization, or by name and birth date among the learners the organization already knows (a
 * name and a birth date are not secret enough to search the province). Each answer says whether
 * the organization knows the learner and their 学号 there.
 */
export async function findLearners(
  db: Kysely<AccountsDB>,
  piiKey: Buffer,
  input: FindInput,
  orgId: string | undefined,
) {
  const ways = [
    input.nationalId !== undefined,
    input.studentNo !== undefined,
    input.accountNo !== undefined,
    input.birthDate !== undefined,
  ].filter(Boolean).length
  if (ways !== 1) throw bad('name the learner one way')
  let found: LearnerRow[] = []
  if (input.nationalId !== undefined) {
    if (input.name === undefined) throw bad('a 身份证号 goes with the name')
    const who = identify(piiKey, { nationalId: input.nationalId, name: input.name })
    const l = await findLearnerByHash(db, who.hash)
    // A wrong name is as unknown as a wrong id.
    if (l && l.name_hash === who.nameHash) found = [l]
  } else if (input.accountNo !== undefined) {
    if (input.name !== undefined) throw bad('an account number goes alone')
    const l = await db
      .selectFrom('learner')
      .selectAll()
      .where('account_no', '=', input.accountNo.trim().toUpperCase())
      .executeTakeFirst()
    if (l) found = [l as LearnerRow]
  } else if (input.studentNo !== undefined) {
    if (!orgId) throw accountsErrors.ACCOUNTS_NO_ORGANIZATION()
    const no = normalizeStudentNo(input.studentNo)
    const id = (await findByStudentNos(db, orgId, [no])).get(no)
    const l = id ? await findLearner(db, id) : undefined
    if (l) found = [l]
  } else {
    if (!orgId) throw accountsErrors.ACCOUNTS_NO_ORGANIZATION()
    if (input.name === undefined) throw bad('a birth date goes with the name')
    const r = await sql<LearnerRow>`
      select l.* from accounts.learner l
      where l.name_hash = ${nameHashOf(piiKey, normalizeName(input.name), input.birthDate ?? '')}
        and l.id in (
          select learner_id from accounts.enrollment where org_id = ${orgId}
          union select learner_id from accounts.student_number where org_id = ${orgId}
        )
      order by l.account_no
      limit ${MAX_BY_NAME}`.execute(db)
    found = r.rows
  }
  const personal = await personalOf(db, piiKey, found)
  return Promise.all(
    found.map(async (l) => ({
      ...learnerView(l, personal.get(l.id) ?? null),
      studentNo: orgId ? await studentNoOf(db, l.id, orgId) : null,
      knownHere: orgId ? await knowsLearner(db, l.id, orgId) : false,
    })),
  )
}
