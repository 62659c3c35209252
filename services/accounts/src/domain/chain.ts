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
export type ChainFields = Omit<LedgerEntryRow, 'prev_hash' | 'hash' | 'posted_at'> & { posted_at: Date | string }

export function chainedFields(e: ChainFields) {
  return {
    id: e.id,
    learnerId: e.learner_id,
    seq: String(e.seq),
    code: e.code,
    kind: e.kind,
    balanceKind: e.balance_kind,
    orgId: e.org_id,
    title: e.title,
    outcomeCode: e.outcome_code,
    credits: e.credits,
    hours: e.hours,
    gradeScore: e.grade_score,
    gradeScale: e.grade_scale,
    level: e.level,
    category: e.category,
    occurredOn: e.occurred_on,
    externalRef: e.external_ref,
    contentHash: e.content_hash,
    certificateId: e.certificate_id,
    typeCode: e.type_code,
    applicationId: e.application_id,
    reversesEntryId: e.reverses_entry_id,
    reason: e.reason,
    postedBy: e.posted_by,
    postedAt: new Date(e.posted_at).toISOString(),
  }
}

/** chainedFields' keys in canonical (sorted) order, worked out once. */
const CHAINED_KEYS = Object.keys(chainedFields({ posted_at: new Date(0) } as ChainFields)).sort()

/**
 * canonicalJson(chainedFields(e)) without sorting keys per entry: the keys are fixed and their
 * order is known, and every value is a string or null. Gives the same text, byte for byte.
 */
function canonicalEntry(e: ChainFields): string {
  const f = chainedFields(e) as Record<string, string | null | undefined>
  let out = ''
  for (const k of CHAINED_KEYS) {
    const v = f[k]
    if (v === undefined) continue
    out += `${out ? ',' : ''}"${k}":${JSON.stringify(v)}`
  }
  return `{${out}}`
}

/** sha256 over the previous hash and the canonical entry, hex. */
export function entryHash(prevHash: string, e: ChainFields): string {
  return createHash('sha256').update(prevHash).update(canonicalEntry(e)).digest('hex')
}
