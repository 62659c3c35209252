import { type Kysely, sql } from 'kysely'
import type { EntryTable, RecognitionDB } from './schema.js'

type Db = Kysely<RecognitionDB>

export async function upsertOrganization(db: Db, o: { id: string; kind: string; region_code: string }) {
  await db
    .insertInto('organization')
    .values(o)
    .onConflict((oc) => oc.column('id').doUpdateSet({ kind: o.kind, region_code: o.region_code }))
    .execute()
}

export async function findOrganization(db: Db, id: string) {
  return db.selectFrom('organization').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function insertEnrollment(db: Db, e: { id: string; learner_id: string; org_id: string; program_code: string; started_on: string }) {
  const row = await db.insertInto('enrollment').values(e).onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst()
  return !!row
}

export async function isEnrolled(db: Db, learnerId: string, orgId: string, programCode: string) {
  const row = await db.selectFrom('enrollment').select('id').where('learner_id', '=', learnerId).where('org_id', '=', orgId).where('program_code', '=', programCode).executeTakeFirst()
  return !!row
}

export type EntryRow = Omit<EntryTable, 'posted_at'> & { posted_at: Date | string }

export async function markReversed(db: Db, entryId: string, at: string) {
  return db.updateTable('entry').set({ reversed_at: at as never }).where('id', '=', entryId).where('reversed_at', 'is', null).returning('id').executeTakeFirst()
}

export async function findEntries(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return []
  return (await db.selectFrom('entry').selectAll().where('id', 'in', ids).execute()) as EntryRow[]
}

/** A learner's usable entries (not reversed), bounded. */
export async function usableEntries(db: Db, learnerId: string, limit = 1_000) {
  return (await db
    .selectFrom('entry')
    .selectAll()
    .where('learner_id', '=', learnerId)
    .where('reversed_at', 'is', null)
    .orderBy('occurred_on')
    .orderBy('id')
    .limit(limit)
    .execute()) as EntryRow[]
}

/**
 * The worker's first step in one round trip: record the entry (nothing when it is a replay) and
 * read the learner's enrollments with the current rule generation.
 */
export async function recordEntryAndReadEnrollments(db: Db, e: EntryRow) {
  const rows = await db
    .with('ins', (qb) => qb.insertInto('entry').values(e).onConflict((oc) => oc.doNothing()).returning('id'))
    .selectFrom('rule_generation as g')
    .leftJoin('enrollment as en', (j) => j.on('en.learner_id', '=', e.learner_id))
    .select(['g.n', 'en.org_id', 'en.program_code', sql<string>`(select count(*) from ins)`.as('fresh')])
    .where('g.id', '=', 1)
    .execute()
  const fresh = Number(rows[0]?.fresh ?? 0) > 0
  const generation = String(rows[0]?.n ?? '0')
  const targets = rows.filter((r) => r.org_id && r.program_code).map((r) => ({ orgId: r.org_id!, programCode: r.program_code! }))
  return { fresh, generation, targets }
}
