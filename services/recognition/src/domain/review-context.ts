import type { Principal } from '@creditbank/auth'
import type { Kysely } from 'kysely'
import type { ApplicationRow } from '../db/application.repository.js'
import { type EntryRow, findEntries } from '../db/projection.repository.js'
import type { RecognitionDB } from '../db/schema.js'
import { currentStep, decisionFor, type ReviewerScope } from './scope.js'
import type { ReviewContext, TrailRow } from './views.js'

type Db = Kysely<RecognitionDB>

/**
 * The reviewer's context of a page of applications in four round trips whatever its size: the
 * learners, the source entries, the evidence files and the organizations the current steps name
 * (for escalation), then the caller's decision for each.
 */
export async function reviewContexts(
  db: Db,
  p: Principal,
  scope: ReviewerScope | null,
  apps: readonly ApplicationRow[],
  trails: readonly TrailRow[],
  now = Date.now(),
): Promise<Map<string, ReviewContext>> {
  const learnerIds = [...new Set(apps.map((a) => a.learner_id))]
  const entryIds = [...new Set(apps.flatMap((a) => a.source_entry_ids))]
  const evidenceIds = [...new Set(apps.flatMap((a) => a.evidence_ids))]
  const stepOrgs = [
    ...new Set(apps.flatMap((a) => (currentStep(a)?.orgId ? [currentStep(a)!.orgId!] : []))),
  ]
  const [learners, entries, evidence, orgs] = await Promise.all([
    learnerIds.length
      ? db
          .selectFrom('learner')
          .select(['id', 'account_no', 'name', 'national_id_masked'])
          .where('id', 'in', learnerIds)
          .execute()
      : [],
    findEntries(db, entryIds),
    evidenceIds.length
      ? db.selectFrom('evidence').selectAll().where('id', 'in', evidenceIds).execute()
      : [],
    stepOrgs.length
      ? db.selectFrom('organization').selectAll().where('id', 'in', stepOrgs).execute()
      : [],
  ])
  const lower = (s: string) => s.toLowerCase()
  const out = new Map<string, ReviewContext>()
  for (const a of apps) {
    const step = currentStep(a)
    const org = step?.orgId ? orgs.find((o) => lower(o.id) === lower(step.orgId!)) : undefined
    const region = step?.regionCode ?? (org?.kind === 'recognition_center' ? org.region_code : null)
    const sources = new Set(a.source_entry_ids.map(lower))
    out.set(a.id, {
      learner: learners.find((l) => lower(l.id) === lower(a.learner_id)),
      entries: entries.filter((e: EntryRow) => sources.has(lower(e.id))),
      evidence: evidence.filter((e) => a.evidence_ids.some((id) => lower(id) === lower(e.id))),
      decision: decisionFor(
        p,
        a,
        scope,
        region,
        trails.filter((t) => t.application_id === a.id),
        now,
      ),
    })
  }
  return out
}
