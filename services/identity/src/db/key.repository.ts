import type { Kysely } from 'kysely'
import type { IdentityDB } from './schema.js'

export interface KeyRow {
  kid: string
  private_key_sealed: string
  public_jwk: Record<string, unknown>
  created_at: Date
  retired_at: Date | null
  revoked_at: Date | null
}

export function activeKey(db: Kysely<IdentityDB>) {
  return db
    .selectFrom('signing_key')
    .selectAll()
    .where('retired_at', 'is', null)
    .orderBy('created_at', 'desc')
    .executeTakeFirst() as Promise<KeyRow | undefined>
}

/**
 * Keys whose tokens may still be alive: the active one and those retired within a token lifetime,
 * never a revoked one.
 */
export function publishedKeys(db: Kysely<IdentityDB>, retiredAfter: Date) {
  return db
    .selectFrom('signing_key')
    .selectAll()
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', retiredAfter)]))
    .orderBy('created_at', 'desc')
    .execute() as Promise<KeyRow[]>
}

export async function retireActiveKeys(db: Kysely<IdentityDB>, at: Date, revoke = false) {
  await db
    .updateTable('signing_key')
    .set({ retired_at: at, ...(revoke ? { revoked_at: at } : {}) })
    .where('retired_at', 'is', null)
    .execute()
}

export async function insertKey(
  db: Kysely<IdentityDB>,
  row: { kid: string; private_key_sealed: string; public_jwk: string },
) {
  await db.insertInto('signing_key').values(row).execute()
}
