import { type Kysely, sql } from 'kysely'
import type { AccountsDB } from './schema.js'

/** The learners of these national id hashes: one probe of the unique index per hash. */
export async function findLearnersByHashes(db: Kysely<AccountsDB>, hashes: string[]) {
  if (hashes.length === 0) return []
  const r = await sql<{
    id: string
    account_no: string
    name_hash: string | null
    personal_sealed: string | null
    national_id_hash: string
  }>`
    select l.id, l.account_no, l.name_hash, l.personal_sealed, l.national_id_hash
    from unnest(${hashes}::text[]) as k(hash)
    join accounts.learner l on l.national_id_hash = k.hash`.execute(db)
  return r.rows
}

/** The learners of these account numbers: one probe of the unique index per number. */
export async function findLearnersByAccountNos(db: Kysely<AccountsDB>, accountNos: string[]) {
  if (accountNos.length === 0) return []
  const r = await sql<{ id: string; account_no: string }>`
    select l.id, l.account_no
    from unnest(${accountNos}::text[]) as k(account_no)
    join accounts.learner l on l.account_no = k.account_no`.execute(db)
  return r.rows
}
