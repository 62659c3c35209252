import type { ApplicationRow } from '../db/application.repository.js'
import { credits, showCredits } from './decimal.js'

export interface TrailRow {
  application_id: string
  at: Date | string
  actor: string
  action: string
  step: number | null
  reason: string | null
}

const REVIEWER_ACTIONS = new Set(['step_approved', 'approved', 'rejected'])

/**
 * Who took a trail step, as a person reads it: the learner, the system (a rule, an automatic
 * decision) or a reviewer of an organization (the step's). People are never shown by their id.
 */
function byOf(a: ApplicationRow, t: TrailRow) {
  if (t.actor === 'system') return { role: 'system' as const, orgId: null }
  if (REVIEWER_ACTIONS.has(t.action)) {
    const steps = (a.steps ?? []) as { orgId?: string }[]
    const orgId = (t.step ? steps[t.step - 1]?.orgId : undefined) ?? a.target_org_id
    return { role: 'reviewer' as const, orgId }
  }
  return { role: 'learner' as const, orgId: null }
}

export function applicationView(a: ApplicationRow, trail: readonly TrailRow[], now = Date.now()) {
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
      credits: a.credits === null ? null : showCredits(credits(a.credits)),
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
    statement: a.statement,
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
      reason: t.reason,
    })),
  }
}
