import { createHash, randomBytes } from 'node:crypto'
import type { FieldError } from '@creditbank/contracts'
import { type LearnerKeys, openFor, sealFor } from '@creditbank/service-kit'
import * as vc from '@digitalbazaar/vc'
import type { Kysely, Transaction } from 'kysely'
import { uuidv7 } from 'uuidv7'
import type { PortfolioDB } from '../db/schema.js'
import {
  accessesOf,
  findShare,
  findShareByTokenHash,
  insertShare,
  listShares,
  logAccess,
  revokeShare,
} from '../db/share.repository.js'
import { existingRefIds, timelineRows } from '../db/timeline.repository.js'
import { type CredentialContext, issueCredentialsFor } from './credentials.js'
import { portfolioErrors } from './errors.js'
import { learnerShown, openEach } from './personal.js'
import { recordItems } from './record.js'
import { itemView } from './timeline.js'

const MAX_EXPIRY_MS = 366 * 24 * 3600 * 1000
/** What a share shows: the record's entries, never account, enrollment or application details. */
const SHAREABLE = new Set(['outcome', 'certificate', 'recognized'])
const MAX_SHARED_ITEMS = 200

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex')

type ShareRow = Awaited<ReturnType<typeof findShare>> & {}

/** What a share keeps sealed under its learner's key: the label they gave it and its token. */
interface SharePersonal {
  label: string | null
  token: string | null
}

function openPersonal(key: Buffer | null | undefined, sealed: string | null): SharePersonal {
  const text = openFor(key, sealed)
  return text === null ? { label: null, token: null } : (JSON.parse(text) as SharePersonal)
}

/** Shares with their labels opened, one read of the learners' keys for them all. */
export async function withLabels<R extends ShareRow>(
  db: Kysely<PortfolioDB>,
  keys: LearnerKeys,
  rows: R[],
) {
  const opened = await openEach(db, keys, rows, (r) => r.personal_sealed)
  return rows.map((r, i) => {
    const text = opened[i]
    return { ...r, label: text ? (JSON.parse(text) as SharePersonal).label : null }
  })
}

export function shareView(
  s: ShareRow & { label: string | null },
  accesses: { at: Date; userAgent: string | null; clientIp: string | null }[] = [],
  accessCount = 0,
) {
  const now = Date.now()
  return {
    id: s.id,
    scope: s.scope as 'all' | 'selected',
    entryIds: s.entry_ids,
    label: s.label,
    expiresAt: s.expires_at.toISOString(),
    revokedAt: s.revoked_at ? s.revoked_at.toISOString() : null,
    active: !s.revoked_at && s.expires_at.getTime() > now,
    createdAt: s.created_at.toISOString(),
    accessCount,
    accesses: accesses.map((a) => ({
      at: a.at.toISOString(),
      userAgent: a.userAgent,
      clientIp: a.clientIp,
    })),
  }
}

export interface NewShare {
  scope: 'all' | 'selected'
  entryIds?: string[]
  expiresAt: string
  label?: string
}

/** A share: a random 256-bit token, looked up by its sha256 and kept sealed for its owner (shareLink). */
export async function createShare(
  trx: Transaction<PortfolioDB>,
  ctx: Pick<CredentialContext, 'publicBaseUrl' | 'keys'>,
  learnerId: string,
  actor: string,
  input: NewShare,
) {
  const expires = Date.parse(input.expiresAt)
  const now = Date.now()
  if (!(expires > now) || expires - now > MAX_EXPIRY_MS)
    throw portfolioErrors.PORTFOLIO_SHARE_EXPIRY_INVALID(undefined, [
      { path: '/expiresAt', message: 'must be in the future and at most one year away' },
    ])
  const ids = [...new Set(input.entryIds ?? [])]
  if (input.scope === 'all' && ids.length > 0)
    throw portfolioErrors.PORTFOLIO_SHARE_ENTRIES_INVALID(
      'A share of everything names no entries',
      [{ path: '/entryIds', message: 'must be absent when scope is all' }],
    )
  if (input.scope === 'selected') {
    if (ids.length === 0)
      throw portfolioErrors.PORTFOLIO_SHARE_ENTRIES_INVALID(undefined, [
        { path: '/entryIds', message: 'must name at least one entry when scope is selected' },
      ])
    const known = await existingRefIds(trx, learnerId, ids)
    const errors: FieldError[] = (input.entryIds ?? []).flatMap((id, i) =>
      known.has(id) ? [] : [{ path: `/entryIds/${i}`, message: 'is not in this learner’s record' }],
    )
    if (errors.length) throw portfolioErrors.PORTFOLIO_SHARE_ENTRIES_INVALID(undefined, errors)
  }
  // The label is the learner's own text (often their name) and the token opens their record:
  // both sealed under the learner's key, so an erasure leaves no copy of either readable.
  const key = await ctx.keys.ensure(trx, learnerId)
  if (!key) throw portfolioErrors.PORTFOLIO_LEARNER_ERASED()
  const token = randomBytes(32).toString('base64url')
  const personal: SharePersonal = { label: input.label ?? null, token }
  const row = await insertShare(trx, {
    id: uuidv7(),
    learner_id: learnerId,
    token_hash: hashToken(token),
    scope: input.scope,
    entry_ids: ids,
    personal_sealed: sealFor(key, JSON.stringify(personal)),
    expires_at: new Date(expires).toISOString(),
    created_by: actor,
  })
  return { ...shareView({ ...row, label: personal.label }), ...linksOf(ctx.publicBaseUrl, token) }
}

/** The API URL of the shared view and the page a person opens (the QR code's). */
function linksOf(publicBaseUrl: string, token: string) {
  return {
    token,
    url: `${publicBaseUrl}/v1/shared/${token}`,
    pageUrl: `${publicBaseUrl}/#/shared/${token}`,
  }
}

/**
 * The link of one of the learner's active shares again (its token is kept sealed), so a QR code or
 * a copy button shows the same share rather than making a new one each time.
 */
export async function shareLink(
  db: Kysely<PortfolioDB>,
  ctx: Pick<CredentialContext, 'publicBaseUrl' | 'keys'>,
  learnerId: string,
  id: string,
) {
  const s = await findShare(db, id)
  if (!s || s.learner_id !== learnerId) throw portfolioErrors.PORTFOLIO_SHARE_NOT_FOUND()
  if (s.revoked_at || s.expires_at.getTime() <= Date.now())
    throw portfolioErrors.PORTFOLIO_SHARE_LINK_GONE()
  const { token } = openPersonal(await ctx.keys.get(db, learnerId), s.personal_sealed)
  if (!token) throw portfolioErrors.PORTFOLIO_SHARE_LINK_GONE()
  return linksOf(ctx.publicBaseUrl, token)
}

export async function sharesPage(
  db: Kysely<PortfolioDB>,
  keys: LearnerKeys,
  learnerId: string,
  after: string | undefined,
  limit: number,
) {
  const rows = await listShares(db, learnerId, after, limit)
  const page = await withLabels(db, keys, rows.slice(0, limit))
  const { recent, counts } = await accessesOf(
    db,
    page.map((s) => s.id),
    20,
  )
  // Every share here is the learner's: one key opens who opened them.
  const key = recent.length ? await keys.get(db, learnerId) : null
  const items = page.map((s) =>
    shareView(
      s,
      recent
        .filter((a) => a.share_id === s.id)
        .map((a) => ({ at: a.at, ...openVisitor(key, a.visitor_sealed) })),
      Number(counts.find((c) => c.share_id === s.id)?.n ?? 0),
    ),
  )
  return { items, last: rows.length > limit ? page.at(-1)?.id : undefined }
}

/** Revoking is idempotent; someone else's share does not exist for the caller. */
export async function revoke(db: Kysely<PortfolioDB>, learnerId: string, id: string) {
  const s = await findShare(db, id)
  if (!s || s.learner_id !== learnerId) throw portfolioErrors.PORTFOLIO_SHARE_NOT_FOUND()
  await revokeShare(db, id)
}

/** Coarse address for the learner's access log: the /24 (IPv4) or /48 (IPv6) network, not the host. */
function network(ip: string | undefined) {
  if (!ip) return null
  if (ip.includes('.')) return `${ip.split('.').slice(0, 3).join('.')}.0/24`
  return `${ip.split(':').slice(0, 3).join(':')}::/48`
}

/** Who opened a share, as the learner's access log shows it. */
interface Visitor {
  userAgent: string | null
  clientIp: string | null
}

/** Opens a visitor sealed under the learner's key; nulls when the key is gone. */
export function openVisitor(key: Buffer | null | undefined, sealed: string | null): Visitor {
  const text = openFor(key, sealed)
  return text === null ? { userAgent: null, clientIp: null } : (JSON.parse(text) as Visitor)
}

/**
 * An active share by its token, the access logged for the learner (who opened it sealed under the
 * learner's key: the visitor's browser and network are about a person too); else the link is gone
 * (404).
 */
export async function accessShare(
  db: Kysely<PortfolioDB>,
  keys: LearnerKeys,
  token: string,
  meta: { userAgent?: string; ip?: string },
) {
  const share = await findShareByTokenHash(db, hashToken(token))
  if (!share || share.revoked_at || share.expires_at.getTime() <= Date.now())
    throw portfolioErrors.PORTFOLIO_SHARED_VIEW_GONE()
  const key = await keys.get(db, share.learner_id)
  const visitor: Visitor = {
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
    clientIp: network(meta.ip),
  }
  await logAccess(db, {
    id: uuidv7(),
    share_id: share.id,
    visitor_sealed: key ? sealFor(key, JSON.stringify(visitor)) : null,
  })
  return { share, key }
}

/** What a share shows: the entries it names (or all), never account or application details. */
export async function sharedRows(
  db: Kysely<PortfolioDB>,
  share: { learner_id: string; scope: string; entry_ids: string[] },
) {
  const rows = await timelineRows(db, share.learner_id, {
    limit: 1_000,
    ...(share.scope === 'selected' ? { ids: share.entry_ids } : {}),
  })
  return rows.filter((r) => SHAREABLE.has(r.category)).slice(0, MAX_SHARED_ITEMS)
}

/**
 * The shared view: only what the share names (entries, never account details), each access logged
 * for the learner, and a presentation of credentials anyone can verify offline.
 */
export async function openShared(
  ctx: CredentialContext,
  token: string,
  meta: { userAgent?: string; ip?: string },
) {
  const { share, key } = await accessShare(ctx.db, ctx.keys, token, meta)
  const items = await sharedRows(ctx.db, share)
  const credentials = await issueCredentialsFor(ctx, share.learner_id, items)
  const learner = await learnerShown(ctx.db, ctx.keys, share.learner_id)
  const { label } = openPersonal(key, share.personal_sealed)
  const verified = new Map(recordItems(items).map((i) => [i.ref, i]))
  return {
    share: {
      id: share.id,
      scope: share.scope,
      label,
      expiresAt: share.expires_at.toISOString(),
    },
    learner: { accountNo: learner?.accountNo ?? null, name: learner?.name ?? null },
    items: items.map((r) => {
      const v = verified.get(r.ref_id ?? r.event_id)
      return {
        ...itemView(r),
        // Who issued what to whom, and whether it holds today. A certificate's ledger copy has none:
        // the certificate's own line says it.
        verification: v
          ? {
              status: v.status,
              issuer: v.issuer,
              holder: learner?.name ?? null,
              occurredOn: v.occurredOn,
              validUntil: v.validUntil,
            }
          : null,
      }
    }),
    presentation: vc.createPresentation({
      verifiableCredential: credentials,
      id: `urn:uuid:${uuidv7()}`,
    }),
  }
}
