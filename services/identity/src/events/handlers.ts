import type { EventHandlers } from '@creditbank/events'
import type { IdentityDB } from '../db/schema.js'
import { linkLearner } from '../db/user.repository.js'

/** accounts.learner.claimed: later tokens of that user carry the `learner` claim. */
export const handlers: EventHandlers<IdentityDB> = {
  'accounts.learner.claimed': async (trx, event) => {
    await linkLearner(trx, event.data.userId, event.data.learnerId)
  },
}
