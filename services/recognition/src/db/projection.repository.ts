import { type Kysely, sql } from 'kysely'
import type { EntryTable, RecognitionDB } from './schema.js'

type Db = Kysely<RecognitionDB>

export async function upsertOrganization(
  db: Db,
  o: { id: string; kind: string; region_code: string },
) {
  await db
    .insertInto('organization')
    .values(o)
    .onConflict((oc) => oc.column('id').doUpdateSet({ kind: o.kind, region_code: o.region_code }))
    .execute()
}

export async function findOrganization(db: Db, id: string) {
  return db.selectFrom('organization').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function insertEnrollment(
  db: Db,
  e: { id: string; learner_id: string; org_id: string; program_code: string; started_on: string },
) {
  const row = await db
    .insertInto('enrollment')
    .values(e)
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst()
  return !!row
}

export async function isEnrolled(db: Db, learnerId: string, orgId: string, programCode: string) {
  const row = await db
    .selectFrom('enrollment')
    .select('id')
    .where('learner_id', '=', learnerId)
    .where('org_id', '=', orgId)
    .where('program_code', '=', programCode)
    .executeTakeFirst()
  return !!row
}

export type EntryRow = Omit<EntryTable, 'posted_at'> & { posted_at: Date | string }

export async function markReversed(db: Db, entryId: string, at: string) {
  return db
    .updateTable('entry')
    .set({ reversed_at: at as never })
    .where('id', '=', entryId)
    .where('reversed_at', 'is', null)
    .returning('id')
    .executeTakeFirst()
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
 * The worker's first step for a batch of outcomes, in one round trip: record the entries (an entry
 * seen before is skipped) and read the learners' enrollments with the current rule generation.
 * Returns the ids of the entries recorded now, and each learner's enrollments (ids in lower case).
 */
export async function recordEntriesAndReadEnrollments(db: Db, entries: readonly EntryRow[]) {
  const learners = [...new Set(entries.map((e) => e.learner_id))]
  const row = await db
    .with('ins', (qb) =>
      qb
        .insertInto('entry')
        .values(entries)
        .onConflict((oc) => oc.doNothing())
        .returning('id'),
    )
    .selectFrom('rule_generation as g')
    .where('g.id', '=', 1)
    .select((eb) => [
      'g.n',
      sql<string[] | null>`(select array_agg(id::text) from ins)`.as('fresh'),
      eb
        .selectFrom('enrollment as en')
        .where('en.learner_id', 'in', learners)
        .select(
          sql<
            [string, string, string][]
          >`coalesce(json_agg(json_build_array(en.learner_id, en.org_id, en.program_code)), '[]')`.as(
            'list',
          ),
        )
        .as('enrolled'),
    ])
    .executeTakeFirstOrThrow()
  const targets = new Map<string, { orgId: string; programCode: string }[]>()
  for (const [learnerId, orgId, programCode] of row.enrolled ?? []) {
    const list = targets.get(learnerId) ?? []
    list.push({ orgId, programCode })
    targets.set(learnerId, list)
  }
  return { fresh: new Set(row.fresh ?? []), generation: String(row.n), targets }
}
