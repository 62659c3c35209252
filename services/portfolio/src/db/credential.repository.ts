import { randomInt } from 'node:crypto'
import { type Kysely, sql, type Transaction } from 'kysely'
import { uuidv7 } from 'uuidv7'
import { type PortfolioDB, SCHEMA } from './schema.js'

/** Lists hold 131,072 entries (16 KB), the minimum the Bitstring Status List spec asks for privacy. */
export const STATUS_LIST_SIZE = 131_072

export function findIssuerKey(db: Kysely<PortfolioDB>, issuerId: string) {
  return db
    .selectFrom('issuer_key')
    .selectAll()
    .where('issuer_id', '=', issuerId)
    .executeTakeFirst()
}

export function findIssuerKeyByDid(db: Kysely<PortfolioDB>, did: string) {
  return db.selectFrom('issuer_key').selectAll().where('did', '=', did).executeTakeFirst()
}

/** Inserts a new issuer identity with its first status list, unless another writer got there first. */
export async function insertIssuerKey(
  db: Kysely<PortfolioDB>,
  row: { issuer_id: string; did: string; public_key_multibase: string; secret_key_sealed: string },
) {
  const inserted = await db
    .insertInto('issuer_key')
    .values(row)
    .onConflict((oc) => oc.column('issuer_id').doNothing())
    .returning('issuer_id')
    .executeTakeFirst()
  if (inserted) await insertStatusList(db, row.issuer_id)
}

/** A new open list for the issuer, unless it has one: at most one open list per issuer (a partial unique index). */
async function insertStatusList(db: Kysely<PortfolioDB>, issuerId: string) {
  await db
    .insertInto('status_list')
    .values({
      id: uuidv7(),
      issuer_id: issuerId,
      purpose: 'revocation',
      size: STATUS_LIST_SIZE,
      bits: Buffer.alloc(STATUS_LIST_SIZE / 8),
      credential: null,
      credential_version: null,
    })
    .onConflict((oc) => oc.column('issuer_id').where('closed_at', 'is', null).doNothing())
    .execute()
}

/** A credential's status entry, its row locked until the transaction ends. */
export function findStatusForUpdate(
  trx: Transaction<PortfolioDB>,
  issuerId: string,
  refId: string,
) {
  return trx
    .selectFrom('credential_status')
    .selectAll()
    .where('issuer_id', '=', issuerId)
    .where('ref_id', '=', refId)
    .forUpdate()
    .executeTakeFirst()
}

/** Random indexes tried per allocation: when every one is taken (at about 90% use), the list is closed. */
export const STATUS_CANDIDATES = 64

const statusTable = sql.table(`${SCHEMA}.credential_status`)
const listTable = sql.table(`${SCHEMA}.status_list`)

export interface StatusEntry {
  status_list_id: string
  status_index: number
}

/** An allocated entry: `created` when this call made it, `revoked` when an existing one already was. */
export interface Allocation extends StatusEntry {
  created: boolean
  revoked: boolean
}

interface Attempt {
  status_list_id: string | null
  status_index: number | null
  revoked: boolean | null
  created: boolean
  open_list: string | null
  picked: number
}

/**
 * One statement: the ref's entry when it has one, else a random unused index of the issuer's open
 * list (the first free one of STATUS_CANDIDATES random draws), inserted; no lock is held between
 * round trips. Unique (list, index) and the (ref, issuer) key settle concurrent writers.
 */
async function attemptAllocation(db: Kysely<PortfolioDB>, issuerId: string, refId: string) {
  const candidates = `{${Array.from({ length: STATUS_CANDIDATES }, () => randomInt(STATUS_LIST_SIZE)).join(',')}}`
  const { rows } = await sql<Attempt>`
    with existing as (
      select status_list_id, status_index, revoked from ${statusTable} where issuer_id = ${issuerId} and ref_id = ${refId}
    ), list as (
      select id, size from ${listTable}
      where issuer_id = ${issuerId} and closed_at is null and not exists (select 1 from existing)
    ), pick as (
      select list.id as list_id, c.idx from list cross join unnest(${candidates}::int[]) as c(idx)
      where c.idx < list.size and not exists (select 1 from ${statusTable} s where s.status_list_id = list.id and s.status_index = c.idx)
      limit 1
    ), ins as (
      insert into ${statusTable} (ref_id, issuer_id, status_list_id, status_index)
      select ${refId}, ${issuerId}, list_id, idx from pick
      on conflict do nothing
      returning status_list_id, status_index
    )
    select e.status_list_id, e.status_index, e.revoked, false as created, null::uuid as open_list, 0 as picked from existing e
    union all
    select i.status_list_id, i.status_index, false, true, null, 1 from ins i
    union all
    select null, null, null, false, (select id from list), (select count(*)::int from pick)
    where not exists (select 1 from existing) and not exists (select 1 from ins)
  `.execute(db)
  return rows[0] as Attempt
}

/** Closes a list that takes no more entries; the next allocation opens a new one. */
async function closeStatusList(db: Kysely<PortfolioDB>, listId: string) {
  await db
    .updateTable('status_list')
    .set({ closed_at: new Date() })
    .where('id', '=', listId)
    .where('closed_at', 'is', null)
    .execute()
}

/**
 * The status entry of one thing an issuer vouches for (an entry, a certificate, a credential),
 * allocated once: every credential issued for the same thing shares its bit, so one flip revokes
 * them all. The index is random among the list's unused ones (Bitstring Status List privacy: an index
 * must not reveal issuance order); a list that is nearly full is closed and a new one opened.
 * Runs on its own (autocommit), never inside a caller's transaction.
 */
export async function allocateStatus(
  db: Kysely<PortfolioDB>,
  issuerId: string,
  refId: string,
): Promise<Allocation> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const row = await attemptAllocation(db, issuerId, refId)
    if (row.status_list_id !== null && row.status_index !== null)
      return {
        status_list_id: row.status_list_id,
        status_index: row.status_index,
        created: row.created,
        revoked: row.revoked === true,
      }
    if (row.open_list === null) await insertStatusList(db, issuerId)
    else if (row.picked === 0) await closeStatusList(db, row.open_list)
    // else: another writer took the index (or the ref) first; draw again.
  }
  throw new Error('could not allocate a status list entry')
}

/** Postgres numbers the bits of a byte from the least significant end; index 0 is the left-most bit (Bitstring Status List §4). */
const pgBit = (index: number) => Math.floor(index / 8) * 8 + (7 - (index % 8))

async function setBits(db: Kysely<PortfolioDB>, rows: StatusEntry[]) {
  for (const r of rows) {
    await db
      .updateTable('status_list')
      .set((eb) => ({
        bits: sql`set_bit(bits, ${pgBit(r.status_index)}, 1)`,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', r.status_list_id)
      .execute()
  }
}

/** Sets the revocation bit of every status entry of these refs (any issuer); returns how many were newly revoked. */
export async function revokeRefs(db: Kysely<PortfolioDB>, refIds: string[]) {
  if (refIds.length === 0) return 0
  const rows = await db
    .updateTable('credential_status')
    .set({ revoked: true })
    .where('ref_id', 'in', refIds)
    .where('revoked', '=', false)
    .returning(['status_list_id', 'status_index'])
    .execute()
  await setBits(db, rows)
  return rows.length
}

/** Revokes one issuer's entry for a ref and sets its bit; a no-op when it already is revoked. */
export async function revokeStatus(db: Kysely<PortfolioDB>, issuerId: string, refId: string) {
  const rows = await db
    .updateTable('credential_status')
    .set({ revoked: true })
    .where('issuer_id', '=', issuerId)
    .where('ref_id', '=', refId)
    .where('revoked', '=', false)
    .returning(['status_list_id', 'status_index'])
    .execute()
  await setBits(db, rows)
}

export function findStatusList(db: Kysely<PortfolioDB>, id: string) {
  return db.selectFrom('status_list').selectAll().where('id', '=', id).executeTakeFirst()
}

/**
 * One bit of a list, read in Postgres instead of the 16 KB list, so a verification sees a revocation
 * at once. `bit` is null when the index is outside the list; `index` is a non-negative integer.
 */
export function statusBit(db: Kysely<PortfolioDB>, listId: string, index: number) {
  return db
    .selectFrom('status_list')
    .select(
      sql<
        number | null
      >`case when ${index}::bigint < size then get_bit(bits, ${pgBit(index)}::bigint) end`.as(
        'bit',
      ),
    )
    .where('id', '=', listId)
    .executeTakeFirst()
}

export async function cacheStatusListCredential(
  db: Kysely<PortfolioDB>,
  id: string,
  version: number,
  credential: string,
) {
  await db
    .updateTable('status_list')
    .set({ credential, credential_version: version })
    .where('id', '=', id)
    .where('version', '=', version)
    .execute()
}

/** Gives back the status entry of a credential that was never issued; its index is free again. */
export async function releaseStatus(db: Kysely<PortfolioDB>, issuerId: string, refId: string) {
  await db
    .deleteFrom('credential_status')
    .where('issuer_id', '=', issuerId)
    .where('ref_id', '=', refId)
    .where('revoked', '=', false)
    .execute()
}
