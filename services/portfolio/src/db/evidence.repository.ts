import type { Kysely } from 'kysely'
import type { PortfolioDB } from './schema.js'

/** Stores the bytes once per sha256, whoever uploads them and however often. */
export async function insertBlob(
  db: Kysely<PortfolioDB>,
  row: { sha256: string; media_type: string; size_bytes: number; content: Buffer },
) {
  await db
    .insertInto('evidence_blob')
    .values(row)
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute()
}

export async function insertEvidence(
  db: Kysely<PortfolioDB>,
  row: {
    id: string
    learner_id: string
    sha256: string
    filename: string | null
    media_type: string
    size_bytes: number
    created_by: string
  },
) {
  return db
    .insertInto('evidence')
    .values(row)
    .onConflict((oc) => oc.columns(['learner_id', 'sha256']).doNothing())
    .returningAll()
    .executeTakeFirst()
}

export function findEvidenceByHash(db: Kysely<PortfolioDB>, learnerId: string, sha256: string) {
  return db
    .selectFrom('evidence')
    .selectAll()
    .where('learner_id', '=', learnerId)
    .where('sha256', '=', sha256)
    .executeTakeFirst()
}

export function findEvidence(db: Kysely<PortfolioDB>, id: string) {
  return db.selectFrom('evidence').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function readBlob(db: Kysely<PortfolioDB>, sha256: string) {
  return (
    await db
      .selectFrom('evidence_blob')
      .select('content')
      .where('sha256', '=', sha256)
      .executeTakeFirstOrThrow()
  ).content
}

export function listEvidence(
  db: Kysely<PortfolioDB>,
  learnerId: string,
  after: string | undefined,
  limit: number,
) {
  let q = db
    .selectFrom('evidence')
    .selectAll()
    .where('learner_id', '=', learnerId)
    .orderBy('id')
    .limit(limit + 1)
  if (after) q = q.where('id', '>', after)
  return q.execute()
}

/** The name each of these files was given (absent: deleted or unknown; null: given none). */
export async function evidenceNames(db: Kysely<PortfolioDB>, ids: readonly string[]) {
  const rows = ids.length
    ? await db.selectFrom('evidence').select(['id', 'filename']).where('id', 'in', ids).execute()
    : []
  return new Map(rows.map((r) => [r.id.toLowerCase(), r.filename]))
}
