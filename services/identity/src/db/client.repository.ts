import type { Kysely } from 'kysely'
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
}

export async function insertClient(db: Kysely<IdentityDB>, row: Omit<ClientRow, 'created_at'>) {
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
