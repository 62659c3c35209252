import { idempotencyRetention, type RetentionRule, yearsBefore } from '@creditbank/service-kit'
import { sql } from 'kysely'
import type { AccountsDB } from '../db/schema.js'

/** How long the who-looked log is kept (decision 0727): the same 3 years the trigger enforces. */
export const ACCESS_LOG_YEARS = 3

/**
 * Removes reads older than 3 years from `learner_read`, by the one path its append-only trigger
 * allows: the transaction declares itself the retention job, and the trigger checks each row's
 * age by the database's clock. The cutoff is also bounded by that clock here, so a clock moved
 * forward (tests) never asks the trigger for a row it would refuse.
 */
export const accessLogRetention: RetentionRule<AccountsDB> = {
  name: 'learner_read',
  async sweep(trx, at, limit) {
    await sql`select set_config('creditbank.retention', 'learner_read', true)`.execute(trx)
    const cutoff = yearsBefore(at, ACCESS_LOG_YEARS)
    const r = await trx
      .deleteFrom('learner_read')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('learner_read')
          .select('id')
          .where(
            'read_at',
            '<',
            sql<Date>`least(${cutoff}::timestamptz, now() - interval '${sql.raw(String(ACCESS_LOG_YEARS))} years')`,
          )
          .orderBy('read_at')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .executeTakeFirst()
    return Number(r.numDeletedRows)
  },
}

export const retentionRules = [accessLogRetention, idempotencyRetention<AccountsDB>()]
