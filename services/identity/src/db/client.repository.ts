import type { Kysely, Transaction } from 'kysely'
import type { IdentityDB } from './schema.js'

export interface ClientRow {
  id: string
  client_id: string
  secret_hash: string
  name: string
  org_id: string
  scopes: string[]
  created_by: string
  created_at: Date
  revoked_at: Date | null
  revoked_by: string | null
}

export async function insertClient(
  db: Kysely<IdentityDB>,
  row: Omit<ClientRow, 'created_at' | 'revoked_at' | 'revoked_by'>,
) {
  return (await db
    .insertInto('api_client')
    .values(row)
    .returningAll()
    .executeTakeFirstOrThrow()) as ClientRow
}

export function findClient(db: Kysely<IdentityDB>, clientId: string) {
  return db
    .selectFrom('api_client')
    .selectAll()
    .where('client_id', '=', clientId)
    .executeTakeFirst() as Promise<ClientRow | undefined>
}

/** Newest first within the filter, `limit + 1` rows, with each organization's name. */
export function listClients(
  db: Kysely<IdentityDB>,
  f: { orgIds?: string[]; includeRevoked: boolean; before?: string; limit: number },
) {
  let q = db
    .selectFrom('api_client as c')
    .innerJoin('organization as o', 'o.id', 'c.org_id')
    .selectAll('c')
    .select(['o.name as org_name', 'o.code as org_code'])
    .orderBy('c.id', 'desc')
    .limit(f.limit + 1)
  if (f.orgIds) q = q.where('c.org_id', 'in', f.orgIds)
  if (!f.includeRevoked) q = q.where('c.revoked_at', 'is', null)
  if (f.before) q = q.where('c.id', '<', f.before)
  return q.execute() as Promise<(ClientRow & { org_name: string; org_code: string })[]>
}

/** The client row locked (its organization's name read beside it, not locked). */
export function findClientForUpdate(trx: Transaction<IdentityDB>, clientId: string) {
  return trx
    .selectFrom('api_client as c')
    .selectAll('c')
    .select((eb) => [
      eb
        .selectFrom('organization as o')
        .select('o.name')
        .whereRef('o.id', '=', 'c.org_id')
        .as('org_name'),
      eb
        .selectFrom('organization as o')
        .select('o.code')
        .whereRef('o.id', '=', 'c.org_id')
        .as('org_code'),
    ])
    .where('c.client_id', '=', clientId)
    .forUpdate()
    .executeTakeFirst() as Promise<(ClientRow & { org_name: string; org_code: string }) | undefined>
}

export async function markClientRevoked(
  db: Kysely<IdentityDB>,
  clientId: string,
  actor: string,
  at: Date,
) {
  await db
    .updateTable('api_client')
    .set({ revoked_at: at, revoked_by: actor })
    .where('client_id', '=', clientId)
    .execute()
}
