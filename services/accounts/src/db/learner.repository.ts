import { jsonRows } from '@creditbank/db'
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

/** A learner as an opening writes them: personal data only sealed, looked up by keyed hashes. */
export interface NewLearner {
  id: string
  account_no: string
  national_id_hash: string
  personal_sealed: string
  name_hash: string
  category: string
  opened_by_org_id: string | null
}

/**
 * Inserts learners, each with an empty account and its data key's row, in one statement: a
 * learner whose national id is already there (opened meanwhile by another transaction) is left
 * out, and so are their account and key. Returns the learners inserted.
 */
export async function insertLearners(
  trx: Transaction<AccountsDB>,
  rows: NewLearner[],
  keys: { learner_id: string; key_sealed: string }[],
  genesisHash: string,
) {
  const values = jsonRows(rows, {
    id: 'uuid',
    account_no: 'text',
    national_id_hash: 'text',
    personal_sealed: 'text',
    name_hash: 'text',
    category: 'text',
    opened_by_org_id: 'uuid',
  })
  const r = await sql<LearnerRow>`
    with l as (
      insert into accounts.learner (${sql.join(values.names.map((n) => sql.ref(n)))})
      ${values.select}
      on conflict (national_id_hash) do nothing
      returning *
    ), a as (
      insert into accounts.account (learner_id, head_hash) select id, ${genesisHash} from l
    ), k as (
      insert into accounts.learner_key (learner_id, key_sealed)
      select l.id, n.key_sealed
      from l join unnest(${keys.map((k) => k.learner_id)}::uuid[],
        ${keys.map((k) => k.key_sealed)}::text[]) as n(learner_id, key_sealed)
        on n.learner_id = l.id
    )
    select * from l`.execute(trx)
  return r.rows
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
