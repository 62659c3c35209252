import { daysBefore, idempotencyRetention, type RetentionRule } from '@creditbank/service-kit'
import { sql } from 'kysely'
import type { IdentityDB } from '../db/schema.js'

/**
 * Failed sign-ins are kept a day (decision 0727): they only count within the lock-out window
 * (15 minutes by default, LOGIN_FAILURE_WINDOW_S), and each names a username and when someone
 * tried it. Sessions themselves are not stored: an access token lives 15 minutes and signing out
 * everywhere bumps the user's session_version, so there is no session row to expire.
 */
export const LOGIN_FAILURE_DAYS = 1

export const loginFailureRetention: RetentionRule<IdentityDB> = {
  name: 'login_failure',
  async sweep(trx, at, limit) {
    const r = await trx
      .deleteFrom('login_failure')
      // The table has no key: its rows are picked by their physical address within the transaction.
      .where(
        sql`ctid`,
        'in',
        trx
          .selectFrom('login_failure')
          .select(sql<string>`ctid`.as('ctid'))
          .where('failed_at', '<', daysBefore(at, LOGIN_FAILURE_DAYS))
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .executeTakeFirst()
    return Number(r.numDeletedRows)
  },
}

export const retentionRules = [loginFailureRetention, idempotencyRetention<IdentityDB>()]
