import { createHash } from 'node:crypto'
import { AppError } from '@creditbank/contracts'
import type { LearnerKeys } from '@creditbank/service-kit'
import type { Kysely } from 'kysely'
import {
  allNotificationRows,
  evidenceRows,
  issuedCredentialRows,
  recordRows,
  shareAccessRows,
  shareRows,
} from '../db/export.repository.js'
import type { PortfolioDB } from '../db/schema.js'
import { findLearner, timelineRows } from '../db/timeline.repository.js'
import { type CredentialContext, issueClr } from './credentials.js'
import { portfolioErrors } from './errors.js'
import { evidenceView, openEvidenceContent, withNames } from './evidence.js'
import { describe, readme } from './export-readme.js'
import { EXPORT_LIMITS, type RemoteParts } from './export-sources.js'
import { openEach } from './personal.js'
import { buildRecord, storeRecord } from './record.js'
import { openVisitor, shareView, withLabels } from './shares.js'
import { itemView } from './timeline.js'
import type { ZipPart } from './zip-stream.js'

/** The most one archive holds, files and JSON together, before compression. */
export const EXPORT_MAX_BYTES = 256 * 1024 * 1024

/** A row list that stayed within its bound (the queries fetch one more row to tell). */
function bounded<T>(rows: T[], what: string): T[] {
  if (rows.length > EXPORT_LIMITS.listMaxItems)
    throw portfolioErrors.PORTFOLIO_EXPORT_TOO_LARGE(
      `more than ${EXPORT_LIMITS.listMaxItems} ${what}`,
    )
  return rows
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8')
const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
}

/** What portfolio holds itself: timeline, evidence, shares and their accesses, notifications, credentials, records. */
async function localParts(db: Kysely<PortfolioDB>, keys: LearnerKeys, learnerId: string) {
  const max = EXPORT_LIMITS.listMaxItems
  const timeline = bounded(await timelineRows(db, learnerId, { limit: max }), 'timeline items')
  const evidence = await withNames(
    db,
    keys,
    bounded(await evidenceRows(db, learnerId, max), 'evidence files'),
  )
  const shares = await withLabels(db, keys, bounded(await shareRows(db, learnerId, max), 'shares'))
  const accesses = bounded(await shareAccessRows(db, learnerId, max), 'share accesses')
  // Every access here is to one of the learner's shares: their key opens who opened them.
  const key = accesses.length ? await keys.get(db, learnerId) : null
  const notifications = bounded(await allNotificationRows(db, learnerId, max), 'notifications')
  const credentials = bounded(await issuedCredentialRows(db, learnerId, max), 'credentials')
  return {
    timeline: timeline.map(itemView),
    evidence,
    shares: shares.map((s) => {
      const mine = accesses
        .filter((a) => a.share_id === s.id)
        .map((a) => ({ at: a.at, ...openVisitor(key, a.visitor_sealed) }))
      const { accesses: _latest, ...view } = shareView(s, [], mine.length)
      return {
        ...view,
        accesses: mine.map((a) => ({
          at: a.at.toISOString(),
          userAgent: a.userAgent,
          clientIp: a.clientIp,
        })),
      }
    }),
    notifications: notifications.map((n) => ({
      id: n.id,
      kind: n.kind,
      at: n.at.toISOString(),
      readAt: n.read_at ? n.read_at.toISOString() : null,
      refId: n.ref_id,
      orgId: n.org_id,
      orgName: n.org_name ?? null,
      data: n.data,
    })),
    credentials: credentials.map((c) => ({
      entryId: c.ref_id,
      issuerId: c.issuer_id,
      issuerDid: c.did,
      statusList: c.status_list_id,
      statusIndex: c.status_index,
      revoked: c.revoked,
      firstIssuedAt: c.created_at.toISOString(),
    })),
  }
}

/** The 学习成果证明 as the learner's page prints it (and kept, like every print, under its digest). */
async function recordPdf(ctx: CredentialContext, learnerId: string) {
  const rows = await timelineRows(ctx.db, learnerId, { limit: 1_000 })
  const body = await buildRecord(ctx.db, ctx.keys, learnerId, rows, 'account')
  const { digest } = await storeRecord(ctx.db, ctx.keys, learnerId, null, body)
  const { renderRecordPdf } = await import('./record-pdf.js')
  return renderRecordPdf(body, `${ctx.publicBaseUrl}/#/record/${digest}`, digest)
}

/** The CLR credential of the whole record, or null while the record holds nothing to sign. */
async function clrOrNull(ctx: CredentialContext, learnerId: string) {
  try {
    return await issueClr(ctx, learnerId, 'eddsa-rdfc-2022')
  } catch (err) {
    if (err instanceof AppError && err.code === 'PORTFOLIO_RECORD_EMPTY') return null
    throw err
  }
}

interface Entry {
  path: string
  bytes: Buffer | null
  size: number
  items?: number
  compress: boolean
  load?: () => Promise<Buffer>
}

/**
 * The archive's files, in order: the README and manifest first, then each service's part, then
 * the evidence files (read one at a time while the archive is written). Everything the other
 * services hold was fetched before this is called, so a service that is down fails the request
 * before a byte of the archive is sent.
 */
export async function exportParts(
  ctx: CredentialContext,
  learnerId: string,
  remote: RemoteParts,
  now: Date,
): Promise<{ parts: ZipPart[]; filename: string }> {
  // The PDF and the CLR first: the print is then among the printed records, and the CLR's
  // credentials among those issued.
  const pdf = await recordPdf(ctx, learnerId)
  const clr = await clrOrNull(ctx, learnerId)
  const local = await localParts(ctx.db, ctx.keys, learnerId)
  const records = bounded(await recordRows(ctx.db, learnerId, 1_000), 'printed records')
  const printed = await openEach(ctx.db, ctx.keys, records, (r) => r.canonical_sealed)
  const learner = await findLearner(ctx.db, learnerId)

  const entries: Entry[] = []
  const add = (path: string, value: unknown, items?: number) => {
    const bytes = json(value)
    entries.push({ path, bytes, size: bytes.length, compress: true, items })
  }
  add('identity/user.json', remote.user)
  add('accounts/learner.json', remote.learner)
  add('accounts/account.json', remote.account)
  add('accounts/chain.json', remote.chain)
  add('accounts/entries.json', remote.entries, remote.entries.length)
  add('accounts/enrollments.json', remote.enrollments, remote.enrollments.length)
  add('accounts/access-log.json', remote.accessLog, remote.accessLog.length)
  add('accounts/corrections.json', remote.corrections, remote.corrections.length)
  add('certificates/certificates.json', remote.certificates, remote.certificates.length)
  add('recognition/applications.json', remote.applications, remote.applications.length)
  add('portfolio/timeline.json', local.timeline, local.timeline.length)
  add('portfolio/evidence.json', local.evidence.map(evidenceFileView), local.evidence.length)
  add('portfolio/shares.json', local.shares, local.shares.length)
  add('portfolio/credentials-issued.json', local.credentials, local.credentials.length)
  add('portfolio/notifications.json', local.notifications, local.notifications.length)
  add(
    'portfolio/printed-records.json',
    records.map((r, i) => ({
      digest: r.digest,
      code: r.code,
      shareId: r.share_id,
      printedAt: r.created_at.toISOString(),
      record: JSON.parse(printed[i] ?? 'null') as unknown,
    })),
    records.length,
  )
  if (clr) add('clr-credential.json', clr)
  entries.push({ path: 'learning-record.pdf', bytes: pdf, size: pdf.length, compress: false })
  for (const e of local.evidence)
    entries.push({
      path: evidencePath(e),
      bytes: null,
      size: e.size_bytes,
      compress: false,
      load: async () => {
        const bytes = await openEvidenceContent(ctx.db, ctx.keys, e)
        if (!bytes) throw new Error(`evidence file ${e.id} did not open`)
        return bytes
      },
    })

  const total = entries.reduce((n, e) => n + e.size, 0)
  if (total > EXPORT_MAX_BYTES)
    throw portfolioErrors.PORTFOLIO_EXPORT_TOO_LARGE(
      `${Math.ceil(total / 1024 / 1024)} MB; one archive holds at most ${EXPORT_MAX_BYTES / 1024 / 1024} MB`,
    )

  const accountNo = learner?.account_no ?? null
  const manifest = {
    format: 'creditbank-learner-export',
    version: 1,
    learnerId,
    accountNo,
    exportedAt: now.toISOString(),
    complete: true,
    files: entries.map((e) => ({
      path: e.path,
      description: describe(e.path),
      ...(e.items !== undefined ? { items: e.items } : {}),
      bytes: e.size,
      ...(e.bytes ? { sha256: createHash('sha256').update(e.bytes).digest('hex') } : {}),
    })),
  }
  const head: ZipPart[] = [
    { path: 'README.txt', compress: true, content: async () => readme(manifest) },
    { path: 'manifest.json', compress: true, content: async () => json(manifest) },
  ]
  const parts = head.concat(
    entries.map((e) => ({
      path: e.path,
      compress: e.compress,
      content: async () => e.bytes ?? (await e.load!()),
    })),
  )
  const day = now.toISOString().slice(0, 10)
  return { parts, filename: `creditbank-export-${accountNo ?? learnerId}-${day}.zip` }
}

function evidencePath(e: { id: string; media_type: string }) {
  return `portfolio/evidence/${e.id}.${EXTENSIONS[e.media_type] ?? 'bin'}`
}

function evidenceFileView(e: Parameters<typeof evidenceView>[0] & { media_type: string }) {
  return { ...evidenceView(e), file: evidencePath(e) }
}

export type ExportManifest = {
  learnerId: string
  accountNo: string | null
  exportedAt: string
  files: { path: string; description: { zh: string; en: string }; items?: number; bytes: number }[]
}
