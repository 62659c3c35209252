import type { FieldError } from '@creditbank/contracts'
import {
  CREDITS_SCALE,
  creditUnits,
  HOURS_SCALE,
  type Rounding,
  rescaleUnits,
  roundUnits,
  showCredits,
  toUnits,
} from '@creditbank/contracts'
import type { OutcomeFacts } from './rule-index.js'
import type { RuleSpec } from './rule-spec.js'

export interface LimitApplied {
  limit: string
  from: string
  to: string
  message: string
}

export interface Refusal {
  limit: string
  message: string
}

/** An application that counts against the caps: open, in review, appealed or approved. */
export interface CountedApplication {
  credits: string | null
  counted_on: string
  program_code: string
  source_org_id: string
  source_entry_ids: string[]
  course_code: string
}

export interface Evaluation {
  credits: bigint
  limitsApplied: LimitApplied[]
  refusal: Refusal | null
  /** Remaining room under each cap after this award (null: no such cap). */
  remaining: { year: bigint | null; term: bigint | null; program: bigint | null }
}

/** Terms are half-years starting 1 March and 1 September (Korea's semesters); docs/decisions/0300. */
export function termOf(date: string): { start: string; end: string; name: string } {
  const y = Number(date.slice(0, 4))
  const m = Number(date.slice(5, 7))
  if (m >= 3 && m <= 8) return { start: `${y}-03-01`, end: `${y}-09-01`, name: `${y} spring` }
  if (m >= 9) return { start: `${y}-09-01`, end: `${y + 1}-03-01`, name: `${y} autumn` }
  return { start: `${y - 1}-09-01`, end: `${y}-03-01`, name: `${y - 1} autumn` }
}

/** The credits a rule awards for an outcome before limits, in hundredths; null when it cannot say (no hours). */
export function baseCredits(spec: RuleSpec, o: OutcomeFacts): bigint | null {
  if (spec.award.credits !== undefined) return creditUnits(spec.award.credits)
  if (!o.hours || !spec.award.creditsPerHour || !spec.award.rounding) return null
  return creditsForHours(o.hours, spec.award.creditsPerHour, spec.award.rounding)
}

/**
 * Credits for hours at a rate: hours (1 place) × creditsPerHour (up to 6 places), rounded as the
 * rule says. Returns hundredths.
 */
export function creditsForHours(hours: string, creditsPerHour: string, rounding: Rounding): bigint {
  const product = toUnits(hours, HOURS_SCALE) * toUnits(creditsPerHour, 6) // units of 10^-7 credit
  return rescaleUnits(roundUnits(product, 7, rounding), 7, CREDITS_SCALE)
}

const sum = (apps: readonly CountedApplication[], where: (a: CountedApplication) => boolean) =>
  apps.reduce((acc, a) => (where(a) && a.credits ? acc + creditUnits(a.credits) : acc), 0n)

const sourceWord = (o: OutcomeFacts) =>
  o.kind === 'certificate' ? 'certificate' : 'source outcome'

/**
 * Applies a rule's limits to an award, in a fixed order, naming each limit that changed or
 * refused it. Everything is exact (hundredths of a credit).
 */
export function evaluateLimits(
  spec: RuleSpec,
  o: OutcomeFacts,
  base: bigint,
  counted: readonly CountedApplication[],
  ctx: { programCode: string; today: string },
): Evaluation {
  const l = spec.limits ?? {}
  const course = spec.award.courseCode
  const usesEntry = (a: CountedApplication) => a.source_entry_ids.includes(o.entryId)
  const applied: LimitApplied[] = []
  const remaining: Evaluation['remaining'] = { year: null, term: null, program: null }
  const refuse = (limit: string, message: string): Evaluation => ({
    credits: 0n,
    limitsApplied: applied,
    refusal: { limit, message },
    remaining,
  })
  if (counted.some((a) => usesEntry(a) && a.course_code === course))
    return refuse('duplicate', `this source is already used for ${course} at this organization`)
  if (l.oneSourcePerCourse && counted.some((a) => a.course_code === course)) {
    return refuse(
      'oneSourcePerCourse',
      `${course} is already replaced by another source; one source per course`,
    )
  }
  if (l.oneCoursePerSource && counted.some((a) => usesEntry(a) && a.course_code !== course)) {
    return refuse(
      'oneCoursePerSource',
      `this ${sourceWord(o)} already replaces another course; one course per source`,
    )
  }
  let award = base
  const cap = (limit: string, room: bigint, describe: string) => {
    if (room <= 0n) return refuse(limit, `${describe} is used up`)
    if (award > room) {
      applied.push({
        limit,
        from: showCredits(award),
        to: showCredits(room),
        message: `capped from ${showCredits(award)} to ${showCredits(room)} by ${describe}`,
      })
      award = room
    }
    return null
  }
  // Caps per year and term count by when the learning happened (docs/decisions/0300).
  const year = o.occurredOn.slice(0, 4)
  const term = termOf(o.occurredOn)
  const steps: [string, string | undefined, () => bigint, string][] = [
    [
      'capToSourceCredits',
      l.capToSourceCredits && o.credits !== null ? o.credits : undefined,
      () => 0n,
      `the credits the ${sourceWord(o)} carries (${o.credits})`,
    ],
    [
      'maxCreditsPerSource',
      l.maxCreditsPerSource,
      () => sum(counted, usesEntry),
      `the per-${sourceWord(o) === 'certificate' ? 'certificate' : 'source'} limit (${l.maxCreditsPerSource})`,
    ],
    [
      'maxCreditsPerSourceOrg',
      l.maxCreditsPerSourceOrg,
      () => sum(counted, (a) => a.source_org_id === o.orgId),
      `the per-source-organization limit (${l.maxCreditsPerSourceOrg})`,
    ],
    [
      'maxCreditsPerProgram',
      l.maxCreditsPerProgram,
      () => sum(counted, (a) => a.program_code === ctx.programCode),
      `the program limit (${l.maxCreditsPerProgram})`,
    ],
    [
      'maxCreditsPerTerm',
      l.maxCreditsPerTerm,
      () => sum(counted, (a) => a.counted_on >= term.start && a.counted_on < term.end),
      `the term limit (${l.maxCreditsPerTerm} in the ${term.name} term)`,
    ],
    [
      'maxCreditsPerYear',
      l.maxCreditsPerYear,
      () => sum(counted, (a) => a.counted_on.slice(0, 4) === year),
      `the yearly limit (${l.maxCreditsPerYear} in ${year})`,
    ],
  ]
  const room: Record<string, bigint> = {}
  for (const [limit, value, used, describe] of steps) {
    if (value === undefined) continue
    room[limit] = creditUnits(value) - used()
    const refused = cap(limit, room[limit], describe)
    if (refused) {
      fillRemaining(remaining, room, 0n)
      return refused
    }
  }
  fillRemaining(remaining, room, award)
  return { credits: award, limitsApplied: applied, refusal: null, remaining }
}

function fillRemaining(
  remaining: Evaluation['remaining'],
  room: Record<string, bigint>,
  award: bigint,
) {
  const left = (k: string) =>
    room[k] === undefined ? null : room[k] - award < 0n ? 0n : room[k] - award
  remaining.year = left('maxCreditsPerYear')
  remaining.term = left('maxCreditsPerTerm')
  remaining.program = left('maxCreditsPerProgram')
}

export function limitProblems(refusal: Refusal): FieldError[] {
  return [{ path: '/sourceEntryIds', message: `${refusal.limit}: ${refusal.message}` }]
}
