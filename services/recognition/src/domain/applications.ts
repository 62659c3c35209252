import type { Principal } from '@creditbank/auth'
import {
  type ApplicationStatus,
  chinaDate,
  creditUnits,
  type RecognitionEventType,
  showCredits,
} from '@creditbank/contracts'
import type { NewEventOf, Publish } from '@creditbank/events'
import { sql, type Transaction } from 'kysely'
import { uuidv7 } from 'uuidv7'
import {
  type ApplicationRow,
  addFlag,
  addTrail,
  addTrailAndClaimSources,
  claimSources,
  findApplication,
  findApplicationForUpdate,
  insertApplications,
  type NewApplication,
  pendingApplicationsUsing,
  type TrailRow,
  trailsOf,
  updateApplication,
} from '../db/application.repository.js'
import type { EntryRow } from '../db/projection.repository.js'
import type { RecognitionDB, SourceUseTable } from '../db/schema.js'
import { recognitionErrors } from './errors.js'
import { baseCredits, type CountedApplication, evaluateLimits, type Refusal } from './limits.js'
import { type RecognitionPersonal, sealForLearner } from './personal.js'
import type { ActiveRule, OutcomeFacts } from './rule-index.js'
import type { ReviewStep } from './rule-spec.js'
import {
  currentStep,
  decisionFor,
  type ReviewerScope,
  stepInScope,
  stepRegion,
  stepsOf,
} from './scope.js'

const DEFAULT_DUE_DAYS = 15
const DAY_MS = 86_400_000

export function outcomeOf(e: EntryRow): OutcomeFacts {
  return {
    entryId: e.id,
    learnerId: e.learner_id,
    orgId: e.org_id,
    kind: e.kind,
    title: e.title,
    code: e.code,
    credits: e.credits === null ? null : showCredits(creditUnits(e.credits)),
    hours: e.hours,
    score: e.score,
    scale: e.scale,
    level: e.level,
    category: e.category,
    typeCode: e.type_code,
    occurredOn: e.occurred_on,
  }
}

function stepColumns(step: ReviewStep | undefined, dueDays: number | null, now: Date) {
  return {
    step_org_id: step?.orgId ?? null,
    step_region: step?.regionCode ?? null,
    step_alliance_id: step?.allianceId ?? null,
    due_at: step ? new Date(now.getTime() + (dueDays ?? DEFAULT_DUE_DAYS) * DAY_MS) : null,
  }
}

/** Learner locks serialize everything that counts against one learner's caps, across replicas. */
export async function lockLearner(trx: Transaction<RecognitionDB>, learnerId: string) {
  await lockLearners(trx, [learnerId])
}

/**
 * Several learners' locks in one round trip, taken in the order of their lock keys, so two
 * transactions locking overlapping sets cannot deadlock on them.
 */
export async function lockLearners(trx: Transaction<RecognitionDB>, learnerIds: readonly string[]) {
  const keys = [...new Set(learnerIds.map((id) => `recognition.learner.${id.toLowerCase()}`))]
  if (keys.length === 0) return
  await sql`select count(pg_advisory_xact_lock(k)) from (select distinct hashtext(key) as k from unnest(array[${sql.join(keys)}]::text[]) as key order by k) as ordered`.execute(
    trx,
  )
}

export interface OpenArgs {
  outcome: OutcomeFacts
  rule: ActiveRule
  programCode: string
  origin: 'rule' | 'learner'
  openedBy: string
  /** The learner's statement, sealed under their key by the caller (null from the rule worker). */
  statementSealed: string | null
  sourceEntryIds: string[]
  /** The learner's evidence files named by the application (checked by the caller). */
  evidenceIds?: string[]
  /** The learner's applications that count at the target; the new one is appended. */
  counted: CountedApplication[]
  now: Date
  publish: Publish<RecognitionEventType>
}

export type OpenResult = { opened: ApplicationRow } | { refusal: Refusal } | { duplicate: true }

/** Opens an application under a rule: award, limits, the review chain; an auto rule approves at once. */
export async function openUnderRule(
  trx: Transaction<RecognitionDB>,
  a: OpenArgs,
): Promise<OpenResult> {
  const plan = planUnderRule(a)
  if ('refusal' in plan) return plan
  const [opened] = await writeOpenings(trx, [plan.row], a.publish)
  if (!opened) return { duplicate: true }
  a.counted.push(countedOf(plan.row))
  return { opened }
}

/** The application a rule gives for an outcome (award, limits, review chain), or the refusal; it writes nothing. */
export function planUnderRule(
  a: Omit<OpenArgs, 'publish'>,
): { row: NewApplication } | { refusal: Refusal } {
  const { spec } = a.rule
  const day = chinaDate(a.now)
  const base = baseCredits(spec, a.outcome)
  if (base === null || base === 0n)
    return {
      refusal: { limit: 'award', message: 'the rule awards nothing for this outcome (no hours)' },
    }
  const ev = evaluateLimits(spec, a.outcome, base, a.counted, {
    programCode: a.programCode,
    today: day,
  })
  if (ev.refusal) return { refusal: ev.refusal }
  const auto = spec.review.mode === 'auto'
  const steps = auto ? [] : (spec.review.steps ?? [])
  const dueDays = auto ? null : (spec.review.dueDays ?? DEFAULT_DUE_DAYS)
  return {
    row: {
      id: uuidv7(),
      learner_id: a.outcome.learnerId,
      target_org_id: spec.targetOrgId,
      program_code: a.programCode,
      origin: a.origin,
      rule_version_id: a.rule.id,
      rule_code: a.rule.code,
      rule_version: a.rule.version,
      trigger_entry_id: a.origin === 'rule' ? a.outcome.entryId : null,
      source_entry_ids: a.sourceEntryIds,
      source_org_id: a.outcome.orgId,
      course_code: spec.award.courseCode,
      course_name: spec.award.courseName,
      course_type: spec.award.courseType,
      credits: showCredits(ev.credits),
      limits_applied: JSON.stringify(ev.limitsApplied),
      status: auto ? 'approved' : 'in_review',
      step: auto ? null : 1,
      steps: JSON.stringify(steps),
      due_days: dueDays,
      ...stepColumns(steps[0], dueDays, a.now),
      statement: null,
      statement_sealed: a.statementSealed,
      opened_by: a.openedBy,
      opened_on: day,
      counted_on: a.outcome.occurredOn,
      ...(a.evidenceIds?.length ? { evidence_ids: a.evidenceIds } : {}),
    },
  }
}

/** How a planned application counts against the caps of the ones planned after it. */
export function countedOf(row: NewApplication): CountedApplication {
  return {
    credits: row.credits,
    counted_on: row.counted_on,
    program_code: row.program_code,
    source_org_id: row.source_org_id,
    source_entry_ids: row.source_entry_ids,
    course_code: row.course_code,
  }
}

/**
 * Writes planned applications in three round trips whatever their number: the rows (a rule
 * application whose (entry, rule version, program) exists already is skipped); their trail lines
 * with the sources of the auto-approved ones; the opened (and approved) events. Returns the rows
 * written, in the order given.
 */
export async function writeOpenings(
  trx: Transaction<RecognitionDB>,
  rows: NewApplication[],
  publish: Publish<RecognitionEventType>,
): Promise<ApplicationRow[]> {
  const written = new Map((await insertApplications(trx, rows)).map((app) => [app.id, app]))
  // In the order planned (trail lines and events follow it).
  const opened = rows.flatMap((row) => written.get(row.id) ?? [])
  if (opened.length === 0) return []
  const trail: TrailRow[] = []
  const claims: SourceUseTable[] = []
  const events: NewEventOf<RecognitionEventType>[] = []
  for (const app of opened) {
    const by = `rule ${app.rule_code} v${app.rule_version}`
    trail.push({
      application_id: app.id,
      actor: app.origin === 'rule' ? 'system' : app.opened_by,
      action: 'opened',
      step: null,
      reason: by,
    })
    events.push(openedEvent(app))
    if (app.status === 'approved') {
      // Decided at once: the source is used, and the trail and both events go out in the same round trips.
      trail.push({
        application_id: app.id,
        actor: 'system',
        action: 'approved',
        step: null,
        reason: `approved automatically by ${by}`,
      })
      claims.push(...claimsOf(app))
      events.push(approvedEvent(app))
    }
  }
  if (!(await addTrailAndClaimSources(trx, trail, claims)))
    throw recognitionErrors.RECOGNITION_SOURCE_ALREADY_USED()
  await publish(trx, events)
  return opened
}

const claimsOf = (app: ApplicationRow): SourceUseTable[] =>
  app.source_entry_ids.map((entry_id) => ({
    entry_id,
    target_org_id: app.target_org_id,
    course_code: app.course_code,
    application_id: app.id,
  }))

export function openedEvent(app: ApplicationRow): NewEventOf<'recognition.application.opened'> {
  return {
    type: 'recognition.application.opened',
    subject: app.learner_id,
    data: {
      applicationId: app.id,
      learnerId: app.learner_id,
      targetOrgId: app.target_org_id,
      programCode: app.program_code,
      origin: app.origin,
      rule: app.rule_code ? { code: app.rule_code, version: app.rule_version! } : null,
      sourceEntryIds: app.source_entry_ids,
      award: {
        courseCode: app.course_code,
        courseName: app.course_name,
        courseType: app.course_type,
        credits: app.credits === null ? null : showCredits(creditUnits(app.credits)),
      },
      status: app.status === 'approved' ? 'open' : app.status,
      step: app.status === 'approved' ? null : app.step,
      dueAt: app.due_at ? new Date(app.due_at).toISOString() : null,
      ...(app.evidence_ids?.length ? { evidenceIds: app.evidence_ids } : {}),
    },
  }
}

/** The final approval: sources become used for the target course, and accounts is told to post the credit. */
async function approve(
  trx: Transaction<RecognitionDB>,
  app: ApplicationRow,
  actor: string,
  reasonSealed: string | null,
  step: number | null,
  publish: Publish<RecognitionEventType>,
  actorOrgId: string | null = null,
) {
  if (!(await claimSources(trx, claimsOf(app))))
    throw recognitionErrors.RECOGNITION_SOURCE_ALREADY_USED()
  if (app.status !== 'approved')
    await updateApplication(trx, app.id, {
      status: 'approved',
      due_at: null,
      step_org_id: null,
      step_region: null,
      step_alliance_id: null,
    })
  await addTrail(trx, [
    {
      application_id: app.id,
      actor,
      actor_org_id: actorOrgId,
      action: 'approved',
      step,
      reason: null,
      reason_sealed: reasonSealed,
    },
  ])
  await publish(trx, [approvedEvent(app)])
}

function approvedEvent(app: ApplicationRow): NewEventOf<'recognition.application.approved'> {
  if (app.credits === null)
    throw recognitionErrors.RECOGNITION_TRANSITION_INVALID(
      'The application names no credits to approve',
    )
  return {
    type: 'recognition.application.approved',
    subject: app.learner_id,
    data: {
      applicationId: app.id,
      learnerId: app.learner_id,
      targetOrgId: app.target_org_id,
      programCode: app.program_code,
      courseCode: app.course_code,
      courseName: app.course_name,
      courseType: app.course_type,
      credits: showCredits(creditUnits(app.credits)),
      sourceEntryIds: app.source_entry_ids,
      rule:
        app.rule_code && app.rule_version
          ? { code: app.rule_code, version: app.rule_version }
          : null,
    },
  }
}

const decidable = ['open', 'in_review', 'appealed']

/** One reviewer's decision on the current step. Approve moves on (or finishes); reject ends it. */
export async function decide(
  trx: Transaction<RecognitionDB>,
  id: string,
  p: Principal,
  scope: ReviewerScope | null,
  body: { decision: 'approve' | 'reject'; reason: string },
  publish: Publish<RecognitionEventType>,
  personal: RecognitionPersonal,
  now = new Date(),
) {
  const app = await findApplicationForUpdate(trx, id)
  if (!app) throw recognitionErrors.RECOGNITION_APPLICATION_NOT_FOUND()
  const region = await stepRegion(trx, currentStep(app))
  const may = decisionFor(p, app, scope, region, await trailsOf(trx, [app.id]), now.getTime())
  const seesIt =
    may.allowed ||
    may.escalated ||
    stepsOf(app).some((s) => stepInScope(s, scope)) ||
    p.org === app.target_org_id ||
    p.roles.includes('admin')
  if (!seesIt) throw recognitionErrors.RECOGNITION_APPLICATION_NOT_FOUND()
  if (may.code === 'RECOGNITION_TRANSITION_INVALID')
    throw recognitionErrors.RECOGNITION_TRANSITION_INVALID(
      `A ${app.status} application takes no decision`,
    )
  if (may.code) throw recognitionErrors[may.code]()
  await lockLearner(trx, app.learner_id)
  // The reviewer's words are about the learner's application: sealed under the learner's key.
  const reasonSealed = await sealForLearner(trx, personal, app.learner_id, body.reason)
  const k = app.step ?? 1
  const steps = stepsOf(app)
  const decided = (
    status: ApplicationStatus,
    nextStep: number | null,
    dueAt: Date | null = null,
  ): NewEventOf<'recognition.application.decided'> => ({
    type: 'recognition.application.decided',
    subject: app.learner_id,
    data: {
      applicationId: app.id,
      learnerId: app.learner_id,
      step: k,
      decision: body.decision,
      status,
      nextStep,
      ...(dueAt ? { dueAt: new Date(dueAt).toISOString() } : {}),
    },
  })
  if (body.decision === 'reject') {
    const updated = await updateApplication(trx, app.id, {
      status: 'rejected',
      due_at: null,
      step_org_id: null,
      step_region: null,
      step_alliance_id: null,
    })
    await addTrail(trx, [
      {
        application_id: app.id,
        actor: p.subject,
        actor_org_id: p.org ?? null,
        action: 'rejected',
        step: k,
        reason: null,
        reason_sealed: reasonSealed,
      },
    ])
    await publish(trx, [
      decided('rejected', null),
      {
        type: 'recognition.application.rejected',
        subject: app.learner_id,
        data: {
          applicationId: app.id,
          learnerId: app.learner_id,
          targetOrgId: app.target_org_id,
          programCode: app.program_code,
          rule:
            app.rule_code && app.rule_version
              ? { code: app.rule_code, version: app.rule_version }
              : null,
          sourceEntryIds: app.source_entry_ids,
          step: k,
        },
      },
    ])
    return updated
  }
  if (k < steps.length) {
    const updated = await updateApplication(trx, app.id, {
      status: 'in_review',
      step: k + 1,
      ...stepColumns(steps[k], app.due_days, now),
    })
    await addTrail(trx, [
      {
        application_id: app.id,
        actor: p.subject,
        actor_org_id: p.org ?? null,
        action: 'step_approved',
        step: k,
        reason: null,
        reason_sealed: reasonSealed,
      },
    ])
    await publish(trx, [decided('in_review', k + 1, updated?.due_at ?? null)])
    return updated
  }
  await publish(trx, [decided('approved', null)])
  await approve(trx, app, p.subject, reasonSealed, k, publish, p.org ?? null)
  return (await findApplication(trx, app.id))!
}

function assertLearner(p: Principal, app: ApplicationRow | undefined): ApplicationRow {
  if (!app || p.learner !== app.learner_id)
    throw recognitionErrors.RECOGNITION_APPLICATION_NOT_FOUND()
  return app
}

/** A rejected application may be appealed once: it goes back to the step that rejected it. */
export async function appeal(
  trx: Transaction<RecognitionDB>,
  id: string,
  p: Principal,
  reason: string,
  publish: Publish<RecognitionEventType>,
  personal: RecognitionPersonal,
  now = new Date(),
) {
  const app = assertLearner(p, await findApplicationForUpdate(trx, id))
  if (app.status !== 'rejected')
    throw recognitionErrors.RECOGNITION_TRANSITION_INVALID(
      `Only a rejected application can be appealed; this one is ${app.status}`,
    )
  if (app.appealed)
    throw recognitionErrors.RECOGNITION_TRANSITION_INVALID(
      'This application was appealed once already',
    )
  const k = app.step ?? 1
  const updated = await updateApplication(trx, app.id, {
    status: 'appealed',
    appealed: true,
    step: k,
    ...stepColumns(stepsOf(app)[k - 1], app.due_days, now),
  })
  await addTrail(trx, [
    {
      application_id: app.id,
      actor: p.subject,
      action: 'appealed',
      step: k,
      reason: null,
      reason_sealed: await sealForLearner(trx, personal, app.learner_id, reason),
    },
  ])
  await publish(trx, [
    {
      type: 'recognition.application.appealed',
      subject: app.learner_id,
      data: {
        applicationId: app.id,
        learnerId: app.learner_id,
        targetOrgId: app.target_org_id,
        status: 'appealed',
        step: k,
      },
    },
  ])
  return updated
}

async function close(
  trx: Transaction<RecognitionDB>,
  app: ApplicationRow,
  by: 'learner' | 'system',
  actor: string,
  reason: string,
  publish: Publish<RecognitionEventType>,
  /** The learner's words are sealed under their key; the system's fixed text stays clear. */
  personal?: RecognitionPersonal,
) {
  const updated = await updateApplication(trx, app.id, {
    status: 'withdrawn',
    due_at: null,
    step_org_id: null,
    step_region: null,
    step_alliance_id: null,
  })
  await addTrail(trx, [
    {
      application_id: app.id,
      actor,
      action: 'withdrawn',
      step: app.step,
      ...(personal
        ? {
            reason: null,
            reason_sealed: await sealForLearner(trx, personal, app.learner_id, reason),
          }
        : { reason }),
    },
  ])
  await publish(trx, [
    {
      type: 'recognition.application.withdrawn',
      subject: app.learner_id,
      data: {
        applicationId: app.id,
        learnerId: app.learner_id,
        targetOrgId: app.target_org_id,
        by,
        ...(by === 'system' ? { reason } : {}),
      },
    },
  ])
  return updated
}

export async function withdraw(
  trx: Transaction<RecognitionDB>,
  id: string,
  p: Principal,
  reason: string,
  publish: Publish<RecognitionEventType>,
  personal: RecognitionPersonal,
) {
  const app = assertLearner(p, await findApplicationForUpdate(trx, id))
  if (!decidable.includes(app.status))
    throw recognitionErrors.RECOGNITION_TRANSITION_INVALID(
      `A ${app.status} application cannot be withdrawn`,
    )
  return close(trx, app, 'learner', p.subject, reason, publish, personal)
}

/**
 * A reversed outcome can no longer be used: pending applications on it are withdrawn by the
 * system; approved ones are flagged `source_reversed` (accounts owns the recognized credit).
 */
export async function onEntryReversed(
  trx: Transaction<RecognitionDB>,
  entryId: string,
  publish: Publish<RecognitionEventType>,
) {
  for (const app of await pendingApplicationsUsing(trx, entryId)) {
    if (decidable.includes(app.status))
      await close(
        trx,
        app,
        'system',
        'system',
        'an evidence entry was reversed by the posting organization',
        publish,
      )
    else if (app.status === 'approved') {
      await addFlag(trx, app.id, 'source_reversed')
      await addTrail(trx, [
        {
          application_id: app.id,
          actor: 'system',
          action: 'source_reversed',
          step: null,
          reason: 'an evidence entry was reversed after approval',
        },
      ])
    }
  }
}
