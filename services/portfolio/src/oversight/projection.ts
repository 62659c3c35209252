import type { CloudEvent } from '@creditbank/events'
import { type Kysely, sql } from 'kysely'
import { type PortfolioDB, SCHEMA } from '../db/schema.js'

type Data = Record<string, unknown>
const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null)
const stateTable = sql.table(`${SCHEMA}.oversight_state`)
const REGION = /^\d{6}$/
const SCORE = /^\d{1,3}(\.\d{1,2})?$/

/** The region of a learner: the event's own field, or (events before it) the masked 身份证号's first six digits. */
function learnerRegion(d: Data): string | null {
  const code = str(d.regionCode) ?? str(d.nationalIdMasked)?.slice(0, 6) ?? null
  return code && REGION.test(code) ? code : null
}

/**
 * What each event adds to the oversight figures (decision 0800). Every write is keyed by the
 * event's own id (entry, certificate, enrollment), so applying one twice changes nothing; the
 * consumer's inbox already keeps a replay from reaching here.
 */
const writes: Record<string, (trx: Kysely<PortfolioDB>, d: Data) => Promise<unknown>> = {
  'identity.organization.registered': (trx, d) =>
    trx
      .insertInto('oversight_org')
      .values({
        id: String(d.organizationId),
        name: String(d.name),
        kind: String(d.kind),
        region_code: String(d.regionCode),
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          kind: eb.ref('excluded.kind'),
          region_code: eb.ref('excluded.region_code'),
        })),
      )
      .execute(),
  'accounts.learner.opened': (trx, d) =>
    trx
      .insertInto('oversight_learner')
      .values({
        learner_id: String(d.learnerId),
        category: str(d.category) ?? 'other',
        region_code: learnerRegion(d),
        opened_by_org_id: str(d.openedByOrgId),
      })
      .onConflict((oc) => oc.column('learner_id').doNothing())
      .execute(),
  'accounts.enrollment.created': (trx, d) =>
    trx
      .insertInto('oversight_enrollment')
      .values({
        enrollment_id: String(d.enrollmentId),
        learner_id: String(d.learnerId),
        org_id: String(d.orgId),
        started_on: String(d.startedOn),
      })
      .onConflict((oc) => oc.column('enrollment_id').doNothing())
      .execute(),
  'accounts.outcome.posted': async (trx, d) => {
    if (d.kind !== 'training') return
    await trx
      .insertInto('oversight_training')
      .values({
        entry_id: String(d.entryId),
        learner_id: String(d.learnerId),
        org_id: String(d.orgId),
        hours: str(d.hours) ?? '0',
        occurred_on: String(d.occurredOn),
      })
      .onConflict((oc) => oc.column('entry_id').doNothing())
      .execute()
  },
  // A reversal follows its entry on the learner's partition, live and in a rebuild.
  'accounts.entry.reversed': (trx, d) =>
    trx
      .updateTable('oversight_training')
      .set({ reversed: true })
      .where('entry_id', '=', String(d.reversedEntryId))
      .execute(),
  'certificates.certificate.issued': (trx, d) => {
    const score = str(d.score)
    return trx
      .insertInto('oversight_certificate')
      .values({
        certificate_id: String(d.certificateId),
        learner_id: String(d.learnerId),
        type_code: String(d.typeCode),
        type_name: String(d.typeName),
        level: String(d.level),
        score: score && SCORE.test(score) ? score : null,
        issued_on: String(d.issuedOn),
        evaluation_org_id: String(d.evaluationOrgId),
        evaluation_org_name: str(d.evaluationOrgName),
      })
      .onConflict((oc) => oc.column('certificate_id').doNothing())
      .execute()
  },
  'certificates.certificate.revoked': (trx, d) =>
    trx
      .updateTable('oversight_certificate')
      .set({ revoked: true })
      .where('certificate_id', '=', String(d.certificateId))
      .execute(),
}

export const oversightTypes = Object.keys(writes)

/** Applies an event to the oversight projection, and moves its "as of" to the latest event time seen. */
export async function applyOversight(trx: Kysely<PortfolioDB>, event: CloudEvent<Data>) {
  const write = writes[event.type]
  if (!write) return
  await write(trx, event.data)
  await trx
    .insertInto('oversight_state')
    .values({ id: 1, as_of: event.time, events: 1 })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        as_of: sql`greatest(${stateTable}.as_of, excluded.as_of)`,
        events: sql`${stateTable}.events + 1`,
      }),
    )
    .execute()
}
