import { idempotencyRetention, type RetentionRule, yearsBefore } from '@creditbank/service-kit'
import type { RecognitionDB } from '../db/schema.js'

/** How long the evidence-read log is kept (decision 0727): as long as the who-looked log. */
export const EVIDENCE_READ_YEARS = 3

/** Reads of evidence files older than 3 years, oldest first. */
export const evidenceReadRetention: RetentionRule<RecognitionDB> = {
  name: 'evidence_read',
  async sweep(trx, at, limit) {
    const r = await trx
      .deleteFrom('evidence_read')
      .where('seq', 'in', (eb) =>
        eb
          .selectFrom('evidence_read')
          .select('seq')
          .where('at', '<', yearsBefore(at, EVIDENCE_READ_YEARS))
          .orderBy('seq')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .executeTakeFirst()
    return Number(r.numDeletedRows)
  },
}

export const retentionRules = [evidenceReadRetention, idempotencyRetention<RecognitionDB>()]
