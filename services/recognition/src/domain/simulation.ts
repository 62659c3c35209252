import { chinaDate, showCredits } from '@creditbank/contracts'
import type { Kysely } from 'kysely'
import { activeApplications } from '../db/application.repository.js'
import { findEntries, usableEntries } from '../db/projection.repository.js'
import { currentGeneration } from '../db/rule.repository.js'
import type { RecognitionDB } from '../db/schema.js'
import { outcomeOf } from './applications.js'
import { baseCredits, type CountedApplication, evaluateLimits } from './limits.js'
import type { RuleCache } from './rule-cache.js'
import { type OutcomeFacts, RuleIndex } from './rule-index.js'
import type { RuleSpec } from './rule-spec.js'

export interface HypotheticalOutcome {
  kind: string
  title: string
  orgId?: string
  code?: string
  credits?: string
  hours?: string
  grade?: { score: string; scale: string }
  level?: string
  category?: string
  typeCode?: string
  occurredOn: string
  externalRef?: string
}

export interface SimulationInput {
  learnerId?: string
  entryIds?: string[]
  outcomes?: HypotheticalOutcome[]
  targetOrgId: string
  programCode: string
  /** A rule being edited, not saved: the simulation answers for it alone, as version 0 (0545). */
  rule?: RuleSpec
}

const NO_ORG = '00000000-0000-0000-0000-000000000000'

function hypothetical(o: HypotheticalOutcome, i: number, learnerId: string): OutcomeFacts {
  return {
    entryId: `hypothetical:${i}`,
    learnerId,
    orgId: o.orgId ?? NO_ORG,
    kind: o.kind,
    title: o.title,
    code: o.code ?? null,
    credits: o.credits ?? null,
    hours: o.hours ?? null,
    score: o.grade?.score ?? null,
    scale: o.grade?.scale ?? null,
    level: o.level ?? null,
    category: o.category ?? null,
    typeCode: o.typeCode ?? null,
    occurredOn: o.occurredOn,
  }
}

const show = (v: bigint | null) => (v === null ? null : showCredits(v))

/**
 * "What if": runs the worker's matcher and limits over real and hypothetical outcomes, in order,
 * counting each simulated award against the caps as the real ones would. Reads only.
 */
export async function simulate(
  db: Kysely<RecognitionDB>,
  input: SimulationInput,
  cache: RuleCache,
) {
  const learnerId = input.learnerId ?? NO_ORG
  const real = input.learnerId
    ? input.entryIds
      ? (await findEntries(db, input.entryIds)).filter(
          (e) => e.learner_id === input.learnerId && !e.reversed_at,
        )
      : await usableEntries(db, input.learnerId, 500)
    : []
  const outcomes: { ref: string; o: OutcomeFacts }[] = [
    ...real.map((e) => ({ ref: e.id, o: outcomeOf(e) })),
    ...(input.outcomes ?? []).map((h, i) => ({
      ref: `hypothetical:${i}`,
      o: hypothetical(h, i, learnerId),
    })),
  ]
  const counted: CountedApplication[] = input.learnerId
    ? ((await activeApplications(db, input.learnerId, input.targetOrgId)) as CountedApplication[])
    : []
  const current = await cache.at(await currentGeneration(db), db)
  const index = input.rule
    ? new RuleIndex(
        [{ id: 'draft', code: input.rule.code, version: 0, spec: input.rule }],
        current.alliances,
      )
    : current
  const day = chinaDate()
  const target = [{ orgId: input.targetOrgId, programCode: input.programCode }]
  const items = []
  const messages: string[] = []
  let total = 0n
  let remaining: { year: bigint | null; term: bigint | null; program: bigint | null } = {
    year: null,
    term: null,
    program: null,
  }
  const tighter = (a: bigint | null, b: bigint | null) =>
    a === null ? b : b === null ? a : a < b ? a : b
  for (const { ref, o } of outcomes) {
    for (const m of index.match(o, target, day)) {
      const spec = m.rule.spec
      const base = baseCredits(spec, o)
      if (base === null || base === 0n) continue
      const ev = evaluateLimits(spec, o, base, counted, {
        programCode: input.programCode,
        today: day,
      })
      const award = {
        courseCode: spec.award.courseCode,
        courseName: spec.award.courseName,
        courseType: spec.award.courseType,
        credits: showCredits(ev.credits),
      }
      items.push({
        rule: { code: m.rule.code, version: m.rule.version },
        sourceRef: ref,
        award,
        limitsApplied: ev.limitsApplied,
        refused: ev.refusal,
        review: spec.review.mode,
      })
      remaining = {
        year: tighter(remaining.year, ev.remaining.year),
        term: tighter(remaining.term, ev.remaining.term),
        program: tighter(remaining.program, ev.remaining.program),
      }
      if (ev.refusal) {
        messages.push(`${ref}: ${ev.refusal.message}`)
        continue
      }
      total += ev.credits
      counted.push({
        credits: award.credits,
        counted_on: o.occurredOn,
        program_code: input.programCode,
        source_org_id: o.orgId,
        source_entry_ids: [o.entryId],
        course_code: spec.award.courseCode,
      })
    }
  }
  const capNames: [keyof typeof remaining, string][] = [
    ['year', 'yearly'],
    ['term', 'term'],
    ['program', 'program'],
  ]
  for (const [k, word] of capNames) {
    const left = remaining[k]
    if (left === null) continue
    messages.push(
      left === 0n
        ? `the ${word} cap is reached`
        : `the ${word} cap is reached with the next ${showCredits(left)} credits`,
    )
  }
  return {
    items,
    totalCredits: showCredits(total),
    remaining: {
      year: show(remaining.year),
      term: show(remaining.term),
      program: show(remaining.program),
    },
    messages,
  }
}
