import type { Principal } from '@creditbank/auth'
import type { Kysely } from 'kysely'
import { knowsLearner, strangers } from '../db/enrollment.repository.js'
import { findLearner } from '../db/learner.repository.js'
import type { AccountsDB } from '../db/schema.js'
import { accountsErrors } from './errors.js'
import { identify } from './learners.js'

/**
 * How a caller may see a learner:
 * - `all`: the learner themself (token `learner` claim) or a platform admin;
 * - `org`: staff or a system client of an organization that knows the learner (enrolled there,
 *   given a 学号 there, or with an outcome it posted): the profile, that organization's
 *   enrollments and the entries it posted;
 * - otherwise the learner does not exist for the caller (404).
 * Shares granted by the learner (portfolio) will add another way in.
 */
export type Access = { scope: 'all' } | { scope: 'org'; orgId: string }

export async function accessTo(
  db: Kysely<AccountsDB>,
  p: Principal,
  learnerId: string,
  allowOrg = true,
): Promise<Access> {
  const learner = await findLearner(db, learnerId)
  if (learner) {
    if (p.roles.includes('admin')) return { scope: 'all' }
    if (p.roles.includes('learner') && p.learner === learnerId) return { scope: 'all' }
    const staff =
      p.kind === 'client' ||
      p.roles.some((r) => r === 'registrar' || r === 'issuer' || r === 'reviewer')
    if (staff && p.org && (await knowsLearner(db, learnerId, p.org))) {
      // The organization knows the learner, but balances and the chain are the learner's to share.
      if (!allowOrg) throw accountsErrors.ACCOUNTS_NOT_SHARED()
      return { scope: 'org', orgId: p.org }
    }
  }
  throw accountsErrors.ACCOUNTS_LEARNER_NOT_FOUND()
}

/**
 * The learner themself or an admin, for the learner's own records (who looked, corrections); anyone
 * else, and a learner who does not exist, is 404.
 */
export async function selfOrAdmin(db: Kysely<AccountsDB>, p: Principal, learnerId: string) {
  const admin = p.roles.includes('admin')
  const self = p.roles.includes('learner') && p.learner === learnerId
  if (!(admin || self) || !(await findLearner(db, learnerId)))
    throw accountsErrors.ACCOUNTS_LEARNER_NOT_FOUND()
  return { admin, self }
}

/** The organization a writer acts for: its token's `org` claim, never a field of the body. */
export function actingOrg(p: Principal): string {
  if (!p.org) throw accountsErrors.ACCOUNTS_NO_ORGANIZATION()
  return p.org
}

/** What proves an organization knows a person: the 身份证号 and the name, as opening an account takes. */
export interface Proof {
  nationalId?: string
  name?: string
}

/**
 * An organization acts on a learner by id only when it knows them already (decision 0613): else
 * it proves it knows the person with their 身份证号 and name, or is refused, so an id alone never
 * opens a learner's records to a stranger. A learner that does not exist is left to the caller.
 */
export async function requireKnown(
  db: Kysely<AccountsDB>,
  piiKey: Buffer,
  orgId: string,
  learnerId: string,
  proof: Proof = {},
) {
  if (proof.nationalId !== undefined || proof.name !== undefined) {
    const missing = proof.nationalId === undefined ? '/nationalId' : '/name'
    if (proof.nationalId === undefined || proof.name === undefined)
      throw accountsErrors.ACCOUNTS_LEARNER_NOT_KNOWN_HERE(undefined, [
        { path: missing, message: 'is required', code: 'FIELD_REQUIRED' },
      ])
    const who = identify(piiKey, { nationalId: proof.nationalId, name: proof.name })
    const l = await findLearner(db, learnerId)
    if (l && (l.national_id_hash !== who.hash || l.name_hash !== who.nameHash))
      throw accountsErrors.ACCOUNTS_LEARNER_PROOF_MISMATCH(undefined, [
        { path: '/nationalId', message: 'is not this learner’s', code: 'FIELD_INVALID' },
        { path: '/name', message: 'is not this learner’s', code: 'FIELD_INVALID' },
      ])
    return
  }
  if ((await strangers(db, orgId, [learnerId])).size)
    throw accountsErrors.ACCOUNTS_LEARNER_NOT_KNOWN_HERE(undefined, [
      { path: '/learnerId', message: 'is not known here', code: 'FIELD_LEARNER_NOT_KNOWN' },
    ])
}
