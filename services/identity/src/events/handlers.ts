import type { EventHandler } from '@creditbank/events'
import type { Kysely } from 'kysely'
import type { IdentityDB } from '../db/schema.js'
import { linkLearner } from '../db/user.repository.js'

/** accounts.learner.claimed: later tokens of that user carry the `learner` claim. */
export const handlers: Record<string, EventHandler> = {
  'accounts.learner.claimed': async (trx, event) => {
    await linkLearner(trx as Kysely<IdentityDB>, event.data.userId, event.data.learnerId)
  },
}
