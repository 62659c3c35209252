import type { RecognitionEventType } from '@creditbank/contracts'
import type { Publish } from '@creditbank/events'
import { forgetAnswersAbout } from '@creditbank/service-kit'
import type { Transaction } from 'kysely'
import type { RecognitionDB } from '../db/schema.js'

/**
 * recognition's part of an erasure (decision 0730): the learner's name and masked 身份证号, the
 * statements they wrote, their evidence files' names and the reasons written in their
 * applications' trails are cleared. Applications, decisions and their steps stay (credits granted
 * are in the ledger and stay verifiable). Idempotent; reported back to accounts.
 */
export async function eraseAndReport(
  trx: Transaction<RecognitionDB>,
  learnerId: string,
  publish: Publish<RecognitionEventType>,
) {
  await trx
    .updateTable('learner')
    .set({ name: null, national_id_masked: null, erased_at: new Date() })
    .where('id', '=', learnerId)
    .execute()
  await forgetAnswersAbout(trx, learnerId)
  await trx
    .updateTable('application')
    .set({ statement: null })
    .where('learner_id', '=', learnerId)
    .execute()
  await trx
    .updateTable('evidence')
    .set({ filename: null })
    .where('learner_id', '=', learnerId)
    .execute()
  await trx
    .updateTable('application_trail')
    .set({ reason: null })
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
