import type { EventPayload, EventType } from '@creditbank/contracts'
import { batchHandler, type CloudEvent, type EventHandlers } from '@creditbank/events'
import { sql, type Transaction } from 'kysely'
import { type PortfolioDB, SCHEMA } from '../db/schema.js'
import { refolding, type Touch } from './totals.js'

type Trx = Transaction<PortfolioDB>
const stateTable = sql.table(`${SCHEMA}.oversight_state`)
const REGION = /^\d{6}$/
const SCORE = /^\d{1,3}(\.\d{1,2})?$/

/** The region of a learner: the event's own field, or (events before it) the masked 身份证号's first six digits. */
function learnerRegion(d: EventPayload<'accounts.learner.opened'>): string | null {
  const code = d.regionCode ?? d.nationalIdMasked?.slice(0, 6) ?? null
  return code && REGION.test(code) ? code : null
}

/** The last of each key, for an upsert (one statement may not touch a row twice). */
function lastBy<T>(xs: T[], key: (x: T) => string) {
  return [...new Map(xs.map((x) => [key(x), x])).values()]
}

/**
 * What events of one type do to the oversight projection (decisions 0800, 0802): the learners
 * whose totals they may change (any superset is exact: an untouched contribution folds out and
 * back in unchanged), found before any event of the transaction is written; and the writes of a
 * run of them. Every write is keyed by the event's own id (entry, certificate, enrollment), so
 * applying one twice changes nothing; the consumer's inbox already keeps a replay from here.
 */
interface Step<T extends EventType> {
  touches?: (trx: Trx, ds: EventPayload<T>[]) => Promise<Touch[]>
  write: (trx: Trx, ds: EventPayload<T>[]) => Promise<unknown>
}

const steps: { [T in OversightType]: Step<T> } = {
  'identity.organization.registered': {
    // A new school, or one whose kind or region changed, moves its learners' figures: all of them.
    touches: async (trx, ds) => {
      const orgs = lastBy(ds, (d) => d.organizationId)
      const known = await trx
        .selectFrom('oversight_org')
        .select(['id', 'kind', 'region_code'])
        .where(
          'id',
          'in',
          orgs.map((o) => o.organizationId),
        )
        .execute()
      const same = new Set(known.map((k) => `${k.id}|${k.kind}|${k.region_code}`))
      const moved = orgs
        .filter((o) => !same.has(`${o.organizationId}|${o.kind}|${o.regionCode}`))
        .map((o) => o.organizationId)
      if (!moved.length) return []
      const learners = await sql<{ learner_id: string }>`
        select learner_id from ${sql.table(`${SCHEMA}.oversight_training`)} where org_id = any(${moved}::uuid[])
        union select learner_id from ${sql.table(`${SCHEMA}.oversight_enrollment`)} where org_id = any(${moved}::uuid[])`.execute(
        trx,
      )
      return learners.rows.map((r) => ({ learnerId: r.learner_id, day: null }))
    },
    write: (trx, ds) =>
      trx
        .insertInto('oversight_org')
        .values(
          lastBy(ds, (d) => d.organizationId).map((d) => ({
            id: d.organizationId,
            name: d.name,
            kind: d.kind,
            region_code: d.regionCode,
          })),
        )
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            kind: eb.ref('excluded.kind'),
            region_code: eb.ref('excluded.region_code'),
          })),
        )
        .execute(),
  },
  // A learner's category and city are their first account's; an account opened after its
  // learner's trainings arrived (not on one partition) moves them out of "other".
  'accounts.learner.opened': {
    touches: async (trx, ds) => {
      const ids = ds.map((d) => d.learnerId)
      const late = await sql<{ learner_id: string }>`
        select x.learner_id from unnest(${ids}::uuid[]) x(learner_id)
        where not exists (select 1 from ${sql.table(`${SCHEMA}.oversight_learner`)} l where l.learner_id = x.learner_id)
          and (exists (select 1 from ${sql.table(`${SCHEMA}.oversight_training`)} t where t.learner_id = x.learner_id)
            or exists (select 1 from ${sql.table(`${SCHEMA}.oversight_enrollment`)} e where e.learner_id = x.learner_id))`.execute(
        trx,
      )
      return late.rows.map((r) => ({ learnerId: r.learner_id, day: null }))
    },
    write: (trx, ds) =>
      trx
        .insertInto('oversight_learner')
        .values(
          lastBy(ds.toReversed(), (d) => d.learnerId).map((d) => ({
            learner_id: d.learnerId,
            category: d.category || 'other',
            region_code: learnerRegion(d),
            opened_by_org_id: d.openedByOrgId,
          })),
        )
        .onConflict((oc) => oc.column('learner_id').doNothing())
        .execute(),
  },
  'accounts.enrollment.created': {
    touches: async (_, ds) => ds.map((d) => ({ learnerId: d.learnerId, day: d.startedOn })),
    write: (trx, ds) =>
      trx
        .insertInto('oversight_enrollment')
        .values(
          ds.map((d) => ({
            enrollment_id: d.enrollmentId,
            learner_id: d.learnerId,
            org_id: d.orgId,
            started_on: d.startedOn,
          })),
        )
        .onConflict((oc) => oc.column('enrollment_id').doNothing())
        .execute(),
  },
  'accounts.outcome.posted': {
    touches: async (_, ds) =>
      trainings(ds).map((d) => ({ learnerId: d.learnerId, day: d.occurredOn })),
    write: async (trx, ds) => {
      const rows = trainings(ds)
      if (!rows.length) return
      await trx
        .insertInto('oversight_training')
        .values(
          rows.map((d) => ({
            entry_id: d.entryId,
            learner_id: d.learnerId,
            org_id: d.orgId,
            hours: d.hours ?? '0',
            occurred_on: d.occurredOn,
          })),
        )
        .onConflict((oc) => oc.column('entry_id').doNothing())
        .execute()
    },
  },
  // A reversal follows its entry on the learner's partition, live and in a rebuild.
  'accounts.entry.reversed': {
    // Its entry may be in the same batch, not yet written: the learner's every period.
    touches: async (_, ds) => ds.map((d) => ({ learnerId: d.learnerId, day: null })),
    write: (trx, ds) =>
      trx
        .updateTable('oversight_training')
        .set({ reversed: true })
        .where(
          'entry_id',
          'in',
          ds.map((d) => d.reversedEntryId),
        )
        .execute(),
  },
  'certificates.certificate.issued': {
    write: (trx, ds) =>
      trx
        .insertInto('oversight_certificate')
        .values(
          ds.map((d) => ({
            certificate_id: d.certificateId,
            learner_id: d.learnerId,
            type_code: d.typeCode,
            type_name: d.typeName,
            level: d.level,
            score: d.score && SCORE.test(d.score) ? d.score : null,
            issued_on: d.issuedOn,
            evaluation_org_id: d.evaluationOrgId,
            evaluation_org_name: d.evaluationOrgName ?? null,
          })),
        )
        .onConflict((oc) => oc.column('certificate_id').doNothing())
        .execute(),
  },
  'certificates.certificate.revoked': {
    write: (trx, ds) =>
      trx
        .updateTable('oversight_certificate')
        .set({ revoked: true })
        .where(
          'certificate_id',
          'in',
          ds.map((d) => d.certificateId),
        )
        .execute(),
  },
}

type OversightType =
  | 'identity.organization.registered'
  | 'accounts.learner.opened'
  | 'accounts.enrollment.created'
  | 'accounts.outcome.posted'
  | 'accounts.entry.reversed'
  | 'certificates.certificate.issued'
  | 'certificates.certificate.revoked'

/** Only training counts towards the figures (decision 0800). */
const trainings = (ds: EventPayload<'accounts.outcome.posted'>[]) =>
  ds.filter((d) => d.kind === 'training')

/** The event types the oversight projection applies. */
export const oversightTypes: readonly OversightType[] = Object.keys(steps) as OversightType[]

/** The topics the oversight projection reads (recognition's events change no figure). */
export const oversightTopics = [
  'creditbank.identity.v1',
  'creditbank.accounts.v1',
  'creditbank.certificates.v1',
]

/**
 * Around each transaction of the oversight consumer: the touched learners' totals out, the events'
 * rows written (the handlers below, a run of one type at a time), the totals back in, once for the
 * whole batch; then the figures' "as of", the latest event time applied, and how many events.
 */
export async function aroundOversight(trx: Trx, events: CloudEvent[], apply: () => Promise<void>) {
  // One fold at a time, across partitions and replicas: a fold reads the rows other batches are
  // writing (a school's registration and its trainings come on different topics), and every batch
  // updates the same province rows. Taken first, before anything is read or locked.
  await sql`select pg_advisory_xact_lock(hashtext('creditbank.portfolio.oversight'))`.execute(trx)
  const touches: Touch[] = []
  for (const type of oversightTypes) {
    const ds = events.filter((e) => e.type === type).map((e) => e.data)
    if (ds.length) touches.push(...((await steps[type].touches?.(trx, ds as never)) ?? []))
  }
  await refolding(trx, touches, apply)
  const [latest] = events.map((e) => e.time).sort((a, b) => b.localeCompare(a))
  if (!latest) return
  await trx
    .insertInto('oversight_state')
    .values({ id: 1, as_of: latest, events: events.length })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        as_of: sql`greatest(${stateTable}.as_of, excluded.as_of)`,
        events: sql`${stateTable}.events + excluded.events`,
      }),
    )
    .execute()
}

/** The oversight consumer's handlers: each takes a run of consecutive events of its type at once. */
export function oversightHandlers(): EventHandlers<PortfolioDB, OversightType> {
  const handler = <T extends OversightType>(type: T) =>
    batchHandler<PortfolioDB, EventPayload<T>>((trx, events) =>
      (steps[type] as Step<T>)
        .write(
          trx,
          events.map((e) => e.data),
        )
        .then(() => undefined),
    )
  return {
    'identity.organization.registered': handler('identity.organization.registered'),
    'accounts.learner.opened': handler('accounts.learner.opened'),
    'accounts.enrollment.created': handler('accounts.enrollment.created'),
    'accounts.outcome.posted': handler('accounts.outcome.posted'),
    'accounts.entry.reversed': handler('accounts.entry.reversed'),
    'certificates.certificate.issued': handler('certificates.certificate.issued'),
    'certificates.certificate.revoked': handler('certificates.certificate.revoked'),
  }
}
