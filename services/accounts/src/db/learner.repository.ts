import { type Kysely, sql, type Transaction } from 'kysely'
import type { AccountsDB, LearnerTable } from './schema.js'

export type LearnerRow = Omit<LearnerTable, 'opened_at' | 'claimed_at' | 'erased_at'> & {
  opened_at: Date
  claimed_at: Date | null
  erased_at: Date | null
}

export function findLearner(db: Kysely<AccountsDB>, id: string) {
  return db.selectFrom('learner').selectAll().where('id', '=', id).executeTakeFirst() as Promise<
    LearnerRow | undefined
  >
}

export function findLearnerByHash(db: Kysely<AccountsDB>, nationalIdHash: string) {
  return db
    .selectFrom('learner')
    .selectAll()
    .where('national_id_hash', '=', nationalIdHash)
    .executeTakeFirst() as Promise<LearnerRow | undefined>
}

/** The learner with this national id hash, their row locked until the transaction ends. */
export function findLearnerByHashForUpdate(trx: Transaction<AccountsDB>, nationalIdHash: string) {
  return trx
    .selectFrom('learner')
    .selectAll()
    .where('national_id_hash', '=', nationalIdHash)
    .forUpdate()
    .executeTakeFirst() as Promise<LearnerRow | undefined>
}

export function findLearnerByUser(db: Kysely<AccountsDB>, userId: string) {
  return db
    .selectFrom('learner')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst() as Promise<LearnerRow | undefined>
}

export async function nextAccountSerial(db: Kysely<AccountsDB>) {
  const r = await sql<{
    n: string
  }>`select nextval(${'accounts.account_no_seq'}::regclass)::text as n`.execute(db)
  return r.rows[0]!.n
}

/** Inserts the learner and an empty account; nothing when the national id is already there. */
export async function insertLearner(
  db: Kysely<AccountsDB>,
  row: Omit<LearnerRow, 'opened_at' | 'claimed_at' | 'erased_at'> & {
    claimed_at?: Date | null
    erased_at?: Date | null
  },
  genesisHash: string,
) {
  const inserted = (await db
    .insertInto('learner')
    .values(row)
    .onConflict((oc) => oc.column('national_id_hash').doNothing())
    .returningAll()
    .executeTakeFirst()) as LearnerRow | undefined
  if (inserted)
    await db
      .insertInto('account')
      .values({ learner_id: inserted.id, head_hash: genesisHash })
      .execute()
  return inserted
}

export async function linkUser(db: Kysely<AccountsDB>, learnerId: string, userId: string) {
  return (await db
    .updateTable('learner')
    .set({ user_id: userId, claimed_at: new Date() })
    .where('id', '=', learnerId)
    .where('user_id', 'is', null)
    .returningAll()
    .executeTakeFirst()) as LearnerRow | undefined
}
