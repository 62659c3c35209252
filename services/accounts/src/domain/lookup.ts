import { AppError } from '@creditbank/contracts'
import type { Kysely } from 'kysely'
import { findLearnersByAccountNos, findLearnersByHashes } from '../db/lookup.repository.js'
import type { AccountsDB } from '../db/schema.js'
import { identify } from './learners.js'

/** A person as another service's caller names them: 身份证号 and name, or an account number. */
export type PersonRef = { nationalId: string; name: string } | { accountNo: string }

export type LookupAnswer =
  | { index: number; id: string; accountNo: string }
  | { index: number; id: null; error: { code: string; message: string } }

const notFound = (index: number): LookupAnswer => ({
  index,
  id: null,
  error: { code: 'ACCOUNTS_LEARNER_NOT_FOUND', message: 'no learner account with these details' },
})

/**
 * Many look-ups at once, each answered on its own (a bad national id is that item's error, not
 * the request's): two index probes in all, whatever the count. A wrong name is as unknown as a
 * wrong national id, as in the single look-up.
 */
export async function lookupLearners(
  db: Kysely<AccountsDB>,
  piiKey: Buffer,
  items: PersonRef[],
): Promise<LookupAnswer[]> {
  type Who =
    | { accountNo: string }
    | { hash: string; nameHash: string }
    | { code: string; message: string }
  const who = items.map((item): Who => {
    if ('accountNo' in item) return { accountNo: item.accountNo.trim().toUpperCase() }
    try {
      const { hash, nameHash } = identify(piiKey, item)
      return { hash, nameHash }
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      return { code: err.code, message: err.errors?.[0]?.message ?? err.message }
    }
  })
  const hashes = who.flatMap((w) => ('hash' in w ? [w.hash] : []))
  const accountNos = who.flatMap((w) => ('accountNo' in w ? [w.accountNo] : []))
  const byHash = new Map(
    (await findLearnersByHashes(db, hashes)).map((l) => [l.national_id_hash, l]),
  )
  const byNo = new Map(
    (await findLearnersByAccountNos(db, accountNos)).map((l) => [l.account_no, l]),
  )
  return who.map((w, index): LookupAnswer => {
    if ('code' in w) return { index, id: null, error: { code: w.code, message: w.message } }
    const l = 'hash' in w ? byHash.get(w.hash) : byNo.get(w.accountNo)
    if (!l || ('nameHash' in w && 'name_hash' in l && l.name_hash !== w.nameHash))
      return notFound(index)
    return { index, id: l.id, accountNo: l.account_no }
  })
}
