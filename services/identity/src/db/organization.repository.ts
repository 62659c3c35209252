import { type Kysely, sql, type Transaction } from 'kysely'
import { likeEscaped } from './like.js'
import type { IdentityDB, OrganizationTable } from './schema.js'

export type OrganizationRow = Omit<OrganizationTable, 'created_at'> & { created_at: Date }

export function findOrganizationByCode(db: Kysely<IdentityDB>, code: string) {
  return db
    .selectFrom('organization')
    .selectAll()
    .where('code', '=', code)
    .executeTakeFirst() as Promise<OrganizationRow | undefined>
}

export function findOrganization(db: Kysely<IdentityDB>, id: string) {
  return db
    .selectFrom('organization')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst() as Promise<OrganizationRow | undefined>
}

export async function insertOrganization(
  db: Kysely<IdentityDB>,
  row: Omit<OrganizationRow, 'created_at'>,
) {
  return (await db
    .insertInto('organization')
    .values(row)
    .returningAll()
    .executeTakeFirstOrThrow()) as OrganizationRow
}

export async function countOrganizations(db: Kysely<IdentityDB>, ids: string[]) {
  if (ids.length === 0) return 0
  const r = await db
    .selectFrom('organization')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('id', 'in', ids)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

export function listOrganizations(
  db: Kysely<IdentityDB>,
  f: { kind?: string; regionCode?: string; q?: string; after?: string; limit: number },
) {
  let q = db
    .selectFrom('organization')
    .selectAll()
    .orderBy('id')
    .limit(f.limit + 1)
  if (f.kind) q = q.where('kind', '=', f.kind)
  if (f.regionCode) q = q.where('region_code', '=', f.regionCode)
  if (f.q) {
    const term = `%${likeEscaped(f.q.toLowerCase())}%`
    q = q.where((eb) =>
      eb.or([eb(sql`lower(name)`, 'like', term), eb(sql`lower(code)`, 'like', term)]),
    )
  }
  if (f.after) q = q.where('id', '>', f.after)
  return q.execute() as Promise<OrganizationRow[]>
}

export function findOrganizationForUpdate(trx: Transaction<IdentityDB>, id: string) {
  return trx
    .selectFrom('organization')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst() as Promise<OrganizationRow | undefined>
}

export async function updateOrganizationRow(
  db: Kysely<IdentityDB>,
  id: string,
  set: Partial<Pick<OrganizationRow, 'name' | 'region_code' | 'school_level'>>,
) {
  return (await db
    .updateTable('organization')
    .set(set)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()) as OrganizationRow
}
