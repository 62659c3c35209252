import { toUnits } from '@creditbank/contracts'
import { globMatcher, levelsOf, type RuleSpec, type SourceKind } from './rule-spec.js'

/** One published rule version the matcher may use (the latest version of each rule). */
export interface ActiveRule {
  id: string
  code: string
  version: number
  spec: RuleSpec
}

/** What the worker knows about an outcome entry (its projection of accounts.outcome.posted). */
export interface OutcomeFacts {
  entryId: string
  learnerId: string
  orgId: string
  kind: string
  title: string
  code: string | null
  credits: string | null
  hours: string | null
  score: string | null
  scale: string | null
  level: string | null
  category: string | null
  typeCode: string | null
  occurredOn: string
}

export interface Target {
  orgId: string
  programCode: string
}

export interface Match {
  rule: ActiveRule
  programCode: string
}

interface Compiled {
  rule: ActiveRule
  test: (o: OutcomeFacts, today: string) => boolean
  programs: Set<string> | null
}

/** The single index key of a rule: its most selective source field. */
export function ruleKey(spec: RuleSpec): string {
  const s = spec.source
  if (s.kind === 'certificate') return `type:${s.typeCode}`
  if (s.orgId) return `org:${s.orgId}`
  if (s.code) return `code:${s.code}`
  if (s.category) return `cat:${s.category}`
  return '*'
}

/** The keys under which rules for an outcome can be filed; each rule is under exactly one. */
export function outcomeKeys(o: OutcomeFacts): string[] {
  if (o.kind === 'certificate') return o.typeCode ? [`type:${o.typeCode}`] : []
  const keys = [`org:${o.orgId}`]
  if (o.code) keys.push(`code:${o.code}`)
  if (o.category) keys.push(`cat:${o.category}`)
  keys.push('*')
  return keys
}

export function addMonths(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  const day = d.getUTCDate()
  d.setUTCDate(1)
  d.setUTCMonth(d.getUTCMonth() + months)
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
  d.setUTCDate(Math.min(day, last))
  return d.toISOString().slice(0, 10)
}

const SCORE = /^\d{1,6}(\.\d{1,4})?$/

/** Normalizes a grade to 100 points and compares: score/scale ≥ min/100, in exact integers. */
function scoreAtLeast(score: string | null, scale: string | null, min: bigint): boolean {
  if (!score || !scale || !SCORE.test(score) || !SCORE.test(scale)) return false
  const s = toUnits(score, 4)
  const c = toUnits(scale, 4)
  if (c === 0n) return false
  return s * 100n * 10_000n >= min * c
}

/** Compiles a rule's source matcher, validity window and age condition into one predicate. */
function compile(rule: ActiveRule, alliances: ReadonlyMap<string, ReadonlySet<string>>): Compiled {
  const { spec } = rule
  const s = spec.source
  const ladder = levelsOf(s.kind as SourceKind)
  const minRank = s.minLevel && ladder ? ladder.indexOf(s.minLevel) : -1
  const levels = s.levels ? new Set(s.levels) : null
  const title = s.titlePattern ? globMatcher(s.titlePattern) : null
  const minScore = s.minScore !== undefined ? toUnits(s.minScore, 4) : null
  const minHours = s.minHours !== undefined ? toUnits(s.minHours, 1) : null
  const maxAge = spec.conditions?.maxAgeMonths
  let cutoffFor = ''
  let cutoff = ''
  const test = (o: OutcomeFacts, today: string) => {
    if (o.kind !== s.kind) return false
    if (today < spec.validFrom || (spec.validTo && today > spec.validTo)) return false
    if (s.typeCode !== undefined && o.typeCode !== s.typeCode) return false
    if (s.orgId !== undefined && o.orgId !== s.orgId) return false
    if (s.code !== undefined && o.code !== s.code) return false
    if (s.category !== undefined && o.category !== s.category) return false
    if (minRank >= 0 && (!o.level || !ladder || ladder.indexOf(o.level) < minRank)) return false
    if (levels && (!o.level || !levels.has(o.level))) return false
    if (title && !title(o.title)) return false
    if (minScore !== null && !scoreAtLeast(o.score, o.scale, minScore)) return false
    if (minHours !== null && (!o.hours || toUnits(o.hours, 1) < minHours)) return false
    if (s.allianceId !== undefined && !alliances.get(s.allianceId)?.has(o.orgId)) return false
    if (maxAge !== undefined) {
      if (cutoffFor !== today) {
        cutoff = addMonths(today, -maxAge)
        cutoffFor = today
      }
      if (o.occurredOn < cutoff) return false
    }
    return true
  }
  const programs = spec.conditions?.programCodes ? new Set(spec.conditions.programCodes) : null
  return { rule, test, programs }
}

interface Bucket {
  type: Map<string, Compiled[]>
  org: Map<string, Compiled[]>
  code: Map<string, Compiled[]>
  cat: Map<string, Compiled[]>
  any: Compiled[]
}

const newBucket = (): Bucket => ({
  type: new Map(),
  org: new Map(),
  code: new Map(),
  cat: new Map(),
  any: [],
})

function file(map: Map<string, Compiled[]>, key: string, c: Compiled) {
  const list = map.get(key)
  if (list) list.push(c)
  else map.set(key, [c])
}

/**
 * The matcher the worker runs: rules filed by source kind, then target organization, then their
 * one key (`ruleKey`), so an outcome looks up at most four short lists for each organization its
 * learner is enrolled at instead of scanning every rule. Built from the database (RuleCache) and
 * rebuilt when the rule generation moves.
 */
export class RuleIndex {
  private readonly kinds = new Map<string, Map<string, Bucket>>()
  readonly size: number

  constructor(
    rules: readonly ActiveRule[],
    readonly alliances: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
    readonly generation = '0',
  ) {
    for (const rule of rules) {
      const { kind } = rule.spec.source
      let byTarget = this.kinds.get(kind)
      if (!byTarget) this.kinds.set(kind, (byTarget = new Map()))
      let bucket = byTarget.get(rule.spec.targetOrgId)
      if (!bucket) byTarget.set(rule.spec.targetOrgId, (bucket = newBucket()))
      const c = compile(rule, alliances)
      const key = ruleKey(rule.spec)
      const colon = key.indexOf(':')
      const value = key.slice(colon + 1)
      if (key === '*') bucket.any.push(c)
      else if (key.startsWith('type:')) file(bucket.type, value, c)
      else if (key.startsWith('org:')) file(bucket.org, value, c)
      else if (key.startsWith('code:')) file(bucket.code, value, c)
      else file(bucket.cat, value, c)
    }
    this.size = rules.length
  }

  /** Rules that match the outcome, for each program the learner is enrolled in at the rule's target. */
  match(o: OutcomeFacts, targets: readonly Target[], today: string): Match[] {
    const out: Match[] = []
    const byTarget = this.kinds.get(o.kind)
    if (!byTarget) return out
    for (let i = 0; i < targets.length; i++) {
      const org = targets[i]!.orgId
      if (targets.findIndex((t) => t.orgId === org) !== i) continue // each organization once
      const bucket = byTarget.get(org)
      if (!bucket) continue
      if (o.kind === 'certificate') {
        if (o.typeCode) this.collect(bucket.type.get(o.typeCode), o, org, targets, today, out)
        continue
      }
      this.collect(bucket.org.get(o.orgId), o, org, targets, today, out)
      if (o.code) this.collect(bucket.code.get(o.code), o, org, targets, today, out)
      if (o.category) this.collect(bucket.cat.get(o.category), o, org, targets, today, out)
      this.collect(bucket.any, o, org, targets, today, out)
    }
    return out
  }

  private collect(
    list: Compiled[] | undefined,
    o: OutcomeFacts,
    org: string,
    targets: readonly Target[],
    today: string,
    out: Match[],
  ) {
    if (!list) return
    for (const c of list) {
      if (!c.test(o, today)) continue
      for (const t of targets) {
        if (t.orgId === org && (!c.programs || c.programs.has(t.programCode)))
          out.push({ rule: c.rule, programCode: t.programCode })
      }
    }
  }
}
