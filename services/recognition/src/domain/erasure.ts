import type { RecognitionEventType } from '@creditbank/contracts'
import type { Publish } from '@creditbank/events'
import { forgetAnswersAbout } from '@creditbank/service-kit'
import { sql, type Transaction } from 'kysely'
import type { RecognitionDB } from '../db/schema.js'
import type { RecognitionPersonal } from './personal.js'

/**
 * recognition's part of an erasure (decision 0730): the learner's key is destroyed, so whatever
 * was sealed under it (here, and in any backup) no longer opens; and the learner's name and
 * masked 身份证号 with the name's search tokens, the statements they wrote, their evidence files'
 * names and the reasons written in their applications' trails are cleared as well. Applications,
 * decisions and their steps stay (credits granted are in the ledger and stay verifiable).
 * Idempotent; reported back to accounts.
 */
export async function eraseAndReport(
  trx: Transaction<RecognitionDB>,
  learnerId: string,
  publish: Publish<RecognitionEventType>,
  personal: RecognitionPersonal,
) {
  await personal.keys.destroy(trx, learnerId)
  await trx
    .updateTable('learner')
    .set({
      name: null,
      national_id_masked: null,
      personal_sealed: null,
      name_tokens: sql`'{}'::text[]` as never,
      erased_at: sql`coalesce(erased_at, now())` as never,
    })
    .where('id', '=', learnerId)
    .execute()
  await forgetAnswersAbout(trx, learnerId)
  await trx
    .updateTable('application')
    .set({ statement: null, statement_sealed: null })
    .where('learner_id', '=', learnerId)
    .execute()
  await trx
    .updateTable('evidence')
    .set({ filename: null, filename_sealed: null })
    .where('learner_id', '=', learnerId)
    .execute()
  await trx
    .updateTable('application_trail')
    .set({ reason: null, reason_sealed: null })
    .where(
      'application_id',
      'in',
      trx.selectFrom('application').select('id').where('learner_id', '=', learnerId),
    )
    .execute()
  await publish(trx, [
    {
      type: 'recognition.erasure.completed',
      subject: learnerId,
      data: { learnerId, completedAt: new Date().toISOString() },
    },
  ])
}
