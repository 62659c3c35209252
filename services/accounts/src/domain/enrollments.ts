import type { AccountsEventType } from '@creditbank/contracts'
import type { Publish } from '@creditbank/events'
import type { Transaction } from 'kysely'
import { uuidv7 } from 'uuidv7'
import {
  type EnrollmentRow,
  findEnrollment,
  insertEnrollment,
} from '../db/enrollment.repository.js'
import { findLearner } from '../db/learner.repository.js'
import { findOrganization } from '../db/organization.repository.js'
import type { AccountsDB } from '../db/schema.js'
import { accountsErrors } from './errors.js'
import { giveStudentNos, normalizeStudentNo } from './student-numbers.js'

export interface NewEnrollment {
  learnerId: string
  programCode: string
  programName: string
  startedOn: string
  /** The learner's 学号 at this school: later rows and look-ups may name them by it. */
  studentNo?: string
}

export function enrollmentView(e: EnrollmentRow & { student_no?: string | null }) {
  return {
    id: e.id,
    learnerId: e.learner_id,
    orgId: e.org_id,
    programCode: e.program_code,
    programName: e.program_name,
    startedOn: e.started_on,
    studentNo: e.student_no ?? null,
    createdAt: e.created_at.toISOString(),
  }
}

/**
 * A school enrolls a learner in one of its programs. (learner, school, program) is the natural
 * key: the same enrollment again answers the existing one (200); other details are a conflict.
 */
export async function enroll(
  trx: Transaction<AccountsDB>,
  input: NewEnrollment,
  orgId: string,
  actor: string,
  publish: Publish<AccountsEventType>,
) {
  const org = await findOrganization(trx, orgId)
  if (!org) throw accountsErrors.ACCOUNTS_ORGANIZATION_UNKNOWN()
  if (org.kind !== 'school') throw accountsErrors.ACCOUNTS_NOT_A_SCHOOL()
  if (!(await findLearner(trx, input.learnerId))) throw accountsErrors.ACCOUNTS_LEARNER_NOT_FOUND()
  const studentNo = input.studentNo === undefined ? undefined : normalizeStudentNo(input.studentNo)
  if (
    studentNo !== undefined &&
    !(await giveStudentNos(trx, orgId, actor, [{ learnerId: input.learnerId, studentNo }]))[0]
  )
    throw accountsErrors.ACCOUNTS_STUDENT_NO_TAKEN(undefined, [
      { path: '/studentNo', message: 'names another learner at this school' },
    ])
  const row = await insertEnrollment(trx, {
    id: uuidv7(),
    learner_id: input.learnerId,
    org_id: orgId,
    program_code: input.programCode,
    program_name: input.programName,
    started_on: input.startedOn,
    created_by: actor,
  })
  if (!row) {
    const existing = await findEnrollment(trx, input.learnerId, orgId, input.programCode)
    if (
      !existing ||
      existing.program_name !== input.programName ||
      existing.started_on !== input.startedOn
    )
      throw accountsErrors.ACCOUNTS_ENROLLMENT_CONFLICT()
    return { status: 200 as const, enrollment: { ...existing, student_no: studentNo ?? null } }
  }
  await publish(trx, [
    {
      type: 'accounts.enrollment.created',
      subject: row.learner_id,
      data: {
        enrollmentId: row.id,
        learnerId: row.learner_id,
        orgId,
        programCode: row.program_code,
        programName: row.program_name,
        startedOn: row.started_on,
      },
    },
  ])
  return { status: 201 as const, enrollment: { ...row, student_no: studentNo ?? null } }
}
