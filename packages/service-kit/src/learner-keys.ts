import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { SchemaColumns } from '@creditbank/db'
import { type ColumnType, type Kysely, sql, type Transaction } from 'kysely'
import { decrypt, encrypt, nextIv } from './secrets.js'

/**
 * Per-learner data keys (envelope encryption, decision 0730): each learner's personal data is
 * sealed (AES-256-GCM) under that learner's own 256-bit key, and the key is kept sealed under the
 * service's key. Destroying the key (erasure) leaves every sealed value unreadable, in this
 * database and in its backups; the row stays as a tombstone so a late or replayed event cannot
 * make a new key for an erased learner.
 */
export const learnerKeyTablesV1: readonly string[] = [
  `create table learner_key (
    learner_id uuid primary key,
    key_sealed text,
    created_at timestamptz not null default now(),
    destroyed_at timestamptz,
    check ((key_sealed is null) = (destroyed_at is not null))
  )`,
]

export interface LearnerKeyTables {
  learner_key: {
    learner_id: string
    key_sealed: string | null
    created_at: ColumnType<Date, Date | string | undefined, Date | string>
    destroyed_at: ColumnType<Date, Date | string | undefined, Date | string> | null
  }
}

export const learnerKeyTableColumns: SchemaColumns<LearnerKeyTables> = {
  learner_key: {
    learner_id: ['uuid', false],
    key_sealed: ['text', true],
    created_at: ['timestamptz', false],
    destroyed_at: ['timestamptz', true],
  },
}

/** At most this many keys are read in one statement. */
const MAX_KEYS_READ = 5_000

// The table lives in every service's own database type; a key is made or destroyed in a transaction.
type AnyDb = Kysely<any>
type AnyTrx = Transaction<any>

/** The keys of one service: made, read, destroyed; the service key never leaves this object. */
export class LearnerKeys {
  private readonly table

  /** `schema` names the service's schema (raw statements are not qualified by the builder). */
  constructor(
    private readonly serviceKey: Buffer,
    schema: string,
  ) {
    this.table = sql.table(`${schema}.learner_key`)
  }

  /**
   * The learner's key, made on first use; null when the learner was erased (nothing personal may
   * be sealed for them again). Concurrent first uses agree on one key.
   */
  async ensure(trx: AnyTrx, learnerId: string): Promise<Buffer | null> {
    return (await this.ensureMany(trx, [learnerId])).get(learnerId.toLowerCase()) ?? null
  }

  /**
   * Keys for many learners at once (made where missing); erased learners are absent. The map is
   * keyed by the ids as Postgres writes a uuid (lower case).
   *
   * Most learners a service seals for have a key already, so the keys are read first and only the
   * missing ones are made: an insert `ON CONFLICT DO NOTHING`, in sorted order so two transactions
   * making keys for the same learners cannot deadlock. When a row appeared meanwhile (a concurrent
   * first use, or an erasure's tombstone, committed while the insert waited on it), those keys are
   * read again — under read committed the new statement sees the winner's row, so both
   * transactions use one key, and an erased learner stays without one.
   */
  async ensureMany(trx: AnyTrx, learnerIds: string[]): Promise<Map<string, Buffer>> {
    const ids = [...new Set(learnerIds.map((id) => id.toLowerCase()))].sort()
    const stored = await this.storedRows(trx, ids)
    const out = this.opened(stored)
    const missing = ids.filter((id) => !stored.has(id))
    if (missing.length === 0) return out
    const { keys, rows } = this.forNew(missing)
    let inserted = 0
    for (let i = 0; i < missing.length; i += MAX_KEYS_READ) {
      const r = await sql`insert into ${this.table} (learner_id, key_sealed)
        select * from unnest(${missing.slice(i, i + MAX_KEYS_READ)}::uuid[],
          ${rows.slice(i, i + MAX_KEYS_READ).map((k) => k.key_sealed)}::text[])
        on conflict (learner_id) do nothing`.execute(trx)
      inserted += Number(r.numAffectedRows)
    }
    const made =
      inserted === missing.length ? keys : this.opened(await this.storedRows(trx, missing))
    for (const [id, key] of made) out.set(id, key)
    return out
  }

  /**
   * New keys for learners whose ids were just made, so no row can exist for them: the rows to
   * store them by, for the caller to write in the statement that inserts the learners (an
   * opening then costs no statement of its own for its key).
   */
  forNew(learnerIds: string[]) {
    const ids = learnerIds.map((id) => id.toLowerCase())
    const made = newKeys(ids.length)
    return {
      keys: new Map(ids.map((id, k) => [id, made[k]!])),
      rows: ids.map((learner_id, k) => ({
        learner_id,
        key_sealed: encrypt(this.serviceKey, made[k]!.toString('hex')),
      })),
    }
  }

  /** The learner's key, or null when there is none or it was destroyed. */
  async get(db: AnyDb, learnerId: string) {
    return (await this.getMany(db, [learnerId])).get(learnerId) ?? null
  }

  async getMany(db: AnyDb, learnerIds: string[]): Promise<Map<string, Buffer>> {
    return this.opened(await this.storedRows(db, [...new Set(learnerIds)]))
  }

  /** The stored rows of these learners: their sealed key, or null for a tombstone. */
  private async storedRows(db: AnyDb, ids: string[]) {
    const out = new Map<string, string | null>()
    for (let i = 0; i < ids.length; i += MAX_KEYS_READ) {
      const rows = await db
        .selectFrom('learner_key')
        .select(['learner_id', 'key_sealed'])
        .where('learner_id', 'in', ids.slice(i, i + MAX_KEYS_READ))
        .execute()
      for (const r of rows) out.set(r.learner_id, r.key_sealed)
    }
    return out
  }

  /** The keys among stored rows, opened with the service key; tombstones have none. */
  private opened(stored: Map<string, string | null>) {
    const out = new Map<string, Buffer>()
    for (const [id, sealed] of stored)
      if (sealed !== null) out.set(id, Buffer.from(decrypt(this.serviceKey, sealed), 'hex'))
    return out
  }

  /**
   * Destroys the learner's key for good (a tombstone stays). True when this call destroyed it,
   * false when it was already gone: a replayed erasure changes nothing.
   */
  async destroy(trx: AnyTrx, learnerId: string) {
    const r = await sql<{ learner_id: string }>`
      insert into ${this.table} as k (learner_id, key_sealed, destroyed_at)
      values (${learnerId}, null, now())
      on conflict (learner_id) do update set key_sealed = null, destroyed_at = now()
        where k.destroyed_at is null
      returning learner_id`.execute(trx)
    return r.rows.length > 0
  }
}

/** n new random 256-bit keys, drawn from the system's generator at once. */
function newKeys(n: number) {
  const bytes = randomBytes(32 * n)
  return Array.from({ length: n }, (_, k) => bytes.subarray(32 * k, 32 * (k + 1)))
}

/** Seals a personal value under a learner's key. */
export function sealFor(key: Buffer, value: string): string {
  return encrypt(key, value)
}

/** Opens a value sealed under a learner's key; null when the key is gone (erased) or no value. */
export function openFor(key: Buffer | null | undefined, sealed: string | null): string | null {
  if (!key || sealed === null) return null
  return decrypt(key, sealed)
}

/** The first byte of sealed bytes: the format, so a later one can be told apart. */
const BYTES_V1 = 1

/**
 * Seals bytes (a file) under a learner's key, as bytes: the format byte, the 12-byte IV, the
 * 16-byte tag, then the body (AES-256-GCM). Files are stored as they are, not as base64 text.
 */
export function sealBytesFor(key: Buffer, bytes: Buffer): Buffer {
  const iv = nextIv()
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const body = Buffer.concat([cipher.update(bytes), cipher.final()])
  return Buffer.concat([Buffer.from([BYTES_V1]), iv, cipher.getAuthTag(), body])
}

/** Opens bytes sealed by `sealBytesFor`; null when the key is gone (erased) or no value. */
export function openBytesFor(key: Buffer | null | undefined, sealed: Buffer | null): Buffer | null {
  if (!key || sealed === null) return null
  if (sealed.length < 29 || sealed[0] !== BYTES_V1) throw new Error('unknown sealed format')
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13))
  decipher.setAuthTag(sealed.subarray(13, 29))
  return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()])
}
