import type { Kysely } from 'kysely'
import type { RecognitionDB } from './schema.js'

type Db = Kysely<RecognitionDB>

export async function findAllianceByCode(db: Db, code: string) {
  return db.selectFrom('alliance').selectAll().where('code', '=', code).executeTakeFirst()
}

export async function insertAlliance(
  db: Db,
  a: { id: string; code: string; name: string; created_by: string },
  members: string[],
) {
  const row = await db.insertInto('alliance').values(a).returningAll().executeTakeFirstOrThrow()
  if (members.length)
    await db
      .insertInto('alliance_member')
      .values(members.map((org_id) => ({ alliance_id: a.id, org_id })))
      .execute()
  return row
}

export async function membersOf(db: Db, allianceIds: readonly string[]) {
  if (allianceIds.length === 0) return []
  return db
    .selectFrom('alliance_member')
    .selectAll()
    .where('alliance_id', 'in', allianceIds)
    .orderBy('org_id')
    .execute()
}

export async function alliancesOfOrg(db: Db, orgId: string) {
  return (
    await db
      .selectFrom('alliance_member')
      .select('alliance_id')
      .where('org_id', '=', orgId)
      .execute()
  ).map((r) => r.alliance_id)
}

export async function allianceExists(db: Db, id: string) {
  return !!(await db.selectFrom('alliance').select('id').where('id', '=', id).executeTakeFirst())
}

export async function listAlliances(db: Db, after: string | undefined, limit: number) {
  let q = db
    .selectFrom('alliance')
    .selectAll()
    .orderBy('id')
    .limit(limit + 1)
  if (after) q = q.where('id', '>', after)
  return q.execute()
}
