import type { PortfolioEventType } from '@creditbank/contracts'
import type { Publish } from '@creditbank/events'
import { forgetAnswersAbout, type LearnerKeys } from '@creditbank/service-kit'
import { sql, type Transaction } from 'kysely'
import type { PortfolioDB } from '../db/schema.js'

/** Keys of an event's data that name or identify the person (timeline items keep their data). */
const PERSONAL_KEYS = [
  'name',
  'nationalIdMasked',
  'birthDate',
  'regionCode',
  'filename',
  'statement',
  // Only in items of events from before reasons left them (decision 0730); never written since.
  'reason',
]

/**
 * portfolio's part of an erasure (decision 0730): the learner's key is destroyed, so every copy
 * of what was sealed under it (backups included) stays unreadable; the learner's evidence files
 * (and the bytes of a file stored before per-learner keys, unless another learner kept the same
 * file), shares with their access logs, printed records, notifications and due-date watches are
 * deleted outright; the name is cleared; timeline items keep their ids, titles and amounts but
 * lose every personal key of their data, and corrections' items go. Credentials stay valid
 * (status lists are not touched). Idempotent.
 */
export async function eraseLearnerData(
  trx: Transaction<PortfolioDB>,
  keys: LearnerKeys,
  learnerId: string,
) {
  await keys.destroy(trx, learnerId)
  await forgetAnswersAbout(trx, learnerId)
  await trx
    .deleteFrom('share_access')
    .where(
      'share_id',
      'in',
      trx.selectFrom('share').select('id').where('learner_id', '=', learnerId),
    )
    .execute()
  await trx.deleteFrom('record').where('learner_id', '=', learnerId).execute()
  await trx.deleteFrom('share').where('learner_id', '=', learnerId).execute()
  await trx.deleteFrom('notification').where('learner_id', '=', learnerId).execute()
  await trx.deleteFrom('application_watch').where('learner_id', '=', learnerId).execute()
  const files = await trx
    .deleteFrom('evidence')
    .where('learner_id', '=', learnerId)
    .returning('sha256')
    .execute()
  if (files.length)
    await trx
      .deleteFrom('evidence_blob')
      .where(
        'sha256',
        'in',
        files.map((f) => f.sha256),
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('evidence')
              .select('id')
              .whereRef('evidence.sha256', '=', 'evidence_blob.sha256'),
          ),
        ),
      )
      .execute()
  await trx
    .updateTable('learner')
    .set({ name: null, name_sealed: null })
    .where('learner_id', '=', learnerId)
    .execute()
  await trx
    .deleteFrom('timeline_item')
    .where('learner_id', '=', learnerId)
    .where('event_type', '=', 'accounts.learner.corrected')
    .execute()
  await sql`update portfolio.timeline_item set data = data - ${sql.join(
    PERSONAL_KEYS.map((k) => sql.lit(k)),
    sql` - `,
  )} where learner_id = ${learnerId}`.execute(trx)
}

/** Erases and reports back to accounts (the report is published in the same transaction). */
export async function eraseAndReport(
  trx: Transaction<PortfolioDB>,
  keys: LearnerKeys,
  learnerId: string,
  publish: Publish<PortfolioEventType> | undefined,
) {
  await eraseLearnerData(trx, keys, learnerId)
  await publish?.(trx, [
    {
      type: 'portfolio.erasure.completed',
      subject: learnerId,
      data: { learnerId, completedAt: new Date().toISOString() },
    },
  ])
}
