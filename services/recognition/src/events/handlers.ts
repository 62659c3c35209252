import type { EventPayload, RecognitionEventType } from '@creditbank/contracts'
import { chinaDate } from '@creditbank/contracts'
import { batchHandler, type CloudEvent, type EventHandlers, type Publish } from '@creditbank/events'
import {
  type EvidenceNameSource,
  evidenceNameStep,
  type LearnerPersonalSource,
  learnerPersonalStep,
} from '@creditbank/service-kit'
import { sql, type Transaction } from 'kysely'
import {
  activeApplications,
  activeApplicationsAt,
  activeKey,
  addTrail,
  insertEvidence,
  type NewApplication,
  updateApplication,
  upsertLearner,
} from '../db/application.repository.js'
import {
  type EntryRow,
  insertEnrollment,
  markReversed,
  recordEntriesAndReadEnrollments,
  upsertOrganization,
  usableEntries,
} from '../db/projection.repository.js'
import { currentGeneration } from '../db/rule.repository.js'
import { type RecognitionDB, SCHEMA } from '../db/schema.js'
import {
  countedOf,
  lockLearner,
  lockLearners,
  type OpenResult,
  onEntryReversed,
  openUnderRule,
  outcomeOf,
  planUnderRule,
  writeOpenings,
} from '../domain/applications.js'
import { eraseAndReport } from '../domain/erasure.js'
import type { CountedApplication } from '../domain/limits.js'
import { type RecognitionPersonal, sealLearner, sealOrNull } from '../domain/personal.js'
import type { RuleCache } from '../domain/rule-cache.js'
import type { Match, OutcomeFacts } from '../domain/rule-index.js'

export interface WorkerStats {
  opened: number
  refused: number
  duplicates: number
}

/** Opens an application for each match, one by one; the caps see the ones opened before it in the same transaction. */
async function openEach(
  trx: Transaction<RecognitionDB>,
  outcome: OutcomeFacts,
  matches: Match[],
  publish: Publish<RecognitionEventType>,
  stats: WorkerStats,
) {
  // The caps are computed under the learner's lock, shared with the learner's own HTTP writes.
  await lockLearner(trx, outcome.learnerId)
  const counted = new Map<string, CountedApplication[]>()
  const now = new Date()
  for (const m of matches) {
    const target = m.rule.spec.targetOrgId
    let list = counted.get(target)
    if (!list) {
      list = await activeApplications(trx, outcome.learnerId, target)
      counted.set(target, list)
    }
    const result: OpenResult = await openUnderRule(trx, {
      outcome,
      rule: m.rule,
      programCode: m.programCode,
      origin: 'rule',
      openedBy: 'system',
      statementSealed: null,
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
 * Opens the applications for new outcomes (each entry recorded by this transaction) set-wise: one
 * lock statement for their learners, one read of what counts against the caps, then three writes
 * (applications; their sources and trail lines; their events). The caps see the applications
 * planned before, in event order, exactly as one by one. No application can exist yet for an entry
 * this transaction recorded, so a skipped row here is a broken invariant, not a duplicate.
 */
async function openSetwise(
  trx: Transaction<RecognitionDB>,
  items: { outcome: OutcomeFacts; matches: Match[] }[],
  publish: Publish<RecognitionEventType>,
  stats: WorkerStats,
) {
  await lockLearners(
    trx,
    items.map((i) => i.outcome.learnerId),
  )
  const pairs = items.flatMap(({ outcome, matches }) =>
    matches.map((m) => ({ learnerId: outcome.learnerId, targetOrgId: m.rule.spec.targetOrgId })),
  )
  const counted = await activeApplicationsAt(trx, pairs)
  const now = new Date()
  const planned = new Set<string>()
  const rows: NewApplication[] = []
  let refused = 0
  let duplicates = 0
  for (const { outcome, matches } of items) {
    for (const m of matches) {
      // The same (entry, rule version, program) twice, e.g. two enrollments in one program: the second is a duplicate.
      const key = `${m.rule.id}|${m.programCode}|${outcome.entryId}`
      if (planned.has(key)) {
        duplicates += 1
        continue
      }
      planned.add(key)
      const at = activeKey(outcome.learnerId, m.rule.spec.targetOrgId)
      const list = counted.get(at) ?? []
      counted.set(at, list)
      const plan = planUnderRule({
        outcome,
        rule: m.rule,
        programCode: m.programCode,
        origin: 'rule',
        openedBy: 'system',
        statementSealed: null,
        sourceEntryIds: [outcome.entryId],
        counted: list,
        now,
      })
      if ('refusal' in plan) refused += 1
      else {
        rows.push(plan.row)
        list.push(countedOf(plan.row))
      }
    }
  }
  const opened = await writeOpenings(trx, rows, publish)
  if (opened.length !== rows.length)
    throw new Error(
      `${rows.length - opened.length} of ${rows.length} applications for new entries already existed`,
    )
  stats.opened += opened.length
  stats.refused += refused
  stats.duplicates += duplicates
}

type OutcomePosted = EventPayload<'accounts.outcome.posted'>

const factsOf = (d: OutcomePosted): OutcomeFacts => ({
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
})

const entryOf = (d: OutcomePosted): EntryRow => ({
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

/**
 * Outcomes, one or a run of them from one partition: record the entries and read the learners'
 * enrollments (one round trip), match each new entry, open what matched (openSetwise).
 */
async function outcomesPosted(
  db: Transaction<RecognitionDB>,
  events: CloudEvent<OutcomePosted>[],
  cache: RuleCache,
  publish: Publish<RecognitionEventType>,
  stats: WorkerStats,
) {
  const posted = events.map((e) => e.data)
  const { fresh, generation, targets } = await recordEntriesAndReadEnrollments(
    db,
    posted.map(entryOf),
  )
  // An entry seen before (a replay under another event id, or twice in this run) opens nothing new.
  const news = posted.filter(
    (d) => fresh.delete(d.entryId.toLowerCase()) && targets.has(d.learnerId.toLowerCase()),
  )
  if (news.length === 0) return
  const index = await cache.at(generation, db)
  const day = chinaDate()
  const items = news.map((d) => {
    const outcome = factsOf(d)
    return { outcome, matches: index.match(outcome, targets.get(d.learnerId.toLowerCase())!, day) }
  })
  const matched = items.filter((i) => i.matches.length > 0)
  if (matched.length) await openSetwise(db, matched, publish, stats)
}

/**
 * The rule worker: it keeps its projection (organizations, enrollments, entries), matches each
 * new outcome through the rule index, and opens applications for the programs the learner is
 * enrolled in. Every handler runs in the consumer's transaction with the inbox row; the partial
 * unique index on (entry, rule version, program) makes replays and racing replicas harmless.
 */
export function workerHandlers(
  cache: RuleCache,
  publish: Publish<RecognitionEventType>,
  personal: RecognitionPersonal,
  stats: WorkerStats = { opened: 0, refused: 0, duplicates: 0 },
): EventHandlers<RecognitionDB> {
  return {
    'identity.organization.registered': async (trx, event) => {
      const d = event.data
      await upsertOrganization(trx, {
        id: d.organizationId,
        kind: d.kind,
        region_code: d.regionCode,
      })
    },

    // Staff by username, to name who read an evidence file (decision 0545); learners are not kept.
    'identity.user.created': async (trx, event) => {
      const d = event.data
      if (d.selfRegistered) return
      await trx
        .insertInto('staff_user')
        .values({ id: d.userId, username: d.username })
        .onConflict((oc) => oc.column('id').doUpdateSet({ username: d.username }))
        .execute()
    },

    // Set-wise over a run of consecutive outcomes (the consumer's batch path); one event is a run of one.
    'accounts.outcome.posted': batchHandler((trx, events) =>
      outcomesPosted(trx, events, cache, publish, stats),
    ),

    'accounts.enrollment.created': async (trx, event) => {
      const d = event.data
      const db = trx
      await lockLearner(db, d.learnerId)
      const fresh = await insertEnrollment(db, {
        id: d.enrollmentId,
        learner_id: d.learnerId,
        org_id: d.orgId,
        program_code: d.programCode,
        started_on: d.startedOn,
      })
      if (!fresh) return
      const index = await cache.at(await currentGeneration(db), db)
      const target = [{ orgId: d.orgId, programCode: d.programCode }]
      const day = chinaDate()
      // Outcomes earned before the enrollment count too, oldest first.
      for (const entry of await usableEntries(db, d.learnerId)) {
        const outcome = outcomeOf(entry)
        const matches = index.match(outcome, target, day)
        if (matches.length) await openEach(db, outcome, matches, publish, stats)
      }
    },

    'accounts.entry.reversed': async (trx, event) => {
      const d = event.data
      const db = trx
      await lockLearner(db, d.learnerId)
      await markReversed(db, d.reversedEntryId, d.postedAt)
      await onEntryReversed(db, d.reversedEntryId, publish)
    },

    // Whose each evidence file is: an application may name only the learner's own. The name is
    // portfolio's answer (`evidenceFileNames`), never the event's: an old event's is ignored.
    'portfolio.evidence.added': async (trx, event) => {
      await insertEvidence(trx, {
        id: event.data.evidenceId,
        learner_id: event.data.learnerId,
        media_type: event.data.mediaType,
        size_bytes: event.data.sizeBytes,
      })
    },

    // Who the learner is, for the reviewers of their applications (decision 0540): the events name
    // no one (decision 0730); `learnerNames` asks accounts for the name and masked number.
    // Erasure and correction of a learner's personal data (decision 0730).
    'accounts.learner.erased': (trx, event) =>
      eraseAndReport(trx, event.data.learnerId, publish, personal),
    'accounts.learner.corrected': async () => {},
    'accounts.learner.opened': async (trx, event) => {
      const d = event.data
      await upsertLearner(trx, { id: d.learnerId, account_no: d.accountNo })
    },

    'accounts.credit.recognized': async (trx, event) => {
      const d = event.data
      const db = trx
      const app = await db
        .selectFrom('application')
        .select(['id', 'recognized_entry_id'])
        .where('id', '=', d.applicationId)
        .executeTakeFirst()
      if (!app || app.recognized_entry_id) return
      await updateApplication(db, app.id, { recognized_entry_id: d.entryId })
      await addTrail(db, [
        {
          application_id: app.id,
          actor: 'system',
          action: 'recognized',
          step: null,
          reason: `credit posted at the target as entry ${d.entryId}`,
        },
      ])
    },
  }
}

/**
 * The consumer's `around`: the names and masked numbers of the learners a batch opens or
 * corrects, asked of accounts once for the batch (events carry none, decision 0730) and written
 * after its events, sealed under each learner's key with the name's search tokens: the keys in one
 * statement, the rows in one. An erased learner's are null (accounts answers nulls, and a learner
 * recognition erased has no key), with no tokens.
 */
export function learnerNames(source: LearnerPersonalSource, personal: RecognitionPersonal) {
  return learnerPersonalStep<RecognitionDB>(source, async (trx, people) => {
    const named = people.filter((p) => p.name !== null || p.nationalIdMasked !== null)
    const keys = await personal.keys.ensureMany(
      trx,
      named.map((p) => p.learnerId),
    )
    const rows = people.map((p) => {
      const key = keys.get(p.learnerId.toLowerCase())
      const shown = key && (p.name !== null || p.nationalIdMasked !== null)
      return {
        id: p.learnerId,
        sealed: shown ? sealLearner(key, p) : null,
        tokens: shown && p.name ? `{${personal.nameTokens(p.name).join(',')}}` : '{}',
      }
    })
    await sql`update ${sql.table(`${SCHEMA}.learner`)} l
      set personal_sealed = v.sealed, name_tokens = v.tokens::text[],
        name = null, national_id_masked = null
      from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.sealed)}::text[],
        ${rows.map((r) => r.tokens)}::text[]) v(id, sealed, tokens)
      where l.id = v.id`.execute(trx)
  })
}

/**
 * The consumer's step for evidence files' names, which reviewers see (decision 0540): asked of
 * portfolio once for the batch's `portfolio.evidence.added` events (they carry none, decision
 * 0730) and written after its events, sealed under the file's learner's key (the files' learners
 * read in one statement, their keys made in one, the rows written in one); a deleted or erased
 * file's is null, and nothing is written for a learner recognition has erased (portfolio may not
 * have done its part yet; such a learner has no key either).
 */
export function evidenceFileNames(source: EvidenceNameSource, personal: RecognitionPersonal) {
  return evidenceNameStep<RecognitionDB>(source, async (trx, names) => {
    const named = names.filter((n) => n.filename !== null).map((n) => n.evidenceId)
    const owners = named.length
      ? await trx
          .selectFrom('evidence as e')
          .leftJoin('learner as l', 'l.id', 'e.learner_id')
          .select(['e.id', 'e.learner_id'])
          .where('e.id', 'in', named)
          .where('l.erased_at', 'is', null)
          .execute()
      : []
    const ownerOf = new Map(owners.map((o) => [o.id.toLowerCase(), o.learner_id]))
    const keys = await personal.keys.ensureMany(trx, [...ownerOf.values()])
    const sealed = names.map((n) => {
      const owner = ownerOf.get(n.evidenceId.toLowerCase())
      return sealOrNull(owner ? keys.get(owner.toLowerCase()) : null, n.filename)
    })
    await sql`update ${sql.table(`${SCHEMA}.evidence`)} e
      set filename_sealed = v.sealed, filename = null
      from unnest(${names.map((n) => n.evidenceId)}::uuid[], ${sealed}::text[]) v(id, sealed)
      where e.id = v.id and not exists (
        select 1 from ${sql.table(`${SCHEMA}.learner`)} l
        where l.id = e.learner_id and l.erased_at is not null)`.execute(trx)
  })
}
