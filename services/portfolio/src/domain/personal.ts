import { LearnerKeys, openFor } from '@creditbank/service-kit'
import type { Kysely } from 'kysely'
import { type PortfolioDB, SCHEMA } from '../db/schema.js'
import { findLearner } from '../db/timeline.repository.js'

/**
 * The learners' own keys (decision 0730), sealed under PORTFOLIO_SECRET_KEY: the learner's name,
 * their evidence files and the files' names are sealed under them, so an erasure that destroys the
 * key leaves every copy of those values unreadable, backups included.
 */
export function portfolioKeys(sealKey: Buffer) {
  return new LearnerKeys(sealKey, SCHEMA)
}

/**
 * The learner's account number and name (opened; null once erased or before accounts answered),
 * and their key, for the caller's other sealed values of the same learner (undefined when none).
 */
export async function learnerShown(db: Kysely<PortfolioDB>, keys: LearnerKeys, learnerId: string) {
  const row = await findLearner(db, learnerId)
  const key = (await keys.get(db, learnerId)) ?? undefined
  if (!row) return { accountNo: null, name: null, key }
  return { accountNo: row.account_no, name: openFor(key, row.name_sealed), key }
}

/**
 * Rows of several learners with one sealed text each, opened with one read of their keys: the
 * value of a learner without a key (erased) is null.
 */
export async function openEach<R extends { learner_id: string }>(
  db: Kysely<PortfolioDB>,
  keys: LearnerKeys,
  rows: R[],
  sealed: (r: R) => string | null,
) {
  const ids = [...new Set(rows.filter((r) => sealed(r) !== null).map((r) => r.learner_id))]
  const byId = ids.length ? await keys.getMany(db, ids) : new Map<string, Buffer>()
  return rows.map((r) => openFor(byId.get(r.learner_id), sealed(r)))
}
