import { createHash } from 'node:crypto'
import type { LedgerEntryRow } from '../db/schema.js'

export const GENESIS_HASH = '0'.repeat(64)

/** JSON with keys sorted at every level: the same entry always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

/** The fields an entry's hash covers: everything but the hashes themselves. */
export type ChainFields = Omit<LedgerEntryRow, 'prev_hash' | 'hash' | 'posted_at'> & {
  posted_at: Date | string
}

/**
 * Each chained field's name in the canonical JSON and how it is read from a row. A reader that
 * answers undefined leaves its key out of the text: so a field added later changes nothing for
 * the entries written before it (their hashes stay what they were).
 */
const chained: Record<string, (e: ChainFields) => string | null | undefined> = {
  id: (e) => e.id,
  learnerId: (e) => e.learner_id,
  seq: (e) => String(e.seq),
  code: (e) => e.code,
  kind: (e) => e.kind,
  balanceKind: (e) => e.balance_kind,
  orgId: (e) => e.org_id,
  title: (e) => e.title,
  outcomeCode: (e) => e.outcome_code,
  credits: (e) => e.credits,
  hours: (e) => e.hours,
  gradeScore: (e) => e.grade_score,
  gradeScale: (e) => e.grade_scale,
  level: (e) => e.level,
  category: (e) => e.category,
  occurredOn: (e) => e.occurred_on,
  externalRef: (e) => e.external_ref,
  contentHash: (e) => e.content_hash,
  certificateId: (e) => e.certificate_id,
  typeCode: (e) => e.type_code,
  applicationId: (e) => e.application_id,
  reversesEntryId: (e) => e.reverses_entry_id,
  // The clear reason of entries written before 2026-12-11; null in later ones, which seal it.
  reason: (e) => e.reason,
  // A sealed reason is covered by its keyed digest, never its text (decision 0730): an erasure
  // destroys the text, not what the hash covers. Absent (not null) where there is none, so every
  // entry without one hashes as it always did.
  reasonDigest: (e) => e.reason_digest ?? undefined,
  postedBy: (e) => e.posted_by,
  postedAt: (e) => new Date(e.posted_at).toISOString(),
}

export function chainedFields(e: ChainFields): Record<string, string | null | undefined> {
  return Object.fromEntries(Object.entries(chained).map(([k, read]) => [k, read(e)]))
}

/** The readers in canonical (sorted) key order, each with its `"key":` prefix, worked out once. */
const SORTED = Object.keys(chained)
  .sort()
  .map((k) => [`${JSON.stringify(k)}:`, chained[k]!] as const)

/**
 * canonicalJson(chainedFields(e)) without building the object or sorting its keys per entry:
 * the same text, byte for byte (every value is a string or null; undefined ones are left out).
 */
function canonicalEntry(e: ChainFields): string {
  let out = ''
  for (const [prefix, read] of SORTED) {
    const v = read(e)
    if (v === undefined) continue
    out += `${out ? ',' : ''}${prefix}${JSON.stringify(v)}`
  }
  return `{${out}}`
}

/** sha256 over the previous hash and the canonical entry, hex. */
export function entryHash(prevHash: string, e: ChainFields): string {
  return createHash('sha256').update(prevHash).update(canonicalEntry(e)).digest('hex')
}
