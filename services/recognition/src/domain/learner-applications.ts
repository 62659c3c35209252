import type { Principal } from '@creditbank/auth'
import type { FieldError, RecognitionEventType } from '@creditbank/contracts'
import { chinaDate, creditUnits, showCredits } from '@creditbank/contracts'
import type { Publish } from '@creditbank/events'
import type { Kysely, Transaction } from 'kysely'
import { uuidv7 } from 'uuidv7'
import {
  type ApplicationRow,
  activeApplications,
  addTrail,
  evidenceOf,
  insertApplication,
} from '../db/application.repository.js'
import { findEntries, isEnrolled } from '../db/projection.repository.js'
import { currentGeneration } from '../db/rule.repository.js'
import type { RecognitionDB } from '../db/schema.js'
import { lockLearner, openedEvent, openUnderRule, outcomeOf } from './applications.js'
import { recognitionErrors } from './errors.js'
import type { CountedApplication, Refusal } from './limits.js'
import { type RecognitionPersonal, sealForLearner } from './personal.js'
import type { RuleCache } from './rule-cache.js'

type Db = Kysely<RecognitionDB>

export interface LearnerApplicationBody {
  sourceEntryIds: string[]
  targetOrgId: string
  programCode: string
  statement?: string
  evidenceIds?: string[]
  award?: { courseCode: string; courseName: string; courseType: string; credits: string }
}

async function ownEntries(trx: Db, learnerId: string, ids: string[]) {
  const rows = await findEntries(trx, ids)
  const byId = new Map(rows.map((r) => [r.id, r]))
  const problems: FieldError[] = []
  ids.forEach((id, i) => {
    const e = byId.get(id)
    // The same answer for another learner's entry and an unknown one: nothing is revealed.
    if (!e || e.learner_id !== learnerId)
      problems.push({ path: `/sourceEntryIds/${i}`, message: 'is not an outcome of yours' })
    else if (e.reversed_at)
      problems.push({
        path: `/sourceEntryIds/${i}`,
        message: 'was reversed and can no longer be used',
      })
  })
  if (new Set(ids).size !== ids.length)
    problems.push({ path: '/sourceEntryIds', message: 'has duplicates' })
  if (problems.length) throw recognitionErrors.RECOGNITION_ENTRY_NOT_YOURS(undefined, problems)
  return ids.map((id) => byId.get(id)!)
}

/** The learner's own evidence files; another's or an unknown id gets the same answer. */
async function ownEvidence(trx: Db, learnerId: string, ids: string[]) {
  const mine = await evidenceOf(trx, learnerId, ids)
  const problems: FieldError[] = ids.flatMap((id, i) =>
    mine.has(id)
      ? []
      : [{ path: `/evidenceIds/${i}`, message: 'is not an evidence file of yours' }],
  )
  if (new Set(ids).size !== ids.length)
    problems.push({ path: '/evidenceIds', message: 'has duplicates' })
  if (problems.length) throw recognitionErrors.RECOGNITION_EVIDENCE_NOT_YOURS(undefined, problems)
}

function refuse(refusals: Refusal[]): never {
  const dup = refusals.find((r) => r.limit === 'duplicate')
  if (dup) throw recognitionErrors.RECOGNITION_SOURCE_ALREADY_USED(dup.message)
  throw recognitionErrors.RECOGNITION_LIMIT_REACHED(
    refusals.map((r) => `${r.limit}: ${r.message}`).join('; '),
    refusals.map((r) => ({ path: '/sourceEntryIds', message: `${r.limit}: ${r.message}` })),
  )
}

/**
 * POST /v1/applications by the learner for their own entries. Under a matching rule of the target
 * the rule's award, limits and review chain apply; with no rule the learner names the course and
 * credits asked for, and the target organization's reviewers decide (status open, one step).
 */
export async function applyAsLearner(
  trx: Transaction<RecognitionDB>,
  p: Principal,
  body: LearnerApplicationBody,
  cache: RuleCache,
  publish: Publish<RecognitionEventType>,
  personal: RecognitionPersonal,
): Promise<ApplicationRow> {
  if (!p.learner)
    throw recognitionErrors.RECOGNITION_NOT_LEARNER('Your account is not linked to a learner yet')
  const learnerId = p.learner
  await lockLearner(trx, learnerId)
  const entries = await ownEntries(trx, learnerId, body.sourceEntryIds)
  const evidenceIds = body.evidenceIds ?? []
  await ownEvidence(trx, learnerId, evidenceIds)
  if (!(await isEnrolled(trx, learnerId, body.targetOrgId, body.programCode))) {
    throw recognitionErrors.RECOGNITION_NOT_ENROLLED(undefined, [
      {
        path: '/programCode',
        message: 'you are not enrolled in this program at the target organization',
      },
    ])
  }
  // The learner's own words, sealed under their key (null once erased: nothing is stored again).
  const statementSealed = await sealForLearner(trx, personal, learnerId, body.statement)
  const now = new Date()
  const primary = outcomeOf(entries[0]!)
  const counted = (await activeApplications(
    trx,
    learnerId,
    body.targetOrgId,
  )) as CountedApplication[]
  const index = await cache.at(await currentGeneration(trx), trx)
  const matches = index
    .match(primary, [{ orgId: body.targetOrgId, programCode: body.programCode }], chinaDate(now))
    .filter((m) => !body.award || m.rule.spec.award.courseCode === body.award.courseCode)
  const refusals: Refusal[] = []
  for (const m of matches) {
    const out = await openUnderRule(trx, {
      outcome: primary,
      rule: m.rule,
      programCode: body.programCode,
      origin: 'learner',
      openedBy: p.subject,
      statementSealed,
      sourceEntryIds: body.sourceEntryIds,
      evidenceIds,
      counted,
      now,
      publish,
    })
    if ('opened' in out) return out.opened
    if ('refusal' in out) refusals.push(out.refusal)
  }
  if (refusals.length) refuse(refusals)
  if (!body.award)
    throw recognitionErrors.RECOGNITION_NO_RULE(undefined, [
      {
        path: '/award',
        message: 'no rule of the target matches; name the course and credits you ask for',
      },
    ])
  const award = body.award
  if (
    counted.some(
      (a) =>
        a.course_code === award.courseCode &&
        a.source_entry_ids.some((id) => body.sourceEntryIds.includes(id)),
    )
  ) {
    throw recognitionErrors.RECOGNITION_SOURCE_ALREADY_USED(
      `a source is already used for ${award.courseCode} at this organization`,
    )
  }
  const step = { role: 'reviewer' as const, orgId: body.targetOrgId }
  const app = await insertApplication(trx, {
    id: uuidv7(),
    learner_id: learnerId,
    target_org_id: body.targetOrgId,
    program_code: body.programCode,
    origin: 'learner',
    rule_version_id: null,
    rule_code: null,
    rule_version: null,
    trigger_entry_id: null,
    source_entry_ids: body.sourceEntryIds,
    source_org_id: primary.orgId,
    course_code: award.courseCode,
    course_name: award.courseName,
    course_type: award.courseType,
    credits: showCredits(creditUnits(award.credits)),
    limits_applied: '[]',
    status: 'open',
    step: 1,
    steps: JSON.stringify([step]),
    due_days: 15,
    due_at: new Date(now.getTime() + 15 * 86_400_000),
    step_org_id: body.targetOrgId,
    step_region: null,
    step_alliance_id: null,
    statement: null,
    statement_sealed: statementSealed,
    evidence_ids: evidenceIds,
    opened_by: p.subject,
    opened_on: chinaDate(now),
    counted_on: primary.occurredOn,
  })
  await addTrail(trx, [
    {
      application_id: app!.id,
      actor: p.subject,
      action: 'opened',
      step: null,
      reason: 'no rule matches: reviewed by the target organization',
    },
  ])
  await publish(trx, [openedEvent(app!)])
  return app!
}
