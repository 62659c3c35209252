import type { Kysely } from 'kysely'
import type { AccountsDB } from './schema.js'

export function findOrganization(db: Kysely<AccountsDB>, id: string) {
  return db.selectFrom('organization').select(['id', 'kind', 'name']).where('id', '=', id).executeTakeFirst()
}

export function findOrganizations(db: Kysely<AccountsDB>, ids: string[]) {
  return db.selectFrom('organization').select(['id', 'kind', 'name']).where('id', 'in', ids).execute()
}

/** The projection keeps the latest registration; a replay changes nothing. */
export async function upsertOrganization(db: Kysely<AccountsDB>, o: { id: string; kind: string; name: string; code: string }) {
  await db
    .insertInto('organization')
    .values(o)
    .onConflict((oc) => oc.column('id').doUpdateSet({ kind: o.kind, name: o.name, code: o.code }))
    .execute()
}
