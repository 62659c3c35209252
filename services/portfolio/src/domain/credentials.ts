import type { LearnerKeys } from '@creditbank/service-kit'
import type { Kysely } from 'kysely'
import { uuidv7 } from 'uuidv7'
import {
  achievementCredential,
  displayName,
  identityObject,
  type Names,
  statusEntry,
} from '../credentials/achievement.js'
import { type Issuers, PLATFORM_ISSUER } from '../credentials/issuers.js'
import {
  CLR_CONTEXT_URL,
  isKnownContext,
  OB_V3,
  UnknownDocumentError,
  VC_V2,
} from '../credentials/loader.js'
import { relatedResourceErrors } from '../credentials/related-resource.js'
import { type Cryptosuite, signCredential } from '../credentials/sign.js'
import { encodeList } from '../credentials/status-list.js'
import {
  allocateStatus,
  cacheStatusListCredential,
  findStatusForUpdate,
  findStatusList,
  releaseStatus,
  revokeStatus,
} from '../db/credential.repository.js'
import type { PortfolioDB } from '../db/schema.js'
import {
  credentialableRows,
  findCertificateType,
  findCredentialable,
  findLearner,
  findOrganization,
  type TimelineRow,
} from '../db/timeline.repository.js'
import { credentialInputErrors } from './credential-input.js'
import { portfolioErrors } from './errors.js'

export interface CredentialContext {
  db: Kysely<PortfolioDB>
  issuers: Issuers
  publicBaseUrl: string
  /** Seals what must be shown again but not kept in the clear (share tokens). */
  sealKey: Buffer
  /** The learners' own keys: their name, files, shares' labels, records (decision 0730). */
  keys: LearnerKeys
}

export const PLATFORM_NAME = '学分银行 Credit Bank'

export function statusListUrl(ctx: CredentialContext, listId: string) {
  return `${ctx.publicBaseUrl}/status-lists/${listId}`
}

/** Chinese and English names of an item: certificate types carry `nameEn`, other outcomes one name. */
async function namesOf(db: Kysely<PortfolioDB>, item: TimelineRow): Promise<Names> {
  const d = item.data as Record<string, unknown>
  const typeCode = typeof d.typeCode === 'string' ? d.typeCode : null
  if (typeCode) {
    const t = await findCertificateType(db, typeCode)
    if (t) return { zh: t.name, en: t.name_en }
  }
  const zh =
    typeof d.typeName === 'string'
      ? d.typeName
      : typeof d.courseName === 'string'
        ? d.courseName
        : item.title
  return { zh, en: null }
}

/** Which organization vouches for an item: the posting school, the evaluation organization, the recognizing target. */
function issuerOrgOf(item: TimelineRow): string {
  const d = item.data as Record<string, unknown>
  const org = (typeof d.evaluationOrgId === 'string' && d.evaluationOrgId) || item.org_id
  if (!org)
    throw portfolioErrors.PORTFOLIO_ENTRY_NOT_FOUND(
      'The entry names no organization to vouch for it',
    )
  return org
}

async function orgNameOf(db: Kysely<PortfolioDB>, item: TimelineRow, orgId: string) {
  if (orgId === item.org_id && item.org_name) return item.org_name
  return (await findOrganization(db, orgId))?.name ?? item.org_name ?? orgId
}

const certificateIdOf = (item: TimelineRow) => {
  const id = (item.data as Record<string, unknown>).certificateId
  return item.category === 'outcome' && typeof id === 'string' && id.length > 0 ? id : null
}

/**
 * A certificate's ledger copy (an outcome naming it) proves no more than the certificate: it
 * carries the certificate's validity, or its credential would outlive an expired certificate.
 */
async function withCertificateValidity(
  db: Kysely<PortfolioDB>,
  learnerId: string,
  item: TimelineRow,
) {
  const certificateId = certificateIdOf(item)
  if (!certificateId) return item
  const certificate = await findCredentialable(db, learnerId, certificateId)
  const expiresOn = (certificate?.data as Record<string, unknown> | undefined)?.expiresOn
  return { ...item, data: { ...(item.data as Record<string, unknown>), expiresOn } }
}

async function entryCredential(
  ctx: CredentialContext,
  learnerId: string,
  listed: TimelineRow,
  identity: string,
  suite: Cryptosuite,
) {
  const item = await withCertificateValidity(ctx.db, learnerId, listed)
  const orgId = issuerOrgOf(item)
  const issuer = await ctx.issuers.get(ctx.db, orgId)
  // The status entry (one statement, no lock held across round trips) and the names, side by side.
  // The entry's status is reused by every later credential for it.
  const [status, orgName, names] = await Promise.all([
    allocateStatus(ctx.db, orgId, item.ref_id as string),
    orgNameOf(ctx.db, item, orgId),
    namesOf(ctx.db, item),
  ])
  const unsigned = achievementCredential({
    item,
    names,
    issuer: { did: issuer.did, name: orgName, orgId },
    identity,
    status: { listUrl: statusListUrl(ctx, status.status_list_id), index: status.status_index },
    credentialId: `urn:uuid:${uuidv7()}`,
  })
  return proofAsSet(await signCredential(issuer, unsigned, suite))
}

/**
 * Open Badges 3.0 and CLR 2.0 serialize `proof` [0..*] as a JSON array, never a single object (OB
 * 3.0 §Serialization, JSON; 1EdTech's VC 2.0 AchievementCredential schema refuses an object). The
 * proof is outside what it signs, so wrapping it after signing leaves the signature valid.
 */
function proofAsSet<T extends Record<string, unknown>>(signed: T): T {
  const { proof } = signed
  return proof === undefined || Array.isArray(proof) ? signed : { ...signed, proof: [proof] }
}

async function identityOf(db: Kysely<PortfolioDB>, learnerId: string) {
  return (await findLearner(db, learnerId))?.account_no ?? learnerId
}

/** An Open Badges 3.0 AchievementCredential for one entry, signed by the organization behind it. */
export async function issueEntryCredential(
  ctx: CredentialContext,
  learnerId: string,
  refId: string,
  suite: Cryptosuite,
) {
  const item = await findCredentialable(ctx.db, learnerId, refId)
  if (!item) throw portfolioErrors.PORTFOLIO_ENTRY_NOT_FOUND()
  if (item.status !== 'active') throw portfolioErrors.PORTFOLIO_ENTRY_REVOKED()
  return entryCredential(ctx, learnerId, item, item.account_no ?? learnerId, suite)
}

const credentialable = (item: TimelineRow) =>
  item.status === 'active' && ['outcome', 'certificate', 'recognized'].includes(item.category)

/**
 * One item per achievement: a certificate's ledger copy gives way to the certificate itself
 * (listed, or found on the timeline), so a 1+X certificate is exported once, with its own
 * validity and status. A copy whose certificate portfolio has not heard of yet stays.
 */
async function oncePerAchievement(
  db: Kysely<PortfolioDB>,
  learnerId: string,
  items: TimelineRow[],
) {
  const listed = new Set(items.filter((i) => i.category === 'certificate').map((i) => i.ref_id))
  const out: TimelineRow[] = []
  for (const item of items) {
    const certificateId = certificateIdOf(item)
    if (!certificateId) {
      out.push(item)
      continue
    }
    if (listed.has(certificateId)) continue
    const certificate = await findCredentialable(db, learnerId, certificateId)
    listed.add(certificateId)
    out.push(certificate ?? item)
  }
  return out.filter(credentialable)
}

/** Credentials for several items (a shared view); reversed and revoked ones are left out. */
export async function issueCredentialsFor(
  ctx: CredentialContext,
  learnerId: string,
  items: TimelineRow[],
  suite: Cryptosuite = 'eddsa-rdfc-2022',
) {
  const identity = await identityOf(ctx.db, learnerId)
  const out: Record<string, unknown>[] = []
  for (const item of await oncePerAchievement(ctx.db, learnerId, items.filter(credentialable)))
    out.push(await entryCredential(ctx, learnerId, item, identity, suite))
  return out
}

/** The whole record as a CLR 2.0 ClrCredential, signed by the credit bank, each entry signed by its organization inside. */
export async function issueClr(ctx: CredentialContext, learnerId: string, suite: Cryptosuite) {
  const items = await credentialableRows(ctx.db, learnerId, 500)
  if (items.length === 0) throw portfolioErrors.PORTFOLIO_RECORD_EMPTY()
  const credentials = await issueCredentialsFor(ctx, learnerId, items, suite)
  const identity = await identityOf(ctx.db, learnerId)
  const platform = await ctx.issuers.get(ctx.db, PLATFORM_ISSUER)
  const clr = {
    '@context': [VC_V2, CLR_CONTEXT_URL, OB_V3],
    id: `urn:uuid:${uuidv7()}`,
    type: ['VerifiableCredential', 'ClrCredential'],
    issuer: { id: platform.did, type: ['Profile'], name: PLATFORM_NAME },
    validFrom: new Date().toISOString(),
    ...displayName({ zh: '终身学习电子档案', en: 'Lifelong learning record' }),
    credentialSubject: {
      type: ['ClrSubject'],
      identifier: [identityObject(identity)],
      verifiableCredential: credentials,
    },
  }
  return proofAsSet(await signCredential(platform, clr, suite))
}

/** The Bitstring Status List credential of a list, signed by its issuer; re-signed only after a flip. */
export async function statusListCredential(ctx: CredentialContext, listId: string) {
  const list = await findStatusList(ctx.db, listId)
  if (!list) throw portfolioErrors.PORTFOLIO_STATUS_LIST_NOT_FOUND()
  if (list.credential && list.credential_version === list.version)
    return JSON.parse(list.credential) as Record<string, unknown>
  const issuer = await ctx.issuers.get(ctx.db, list.issuer_id)
  const url = statusListUrl(ctx, list.id)
  const signed = await signCredential(issuer, {
    '@context': [VC_V2],
    id: url,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: issuer.did,
    validFrom: new Date().toISOString(),
    credentialSubject: {
      id: `${url}#list`,
      type: 'BitstringStatusList',
      statusPurpose: list.purpose,
      encodedList: encodeList(list.bits),
    },
  })
  await cacheStatusListCredential(ctx.db, list.id, list.version, JSON.stringify(signed))
  return signed
}

/** The status entry of a VC API credential is keyed by its id, apart from entries and certificates. */
const vcApiRef = (credentialId: string) => `vcapi:${credentialId}`

/**
 * The VC API issuer: signs a caller's credential as the caller's organization (or as the credit
 * bank for an admin), with a status entry of its own so it can be revoked later.
 */
export async function issueAny(
  ctx: CredentialContext,
  issuerId: string,
  input: Record<string, unknown>,
  suite: Cryptosuite,
) {
  const issuer = await ctx.issuers.get(ctx.db, issuerId)
  const errors = credentialInputErrors(input, issuer.did)
  if (errors.length > 0)
    throw portfolioErrors.PORTFOLIO_CREDENTIAL_INVALID(
      errors.map((e) => `${e.path} ${e.message}`).join('; '),
      errors,
    )
  const resources = relatedResourceErrors(input.relatedResource).map((e) => ({
    path: `/credential${e.path}`,
    message: e.message,
  }))
  if (resources.length > 0)
    throw portfolioErrors.PORTFOLIO_RELATED_RESOURCE_INVALID(
      resources.map((e) => `${e.path} ${e.message}`).join('; '),
      resources,
    )
  const contexts = Array.isArray(input['@context']) ? input['@context'] : [input['@context']]
  contexts.forEach((c, i) => {
    if (typeof c === 'string' && !isKnownContext(c))
      throw portfolioErrors.PORTFOLIO_CONTEXT_UNKNOWN(`unknown context ${c}`, [
        { path: `/credential/@context/${i}`, message: `unknown context ${c}` },
      ])
  })
  const named =
    typeof input.issuer === 'string' ? input.issuer : (input.issuer as { id?: unknown }).id
  if (named !== issuer.did)
    throw portfolioErrors.PORTFOLIO_ISSUER_MISMATCH(`this caller signs as ${issuer.did}`, [
      { path: '/credential/issuer', message: `must be ${issuer.did}` },
    ])
  const refId = typeof input.id === 'string' ? input.id : `urn:uuid:${uuidv7()}`
  const [status, orgName] = await Promise.all([
    allocateStatus(ctx.db, issuerId, vcApiRef(refId)),
    issuerId === PLATFORM_ISSUER
      ? PLATFORM_NAME
      : findOrganization(ctx.db, issuerId).then((org) => org?.name ?? issuerId),
  ])
  if (status.revoked)
    throw portfolioErrors.PORTFOLIO_STATUS_FINAL(
      `a credential with the id ${refId} was revoked; issue it under another id`,
      [{ path: '/credential/id', message: 'names a revoked credential' }],
    )
  const credential = {
    ...input,
    id: refId,
    issuer: typeof input.issuer === 'string' ? { id: issuer.did, name: orgName } : input.issuer,
    validFrom: typeof input.validFrom === 'string' ? input.validFrom : new Date().toISOString(),
    credentialStatus: statusEntry(statusListUrl(ctx, status.status_list_id), status.status_index),
  }
  try {
    return await signCredential(issuer, credential, suite)
  } catch (err) {
    // The allocation is committed before signing, so a refused credential gives back the entry it
    // made (never one an earlier credential with the same id holds): its index is free again.
    if (status.created) await releaseStatus(ctx.db, issuerId, vcApiRef(refId))
    // jsonld in safe mode refuses undefined terms and malformed values: the caller's input, not ours.
    if (err instanceof UnknownDocumentError)
      throw portfolioErrors.PORTFOLIO_CONTEXT_UNKNOWN(err.message)
    throw portfolioErrors.PORTFOLIO_CREDENTIAL_INVALID(
      err instanceof Error ? err.message.slice(0, 500) : 'cannot sign this credential',
    )
  }
}

export interface StatusUpdate {
  credentialId: string
  /** true: revoked. */
  status: boolean
  statusListCredential?: string
  statusListIndex?: string
}

/**
 * The VC API status update (POST /credentials/status) of a credential this issuer signed through
 * the VC API: `status` true sets its revocation bit (again: nothing changes); false is accepted only
 * while it is not revoked, since a revocation is final. A list or index given must be the entry's.
 */
export async function updateIssuedStatus(
  ctx: CredentialContext,
  issuerId: string,
  update: StatusUpdate,
) {
  const ref = vcApiRef(update.credentialId)
  return ctx.db.transaction().execute(async (trx) => {
    const entry = await findStatusForUpdate(trx, issuerId, ref)
    if (!entry) throw portfolioErrors.PORTFOLIO_CREDENTIAL_NOT_FOUND()
    const credentialStatus = statusEntry(
      statusListUrl(ctx, entry.status_list_id),
      entry.status_index,
    )
    for (const key of ['statusListCredential', 'statusListIndex'] as const) {
      if (update[key] !== undefined && update[key] !== credentialStatus[key])
        throw portfolioErrors.PORTFOLIO_CREDENTIAL_INVALID(
          `the credential's ${key} is ${credentialStatus[key]}`,
          [
            {
              path: `/credentialStatus/${key}`,
              message: `must be ${credentialStatus[key]} or absent`,
            },
          ],
        )
    }
    if (update.status) await revokeStatus(trx, issuerId, ref)
    else if (entry.revoked) throw portfolioErrors.PORTFOLIO_STATUS_FINAL()
    return { credentialId: update.credentialId, credentialStatus, status: update.status }
  })
}
