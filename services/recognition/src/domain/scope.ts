import type { Principal } from '@creditbank/auth'
import type { Kysely } from 'kysely'
import { alliancesOfOrg } from '../db/alliance.repository.js'
import type { ApplicationRow } from '../db/application.repository.js'
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
