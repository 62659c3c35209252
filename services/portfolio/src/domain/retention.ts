import { daysBefore, idempotencyRetention, type RetentionRule } from '@creditbank/service-kit'
import type { PortfolioDB } from '../db/schema.js'

/** Days a share is kept after it expired or was revoked (decision 0727). */
export const SHARE_DAYS_AFTER_END = 90
/** Days a read notification is kept after it was read, and an unread one after it was sent. */
export const NOTIFICATION_READ_DAYS = 90
export const NOTIFICATION_DAYS = 365

/**
 * Shares that ended (expired or revoked) more than 90 days ago, with their access log (who opened
 * the link, from where): the learner still sees a recently ended share and its openings in their
 * list, and then nothing of it is kept. A printed record made from the share stays verifiable by
 * its code; it only forgets which share it came from.
 */
export const shareRetention: RetentionRule<PortfolioDB> = {
  name: 'share',
  async sweep(trx, at, limit) {
    const cutoff = daysBefore(at, SHARE_DAYS_AFTER_END)
    const ended = await trx
      .selectFrom('share')
      .select('id')
      .where((eb) => eb.or([eb('expires_at', '<', cutoff), eb('revoked_at', '<', cutoff)]))
      .orderBy('expires_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute()
    const ids = ended.map((s) => s.id)
    if (!ids.length) return 0
    await trx.deleteFrom('share_access').where('share_id', 'in', ids).execute()
    await trx.updateTable('record').set({ share_id: null }).where('share_id', 'in', ids).execute()
    const r = await trx.deleteFrom('share').where('id', 'in', ids).executeTakeFirst()
    return Number(r.numDeletedRows)
  },
}

/** Notifications read more than 90 days ago, or sent more than a year ago read or not. */
export const notificationRetention: RetentionRule<PortfolioDB> = {
  name: 'notification',
  async sweep(trx, at, limit) {
    const r = await trx
      .deleteFrom('notification')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('notification')
          .select('id')
          .where((w) =>
            w.or([
              w('read_at', '<', daysBefore(at, NOTIFICATION_READ_DAYS)),
              w('at', '<', daysBefore(at, NOTIFICATION_DAYS)),
            ]),
          )
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .executeTakeFirst()
    return Number(r.numDeletedRows)
  },
}

export const retentionRules = [
  shareRetention,
  notificationRetention,
  idempotencyRetention<PortfolioDB>(),
]
