import type { Principal } from '@creditbank/auth'
import { type CertificatesEventType, chinaDate } from '@creditbank/contracts'
import type { Publish } from '@creditbank/events'
import { openFor, sealFor } from '@creditbank/service-kit'
import type { Kysely, Transaction } from 'kysely'
import {
  type CertificateRef,
  type CertificateRow,
  findCertificate,
  findCertificateByRef,
  findCertificateForUpdate,
  findForVerification,
  markRevoked,
} from '../db/certificate.repository.js'
import type { CertificatesDB } from '../db/schema.js'
import { certificatesErrors } from './errors.js'
import { type HolderNameKeys, hashHolderName, sameHash, unsealHolderName } from './holder-name.js'
import { certificateStatus } from './status.js'

/**
 * A certificate as shown, its holder's name and revocation reason opened under `learnerKey` (the
 * holder's key; none once they were erased: an empty name and no reason).
 */
export function certificateView(
  c: CertificateRow,
  learnerKey: Buffer | undefined,
  today = chinaDate(),
) {
  return {
    id: c.id,
    number: c.number,
    typeCode: c.type_code,
    typeName: c.type_name,
    level: c.level,
    learnerId: c.learner_id,
    holderName: unsealHolderName(learnerKey, c.holder_name_sealed),
    score: c.score,
    issuedOn: c.issued_on,
    expiresOn: c.expires_on,
    status: certificateStatus({ revokedAt: c.revoked_at, expiresOn: c.expires_on }, today),
    evaluationOrgId: c.evaluation_org_id,
    issuer: c.org_name,
    feeCharged: c.fee_charged,
    revokedAt: c.revoked_at ? c.revoked_at.toISOString() : null,
    revocationReason: openFor(learnerKey, c.revocation_reason),
    createdAt: c.created_at.toISOString(),
  }
}

/** Certificates as shown, their holders' keys read in one statement (a page, never one per row). */
export async function certificateViews(
  db: Kysely<CertificatesDB>,
  keys: HolderNameKeys,
  rows: CertificateRow[],
  today = chinaDate(),
) {
  const byLearner = await keys.learners.getMany(
    db,
    rows.map((c) => c.learner_id),
  )
  return rows.map((c) => certificateView(c, byLearner.get(c.learner_id), today))
}

/** One certificate as shown. */
export async function viewOf(db: Kysely<CertificatesDB>, keys: HolderNameKeys, c: CertificateRow) {
  return (await certificateViews(db, keys, [c]))[0]!
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * A path's `{idOrNumber}`: a UUID is an id; anything else a number, in upper case. The two cannot
 * be confused: numbers end in a 4-digit year and a 7-digit sequence, ids in 12 hex digits.
 */
export function certificateRef(idOrNumber: string): CertificateRef {
  const s = idOrNumber.trim()
  return UUID.test(s) ? { id: s.toLowerCase() } : { number: s.toUpperCase() }
}

/** The holder, staff or clients of the issuing organization, and platform admins; nobody else learns it exists. */
export async function readCertificate(
  db: Kysely<CertificatesDB>,
  ref: CertificateRef,
  p: Principal,
) {
  const c = await findCertificateByRef(db, ref)
  const allowed =
    c &&
    (p.roles.includes('admin') ||
      (p.learner !== null && p.learner === c.learner_id) ||
      (p.org !== null && p.org === c.evaluation_org_id))
  if (!c || !allowed) throw certificatesErrors.CERTIFICATES_CERTIFICATE_NOT_FOUND()
  return c
}

/**
 * Revokes a certificate, once, for the issuing organization only (another organization gets the
 * same 404 as for an unknown id). The row is locked so two revocations cannot both succeed.
 */
export async function revokeCertificate(
  trx: Transaction<CertificatesDB>,
  ref: CertificateRef,
  reason: string,
  p: Principal,
  publish: Publish<CertificatesEventType>,
  keys: HolderNameKeys,
) {
  const id = 'id' in ref ? ref.id : (await findCertificateByRef(trx, ref))?.id
  const c = id ? await findCertificateForUpdate(trx, id) : undefined
  if (!c || p.org === null || p.org !== c.evaluation_org_id)
    throw certificatesErrors.CERTIFICATES_CERTIFICATE_NOT_FOUND()
  if (c.revoked_at !== null)
    throw certificatesErrors.CERTIFICATES_ALREADY_REVOKED(
      `revoked at ${c.revoked_at.toISOString()}`,
    )
  const at = new Date()
  // The reason is written about the holder: sealed under their key (none once they were erased).
  const key = await keys.learners.ensure(trx, c.learner_id)
  const sealed = key ? sealFor(key, reason) : null
  if (!(await markRevoked(trx, c.id, sealed, p.subject, at)))
    throw certificatesErrors.CERTIFICATES_ALREADY_REVOKED()
  await publish(trx, [
    {
      type: 'certificates.certificate.revoked',
      subject: c.learner_id,
      data: {
        certificateId: c.id,
        number: c.number,
        learnerId: c.learner_id,
        evaluationOrgId: c.evaluation_org_id,
        revokedAt: at.toISOString(),
      },
    },
  ])
  return (await findCertificate(trx, c.id))!
}

export type Verification =
  | { status: 'not_found' }
  | {
      status: 'valid' | 'revoked' | 'expired'
      typeCode: string
      level: string
      issuedOn: string
      issuer: string
    }

/**
 * Public verification by number and holder name. An unknown number and a wrong name give the
 * same answer, and both paths hash the name and read the index, so the answer says nothing about
 * who holds what.
 */
export async function verifyCertificate(
  db: Kysely<CertificatesDB>,
  keys: HolderNameKeys,
  number: string,
  holderName: string,
): Promise<{ answer: Verification; holder: string | null }> {
  const hash = hashHolderName(keys, holderName)
  const c = await findForVerification(db, number.trim().toUpperCase())
  if (!c || !sameHash(c.holder_name_hash, hash))
    return { answer: { status: 'not_found' }, holder: null }
  return {
    answer: {
      status: certificateStatus({ revokedAt: c.revoked_at, expiresOn: c.expires_on }),
      typeCode: c.type_code,
      level: c.level,
      issuedOn: c.issued_on,
      issuer: c.org_name,
    },
    // Whose certificate a name was confirmed against: the read the who-looked log keeps (0725).
    holder: c.learner_id,
  }
}
