import { createHash } from 'node:crypto'
import type { PortfolioEventType } from '@creditbank/contracts'
import type { Publish } from '@creditbank/events'
import {
  type LearnerKeys,
  openBytesFor,
  openFor,
  sealBytesFor,
  sealFor,
} from '@creditbank/service-kit'
import type { Kysely } from 'kysely'
import { uuidv7 } from 'uuidv7'
import {
  findEvidence,
  findEvidenceByHash,
  insertEvidence,
  readSealedContent,
} from '../db/evidence.repository.js'
import type { PortfolioDB } from '../db/schema.js'
import { portfolioErrors } from './errors.js'
import { openEach } from './personal.js'

export const EVIDENCE_MAX_BYTES = 10 * 1024 * 1024

/** The media type from the first bytes (the "magic number"); the name and the declared type are not trusted. */
export function sniff(bytes: Buffer): 'application/pdf' | 'image/png' | 'image/jpeg' | null {
  if (bytes.length >= 5 && bytes.subarray(0, 5).toString('latin1') === '%PDF-')
    return 'application/pdf'
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'image/png'
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return 'image/jpeg'
  return null
}

interface EvidenceRow {
  id: string
  learner_id: string
  sha256: string
  media_type: string
  size_bytes: number
  created_at: Date
}

/** A file as its learner sees it; `filename` is the opened name. */
export function evidenceView(e: EvidenceRow & { filename: string | null }) {
  return {
    id: e.id,
    learnerId: e.learner_id,
    sha256: e.sha256,
    filename: e.filename,
    mediaType: e.media_type,
    sizeBytes: e.size_bytes,
    createdAt: e.created_at.toISOString(),
  }
}

/**
 * What is stored of an uploaded file: a PDF as it came once it has been parsed and found to be
 * unencrypted and free of scripts; an image with its metadata (EXIF, GPS position, XMP, comments)
 * taken out and decoded in full. Anything else is refused with a code naming the problem.
 */
export async function acceptedContent(bytes: Buffer) {
  if (bytes.length === 0) throw portfolioErrors.PORTFOLIO_EVIDENCE_EMPTY()
  const mediaType = sniff(bytes)
  if (!mediaType) throw portfolioErrors.PORTFOLIO_EVIDENCE_TYPE_UNSUPPORTED()
  // pdf-lib and sharp are loaded on the first upload, not at every start.
  if (mediaType === 'application/pdf') {
    await (await import('./evidence-pdf.js')).checkPdf(bytes)
    return { mediaType, content: bytes }
  }
  return {
    mediaType,
    content: await (await import('./evidence-image.js')).cleanImage(bytes, mediaType),
  }
}

/** Rows of files with their names opened, one read of the learners' keys for them all. */
export async function withNames<R extends EvidenceRow & { filename_sealed: string | null }>(
  db: Kysely<PortfolioDB>,
  keys: LearnerKeys,
  rows: R[],
) {
  const names = await openEach(db, keys, rows, (r) => r.filename_sealed)
  return rows.map((r, i) => ({ ...r, filename: names[i] ?? null }))
}

/**
 * Keeps a learner's evidence file: its bytes and its name sealed under the learner's key (bytea
 * in Postgres, so a backup of the database is a backup of the files, and an erasure that destroys
 * the key leaves that backup's copy unreadable). One row per learner and file: the same file again
 * answers the existing row (200), not a copy. Two learners with the same file keep it twice, each
 * under their own key. The sha256 is of the stored bytes. An erased learner has no key: 409.
 */
export async function addEvidence(
  db: Kysely<PortfolioDB>,
  keys: LearnerKeys,
  learnerId: string,
  actor: string,
  upload: Buffer,
  filename: string | null,
  publish: Publish<PortfolioEventType>,
) {
  const { mediaType, content: bytes } = await acceptedContent(upload)
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  return db.transaction().execute(async (trx) => {
    const existing = await findEvidenceByHash(trx, learnerId, sha256)
    if (existing) return { status: 200, evidence: await opened(trx, keys, existing) }
    const key = await keys.ensure(trx, learnerId)
    if (!key) throw portfolioErrors.PORTFOLIO_LEARNER_ERASED()
    const inserted = await insertEvidence(trx, {
      id: uuidv7(),
      learner_id: learnerId,
      sha256,
      filename_sealed: filename === null ? null : sealFor(key, filename),
      content_sealed: sealBytesFor(key, bytes),
      media_type: mediaType,
      size_bytes: bytes.length,
      created_by: actor,
    })
    if (inserted) {
      // Recognition learns whose file it is, so an application may name only the learner's own.
      // Not its name: free text, often the learner's own name, that the topic would keep past an
      // erasure; recognition asks POST /v1/evidence/names/batch for it (decision 0730).
      await publish(trx, [
        {
          type: 'portfolio.evidence.added',
          subject: learnerId,
          data: { evidenceId: inserted.id, learnerId, sha256, mediaType, sizeBytes: bytes.length },
        },
      ])
      return { status: 201, evidence: evidenceView({ ...inserted, filename }) }
    }
    // The same file uploaded at once by a concurrent request of the learner: that one's row.
    const stored = await findEvidenceByHash(trx, learnerId, sha256)
    if (!stored) throw new Error('evidence vanished')
    return { status: 200, evidence: await opened(trx, keys, stored) }
  })
}

/**
 * The file of one evidence row, opened under its learner's key, for its learner only (anyone else
 * sees nothing: 404, as for a file whose key is gone).
 */
export async function readEvidence(
  db: Kysely<PortfolioDB>,
  keys: LearnerKeys,
  id: string,
  learnerId: string | null,
) {
  const e = await findEvidence(db, id)
  if (!e || e.learner_id !== learnerId) throw portfolioErrors.PORTFOLIO_EVIDENCE_NOT_FOUND()
  const content = await openEvidenceContent(db, keys, e)
  if (!content) throw portfolioErrors.PORTFOLIO_EVIDENCE_NOT_FOUND()
  return { evidence: e, content }
}

/** A file's bytes opened under its learner's key; null when there is no key or no sealed copy. */
export async function openEvidenceContent(
  db: Kysely<PortfolioDB>,
  keys: LearnerKeys,
  e: { id: string; learner_id: string },
) {
  const sealed = await readSealedContent(db, e.id)
  return sealed ? openBytesFor(await keys.get(db, e.learner_id), sealed) : null
}

/** One file as its learner sees it, its name opened. */
async function opened(
  db: Kysely<PortfolioDB>,
  keys: LearnerKeys,
  e: EvidenceRow & { filename_sealed: string | null },
) {
  const name = e.filename_sealed
    ? openFor(await keys.get(db, e.learner_id), e.filename_sealed)
    : null
  return evidenceView({ ...e, filename: name })
}
