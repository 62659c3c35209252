import { chinaDate, creditUnits, showCredits } from '@creditbank/contracts'
import type { Kysely } from 'kysely'
import { activeRulesAt, applicationsFor, type PlanVersionRow } from '../db/program.repository.js'
import { type EntryRow, usableEntries } from '../db/projection.repository.js'
import type { RecognitionDB } from '../db/schema.js'
import type { PlanCourse, PlanSpec } from './programs.js'
import type { RuleCache } from './rule-cache.js'
import { certificateLevels, courseTypes, type RuleSpec } from './rule-spec.js'
import { simulate } from './simulation.js'
import { nextTerm, type Term, termAt } from './terms.js'

type Application = Awaited<ReturnType<typeof applicationsFor>>[number]
type RuleRow = { code: string; version: number; name: string; spec: RuleSpec }

/** One earned or recognized entry and what it counts towards in the plan. */
export interface CountedLine {
  source: 'earned' | 'recognized'
  entryId: string | null
  applicationId: string | null
  sourceEntryIds: string[]
  rule: { code: string; version: number } | null
  courseCode: string | null
  courseName: string
  courseType: string | null
  credits: string
  countedOn: string
  /** What it counts towards: null when it does not count (the course is counted already). */
  countsTowards: { total: true; courseType: string | null; requiredCourse: string | null } | null
  note: string | null
}

const ACTIVE = new Set(['open', 'in_review', 'appealed'])
const MAX_TERMS = 40
const MAX_SIMULATIONS = 30

function countedLines(
  entries: readonly EntryRow[],
  apps: readonly Application[],
  orgId: string,
  catalog: ReadonlyMap<string, PlanCourse>,
) {
  const lines: CountedLine[] = []
  const seen = new Set<string>()
  const place = (line: Omit<CountedLine, 'countsTowards' | 'note'>) => {
    const course = line.courseCode ? catalog.get(line.courseCode) : undefined
    const dup = line.courseCode !== null && seen.has(line.courseCode)
    if (line.courseCode) seen.add(line.courseCode)
    const type = course?.courseType ?? line.courseType
    lines.push({
      ...line,
      courseType: type,
      countsTowards: dup
        ? null
        : {
            total: true,
            courseType: type,
            requiredCourse: course?.required ? course.courseCode : null,
          },
      note: dup ? `${line.courseCode} is counted once; this line does not count again` : null,
    })
  }
  for (const e of entries) {
    if (e.org_id !== orgId || e.kind !== 'course' || e.credits === null) continue
    place({
      source: 'earned',
      entryId: e.id,
      applicationId: null,
      sourceEntryIds: [],
      rule: null,
      courseCode: e.code,
      courseName: e.title,
      courseType: null,
      credits: showCredits(creditUnits(e.credits)),
      countedOn: e.occurred_on,
    })
  }
  for (const a of apps) {
    if (a.status !== 'approved' || a.credits === null) continue
    place({
      source: 'recognized',
      entryId: a.recognized_entry_id,
      applicationId: a.id,
      sourceEntryIds: a.source_entry_ids,
      rule: a.rule_code ? { code: a.rule_code, version: a.rule_version! } : null,
      courseCode: a.course_code,
      courseName: a.course_name,
      courseType: a.course_type,
      credits: showCredits(creditUnits(a.credits)),
      countedOn: a.counted_on,
    })
  }
  return lines
}

const maxOf = (a: bigint, b: bigint) => (b > a ? b : a)
const minOf = (a: bigint | null, b: bigint | null) =>
  a === null ? b : b === null ? a : a < b ? a : b

/** The tightest term and year caps of the plan and of the target's rules for the program. */
function capsOf(spec: PlanSpec, rules: readonly RuleRow[]) {
  const caps = {
    term: spec.maxCreditsPerTerm ? creditUnits(spec.maxCreditsPerTerm) : null,
    year: spec.maxCreditsPerYear ? creditUnits(spec.maxCreditsPerYear) : null,
    from: { term: [] as string[], year: [] as string[] },
  }
  if (caps.term !== null) caps.from.term.push('plan')
  if (caps.year !== null) caps.from.year.push('plan')
  for (const r of rules) {
    const l = r.spec.limits ?? {}
    for (const [k, v] of [
      ['term', l.maxCreditsPerTerm],
      ['year', l.maxCreditsPerYear],
    ] as const) {
      if (v === undefined) continue
      const units = creditUnits(v)
      if (caps[k] === null || units < caps[k]!) {
        caps[k] = units
        caps.from[k] = [`${r.code} v${r.version}`]
      } else if (units === caps[k]) caps.from[k].push(`${r.code} v${r.version}`)
    }
  }
  return caps
}

/**
 * The earliest term the missing credits fit in from the current term on, each term taking what
 * its term cap and its year's cap leave after the credits already counted there.
 */
export function earliestTerm(
  needed: bigint,
  caps: { term: bigint | null; year: bigint | null },
  used: readonly { on: string; credits: bigint }[],
  today: string,
) {
  let term: Term = termAt(today)
  if (needed === 0n) return { term: null, schedule: [] as { term: string; credits: string }[] }
  if (caps.term === null && caps.year === null)
    return { term, schedule: [{ term: term.key, credits: showCredits(needed) }] }
  const inTerm = (t: Term) =>
    used.reduce((s, u) => (u.on >= t.start && u.on < t.end ? s + u.credits : s), 0n)
  const yearUsed = new Map<string, bigint>()
  for (const u of used)
    yearUsed.set(u.on.slice(0, 4), (yearUsed.get(u.on.slice(0, 4)) ?? 0n) + u.credits)
  const schedule: { term: string; credits: string }[] = []
  let left = needed
  for (let i = 0; i < MAX_TERMS; i++, term = nextTerm(term)) {
    let room: bigint | null = caps.term === null ? null : caps.term - inTerm(term)
    const yUsed = yearUsed.get(term.capYear) ?? 0n
    room = minOf(room, caps.year === null ? null : caps.year - yUsed)
    const take = room === null ? left : room <= 0n ? 0n : room < left ? room : left
    if (take > 0n) {
      schedule.push({ term: term.key, credits: showCredits(take) })
      yearUsed.set(term.capYear, yUsed + take)
      left -= take
    }
    if (left === 0n) return { term, schedule }
  }
  return { term: null, schedule }
}

/** Which 1+X certificate levels would replace which missing courses: the simulator, per type and level. */
async function certificateOptions(
  db: Kysely<RecognitionDB>,
  cache: RuleCache,
  input: { learnerId: string; orgId: string; programCode: string; today: string },
  rules: readonly RuleRow[],
  missing: ReadonlySet<string>,
) {
  const tries = new Map<string, { typeCode: string; level: string }>()
  for (const r of rules) {
    const s = r.spec.source
    if (s.kind !== 'certificate' || !s.typeCode || !missing.has(r.spec.award.courseCode)) continue
    const from = s.minLevel ? certificateLevels.indexOf(s.minLevel as never) : 0
    const levels = s.levels ?? certificateLevels.slice(Math.max(from, 0))
    for (const level of levels) tries.set(`${s.typeCode}|${level}`, { typeCode: s.typeCode, level })
  }
  const options = []
  for (const { typeCode, level } of [...tries.values()].slice(0, MAX_SIMULATIONS)) {
    const sim = await simulate(
      db,
      {
        learnerId: input.learnerId,
        outcomes: [
          { kind: 'certificate', title: typeCode, typeCode, level, occurredOn: input.today },
        ],
        targetOrgId: input.orgId,
        programCode: input.programCode,
      },
      cache,
    )
    for (const item of sim.items) {
      if (item.sourceRef !== 'hypothetical:0' || !missing.has(item.award.courseCode)) continue
      options.push({
        typeCode,
        level,
        courseCode: item.award.courseCode,
        courseName: item.award.courseName,
        courseType: item.award.courseType,
        credits: item.award.credits,
        rule: item.rule,
        review: item.review,
        limitsApplied: item.limitsApplied,
        refused: item.refused,
      })
    }
  }
  // By course, then level from junior up: the cheapest way to each course first.
  const rank = (l: string) => certificateLevels.indexOf(l as never)
  return options.sort((a, b) =>
    a.courseCode === b.courseCode
      ? rank(a.level) - rank(b.level)
      : a.courseCode < b.courseCode
        ? -1
        : 1,
  )
}

/**
 * A learner's progress in a program against one version of its plan: what counts towards what,
 * what is missing, the earliest term under the caps, and the certificates that would replace
 * missing courses. Reads recognition's projections and applications only.
 */
export async function progressOf(
  db: Kysely<RecognitionDB>,
  cache: RuleCache,
  input: { learnerId: string; orgId: string; programCode: string; plan: PlanVersionRow },
) {
  const spec = input.plan.body as PlanSpec
  const today = chinaDate()
  const catalog = new Map(spec.courses.map((c) => [c.courseCode, c]))
  const entries = await usableEntries(db, input.learnerId)
  const apps = await applicationsFor(db, input.learnerId, input.orgId, input.programCode)
  const rules = ((await activeRulesAt(db, input.orgId, today)) as RuleRow[]).filter(
    (r) =>
      !r.spec.conditions?.programCodes ||
      r.spec.conditions.programCodes.includes(input.programCode),
  )
  const lines = countedLines(entries, apps, input.orgId, catalog)
  const counting = lines.filter((l) => l.countsTowards)
  const sum = (f: (l: CountedLine) => boolean) =>
    counting.reduce((s, l) => (f(l) ? s + creditUnits(l.credits) : s), 0n)
  const gap = (required: bigint, done: bigint) => (done >= required ? 0n : required - done)
  const totalRequired = creditUnits(spec.totalCredits)
  const totalDone = sum(() => true)
  // In the contract's order of types (a jsonb body does not keep the order it was given in).
  const typed = courseTypes.flatMap((k) => {
    const req = spec.creditsByType[k]
    return req === undefined ? [] : [[k, req] as const]
  })
  const byType = typed.map(([type, req]) => {
    const done = sum((l) => l.courseType === type)
    return {
      courseType: type,
      required: req!,
      done: showCredits(done),
      missing: showCredits(gap(creditUnits(req!), done)),
    }
  })
  const doneCodes = new Set(counting.map((l) => l.courseCode))
  const required = spec.courses
    .filter((c) => c.required)
    .map((c) => ({ ...c, done: doneCodes.has(c.courseCode) }))
  const missingCodes = new Set(
    spec.courses.filter((c) => !doneCodes.has(c.courseCode)).map((c) => c.courseCode),
  )
  const needed = [
    gap(totalRequired, totalDone),
    byType.reduce((s, t) => s + creditUnits(t.missing), 0n),
    required.reduce((s, c) => (c.done ? s : s + creditUnits(c.credits)), 0n),
  ].reduce(maxOf)
  const pending = apps.filter((a) => ACTIVE.has(a.status))
  const used = [
    ...counting.map((l) => ({ on: l.countedOn, credits: creditUnits(l.credits) })),
    ...pending.map((a) => ({ on: a.counted_on, credits: a.credits ? creditUnits(a.credits) : 0n })),
  ]
  const caps = capsOf(spec, rules)
  const earliest = earliestTerm(needed, caps, used, today)
  const usedEntries = new Set(
    apps
      .filter((a) => a.status !== 'rejected' && a.status !== 'withdrawn')
      .flatMap((a) => a.source_entry_ids),
  )
  const certificates = await certificateOptions(db, cache, { ...input, today }, rules, missingCodes)
  return {
    learnerId: input.learnerId,
    orgId: input.orgId,
    programCode: input.programCode,
    programName: spec.programName,
    asOf: today,
    plan: {
      version: input.plan.version,
      basis: spec.basis ?? null,
      createdAt: input.plan.created_at.toISOString(),
    },
    complete: needed === 0n,
    total: {
      required: spec.totalCredits,
      done: showCredits(totalDone),
      missing: showCredits(gap(totalRequired, totalDone)),
    },
    byType,
    requiredCourses: required.map((c) => ({
      courseCode: c.courseCode,
      courseName: c.courseName,
      courseType: c.courseType,
      credits: c.credits,
      done: c.done,
    })),
    missingCredits: showCredits(needed),
    counted: lines,
    pending: pending.map((a) => ({
      applicationId: a.id,
      status: a.status,
      courseCode: a.course_code,
      courseName: a.course_name,
      credits: a.credits === null ? null : showCredits(creditUnits(a.credits)),
      sourceEntryIds: a.source_entry_ids,
    })),
    notCounted: entries
      .filter((e) => !(e.org_id === input.orgId && e.kind === 'course') && !usedEntries.has(e.id))
      .map((e) => ({
        entryId: e.id,
        kind: e.kind,
        title: e.title,
        credits: e.credits === null ? null : showCredits(creditUnits(e.credits)),
        occurredOn: e.occurred_on,
      })),
    caps: {
      term: caps.term === null ? null : { credits: showCredits(caps.term), from: caps.from.term },
      year: caps.year === null ? null : { credits: showCredits(caps.year), from: caps.from.year },
    },
    earliestTerm: earliest.term ? { term: earliest.term.key, start: earliest.term.start } : null,
    schedule: earliest.schedule,
    certificates,
  }
}
