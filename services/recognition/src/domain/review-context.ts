import type { Principal } from '@creditbank/auth'
import { openFor } from '@creditbank/service-kit'
import type { Kysely } from 'kysely'
import type { ApplicationRow } from '../db/application.repository.js'
import { type EntryRow, findEntries } from '../db/projection.repository.js'
import type { RecognitionDB } from '../db/schema.js'
import { openLearner } from './personal.js'
import { currentStep, decisionFor, type ReviewerScope } from './scope.js'
import type { EvidenceShown, LearnerShown, ReviewContext, TrailRow } from './views.js'

type Db = Kysely<RecognitionDB>

/**
 * The reviewer's context of a page of applications in four round trips whatever its size: the
 * learners, the source entries, the evidence files and the organizations the current steps name
 * (for escalation), then the caller's decision for each. The names and masked numbers and the
 * files' names open under the learners' `keys` (read once for the page by the caller).
 */
export async function reviewContexts(
  db: Db,
  p: Principal,
  scope: ReviewerScope | null,
  apps: readonly ApplicationRow[],
  trails: readonly TrailRow[],
  keys: Map<string, Buffer>,
  now = Date.now(),
): Promise<Map<string, ReviewContext>> {
  const learnerIds = [...new Set(apps.map((a) => a.learner_id))]
  const entryIds = [...new Set(apps.flatMap((a) => a.source_entry_ids))]
  const evidenceIds = [...new Set(apps.flatMap((a) => a.evidence_ids))]
  const stepOrgs = [
    ...new Set(apps.flatMap((a) => (currentStep(a)?.orgId ? [currentStep(a)!.orgId!] : []))),
  ]
  const [learnerRows, entries, evidenceRows, orgs] = await Promise.all([
    learnerIds.length
      ? db
          .selectFrom('learner')
          .select(['id', 'account_no', 'name', 'national_id_masked', 'personal_sealed'])
          .where('id', 'in', learnerIds)
          .execute()
      : [],
    findEntries(db, entryIds),
    evidenceIds.length
      ? db
          .selectFrom('evidence')
          .select(['id', 'learner_id', 'media_type', 'size_bytes', 'filename', 'filename_sealed'])
          .where('id', 'in', evidenceIds)
          .execute()
      : [],
    stepOrgs.length
      ? db.selectFrom('organization').selectAll().where('id', 'in', stepOrgs).execute()
      : [],
  ])
  const lower = (s: string) => s.toLowerCase()
  const learners: LearnerShown[] = learnerRows.map(({ personal_sealed, ...l }) => {
    if (!personal_sealed) return l
    const p = openLearner(keys.get(lower(l.id)), personal_sealed)
    return { ...l, name: p.name, national_id_masked: p.nationalIdMasked }
  })
  const evidence: EvidenceShown[] = evidenceRows.map(({ learner_id, filename_sealed, ...e }) =>
    filename_sealed ? { ...e, filename: openFor(keys.get(lower(learner_id)), filename_sealed) } : e,
  )
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
