import type { EventHandler } from '@creditbank/events'
import type { Kysely } from 'kysely'
import { activeApplications, addTrail, updateApplication } from '../db/application.repository.js'
import { insertEnrollment, markReversed, recordEntryAndReadEnrollments, upsertOrganization, usableEntries } from '../db/projection.repository.js'
import { currentGeneration } from '../db/rule.repository.js'
import type { RecognitionDB } from '../db/schema.js'
import { type OpenResult, lockLearner, onEntryReversed, openUnderRule, outcomeOf, today } from './applications.js'
import type { CountedApplication } from './limits.js'
import type { RuleCache } from './rule-cache.js'
import type { Match, OutcomeFacts } from './rule-index.js'
import type { Publish } from './rules.js'

type Db = Kysely<RecognitionDB>

export interface WorkerStats {
  opened: number
  refused: number
  duplicates: number
}

/** Opens an application for each match; the caps see the ones opened before it in the same transaction. */
async function openAll(trx: Db, outcome: OutcomeFacts, matches: Match[], publish: Publish, stats: WorkerStats) {
  // The caps are computed under the learner's lock, shared with the learner's own HTTP writes.
  await lockLearner(trx, outcome.learnerId)
  const counted = new Map<string, CountedApplication[]>()
  const now = new Date()
  for (const m of matches) {
    const target = m.rule.spec.targetOrgId
    let list = counted.get(target)
    if (!list) {
      list = (await activeApplications(trx, outcome.learnerId, target)) as CountedApplication[]
      counted.set(target, list)
    }
    const result: OpenResult = await openUnderRule(trx, {
      outcome,
      rule: m.rule,
      programCode: m.programCode,
      origin: 'rule',
      openedBy: 'system',
      statement: null,
      sourceEntryIds: [outcome.entryId],
      counted: list,
      now,
      publish,
    })
    if ('opened' in result) stats.opened += 1
    else if ('refusal' in result) stats.refused += 1
    else stats.duplicates += 1
  }
}

/**
 * The rule worker: it keeps its projection (organizations, enrollments, entries), matches each
 * new outcome through the rule index, and opens applications for the programs the learner is
 * enrolled in. Every handler runs in the consumer's transaction with the inbox row; the partial
 * unique index on (entry, rule version, program) makes replays and racing replicas harmless.
 */
export function workerHandlers(cache: RuleCache, publish: Publish, stats: WorkerStats = { opened: 0, refused: 0, duplicates: 0 }): Record<string, EventHandler> {
  return {
    'identity.organization.registered': async (trx, event) => {
      const d = event.data
      await upsertOrganization(trx as Db, { id: d.organizationId, kind: d.kind, region_code: d.regionCode })
    },

    'accounts.outcome.posted': async (trx, event) => {
      const d = event.data
      const db = trx as Db
      const { fresh, generation, targets } = await recordEntryAndReadEnrollments(db, {
        id: d.entryId,
        learner_id: d.learnerId,
        org_id: d.orgId,
        kind: d.kind,
        title: d.title,
        code: d.code,
        credits: d.credits,
        hours: d.hours,
        score: d.grade?.score ?? null,
        scale: d.grade?.scale ?? null,
        level: d.level,
        category: d.category,
        type_code: d.typeCode ?? null,
        occurred_on: d.occurredOn,
        posted_at: d.postedAt,
        reversed_at: null,
      })
      // An entry seen before (a replay under another event id) opens nothing new.
      if (!fresh || targets.length === 0) return
      const index = await cache.at(generation, db)
      const outcome: OutcomeFacts = {
        entryId: d.entryId,
        learnerId: d.learnerId,
        orgId: d.orgId,
        kind: d.kind,
        title: d.title,
        code: d.code,
        credits: d.credits,
        hours: d.hours,
        score: d.grade?.score ?? null,
        scale: d.grade?.scale ?? null,
        level: d.level,
        category: d.category,
        typeCode: d.typeCode ?? null,
        occurredOn: d.occurredOn,
      }
      const matches = index.match(outcome, targets, today())
      if (matches.length) await openAll(db, outcome, matches, publish, stats)
    },

    'accounts.enrollment.created': async (trx, event) => {
      const d = event.data
      const db = trx as Db
      await lockLearner(db, d.learnerId)
      const fresh = await insertEnrollment(db, { id: d.enrollmentId, learner_id: d.learnerId, org_id: d.orgId, program_code: d.programCode, started_on: d.startedOn })
      if (!fresh) return
      const index = await cache.at(await currentGeneration(db), db)
      const target = [{ orgId: d.orgId, programCode: d.programCode }]
      const day = today()
      // Outcomes earned before the enrollment count too, oldest first.
      for (const entry of await usableEntries(db, d.learnerId)) {
        const outcome = outcomeOf(entry)
        const matches = index.match(outcome, target, day)
        if (matches.length) await openAll(db, outcome, matches, publish, stats)
      }
    },

    'accounts.entry.reversed': async (trx, event) => {
      const d = event.data
      const db = trx as Db
      await lockLearner(db, d.learnerId)
      await markReversed(db, d.reversedEntryId, d.postedAt)
      await onEntryReversed(db, d.reversedEntryId, publish)
    },

    'accounts.credit.recognized': async (trx, event) => {
      const d = event.data
      const db = trx as Db
      const app = await db.selectFrom('application').select(['id', 'recognized_entry_id']).where('id', '=', d.applicationId).executeTakeFirst()
      if (!app || app.recognized_entry_id) return
      await updateApplication(db, app.id, { recognized_entry_id: d.entryId })
      await addTrail(db, [{ application_id: app.id, actor: 'system', action: 'recognized', step: null, reason: `credit posted at the target as entry ${d.entryId}` }])
    },
  }
}
