import { type AccountsEventType, chinaDate, negate } from '@creditbank/contracts'
import type { Publish } from '@creditbank/events'
import type { Transaction } from 'kysely'
import { findEntry, findReversalOf, lockAccounts } from '../db/ledger.repository.js'
import type { AccountsDB, LedgerEntryRow } from '../db/schema.js'
import { accountsErrors } from './errors.js'
import { appendEntries, draft, reversedEvent } from './ledger.js'
import { NO_REASON, type SealedReason, sealReason } from './reasons.js'

/**
 * Appends the entry that cancels `original`: the same kind of balance moves back by the same
 * amounts, and the original stays as it was. Never twice (checked under the account lock, and by
 * a unique index). The reason, when there is one, is sealed under the learner's key by `seal`,
 * called only once the reversal goes ahead (a refused second one reads no key); its clear column
 * stays null, and the chain covers its digest (decision 0730).
 */
export async function appendReversal(
  trx: Transaction<AccountsDB>,
  original: LedgerEntryRow,
  seal: () => Promise<SealedReason>,
  orgId: string,
  actor: string,
  publish: Publish<AccountsEventType>,
) {
  const heads = await lockAccounts(trx, [original.learner_id])
  if (await findReversalOf(trx, original.id)) throw accountsErrors.ACCOUNTS_ENTRY_ALREADY_REVERSED()
  const { reason_sealed, reason_digest } = await seal()
  const [row] = await appendEntries(trx, heads, [
    draft({
      learner_id: original.learner_id,
      code: 'reversal',
      kind: 'reversal',
      balance_kind: original.balance_kind,
      org_id: orgId,
      title: original.title,
      outcome_code: original.outcome_code,
      credits: negate(original.credits),
      hours: negate(original.hours),
      occurred_on: chinaDate(),
      certificate_id: original.certificate_id,
      reverses_entry_id: original.id,
      reason_sealed,
      reason_digest,
      posted_by: actor,
    }),
  ])
  await publish(trx, [reversedEvent(row!)])
  return row!
}

/** A reversal that keeps no reason (a revoked certificate's: the issuer keeps it, 0730). */
export const noReason = async () => NO_REASON

/**
 * POST /v1/entries/{id}/reversal: only the posting organization, only posted outcomes. Answers the
 * entry as its reader sees it: with the reason written, or null when the learner was erased and so
 * none was kept.
 */
export async function reverseEntry(
  trx: Transaction<AccountsDB>,
  piiKey: Buffer,
  entryId: string,
  reason: string,
  orgId: string,
  actor: string,
  publish: Publish<AccountsEventType>,
): Promise<LedgerEntryRow> {
  const original = await findEntry(trx, entryId)
  // Another organization's entry is not one this caller may know exists.
  if (!original || original.org_id !== orgId) throw accountsErrors.ACCOUNTS_ENTRY_NOT_FOUND()
  if (original.code !== 'outcome.posted') throw accountsErrors.ACCOUNTS_ENTRY_NOT_REVERSIBLE()
  const row = await appendReversal(
    trx,
    original,
    () => sealReason(trx, piiKey, original.learner_id, reason),
    orgId,
    actor,
    publish,
  )
  return { ...row, reason: row.reason_sealed === null ? null : reason }
}
