import type { Principal } from '@creditbank/auth'
import type { Kysely } from 'kysely'
import { alliancesOfOrg } from '../db/alliance.repository.js'
import type { ApplicationRow, TrailRow } from '../db/application.repository.js'
import { findOrganization } from '../db/projection.repository.js'
import type { RecognitionDB } from '../db/schema.js'
import type { ReviewStep } from './rule-spec.js'

/**
 * A reviewer's center scope (docs/decisions/0300): the organization in their token; the region of
 * that organization when it is a recognition center; the alliances it belongs to.
 */
export interface ReviewerScope {
  orgId: string
  regionCode: string | null
  allianceIds: string[]
}

export async function reviewerScope(
  db: Kysely<RecognitionDB>,
  p: Principal,
): Promise<ReviewerScope | null> {
  if (!p.roles.includes('reviewer') || !p.org) return null
  const org = await findOrganization(db, p.org)
  return {
    orgId: p.org,
    regionCode: org?.kind === 'recognition_center' ? org.region_code : null,
    allianceIds: await alliancesOfOrg(db, p.org),
  }
}

export function stepInScope(step: ReviewStep | undefined, s: ReviewerScope | null): boolean {
  if (!step || !s) return false
  if (step.orgId) return step.orgId === s.orgId
  if (step.regionCode) return step.regionCode === s.regionCode
  if (step.allianceId) return s.allianceIds.includes(step.allianceId)
  return false
}

export function stepsOf(app: ApplicationRow): ReviewStep[] {
  return (app.steps as ReviewStep[] | null) ?? []
}

export function currentStep(app: ApplicationRow): ReviewStep | undefined {
  return app.step ? stepsOf(app)[app.step - 1] : undefined
}

/**
 * The region one level up (decision 0543): a county's city (410102 → 410100), a city's province
 * (410100 → 410000); a province has none.
 */
export function parentRegion(code: string | null | undefined): string | null {
  if (!code || !/^\d{6}$/.test(code)) return null
  if (code.slice(4) !== '00') return `${code.slice(0, 4)}00`
  if (code.slice(2, 4) !== '00') return `${code.slice(0, 2)}0000`
  return null
}

/**
 * The region a step belongs to, for escalation: its `regionCode`, or the region of the
 * recognition center it names. Steps at a school or an alliance do not escalate.
 */
export async function stepRegion(db: Kysely<RecognitionDB>, step: ReviewStep | undefined) {
  if (!step) return null
  if (step.regionCode) return step.regionCode
  if (!step.orgId) return null
  const org = await findOrganization(db, step.orgId)
  return org?.kind === 'recognition_center' ? org.region_code : null
}

/**
 * Whether the caller's center takes this application's current step because it is overdue: the
 * step's due date has passed and the caller's recognition center is of the parent region.
 */
export function escalatesTo(
  app: ApplicationRow,
  region: string | null,
  s: ReviewerScope | null,
  now = Date.now(),
) {
  if (!s?.regionCode || !app.due_at || new Date(app.due_at).getTime() >= now) return false
  return parentRegion(region) === s.regionCode
}

/** Whether the caller's own learner account is the applicant: nobody decides on their own application. */
export function isOwn(p: Principal, app: ApplicationRow) {
  return (p.learner !== null && p.learner === app.learner_id) || p.subject === app.opened_by
}

/** The learner, admins, staff of the target organization, and reviewers of any step may see an application. */
export function maySee(p: Principal, app: ApplicationRow, s: ReviewerScope | null) {
  if (p.roles.includes('admin')) return true
  if (p.learner === app.learner_id) return true
  if (
    p.kind === 'user' &&
    p.org === app.target_org_id &&
    (p.roles.includes('reviewer') || p.roles.includes('registrar'))
  )
    return true
  return stepsOf(app).some((step) => stepInScope(step, s))
}

const PENDING = ['open', 'in_review', 'appealed']

/**
 * `maySee`, and the parent center of an overdue step (it may take it, so it may read it), and a
 * reviewer who decided a step of it (their history).
 */
export async function maySeeNow(
  db: Kysely<RecognitionDB>,
  p: Principal,
  app: ApplicationRow,
  s: ReviewerScope | null,
) {
  if (maySee(p, app, s)) return true
  if (!s) return false
  if (
    s.regionCode &&
    PENDING.includes(app.status) &&
    escalatesTo(app, await stepRegion(db, currentStep(app)), s)
  )
    return true
  const mine = await db
    .selectFrom('application_trail')
    .select('seq')
    .where('application_id', '=', app.id)
    .where('actor', '=', p.subject)
    .where('action', 'in', [...DECISIONS])
    .executeTakeFirst()
  return mine !== undefined
}

/** Trail actions that are a reviewer's decision of a step. */
export const DECISIONS = new Set(['step_approved', 'approved', 'rejected'])

export type DecisionBar =
  | 'RECOGNITION_TRANSITION_INVALID'
  | 'RECOGNITION_NOT_REVIEWER'
  | 'RECOGNITION_OWN_APPLICATION'
  | 'RECOGNITION_ALREADY_DECIDED'
  | 'RECOGNITION_OUT_OF_SCOPE'

/**
 * Whether this caller may decide the application's current step now, and if not, why
 * (decisions 0541, 0543): it must be pending; the caller a reviewer; not the learner (their own
 * learner account, or the one who opened it); not someone who decided a step of it before (one
 * person, at most one step, an appeal included); and the step in their scope, or overdue and
 * escalated to their center. The service enforces it and the page shows it.
 */
export function decisionFor(
  p: Principal,
  app: ApplicationRow,
  scope: ReviewerScope | null,
  region: string | null,
  trail: readonly Pick<TrailRow, 'actor' | 'action'>[],
  now = Date.now(),
): { allowed: boolean; code: DecisionBar | null; escalated: boolean } {
  const direct = stepInScope(currentStep(app), scope)
  const escalated = !direct && escalatesTo(app, region, scope, now)
  const bar = (code: DecisionBar) => ({ allowed: false, code, escalated })
  if (!PENDING.includes(app.status)) return bar('RECOGNITION_TRANSITION_INVALID')
  if (!p.roles.includes('reviewer')) return bar('RECOGNITION_NOT_REVIEWER')
  if (isOwn(p, app)) return bar('RECOGNITION_OWN_APPLICATION')
  if (trail.some((t) => DECISIONS.has(t.action) && t.actor === p.subject))
    return bar('RECOGNITION_ALREADY_DECIDED')
  if (!direct && !escalated) return bar('RECOGNITION_OUT_OF_SCOPE')
  return { allowed: true, code: null, escalated }
}
