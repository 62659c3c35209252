import { createHash } from 'node:crypto'
import { type LearnerKeys, openFor, sealFor } from '@creditbank/service-kit'
import canonicalizeModule from 'canonicalize'
import type { Kysely } from 'kysely'
import type { PortfolioDB } from '../db/schema.js'
import type { TimelineRow } from '../db/timeline.repository.js'
import { portfolioErrors } from './errors.js'
import { learnerShown } from './personal.js'

// RFC 8785 (JSON Canonicalization Scheme); the package is CommonJS with an ESM-style declaration.
const canonicalize = ((canonicalizeModule as { default?: unknown }).default ??
  canonicalizeModule) as (input: unknown) => string | undefined

type Data = Record<string, unknown>
const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null)

/** A date in China time (Asia/Shanghai), as the record and its readers count days. */
export function chinaDate(at: Date | string = new Date()) {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(at))
}

/** What one line of a record or a shared view says, whoever reads it. */
export interface RecordItem {
  ref: string
  category: 'outcome' | 'certificate' | 'recognized'
  kind: string
  title: string
  issuer: string | null
  /** When the learning happened (an outcome's date, a certificate's issue date, a credit's posting). */
  occurredOn: string
  credits: string | null
  hours: string | null
  level: string | null
  number: string | null
  validUntil: string | null
  status: 'valid' | 'expired' | 'revoked'
}

/** Revoked (or reversed) first, then expired by the China-time day, else valid. */
function statusOf(revoked: boolean, validUntil: string | null, today: string) {
  if (revoked) return 'revoked' as const
  return validUntil !== null && validUntil < today ? ('expired' as const) : ('valid' as const)
}

function itemOf(r: TimelineRow, today: string): RecordItem {
  const d = r.data as Data
  const cert = r.category === 'certificate'
  const validUntil = cert ? str(d.expiresOn) : null
  const occurredOn = str(d.occurredOn) ?? str(d.issuedOn) ?? chinaDate(r.at)
  return {
    ref: r.ref_id ?? r.event_id,
    category: r.category as RecordItem['category'],
    kind: cert ? 'certificate' : r.category === 'recognized' ? 'recognized' : String(d.kind),
    title: r.title,
    issuer: r.org_name ?? null,
    occurredOn,
    credits: str(d.credits),
    hours: str(d.hours),
    level: str(d.level),
    number: cert ? str(d.number) : null,
    validUntil,
    status: statusOf(r.status !== 'active', validUntil, today),
  }
}

/**
 * The record's lines from timeline rows: outcomes, certificates and recognized credits, oldest
 * first by when the learning happened. A certificate's ledger copy (an outcome naming the
 * certificate) is left out where the certificate itself is there: one achievement, one line.
 */
export function recordItems(rows: TimelineRow[], today = chinaDate()): RecordItem[] {
  const certificates = new Set(
    rows.filter((r) => r.category === 'certificate').map((r) => r.ref_id),
  )
  return rows
    .filter((r) => ['outcome', 'certificate', 'recognized'].includes(r.category))
    .filter(
      (r) => !(r.category === 'outcome' && certificates.has(str((r.data as Data).certificateId))),
    )
    .map((r) => itemOf(r, today))
    .sort((a, b) =>
      a.occurredOn === b.occurredOn
        ? a.ref.localeCompare(b.ref)
        : a.occurredOn.localeCompare(b.occurredOn),
    )
}

export interface RecordBody {
  v: 1
  title: '学习成果证明'
  learner: { name: string | null; accountNo: string | null }
  scope: 'account' | 'share'
  asOf: string
  items: Omit<RecordItem, 'status'>[]
}

/** The record of an account (every active entry) or of a share (what it names), as printed today. */
export async function buildRecord(
  db: Kysely<PortfolioDB>,
  keys: LearnerKeys,
  learnerId: string,
  rows: TimelineRow[],
  scope: RecordBody['scope'],
): Promise<RecordBody> {
  const learner = await learnerShown(db, keys, learnerId)
  const today = chinaDate()
  return {
    v: 1,
    title: '学习成果证明',
    learner: { name: learner?.name ?? null, accountNo: learner?.accountNo ?? null },
    scope,
    asOf: today,
    items: recordItems(rows, today)
      .filter((i) => i.status !== 'revoked')
      .map(({ status: _status, ...rest }) => rest),
  }
}

/**
 * Keeps the record's canonical form (RFC 8785 JSON canonicalization) under its sha256: the digest
 * printed on the paper and in its QR code. The same record on the same day gives the same digest,
 * so printing again stores nothing new.
 */
export async function storeRecord(
  db: Kysely<PortfolioDB>,
  keys: LearnerKeys,
  learnerId: string,
  shareId: string | null,
  body: RecordBody,
) {
  const canonical = canonicalize(body) as string
  const digest = createHash('sha256').update(canonical, 'utf8').digest('hex')
  // Sealed under the learner's key: the record prints their name. An erased learner has no key,
  // and nothing of theirs is kept again: their record is printed but not stored.
  await db.transaction().execute(async (trx) => {
    const key = await keys.ensure(trx, learnerId)
    if (!key) return
    await trx
      .insertInto('record')
      .values({
        digest,
        code: digest.slice(0, 16),
        learner_id: learnerId,
        share_id: shareId,
        canonical_sealed: sealFor(key, canonical),
      })
      .onConflict((oc) => oc.column('digest').doNothing())
      .execute()
  })
  return { digest, canonical }
}

/**
 * A printed record by its digest or its first 16 characters (the code a person types), with what
 * is true of its lines today: an entry reversed or a certificate revoked since shows here.
 */
export async function findRecord(db: Kysely<PortfolioDB>, keys: LearnerKeys, codeOrDigest: string) {
  const wanted = codeOrDigest.toLowerCase()
  const row = await db
    .selectFrom('record')
    .selectAll()
    .where('code', '=', wanted.slice(0, 16))
    .executeTakeFirst()
  if (!row || (wanted.length > 16 && row.digest !== wanted))
    throw portfolioErrors.PORTFOLIO_RECORD_NOT_FOUND()
  const canonical = openFor(await keys.get(db, row.learner_id), row.canonical_sealed)
  if (canonical === null) throw portfolioErrors.PORTFOLIO_RECORD_NOT_FOUND()
  const body = JSON.parse(canonical) as RecordBody
  const refs = body.items.map((i) => i.ref)
  const now = refs.length
    ? await db
        .selectFrom('timeline_item')
        .select(['ref_id', 'status'])
        .where('learner_id', '=', row.learner_id)
        .where('ref_id', 'in', refs)
        .where('category', 'in', ['outcome', 'certificate', 'recognized'])
        .execute()
    : []
  const revoked = new Set(now.filter((r) => r.status !== 'active').map((r) => r.ref_id))
  const today = chinaDate()
  const items = body.items.map((i) => ({
    ...i,
    status: statusOf(revoked.has(i.ref), i.validUntil, today),
  }))
  return {
    digest: row.digest,
    code: row.code,
    canonical,
    printedAt: row.created_at.toISOString(),
    record: { ...body, items },
    valid: items.every((i) => i.status === 'valid'),
  }
}
