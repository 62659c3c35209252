import type { Kysely } from 'kysely'
import type { PortfolioDB } from './schema.js'

/** An evidence row without its bytes (lists and checks never carry the files). */
export const EVIDENCE_COLUMNS = [
  'id',
  'learner_id',
  'sha256',
  'filename_sealed',
  'media_type',
  'size_bytes',
  'created_by',
  'created_at',
] as const

/** One row per learner and file: the same file again inserts nothing (its bytes are not kept twice). */
export async function insertEvidence(
  db: Kysely<PortfolioDB>,
  row: {
    id: string
    learner_id: string
    sha256: string
    filename_sealed: string | null
    content_sealed: Buffer
    media_type: string
    size_bytes: number
    created_by: string
  },
) {
  return db
    .insertInto('evidence')
    .values(row)
    .onConflict((oc) => oc.columns(['learner_id', 'sha256']).doNothing())
    .returning(EVIDENCE_COLUMNS)
    .executeTakeFirst()
}

export function findEvidenceByHash(db: Kysely<PortfolioDB>, learnerId: string, sha256: string) {
  return db
    .selectFrom('evidence')
    .select(EVIDENCE_COLUMNS)
    .where('learner_id', '=', learnerId)
    .where('sha256', '=', sha256)
    .executeTakeFirst()
}

export function findEvidence(db: Kysely<PortfolioDB>, id: string) {
  return db.selectFrom('evidence').select(EVIDENCE_COLUMNS).where('id', '=', id).executeTakeFirst()
}

/** The file's sealed bytes (null for a row the sealing at start set aside). */
export async function readSealedContent(db: Kysely<PortfolioDB>, id: string) {
  return (
    (await db
      .selectFrom('evidence')
      .select('content_sealed')
      .where('id', '=', id)
      .executeTakeFirst()) ?? { content_sealed: null }
  ).content_sealed
}

export function listEvidence(
  db: Kysely<PortfolioDB>,
  learnerId: string,
  after: string | undefined,
  limit: number,
) {
  let q = db
    .selectFrom('evidence')
    .select(EVIDENCE_COLUMNS)
    .where('learner_id', '=', learnerId)
    .orderBy('id')
    .limit(limit + 1)
  if (after) q = q.where('id', '>', after)
  return q.execute()
}

/** These files' rows, for their names (sealed under each learner's key). */
export function evidenceNameRows(db: Kysely<PortfolioDB>, ids: readonly string[]) {
  return ids.length
    ? db
        .selectFrom('evidence')
        .select(['id', 'learner_id', 'filename_sealed'])
        .where('id', 'in', ids)
        .execute()
    : Promise.resolve([])
}
