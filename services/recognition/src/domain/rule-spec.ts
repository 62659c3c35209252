import type { FieldError } from '@creditbank/contracts'
import { creditUnits, isDecimal, type Rounding } from '@creditbank/contracts'

export const sourceKinds = ['certificate', 'course', 'training', 'competition', 'work'] as const
export type SourceKind = (typeof sourceKinds)[number]
export const certificateLevels = ['junior', 'intermediate', 'senior'] as const
/** Competition award levels, lowest first (docs/decisions/0300-recognition-rules-and-worker.md). */
export const competitionLevels = [
  'school',
  'city',
  'provincial',
  'national',
  'international',
] as const
export const courseTypes = ['foundation', 'core', 'elective', 'practice'] as const
export type CourseType = (typeof courseTypes)[number]

export interface RuleSource {
  kind: SourceKind
  typeCode?: string
  minLevel?: string
  /** An exact set of accepted levels (the Henan mapping: senior replaces foundation and core). */
  levels?: string[]
  orgId?: string
  code?: string
  /** Case-insensitive glob on the outcome title: `*` matches anything. */
  titlePattern?: string
  /** On a 100-point scale; outcomes with a numeric grade scale are normalized to it. */
  minScore?: string
  minHours?: string
  category?: string
  allianceId?: string
}

export interface RuleAward {
  courseCode: string
  courseName: string
  courseType: string
  credits?: string
  creditsPerHour?: string
  rounding?: Rounding
}

export interface RuleLimits {
  maxCreditsPerSource?: string
  oneSourcePerCourse?: boolean
  oneCoursePerSource?: boolean
  maxCreditsPerYear?: string
  maxCreditsPerTerm?: string
  maxCreditsPerSourceOrg?: string
  maxCreditsPerProgram?: string
  /** The award never exceeds the credits the source entry itself carries (Henan). */
  capToSourceCredits?: boolean
}

export interface ReviewStep {
  role: 'reviewer'
  orgId?: string
  regionCode?: string
  allianceId?: string
}

export interface RuleReview {
  mode: 'auto' | 'manual'
  steps?: ReviewStep[]
  dueDays?: number
}

export interface RuleSpec {
  code: string
  name: string
  targetOrgId: string
  source: RuleSource
  award: RuleAward
  conditions?: { maxAgeMonths?: number; programCodes?: string[] }
  limits?: RuleLimits
  review: RuleReview
  validFrom: string
  validTo?: string | null
}

/** Which source fields make sense for which kind; anything else is a contradiction. */
const fieldsByKind: Record<SourceKind, readonly (keyof RuleSource)[]> = {
  certificate: ['typeCode', 'minLevel', 'levels', 'orgId', 'allianceId'],
  course: ['orgId', 'code', 'titlePattern', 'minScore', 'allianceId'],
  training: ['minHours', 'category', 'orgId', 'allianceId'],
  competition: ['minLevel', 'levels', 'category', 'orgId', 'allianceId'],
  work: ['minHours', 'category', 'orgId', 'allianceId'],
}

export function levelsOf(kind: SourceKind): readonly string[] | undefined {
  if (kind === 'certificate') return certificateLevels
  if (kind === 'competition') return competitionLevels
  return undefined
}

/**
 * The domain checks a schema cannot express: fields that contradict each other or the kind.
 * Returns every problem, each with the JSON pointer of the field.
 */
export function ruleProblems(spec: RuleSpec): FieldError[] {
  const out: FieldError[] = []
  const add = (path: string, message: string) => out.push({ path, message })
  const s = spec.source
  const allowed = fieldsByKind[s.kind]
  for (const key of Object.keys(s) as (keyof RuleSource)[]) {
    if (key !== 'kind' && !allowed.includes(key))
      add(`/source/${key}`, `does not apply to ${s.kind} sources`)
  }
  const levels = levelsOf(s.kind)
  if (s.minLevel !== undefined && levels && !levels.includes(s.minLevel))
    add('/source/minLevel', `must be one of ${levels.join(', ')}`)
  if (s.levels && levels) {
    for (const [i, l] of s.levels.entries())
      if (!levels.includes(l)) add(`/source/levels/${i}`, `must be one of ${levels.join(', ')}`)
  }
  if (s.minLevel !== undefined && s.levels !== undefined)
    add('/source/levels', 'give minLevel or levels, not both')
  if (s.kind === 'certificate' && !s.typeCode)
    add('/source/typeCode', 'is required for certificate sources')
  if (s.kind === 'course' && s.code !== undefined && s.titlePattern !== undefined)
    add('/source/titlePattern', 'give code or titlePattern, not both')
  if (s.kind === 'course' && !s.orgId && !s.allianceId && !s.code)
    add('/source/orgId', 'a course source names an organization, an alliance or a course code')
  if (s.minScore !== undefined && !isDecimal(s.minScore, 2))
    add('/source/minScore', 'must be a decimal with up to 2 places')
  if (s.minScore !== undefined && isDecimal(s.minScore, 2) && creditUnits(s.minScore) > 10_000n)
    add('/source/minScore', 'is on a 100-point scale')
  const a = spec.award
  if (a.credits !== undefined && a.creditsPerHour !== undefined)
    add('/award/creditsPerHour', 'give credits or creditsPerHour, not both')
  if (a.credits === undefined && a.creditsPerHour === undefined)
    add('/award/credits', 'give credits or creditsPerHour')
  if (a.creditsPerHour !== undefined && a.rounding === undefined)
    add('/award/rounding', 'is required with creditsPerHour (down, half_up or down_to_half)')
  if (a.rounding !== undefined && a.creditsPerHour === undefined)
    add('/award/rounding', 'applies only to creditsPerHour')
  if (a.creditsPerHour !== undefined && !['training', 'work'].includes(s.kind))
    add('/award/creditsPerHour', 'applies only to training or work sources, which carry hours')
  if (a.credits !== undefined && creditUnits(a.credits) === 0n)
    add('/award/credits', 'must be more than 0')
  const l = spec.limits ?? {}
  for (const key of [
    'maxCreditsPerSource',
    'maxCreditsPerYear',
    'maxCreditsPerTerm',
    'maxCreditsPerSourceOrg',
    'maxCreditsPerProgram',
  ] as const) {
    const v = l[key]
    if (v !== undefined && creditUnits(v) === 0n) add(`/limits/${key}`, 'must be more than 0')
  }
  if (
    l.maxCreditsPerTerm &&
    l.maxCreditsPerYear &&
    creditUnits(l.maxCreditsPerTerm) > creditUnits(l.maxCreditsPerYear)
  ) {
    add('/limits/maxCreditsPerTerm', 'cannot exceed maxCreditsPerYear')
  }
  const r = spec.review
  if (r.mode === 'manual' && !r.steps?.length)
    add('/review/steps', 'a manual review needs at least one step')
  if (r.mode === 'auto' && r.steps?.length) add('/review/steps', 'an auto review has no steps')
  if (r.mode === 'auto' && r.dueDays !== undefined)
    add('/review/dueDays', 'an auto review has no due date')
  r.steps?.forEach((step, i) => {
    const scopes = [step.orgId, step.regionCode, step.allianceId].filter(
      (x) => x !== undefined,
    ).length
    if (scopes !== 1)
      add(`/review/steps/${i}`, 'a step names exactly one of orgId, regionCode or allianceId')
  })
  if (spec.validTo && spec.validTo < spec.validFrom) add('/validTo', 'is before validFrom')
  if (
    spec.conditions?.programCodes &&
    new Set(spec.conditions.programCodes).size !== spec.conditions.programCodes.length
  ) {
    add('/conditions/programCodes', 'has duplicates')
  }
  return out
}

/** A safe title matcher: a glob, never a user-supplied regular expression. */
export function globMatcher(pattern: string): (title: string) => boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'iu',
  )
  return (title) => re.test(title)
}
