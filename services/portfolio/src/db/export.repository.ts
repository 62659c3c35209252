import { type Kysely, sql } from 'kysely'
import { EVIDENCE_COLUMNS } from './evidence.repository.js'
import type { PortfolioDB } from './schema.js'

// What portfolio itself holds about one learner, for the copy of all their data (decision 0721).
// Each query is scoped by the learner and bounded: `limit + 1` rows tell the caller it overflowed.

export function shareRows(db: Kysely<PortfolioDB>, learnerId: string, limit: number) {
  return db
    .selectFrom('share')
    .selectAll()
    .where('learner_id', '=', learnerId)
    .orderBy('id')
    .limit(limit + 1)
    .execute()
}

/** Every access of the learner's shares, oldest first. */
export function shareAccessRows(db: Kysely<PortfolioDB>, learnerId: string, limit: number) {
  return db
    .selectFrom('share_access as a')
    .innerJoin('share as s', 's.id', 'a.share_id')
    .select(['a.id', 'a.share_id', 's.learner_id', 'a.at', 'a.visitor_sealed'])
    .where('s.learner_id', '=', learnerId)
    .orderBy('a.at')
    .orderBy('a.id')
    .limit(limit + 1)
    .execute()
}

export function evidenceRows(db: Kysely<PortfolioDB>, learnerId: string, limit: number) {
  return db
    .selectFrom('evidence')
    .select(EVIDENCE_COLUMNS)
    .where('learner_id', '=', learnerId)
    .orderBy('id')
    .limit(limit + 1)
    .execute()
}

/** Every notification, read or not, oldest first. */
export function allNotificationRows(db: Kysely<PortfolioDB>, learnerId: string, limit: number) {
  return db
    .selectFrom('notification as n')
    .leftJoin('organization as o', 'o.id', 'n.org_id')
    .select(['n.id', 'n.kind', 'n.at', 'n.ref_id', 'n.org_id', 'n.data', 'n.read_at'])
    .select('o.name as org_name')
    .where('n.learner_id', '=', learnerId)
    .orderBy('n.at')
    .orderBy('n.id')
    .limit(limit + 1)
    .execute()
}

/** The printed records (学习成果证明) of the learner, with what each said. */
export function recordRows(db: Kysely<PortfolioDB>, learnerId: string, limit: number) {
  return db
    .selectFrom('record')
    .select(['digest', 'code', 'learner_id', 'share_id', 'canonical_sealed', 'created_at'])
    .where('learner_id', '=', learnerId)
    .orderBy('created_at')
    .orderBy('digest')
    .limit(limit + 1)
    .execute()
}

/**
 * The credentials issued for the learner's entries: each entry's status-list place (one per entry
 * and issuer, reused by every later credential for it), whether it is revoked, and the issuer's DID.
 */
export function issuedCredentialRows(db: Kysely<PortfolioDB>, learnerId: string, limit: number) {
  return db
    .selectFrom('credential_status as c')
    .innerJoin('issuer_key as k', 'k.issuer_id', 'c.issuer_id')
    .select([
      'c.ref_id',
      'c.issuer_id',
      'k.did',
      'c.status_list_id',
      'c.status_index',
      'c.revoked',
      'c.created_at',
    ])
    .where((eb) =>
      eb(
        'c.ref_id',
        'in',
        // credential_status keeps ref ids as text (VC API ids too), the timeline as uuid.
        eb
          .selectFrom('timeline_item')
          .select(sql<string>`ref_id::text`.as('ref'))
          .where('learner_id', '=', learnerId)
          .where('ref_id', 'is not', null),
      ),
    )
    .orderBy('c.created_at')
    .orderBy('c.ref_id')
    .limit(limit + 1)
    .execute()
}
