import { decodeCursor, toPage } from '@creditbank/service-kit'
import type { Kysely } from 'kysely'
import { findLearner } from '../db/learner.repository.js'
import {
  balancesOf,
  chainSlice,
  entryUses,
  findAccount,
  reversalsOf,
  type StatementFilter,
  statementQuery,
  totalsOf,
} from '../db/ledger.repository.js'
import type { AccountsDB, LedgerEntryRow } from '../db/schema.js'
import type { Access } from './access.js'
import { entryHash, GENESIS_HASH } from './chain.js'
import { accountsErrors } from './errors.js'
import { entryView } from './ledger.js'
import { sealedReasonCheck, withReasons } from './reasons.js'

export interface StatementQuery {
  kind?: string
  from?: string
  to?: string
  limit?: number
  cursor?: string
}

/**
 * The statement, newest first, with where each outcome was used; an organization sees what it
 * posted. Reasons are opened under the learner's key, one key read for the page (decision 0730).
 */
export async function statement(
  db: Kysely<AccountsDB>,
  piiKey: Buffer,
  learnerId: string,
  access: Access,
  q: StatementQuery,
) {
  const limit = q.limit ?? 20
  const after = decodeCursor(q.cursor, 2) as [string, string] | undefined
  const filter: StatementFilter = {
    learnerId,
    kind: q.kind,
    from: q.from,
    to: q.to,
    limit,
    ...(access.scope === 'org' ? { orgId: access.orgId } : {}),
    ...(after ? { after: { occurredOn: String(after[0]), seq: String(after[1]) } } : {}),
  }
  const stored = (await statementQuery(db, filter).execute()) as LedgerEntryRow[]
  const ids = stored.slice(0, limit).map((r) => r.id)
  const [uses, reversalRows] = await Promise.all([
    entryUses(db, ids),
    reversalsOf(db, learnerId, ids),
  ])
  // One key read for the page's reasons and its reversals' (the same learner).
  const opened = await withReasons(db, piiKey, [...stored, ...reversalRows])
  const rows = opened.slice(0, stored.length) as LedgerEntryRow[]
  const reversals = opened.slice(stored.length) as typeof reversalRows
  const byEntry = new Map<string, typeof uses>()
  for (const u of uses) byEntry.set(u.entry_id, [...(byEntry.get(u.entry_id) ?? []), u])
  const reversedBy = new Map(reversals.map((r) => [r.reverses_entry_id as string, r]))
  return toPage(
    rows,
    limit,
    (r) => [r.occurred_on, String(r.seq)],
    (r) => {
      const rev = reversedBy.get(r.id)
      return {
        ...entryView(r, byEntry.get(r.id) ?? []),
        // An entry that was reversed (a certificate's when it was revoked) says so, and why.
        reversedBy: rev
          ? {
              entryId: rev.id,
              reason: rev.reason,
              at: new Date(rev.posted_at).toISOString(),
            }
          : null,
      }
    },
  )
}

export async function accountSummary(db: Kysely<AccountsDB>, learnerId: string) {
  const [learner, account, balances, total] = await Promise.all([
    findLearner(db, learnerId),
    findAccount(db, learnerId),
    balancesOf(db, learnerId),
    totalsOf(db, learnerId),
  ])
  if (!learner || !account) throw accountsErrors.ACCOUNTS_LEARNER_NOT_FOUND()
  return {
    learnerId,
    accountNo: learner.account_no,
    balances: {
      total,
      recognized: { credits: account.recognized_credits },
      byKind: Object.fromEntries(
        balances.map((b) => [
          b.kind,
          { credits: b.credits, hours: b.hours, entryCount: Number(b.entry_count) },
        ]),
      ),
    },
    entryCount: Number(account.last_seq),
    headHash: account.head_hash,
  }
}

const CHAIN_PAGE = 1_000

/**
 * Recomputes the account's chain from the entries as stored: each entry must link to the hash
 * before it and hash to what it says, seq must run without gaps, and the account's head must be
 * the last hash. Reads in bounded pages. A sealed reason must open to the text its chained digest
 * commits to while the learner has a key (after an erasure there is no text left to check).
 */
export async function verifyChain(db: Kysely<AccountsDB>, piiKey: Buffer, learnerId: string) {
  const account = await findAccount(db, learnerId)
  if (!account) throw accountsErrors.ACCOUNTS_LEARNER_NOT_FOUND()
  const reasonBroken = sealedReasonCheck(db, piiKey, learnerId)
  let prev = GENESIS_HASH
  let expectedSeq = 1n
  let count = 0
  let firstBad: string | undefined
  for (let after = '0'; ; ) {
    const rows = await chainSlice(db, learnerId, after, CHAIN_PAGE)
    for (const r of rows) {
      count += 1
      if (
        !firstBad &&
        (BigInt(r.seq) !== expectedSeq ||
          r.prev_hash !== prev ||
          entryHash(r.prev_hash, r) !== r.hash ||
          (await reasonBroken(r)))
      )
        firstBad = r.id
      // Follow the recomputed hash, so an entry edited behind our back breaks the link after it too.
      prev = entryHash(prev, r)
      expectedSeq = BigInt(r.seq) + 1n
    }
    if (rows.length < CHAIN_PAGE) break
    after = rows[rows.length - 1]!.seq
  }
  const headOk = account.head_hash === prev && Number(account.last_seq) === count
  return {
    valid: !firstBad && headOk,
    entryCount: count,
    headHash: account.head_hash,
    ...(firstBad ? { firstBadEntryId: firstBad } : {}),
  }
}
