import type { Principal } from '@creditbank/auth'
import type { FieldError } from '@creditbank/contracts'
import { creditUnits, showCredits, toUnits } from '@creditbank/contracts'
import type { Transaction } from 'kysely'
import { uuidv7 } from 'uuidv7'
import {
  findPlanVersion,
  findScheduleVersion,
  insertPlanVersion,
  insertScheduleVersion,
  lockPlan,
  lockSchedule,
  type PlanVersionRow,
  type ScheduleVersionRow,
} from '../db/program.repository.js'
import type { RecognitionDB } from '../db/schema.js'
import { recognitionErrors } from './errors.js'
import { type CourseType, courseTypes } from './rule-spec.js'
import { canonical } from './rules.js'

export interface PlanCourse {
  courseCode: string
  courseName: string
  courseType: CourseType
  credits: string
  required: boolean
}

/** A program's requirements as the school publishes them (decision 0810). */
export interface PlanSpec {
  programName: string
  /** The standard the plan follows, in words (e.g. Korea's ACBS bachelor, 140 credits). */
  basis?: string
  totalCredits: string
  creditsByType: Partial<Record<CourseType, string>>
  courses: PlanCourse[]
  /** The school's own pace limits; progress also takes the tightest caps of its recognition rules. */
  maxCreditsPerTerm?: string
  maxCreditsPerYear?: string
}

export interface ScheduleItem {
  programCode: string
  /** The academic year: 2026 is autumn 2026 and spring 2027. */
  year: number
  pricePerCredit: string
  /** Recognized credits: exempt, or charged at `recognizedShare` (0 < share < 1) of the price. */
  recognizedCharge: 'exempt' | 'share'
  recognizedShare?: string
}

export interface ScheduleSpec {
  items: ScheduleItem[]
  note?: string
}

/** Where an organization's staff may act: an admin anywhere, a registrar for their own school. */
export function assertOwnSchool(p: Principal, orgId: string) {
  if (p.roles.includes('admin')) return
  if (p.roles.includes('registrar') && p.org === orgId) return
  throw recognitionErrors.RECOGNITION_NOT_YOUR_SCHOOL()
}

export function planProblems(spec: PlanSpec): FieldError[] {
  const problems: FieldError[] = []
  const total = creditUnits(spec.totalCredits)
  if (total === 0n)
    problems.push({ path: '/totalCredits', message: 'must be above 0', code: 'FIELD_TOO_SMALL' })
  let byType = 0n
  for (const [type, credits] of Object.entries(spec.creditsByType)) {
    if (credits !== undefined) byType += creditUnits(credits)
    if (!(courseTypes as readonly string[]).includes(type))
      problems.push({ path: `/creditsByType/${type}`, message: 'not a course type' })
  }
  if (byType > total)
    problems.push({
      path: '/creditsByType',
      message: `the types add up to ${showCredits(byType)}, more than the total ${spec.totalCredits}`,
    })
  const seen = new Set<string>()
  let required = 0n
  for (const [i, c] of spec.courses.entries()) {
    if (seen.has(c.courseCode))
      problems.push({ path: `/courses/${i}/courseCode`, message: 'named twice' })
    seen.add(c.courseCode)
    if (c.required) required += creditUnits(c.credits)
  }
  if (required > total)
    problems.push({
      path: '/courses',
      message: `the required courses add up to ${showCredits(required)}, more than the total ${spec.totalCredits}`,
    })
  if (
    spec.maxCreditsPerTerm !== undefined &&
    spec.maxCreditsPerYear !== undefined &&
    creditUnits(spec.maxCreditsPerTerm) > creditUnits(spec.maxCreditsPerYear)
  )
    problems.push({ path: '/maxCreditsPerTerm', message: 'is above the yearly limit' })
  for (const k of ['maxCreditsPerTerm', 'maxCreditsPerYear'] as const) {
    const v = spec[k]
    if (v !== undefined && creditUnits(v) === 0n)
      problems.push({ path: `/${k}`, message: 'must be above 0', code: 'FIELD_TOO_SMALL' })
  }
  return problems
}

export function planView(row: PlanVersionRow) {
  const spec = row.body as PlanSpec
  return {
    orgId: row.org_id,
    programCode: row.program_code,
    version: row.version,
    ...spec,
    maxCreditsPerTerm: spec.maxCreditsPerTerm ?? null,
    maxCreditsPerYear: spec.maxCreditsPerYear ?? null,
    basis: spec.basis ?? null,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
  }
}

/** Publishes a plan: version n+1, or the latest again (200) when the body says nothing new. */
export async function publishPlan(
  trx: Transaction<RecognitionDB>,
  orgId: string,
  programCode: string,
  spec: PlanSpec,
  p: Principal,
) {
  assertOwnSchool(p, orgId)
  const problems = planProblems(spec)
  if (problems.length)
    throw recognitionErrors.RECOGNITION_PLAN_INVALID(
      problems.map((e) => `${e.path} ${e.message}`).join('; '),
      problems,
    )
  const header = await lockPlan(trx, orgId, programCode)
  if (header.latest_version > 0) {
    const latest = await findPlanVersion(trx, orgId, programCode)
    if (latest && canonical(latest.body) === canonical(spec)) return { status: 200, row: latest }
  }
  const version = header.latest_version + 1
  await insertPlanVersion(trx, {
    id: uuidv7(),
    org_id: orgId,
    program_code: programCode,
    version,
    body: spec,
    created_by: p.subject,
  })
  const row = await findPlanVersion(trx, orgId, programCode, version)
  return { status: 201, row: row! }
}

const ONE = toUnits('1', 2)

export function scheduleProblems(spec: ScheduleSpec): FieldError[] {
  const problems: FieldError[] = []
  const seen = new Set<string>()
  for (const [i, item] of spec.items.entries()) {
    const key = `${item.programCode}|${item.year}`
    if (seen.has(key))
      problems.push({ path: `/items/${i}/year`, message: 'this program and year are priced twice' })
    seen.add(key)
    if (item.recognizedCharge === 'share') {
      if (item.recognizedShare === undefined)
        problems.push({
          path: `/items/${i}/recognizedShare`,
          message: 'is required when recognized credits are charged at a share',
          code: 'FIELD_REQUIRED',
        })
      else {
        const s = toUnits(item.recognizedShare, 2)
        if (s === 0n || s >= ONE)
          problems.push({
            path: `/items/${i}/recognizedShare`,
            message: 'a share is above 0 and below 1 (0 is exempt; 1 is the full price)',
          })
      }
    } else if (item.recognizedShare !== undefined)
      problems.push({
        path: `/items/${i}/recognizedShare`,
        message: 'applies only when recognized credits are charged at a share',
      })
  }
  return problems
}

export function scheduleView(row: ScheduleVersionRow) {
  const spec = row.body as ScheduleSpec
  return {
    orgId: row.org_id,
    version: row.version,
    items: spec.items.map((i) => ({ ...i, recognizedShare: i.recognizedShare ?? null })),
    note: spec.note ?? null,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
  }
}

export async function publishSchedule(
  trx: Transaction<RecognitionDB>,
  orgId: string,
  spec: ScheduleSpec,
  p: Principal,
) {
  assertOwnSchool(p, orgId)
  const problems = scheduleProblems(spec)
  if (problems.length)
    throw recognitionErrors.RECOGNITION_TUITION_INVALID(
      problems.map((e) => `${e.path} ${e.message}`).join('; '),
      problems,
    )
  const header = await lockSchedule(trx, orgId)
  if (header.latest_version > 0) {
    const latest = await findScheduleVersion(trx, orgId)
    if (latest && canonical(latest.body) === canonical(spec)) return { status: 200, row: latest }
  }
  const version = header.latest_version + 1
  await insertScheduleVersion(trx, {
    id: uuidv7(),
    org_id: orgId,
    version,
    body: spec,
    created_by: p.subject,
  })
  return { status: 201, row: (await findScheduleVersion(trx, orgId, version))! }
}
