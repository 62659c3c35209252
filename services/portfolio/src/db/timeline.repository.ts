import { type Kysely, sql, type Transaction } from 'kysely'
import type { PortfolioDB } from './schema.js'

export interface NewTimelineItem {
  event_id: string
  learner_id: string
  event_type: string
  category: string
  ref_id: string | null
  title: string
  at: string
  org_id: string | null
  data: Record<string, unknown>
  provenance: Record<string, unknown>
  occurred_on: string
}

export async function insertTimelineItem(db: Kysely<PortfolioDB>, item: NewTimelineItem) {
  await db
    .insertInto('timeline_item')
    .values({
      ...item,
      data: JSON.stringify(item.data),
      provenance: JSON.stringify(item.provenance),
    })
    .onConflict((oc) => oc.column('event_id').doNothing())
    .execute()
}

/**
 * An item's statuses by precedence, weakest first. Two topics write one item's status (a
 * certificate's revocation from certificates, its ledger copy's reversal from accounts), and a
 * rebuild reads topic by topic, not in the order they were read live: a status only ever moves
 * up this list, so the result is the same whichever arrives first.
 */
export const STATUS_PRECEDENCE = ['active', 'reversed', 'revoked'] as const
export type ItemStatus = (typeof STATUS_PRECEDENCE)[number]

/**
 * Serializes the two writers of a certificate ledger copy's status: the copy's posting (accounts'
 * topic) and the certificate's revocation (certificates' topic). Consumed side by side, neither
 * transaction sees the other's uncommitted row, so the copy stayed active and later read
 * "reversed" instead of "revoked"; under this lock the second one sees the first one's commit.
 */
export async function lockCertificate(trx: Transaction<PortfolioDB>, certificateId: string) {
  await sql`select pg_advisory_xact_lock(hashtext(${`portfolio.certificate:${certificateId}`}))`.execute(
    trx,
  )
}

/** Marks the items of a reversed entry or a revoked certificate; returns the ref ids touched. */
export async function markItems(
  db: Kysely<PortfolioDB>,
  learnerId: string,
  refId: string,
  status: Exclude<ItemStatus, 'active'>,
) {
  const weaker = STATUS_PRECEDENCE.slice(0, STATUS_PRECEDENCE.indexOf(status))
  const rows = await db
    .updateTable('timeline_item')
    .set((eb) => ({
      status: eb
        .case()
        .when('status', 'in', weaker)
        .then(sql.lit(status))
        .else(eb.ref('status'))
        .end(),
    }))
    .where('learner_id', '=', learnerId)
    .where((eb) => eb.or([eb('ref_id', '=', refId), eb(sql`data ->> 'certificateId'`, '=', refId)]))
    .where('category', 'in', ['outcome', 'certificate', 'recognized'])
    .returning('ref_id')
    .execute()
  return [...new Set(rows.map((r) => r.ref_id).filter((r): r is string => r !== null))]
}

/** Newest learning first: by when it happened, then by when it was posted. */
export function timelineRows(
  db: Kysely<PortfolioDB>,
  learnerId: string,
  o: { limit: number; after?: [string, string, string]; ids?: string[] },
) {
  let q = db
    .selectFrom('timeline_item as t')
    .leftJoin('organization as o', 'o.id', 't.org_id')
    .select([
      't.event_id',
      't.event_type',
      't.category',
      't.ref_id',
      't.title',
      't.at',
      't.org_id',
      't.data',
      't.provenance',
      't.status',
      't.occurred_on',
      'o.name as org_name',
    ])
    .where('t.learner_id', '=', learnerId)
    .orderBy('t.occurred_on', 'desc')
    .orderBy('t.at', 'desc')
    .orderBy('t.event_id', 'desc')
    .limit(o.limit + 1)
  if (o.after) {
    const [on, at, id] = o.after
    q = q.where((eb) =>
      eb(
        eb.refTuple('t.occurred_on', 't.at', 't.event_id'),
        '<',
        eb.tuple(sql<string>`${on}::date`, sql<Date>`${at}::timestamptz`, sql<string>`${id}::uuid`),
      ),
    )
  }
  if (o.ids)
    q = q.where('t.ref_id', 'in', o.ids.length ? o.ids : ['00000000-0000-0000-0000-000000000000'])
  return q.execute()
}

export type TimelineRow = Awaited<ReturnType<typeof timelineRows>>[number]

/** The items a credential can be issued for (an outcome, a certificate, a recognized credit), with the learner's account number. */
export function findCredentialable(db: Kysely<PortfolioDB>, learnerId: string, refId: string) {
  return db
    .selectFrom('timeline_item as t')
    .leftJoin('organization as o', 'o.id', 't.org_id')
    .leftJoin('learner as l', 'l.learner_id', 't.learner_id')
    .select([
      't.event_id',
      't.event_type',
      't.category',
      't.ref_id',
      't.title',
      't.at',
      't.org_id',
      't.data',
      't.provenance',
      't.status',
      't.occurred_on',
      'o.name as org_name',
      'l.account_no',
    ])
    .where('t.learner_id', '=', learnerId)
    .where('t.ref_id', '=', refId)
    .where('t.category', 'in', ['outcome', 'certificate', 'recognized'])
    .orderBy('t.at')
    .executeTakeFirst()
}

export function credentialableRows(db: Kysely<PortfolioDB>, learnerId: string, limit: number) {
  return db
    .selectFrom('timeline_item as t')
    .leftJoin('organization as o', 'o.id', 't.org_id')
    .select([
      't.event_id',
      't.event_type',
      't.category',
      't.ref_id',
      't.title',
      't.at',
      't.org_id',
      't.data',
      't.provenance',
      't.status',
      't.occurred_on',
      'o.name as org_name',
    ])
    .where('t.learner_id', '=', learnerId)
    .where('t.category', 'in', ['outcome', 'certificate', 'recognized'])
    .where('t.status', '=', 'active')
    .orderBy('t.at')
    .orderBy('t.event_id')
    .limit(limit)
    .execute()
}

export async function existingRefIds(db: Kysely<PortfolioDB>, learnerId: string, ids: string[]) {
  if (ids.length === 0) return new Set<string>()
  const rows = await db
    .selectFrom('timeline_item')
    .select('ref_id')
    .distinct()
    .where('learner_id', '=', learnerId)
    .where('ref_id', 'in', ids)
    .execute()
  return new Set(rows.map((r) => r.ref_id as string))
}

export async function upsertLearner(
  db: Kysely<PortfolioDB>,
  row: { learner_id: string; account_no: string; opened_at: string; name: string | null },
) {
  await db
    .insertInto('learner')
    .values(row)
    .onConflict((oc) => oc.column('learner_id').doNothing())
    .execute()
}

export function findLearner(db: Kysely<PortfolioDB>, learnerId: string) {
  return db.selectFrom('learner').selectAll().where('learner_id', '=', learnerId).executeTakeFirst()
}

export async function upsertOrganization(
  db: Kysely<PortfolioDB>,
  row: { id: string; code: string; name: string; kind: string },
) {
  await db
    .insertInto('organization')
    .values(row)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({ code: row.code, name: row.name, kind: row.kind }),
    )
    .execute()
}

export function findOrganization(db: Kysely<PortfolioDB>, id: string) {
  return db.selectFrom('organization').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function upsertCertificateType(
  db: Kysely<PortfolioDB>,
  row: { code: string; name: string; name_en: string | null; evaluation_org_id: string },
) {
  await db
    .insertInto('certificate_type')
    .values(row)
    .onConflict((oc) =>
      oc.column('code').doUpdateSet({
        name: row.name,
        name_en: row.name_en,
        evaluation_org_id: row.evaluation_org_id,
      }),
    )
    .execute()
}

export function findCertificateType(db: Kysely<PortfolioDB>, code: string) {
  return db.selectFrom('certificate_type').selectAll().where('code', '=', code).executeTakeFirst()
}

export async function isRevoked(db: Kysely<PortfolioDB>, learnerId: string, certificateId: string) {
  const row = await db
    .selectFrom('timeline_item')
    .select('event_id')
    .where('learner_id', '=', learnerId)
    .where('category', '=', 'revocation')
    .where('ref_id', '=', certificateId)
    .executeTakeFirst()
  return !!row
}

/** The title of the item a later event is about (a reversed entry, a revoked certificate). */
export async function titleOf(db: Kysely<PortfolioDB>, learnerId: string, refId: string) {
  const row = await db
    .selectFrom('timeline_item')
    .select('title')
    .where('learner_id', '=', learnerId)
    .where('ref_id', '=', refId)
    .where('category', 'in', ['outcome', 'certificate', 'recognized'])
    .orderBy('at')
    .executeTakeFirst()
  return row?.title ?? null
}

/** The type and level of a certificate the learner was issued, as its timeline item has them. */
export async function certificateTypeOf(
  db: Kysely<PortfolioDB>,
  learnerId: string,
  certificateId: string,
) {
  const row = await db
    .selectFrom('timeline_item')
    .select([
      sql<string | null>`data ->> 'typeCode'`.as('typeCode'),
      sql<string | null>`data ->> 'level'`.as('level'),
    ])
    .where('learner_id', '=', learnerId)
    .where('ref_id', '=', certificateId)
    .where('event_type', '=', 'certificates.certificate.issued')
    .executeTakeFirst()
  return row?.typeCode ? { typeCode: row.typeCode, level: row.level } : {}
}
