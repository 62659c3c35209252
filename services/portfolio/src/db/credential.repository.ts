import { type Kysely, sql } from 'kysely'
import { uuidv7 } from 'uuidv7'
import type { PortfolioDB } from './schema.js'

/** Lists hold 131,072 entries (16 KB), the minimum the Bitstring Status List spec asks for privacy. */
export const STATUS_LIST_SIZE = 131_072

export function findIssuerKey(db: Kysely<PortfolioDB>, issuerId: string) {
  return db.selectFrom('issuer_key').selectAll().where('issuer_id', '=', issuerId).executeTakeFirst()
}

export function findIssuerKeyByDid(db: Kysely<PortfolioDB>, did: string) {
  return db.selectFrom('issuer_key').selectAll().where('did', '=', did).executeTakeFirst()
}

/** Inserts a new issuer identity with its first status list, unless another writer got there first. */
export async function insertIssuerKey(db: Kysely<PortfolioDB>, row: { issuer_id: string; did: string; public_key_multibase: string; secret_key_sealed: string }) {
  const inserted = await db.insertInto('issuer_key').values(row).onConflict((oc) => oc.column('issuer_id').doNothing()).returning('issuer_id').executeTakeFirst()
  if (inserted) await insertStatusList(db, row.issuer_id)
}

async function insertStatusList(db: Kysely<PortfolioDB>, issuerId: string) {
  const id = uuidv7()
  await db
    .insertInto('status_list')
    .values({ id, issuer_id: issuerId, purpose: 'revocation', size: STATUS_LIST_SIZE, bits: Buffer.alloc(STATUS_LIST_SIZE / 8), credential: null, credential_version: null })
    .execute()
  return id
}

export function findStatus(db: Kysely<PortfolioDB>, issuerId: string, refId: string) {
  return db.selectFrom('credential_status').selectAll().where('issuer_id', '=', issuerId).where('ref_id', '=', refId).executeTakeFirst()
}

/**
 * The status entry of one thing an issuer vouches for (an entry, a certificate, a credential),
 * allocated once: every credential issued for the same thing shares its bit, so one flip revokes
 * them all. Callers run it in a transaction.
 */
export async function allocateStatus(db: Kysely<PortfolioDB>, issuerId: string, refId: string) {
  const existing = await findStatus(db, issuerId, refId)
  if (existing) return existing
  // Serialize allocation per issuer; the row lock on the newest list is the queue.
  for (let attempt = 0; attempt < 3; attempt++) {
    const list = await db
      .selectFrom('status_list')
      .select(['id', 'next_index', 'size'])
      .where('issuer_id', '=', issuerId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .forUpdate()
      .executeTakeFirstOrThrow()
    if (list.next_index >= list.size) {
      await insertStatusList(db, issuerId)
      continue
    }
    const again = await findStatus(db, issuerId, refId)
    if (again) return again
    await db.updateTable('status_list').set({ next_index: list.next_index + 1 }).where('id', '=', list.id).execute()
    return db
      .insertInto('credential_status')
      .values({ ref_id: refId, issuer_id: issuerId, status_list_id: list.id, status_index: list.next_index })
      .returningAll()
      .executeTakeFirstOrThrow()
  }
  throw new Error('could not allocate a status list entry')
}

/**
 * Sets the revocation bit of every status entry of these refs (any issuer). Index 0 is the
 * left-most bit of the first byte (Bitstring Status List §4); Postgres numbers bits within a byte
 * from the least significant end, hence the 7 - (i % 8).
 */
export async function revokeRefs(db: Kysely<PortfolioDB>, refIds: string[]) {
  if (refIds.length === 0) return 0
  const rows = await db
    .updateTable('credential_status')
    .set({ revoked: true })
    .where('ref_id', 'in', refIds)
    .where('revoked', '=', false)
    .returning(['status_list_id', 'status_index'])
    .execute()
  for (const r of rows) {
    const bit = Math.floor(r.status_index / 8) * 8 + (7 - (r.status_index % 8))
    await db
      .updateTable('status_list')
      .set((eb) => ({ bits: sql`set_bit(bits, ${bit}, 1)`, version: eb('version', '+', 1) }))
      .where('id', '=', r.status_list_id)
      .execute()
  }
  return rows.length
}

export function findStatusList(db: Kysely<PortfolioDB>, id: string) {
  return db.selectFrom('status_list').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function cacheStatusListCredential(db: Kysely<PortfolioDB>, id: string, version: number, credential: string) {
  await db.updateTable('status_list').set({ credential, credential_version: version }).where('id', '=', id).where('version', '=', version).execute()
}

/** Gives back the status entry of a credential that was never issued. */
export async function releaseStatus(db: Kysely<PortfolioDB>, issuerId: string, refId: string) {
  await db.deleteFrom('credential_status').where('issuer_id', '=', issuerId).where('ref_id', '=', refId).where('revoked', '=', false).execute()
}
