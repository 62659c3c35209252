import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { openFor, sealFor } from '@creditbank/service-kit'
import type { Kysely, Transaction } from 'kysely'
import type { AccountsDB, LedgerEntryRow } from '../db/schema.js'
import { learnerKeys } from './personal.js'

/**
 * A reversal's reason is free text a registrar writes, often naming the person (decision 0730,
 * 2026-12-11). It is kept sealed under the learner's own key, and the chain covers a keyed digest
 * of it instead of the text: an erasure destroys the key, the text becomes unreadable, and the
 * digest the hash covers stays as it was, so the chain still verifies.
 */
export interface SealedReason {
  reason_sealed: string | null
  reason_digest: string | null
}

export const NO_REASON: SealedReason = { reason_sealed: null, reason_digest: null }

const DIGEST_INFO = 'creditbank accounts ledger_entry.reason digest v1'

/**
 * The key the digest is made with, derived from the learner's data key (HKDF-SHA256) rather than
 * being that key: one key is not used for two algorithms (AES-GCM and HMAC). Derived, not stored,
 * so it is destroyed with the data key; a digest under the service key would let whoever holds
 * that key and an old backup test guesses of an erased person's reason.
 */
function digestKey(dataKey: Buffer) {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), DIGEST_INFO, 32))
}

/** HMAC-SHA256 of the reason's UTF-8 bytes, `v1.<hex>` (the version tells a later scheme apart). */
export function reasonDigest(dataKey: Buffer, reason: string) {
  return `v1.${createHmac('sha256', digestKey(dataKey)).update(reason, 'utf8').digest('hex')}`
}

/** Whether a reason opened from an entry is the one its chained digest commits to. */
function digestMatches(dataKey: Buffer, reason: string, digest: string) {
  const a = Buffer.from(reasonDigest(dataKey, reason))
  const b = Buffer.from(digest)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * For the chain check: whether an entry's sealed reason is not the text its chained digest commits
 * to (the hash covers the digest only, so a sealed value swapped behind the service's back would
 * otherwise go unseen). The learner's key is read once, at the first sealed entry; once they are
 * erased there is no text left to check, and only the hash is.
 */
export function sealedReasonCheck(db: Kysely<AccountsDB>, piiKey: Buffer, learnerId: string) {
  let key: Promise<Buffer | null> | undefined
  return async (r: LedgerEntryRow) => {
    if (r.reason_sealed === null && r.reason_digest === null) return false
    // A digest without its text, or the reverse, or beside a clear reason: not as written.
    if (r.reason_sealed === null || r.reason_digest === null || r.reason !== null) return true
    key ??= learnerKeys(piiKey).get(db, learnerId)
    const k = await key
    if (!k) return false
    try {
      return !digestMatches(k, openFor(k, r.reason_sealed)!, r.reason_digest)
    } catch {
      return true // does not open under the key: not sealed by us for this learner
    }
  }
}

/**
 * The reason as a new entry keeps it: sealed and digested under the learner's key, made if they
 * have none. An erased learner has no key and gets none: no reason is kept for them.
 */
export async function sealReason(
  trx: Transaction<AccountsDB>,
  piiKey: Buffer,
  learnerId: string,
  reason: string | null,
): Promise<SealedReason> {
  if (reason === null) return NO_REASON
  const key = await learnerKeys(piiKey).ensure(trx, learnerId)
  if (!key) return NO_REASON
  return { reason_sealed: sealFor(key, reason), reason_digest: reasonDigest(key, reason) }
}

type WithReason = Pick<LedgerEntryRow, 'learner_id' | 'reason' | 'reason_sealed'>

/**
 * The entries with `reason` as a reader sees it: opened under the learner's key for sealed ones
 * (null once the learner is erased), the clear text for entries written before. One key read for
 * all of them, none when no entry is sealed. Returns copies only of the sealed ones: the rows
 * stay as stored for anything that hashes them.
 */
export async function withReasons<R extends WithReason>(
  db: Kysely<AccountsDB>,
  piiKey: Buffer,
  rows: R[],
): Promise<R[]> {
  const sealed = rows.filter((r) => r.reason_sealed !== null)
  if (sealed.length === 0) return rows
  const keys = await learnerKeys(piiKey).getMany(
    db,
    sealed.map((r) => r.learner_id),
  )
  return rows.map((r) =>
    r.reason_sealed === null
      ? r
      : { ...r, reason: openFor(keys.get(r.learner_id), r.reason_sealed) },
  )
}
