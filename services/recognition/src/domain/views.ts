import { creditUnits, showCredits } from '@creditbank/contracts'
import { openFor } from '@creditbank/service-kit'
import type { ApplicationRow } from '../db/application.repository.js'
import type { EntryRow } from '../db/projection.repository.js'
import type { EvidenceTable, LearnerTable } from '../db/schema.js'
import { DECISIONS, type DecisionBar } from './scope.js'

/** What reviewers are shown of a learner (from accounts, decision 0540), opened under their key. */
export type LearnerShown = Pick<LearnerTable, 'id' | 'account_no' | 'name' | 'national_id_masked'>

/** An evidence file as reviewers see it, its name opened under the learner's key. */
export type EvidenceShown = Pick<EvidenceTable, 'id' | 'media_type' | 'size_bytes' | 'filename'>

/**
 * What a reviewer needs beside the application itself (decision 0540): who the learner is, the
 * source entries in words, the evidence files by name, and whether the caller may decide now.
 */
export interface ReviewContext {
  learner: LearnerShown | undefined
  entries: EntryRow[]
  evidence: EvidenceShown[]
  decision: { allowed: boolean; code: DecisionBar | null; escalated: boolean }
}

/** 身份证号 shown as its first 4 and last 4 characters: 4101**********123X. */
export function maskForReviewers(masked: string | null) {
  if (!masked || masked.length < 8) return null
  return `${masked.slice(0, 4)}${'*'.repeat(masked.length - 8)}${masked.slice(-4)}`
}

export function learnerOf(l: LearnerShown | undefined) {
  return l
    ? {
        name: l.name,
        accountNo: l.account_no,
        nationalIdMasked: maskForReviewers(l.national_id_masked),
      }
    : null
}

function sourceOf(e: EntryRow) {
  return {
    id: e.id,
    kind: e.kind,
    title: e.title,
    code: e.code,
    orgId: e.org_id,
    occurredOn: e.occurred_on,
    credits: e.credits === null ? null : showCredits(creditUnits(e.credits)),
    hours: e.hours === null ? null : String(Number(e.hours)),
    grade: e.score === null ? null : { score: e.score, scale: e.scale },
    level: e.level,
    category: e.category,
    typeCode: e.type_code,
    reversed: e.reversed_at !== null,
  }
}

export function contextView(a: ApplicationRow, c: ReviewContext) {
  return {
    learner: learnerOf(c.learner),
    sources: a.source_entry_ids.flatMap((id) => {
      const e = c.entries.find((x) => x.id.toLowerCase() === id.toLowerCase())
      return e ? [sourceOf(e)] : []
    }),
    evidence: a.evidence_ids.flatMap((id) => {
      const f = c.evidence.find((x) => x.id.toLowerCase() === id.toLowerCase())
      return [
        {
          id,
          filename: f?.filename ?? null,
          mediaType: f?.media_type ?? null,
          sizeBytes: f?.size_bytes ?? null,
        },
      ]
    }),
    decision: c.decision,
  }
}

export interface TrailRow {
  application_id: string
  at: Date | string
  actor: string
  actor_org_id?: string | null
  action: string
  step: number | null
  reason: string | null
  reason_sealed?: string | null
}

/** A value sealed under the learner's key, opened; a row written before the keys shows its clear value. */
const opened = (
  key: Buffer | undefined,
  sealed: string | null | undefined,
  clear: string | null,
) => (sealed ? openFor(key, sealed) : clear)

const REVIEWER_ACTIONS = DECISIONS

/**
 * Who took a trail step, as a person reads it: the learner, the system (a rule, an automatic
 * decision) or a reviewer of an organization (the step's). People are never shown by their id.
 */
function byOf(a: ApplicationRow, t: TrailRow) {
  if (t.actor === 'system') return { role: 'system' as const, orgId: null }
  if (REVIEWER_ACTIONS.has(t.action)) {
    const steps = (a.steps ?? []) as { orgId?: string }[]
    const orgId =
      t.actor_org_id ?? (t.step ? steps[t.step - 1]?.orgId : undefined) ?? a.target_org_id
    return { role: 'reviewer' as const, orgId }
  }
  return { role: 'learner' as const, orgId: null }
}

/** `key` is the learner's (absent once erased): the statement and the people's reasons open under it. */
export function applicationView(
  a: ApplicationRow,
  trail: readonly TrailRow[],
  key: Buffer | undefined,
  now = Date.now(),
) {
  const dueAt = a.due_at ? new Date(a.due_at) : null
  return {
    id: a.id,
    learnerId: a.learner_id,
    targetOrgId: a.target_org_id,
    programCode: a.program_code,
    origin: a.origin,
    rule: a.rule_code && a.rule_version ? { code: a.rule_code, version: a.rule_version } : null,
    sourceEntryIds: a.source_entry_ids,
    evidenceIds: a.evidence_ids ?? [],
    award: {
      courseCode: a.course_code,
      courseName: a.course_name,
      courseType: a.course_type,
      credits: a.credits === null ? null : showCredits(creditUnits(a.credits)),
    },
    limitsApplied: a.limits_applied as {
      limit: string
      from: string
      to: string
      message: string
    }[],
    status: a.status,
    step: a.step,
    steps: a.steps as { role: string; orgId?: string; regionCode?: string; allianceId?: string }[],
    dueAt: dueAt ? dueAt.toISOString() : null,
    overdue: dueAt !== null && dueAt.getTime() < now,
    statement: opened(key, a.statement_sealed, a.statement),
    flags: a.flags,
    recognizedEntryId: a.recognized_entry_id,
    createdAt: new Date(a.created_at).toISOString(),
    updatedAt: new Date(a.updated_at).toISOString(),
    trail: trail.map((t) => ({
      at: new Date(t.at).toISOString(),
      actor: t.actor,
      by: byOf(a, t),
      action: t.action,
      step: t.step,
      reason: opened(key, t.reason_sealed, t.reason),
    })),
  }
}
