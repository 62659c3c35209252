import { randomBytes } from 'node:crypto'
import type { SchemaColumns } from '@creditbank/db'
import { type ColumnType, type Kysely, sql, type Transaction } from 'kysely'
import { decrypt, encrypt } from './secrets.js'

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
    await trx
      .insertInto('learner_key')
      .values({ learner_id: learnerId, key_sealed: encrypt(this.serviceKey, newKeyHex()) })
      .onConflict((oc) => oc.column('learner_id').doNothing())
      .execute()
    return this.get(trx, learnerId)
  }

  /** Keys for many learners at once (made where missing); erased learners are absent. */
  async ensureMany(trx: AnyTrx, learnerIds: string[]): Promise<Map<string, Buffer>> {
    const ids = [...new Set(learnerIds)]
    if (ids.length === 0) return new Map()
    for (let i = 0; i < ids.length; i += MAX_KEYS_READ) {
      const part = ids.slice(i, i + MAX_KEYS_READ)
      const sealed = part.map(() => encrypt(this.serviceKey, newKeyHex()))
      await sql`insert into ${this.table} (learner_id, key_sealed)
        select * from unnest(${part}::uuid[], ${sealed}::text[])
        on conflict (learner_id) do nothing`.execute(trx)
    }
    return this.getMany(trx, ids)
  }

  /** The learner's key, or null when there is none or it was destroyed. */
  async get(db: AnyDb, learnerId: string) {
    return (await this.getMany(db, [learnerId])).get(learnerId) ?? null
  }

  async getMany(db: AnyDb, learnerIds: string[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>()
    const ids = [...new Set(learnerIds)]
    for (let i = 0; i < ids.length; i += MAX_KEYS_READ) {
      const rows = await db
        .selectFrom('learner_key')
        .select(['learner_id', 'key_sealed'])
        .where('learner_id', 'in', ids.slice(i, i + MAX_KEYS_READ))
        .where('key_sealed', 'is not', null)
        .execute()
      for (const r of rows)
        out.set(r.learner_id, Buffer.from(decrypt(this.serviceKey, r.key_sealed), 'hex'))
    }
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

function newKeyHex() {
  return randomBytes(32).toString('hex')
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
