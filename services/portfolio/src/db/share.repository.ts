import type { Kysely } from 'kysely'
import type { PortfolioDB } from './schema.js'

export function insertShare(
  db: Kysely<PortfolioDB>,
  row: {
    id: string
    learner_id: string
    token_hash: string
    scope: string
    entry_ids: string[]
    personal_sealed: string
    expires_at: string
    created_by: string
  },
) {
  return db.insertInto('share').values(row).returningAll().executeTakeFirstOrThrow()
}

export function findShare(db: Kysely<PortfolioDB>, id: string) {
  return db.selectFrom('share').selectAll().where('id', '=', id).executeTakeFirst()
}

export function findShareByTokenHash(db: Kysely<PortfolioDB>, tokenHash: string) {
  return db.selectFrom('share').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
}

export function listShares(
  db: Kysely<PortfolioDB>,
  learnerId: string,
  after: string | undefined,
  limit: number,
) {
  let q = db
    .selectFrom('share')
    .selectAll()
    .where('learner_id', '=', learnerId)
    .orderBy('id', 'desc')
    .limit(limit + 1)
  if (after) q = q.where('id', '<', after)
  return q.execute()
}

export async function revokeShare(db: Kysely<PortfolioDB>, id: string) {
  await db
    .updateTable('share')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute()
}

export async function logAccess(
  db: Kysely<PortfolioDB>,
  row: { id: string; share_id: string; visitor_sealed: string | null },
) {
  await db.insertInto('share_access').values(row).execute()
}

/** The latest accesses of each share (bounded), and how many there were in all. */
export async function accessesOf(db: Kysely<PortfolioDB>, shareIds: string[], perShare: number) {
  if (shareIds.length === 0) return { recent: [], counts: [] }
  const recent = await db
    .selectFrom('share_access as a')
    .select(['a.share_id', 'a.at', 'a.visitor_sealed'])
    .where('a.share_id', 'in', shareIds)
    .where((eb) =>
      eb(
        'a.id',
        'in',
        eb
          .selectFrom('share_access as b')
          .select('b.id')
          .whereRef('b.share_id', '=', 'a.share_id')
          .orderBy('b.at', 'desc')
          .limit(perShare),
      ),
    )
    .orderBy('a.at', 'desc')
    .execute()
  const counts = await db
    .selectFrom('share_access')
    .select(['share_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('share_id', 'in', shareIds)
    .groupBy('share_id')
    .execute()
  return { recent, counts }
}
