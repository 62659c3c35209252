import type { AccountsEventType } from '@creditbank/contracts'
import type { Publish } from '@creditbank/events'
import { decodeCursor, forgetAnswersAbout, toPage } from '@creditbank/service-kit'
import type { Kysely, Transaction } from 'kysely'
import type { AccountsDB } from '../db/schema.js'
import { accountsErrors } from './errors.js'
import { learnerKeys } from './personal.js'

/** The services that hold a learner's personal data and report their part of an erasure. */
export const ERASING_SERVICES = ['accounts', 'certificates', 'recognition', 'portfolio'] as const

export interface ErasureRequest {
  actor: string
  actorKind: 'learner' | 'admin'
  /** The verified request an admin acts on (a reference, never free text). */
  requestRef: string | null
}

/**
 * Erases a learner's personal data in accounts and asks every other service to (decision 0730):
 * the learner's key is destroyed (their sealed name, 身份证号 and birth date, and any corrections,
 * become unreadable here and in every backup), both look-up hashes are cleared, their 学号 are
 * deleted, and accounts.learner.erased is published. The account, its entries, balances and chain
 * stay as they are. Idempotent: a second request answers the first (200).
 */
export async function eraseLearner(
  trx: Transaction<AccountsDB>,
  piiKey: Buffer,
  learnerId: string,
  by: ErasureRequest,
  publish: Publish<AccountsEventType>,
) {
  const l = await trx
    .selectFrom('learner')
    .select(['id', 'account_no', 'erased_at'])
    .where('id', '=', learnerId)
    .forUpdate()
    .executeTakeFirst()
  if (!l) throw accountsErrors.ACCOUNTS_LEARNER_NOT_FOUND()
  if (l.erased_at !== null) return { status: 200 as const }
  const now = new Date()
  await learnerKeys(piiKey).destroy(trx, learnerId)
  await trx
    .updateTable('learner')
    .set({
      // Unique and not null: a value no 身份证号 hashes to, so the person may open a new account.
      national_id_hash: `erased:${learnerId}`,
      name_hash: null,
      name: null,
      national_id_sealed: null,
      national_id_masked: null,
      birth_date: null,
      category: 'other',
      erased_at: now,
    })
    .where('id', '=', learnerId)
    .execute()
  await trx.deleteFrom('student_number').where('learner_id', '=', learnerId).execute()
  // Remembered answers that list the learner (an opening's by id, an import's by account number
  // and name) go now, not at the end of their day.
  await forgetAnswersAbout(trx, learnerId, [l.account_no])
  // Events not yet relayed that carry the name go unsent: the erasure follows them in order.
  await trx
    .deleteFrom('outbox_event')
    .where('key', '=', learnerId)
    .where('type', 'in', ['accounts.learner.opened', 'accounts.learner.corrected'])
    .execute()
  await trx
    .insertInto('erasure')
    .values({
      learner_id: learnerId,
      requested_by: by.actor,
      actor_kind: by.actorKind,
      request_ref: by.requestRef,
      requested_at: now,
    })
    .execute()
  await reportErased(trx, learnerId, 'accounts', now)
  await publish(trx, [
    {
      type: 'accounts.learner.erased',
      subject: learnerId,
      data: { learnerId, erasedAt: now.toISOString() },
    },
  ])
  return { status: 201 as const }
}

/** A service's report that it destroyed its copy; a replayed report changes nothing. */
export async function reportErased(
  trx: Transaction<AccountsDB>,
  learnerId: string,
  service: string,
  at: Date,
) {
  const asked = await trx
    .selectFrom('erasure')
    .select('learner_id')
    .where('learner_id', '=', learnerId)
    .executeTakeFirst()
  if (!asked) return
  await trx
    .insertInto('erasure_report')
    .values({ learner_id: learnerId, service, completed_at: at })
    .onConflict((oc) => oc.columns(['learner_id', 'service']).doNothing())
    .execute()
}

/** The erasure as the learner or an admin reads it: who asked, when, and each service's part. */
export async function erasureView(db: Kysely<AccountsDB>, learnerId: string) {
  const e = await db
    .selectFrom('erasure')
    .selectAll()
    .where('learner_id', '=', learnerId)
    .executeTakeFirst()
  if (!e) return null
  return (await withReports(db, [e]))[0]!
}

/**
 * Erasures for the admins, newest first, each with the account number (the one thing left that
 * names the account) and every service's part; `pending` keeps those a service has not finished.
 */
export async function listErasures(
  db: Kysely<AccountsDB>,
  q: { limit?: number; cursor?: string; pending?: boolean },
) {
  const limit = q.limit ?? 20
  const after = decodeCursor(q.cursor, 2) as [string, string] | undefined
  // A cursor made by hand (not ours) is refused, not sent to the database as a bad uuid.
  if (after && (Number.isNaN(Date.parse(after[0])) || !/^[0-9a-f-]{36}$/.test(String(after[1]))))
    decodeCursor('!', 2)
  let query = db
    .selectFrom('erasure as e')
    .innerJoin('learner as l', 'l.id', 'e.learner_id')
    .selectAll('e')
    .select('l.account_no')
  if (after) {
    const [at, id] = after
    query = query.where((eb) =>
      eb.or([
        eb('e.requested_at', '<', new Date(at)),
        eb.and([eb('e.requested_at', '=', new Date(at)), eb('e.learner_id', '<', id)]),
      ]),
    )
  }
  if (q.pending)
    query = query.where(
      (eb) =>
        eb
          .selectFrom('erasure_report as r')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('r.learner_id', '=', 'e.learner_id'),
      '<',
      ERASING_SERVICES.length,
    )
  const rows = await query
    .orderBy('e.requested_at', 'desc')
    .orderBy('e.learner_id', 'desc')
    .limit(limit + 1)
    .execute()
  const views = await withReports(db, rows)
  const accountNo = new Map(rows.map((r) => [r.learner_id, r.account_no]))
  return toPage(
    views,
    limit,
    (v) => [v.requestedAt, v.learnerId],
    (v) => ({ ...v, accountNo: accountNo.get(v.learnerId)! }),
  )
}

/** Erasures with each service's report, read in one query. */
async function withReports(
  db: Kysely<AccountsDB>,
  erasures: {
    learner_id: string
    actor_kind: 'learner' | 'admin'
    request_ref: string | null
    requested_at: Date
  }[],
) {
  if (!erasures.length) return []
  const reports = await db
    .selectFrom('erasure_report')
    .select(['learner_id', 'service', 'completed_at'])
    .where(
      'learner_id',
      'in',
      erasures.map((e) => e.learner_id),
    )
    .execute()
  const done = new Map(
    reports.map((r) => [`${r.learner_id} ${r.service}`, r.completed_at.toISOString()]),
  )
  return erasures.map((e) => {
    const services = ERASING_SERVICES.map((service) => ({
      service,
      completedAt: done.get(`${e.learner_id} ${service}`) ?? null,
    }))
    return {
      learnerId: e.learner_id,
      requestedBy: e.actor_kind,
      requestRef: e.request_ref,
      requestedAt: e.requested_at.toISOString(),
      services,
      complete: services.every((s) => s.completedAt !== null),
    }
  })
}
