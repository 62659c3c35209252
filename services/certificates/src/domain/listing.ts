import type { Principal } from '@creditbank/auth'
import type { CertificateLevel } from '@creditbank/contracts'
import { chinaDate } from '@creditbank/contracts'
import { decodeCursor, toPage } from '@creditbank/service-kit'
import type { Kysely } from 'kysely'
import { type CertificateFilter, listCertificates } from '../db/certificate.repository.js'
import type { CertificatesDB } from '../db/schema.js'
import { certificateView } from './certificates.js'
import { certificatesErrors } from './errors.js'
import { type HolderNameKeys, hashHolderName, normalizeHolderName } from './holder-name.js'
import type { LearnerDirectory, PersonRef } from './learner-directory.js'

/** The filters of `GET /v1/certificates`, also accepted by the POST search. */
export interface ListQuery {
  orgId?: string
  number?: string
  learnerId?: string
  typeCode?: string
  level?: CertificateLevel
  status?: 'valid' | 'revoked' | 'expired'
  issuedFrom?: string
  issuedTo?: string
  limit?: number
  cursor?: string
}

/** What only the POST search takes: personal data, kept out of URLs and logs. */
export interface SearchBody extends ListQuery {
  nationalId?: string
  name?: string
  accountNo?: string
  holderName?: string
}

/**
 * Whose certificates the caller lists: admins anyone's (or one organization's), issuers and
 * `certificates:write` clients only their own organization's. Holder names are personal data and
 * are shown only to these two, and to the learner of their own certificates (`ownList`).
 */
export function listScope(p: Principal, orgId: string | undefined): string | undefined {
  if (p.roles.includes('admin')) return orgId
  const acting =
    p.roles.includes('issuer') || (p.kind === 'client' && p.scopes.includes('certificates:write'))
  if (!acting || p.org === null || (orgId !== undefined && orgId !== p.org))
    throw certificatesErrors.CERTIFICATES_LIST_FORBIDDEN()
  return p.org
}

/**
 * A learner lists their own certificates by naming themself (`learnerId`): the copy of all their
 * data (decision 0721) and their pages ask this with the learner's token. No other learner's.
 */
function ownList(p: Principal, learnerId: string | undefined): boolean {
  return p.roles.includes('learner') && p.learner !== null && learnerId === p.learner
}

export async function listPage(
  db: Kysely<CertificatesDB>,
  keys: HolderNameKeys,
  p: Principal,
  q: ListQuery & { holderNameHash?: string },
) {
  const limit = q.limit ?? 20
  const today = chinaDate()
  const filter: CertificateFilter = {
    orgId: ownList(p, q.learnerId) ? q.orgId : listScope(p, q.orgId),
    number: q.number?.trim().toUpperCase(),
    learnerId: q.learnerId,
    holderNameHash: q.holderNameHash,
    typeCode: q.typeCode,
    level: q.level,
    status: q.status,
    issuedFrom: q.issuedFrom,
    issuedTo: q.issuedTo,
    before: decodeCursor(q.cursor, 2) as [string, string] | undefined,
    limit,
  }
  const rows = await listCertificates(db, filter, today)
  // The holders' keys of the page in one statement, not one per certificate.
  const byLearner = await keys.learners.getMany(
    db,
    rows.slice(0, limit).map((c) => c.learner_id),
  )
  return toPage(
    rows,
    limit,
    (c) => [c.issued_on, c.id],
    (c) => certificateView(c, byLearner.get(c.learner_id), today),
  )
}

const EMPTY = { items: [], nextCursor: null }

/**
 * The search by person: 身份证号 + name or an account number are looked up at accounts (with the
 * caller's token); a holder name is matched by its keyed hash, as verification does. Nobody found
 * is an empty page; a malformed 身份证号 is a 422 naming the field.
 */
export async function searchPage(
  db: Kysely<CertificatesDB>,
  keys: HolderNameKeys,
  learners: LearnerDirectory,
  p: Principal,
  authorization: string,
  body: SearchBody,
) {
  listScope(p, body.orgId)
  const { nationalId, name, accountNo, holderName, ...query } = body
  const person = personOf(nationalId, name, accountNo)
  let learnerId = query.learnerId
  if (person) {
    const [found] = await learners.resolve([person], authorization)
    if (found?.id == null) {
      if (found?.error.code === 'ACCOUNTS_LEARNER_NOT_FOUND') return EMPTY
      throw certificatesErrors.CERTIFICATES_SEARCH_INVALID(found?.error.message, [
        { path: '/nationalId', message: found?.error.message ?? 'not valid' },
      ])
    }
    if (learnerId && learnerId !== found.id) return EMPTY
    learnerId = found.id
  }
  const named = holderName !== undefined ? normalizeHolderName(holderName) : undefined
  if (named === '')
    throw certificatesErrors.CERTIFICATES_SEARCH_INVALID(undefined, [
      { path: '/holderName', message: 'is empty' },
    ])
  return listPage(db, keys, p, {
    ...query,
    learnerId,
    holderNameHash: named === undefined ? undefined : hashHolderName(keys, named),
  })
}

/** 身份证号 needs the name with it (accounts matches both); an account number stands alone. */
function personOf(nationalId?: string, name?: string, accountNo?: string): PersonRef | null {
  const bad = (path: string, message: string) =>
    certificatesErrors.CERTIFICATES_SEARCH_INVALID(undefined, [{ path, message }])
  if (nationalId !== undefined && accountNo !== undefined)
    throw bad('/accountNo', 'search by nationalId and name, or by accountNo, not both')
  if (nationalId !== undefined) {
    if (!name) throw bad('/name', "the learner's name is needed with nationalId")
    return { nationalId, name }
  }
  if (name !== undefined) throw bad('/nationalId', 'name is matched together with nationalId')
  return accountNo !== undefined ? { accountNo } : null
}
