import type { AccountsEventType } from '@creditbank/contracts'
import {
  type Platform,
  parseKey,
  scheduleRetention,
  servicePlatform,
} from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import type { AccountsDB } from './db/schema.js'
import { retentionRules } from './domain/retention.js'
import { sealLearnersAtStart } from './domain/seal-at-start.js'
import { consumedTopics, handlers } from './events/handlers.js'
import { installCsvParser } from './routes/csv.js'
import { erasureRoutes } from './routes/erasure.routes.js'
import { importRoutes } from './routes/imports.routes.js'
import { learnerRoutes } from './routes/learners.routes.js'
import { ledgerRoutes } from './routes/ledger.routes.js'
import { lookupRoutes } from './routes/lookup.routes.js'
import { personalRoutes } from './routes/personal.routes.js'
import { readRoutes } from './routes/reads.routes.js'

export const SCHEMA = 'accounts'

export interface AccountsOptions {
  platform: Platform
  /** 64 hex characters (ACCOUNTS_PII_KEY): the national id's keyed hash and its sealed copy. */
  piiKeyHex: string
  startWorkers?: boolean
}

/**
 * accounts: learners and their lifelong accounts, enrollments, and the append-only credit ledger
 * with its hash chains, balances and statements.
 */
export default async function accountsApp(app: FastifyInstance, o: AccountsOptions) {
  const piiKey = parseKey(o.piiKeyHex, 'ACCOUNTS_PII_KEY')
  const svc = await servicePlatform<AccountsDB, AccountsEventType>(app, {
    service: 'accounts',
    schema: SCHEMA,
    platform: o.platform,
    publishes: true,
    // An event per posted outcome: publishing them took a third of the request thread's CPU in batches.
    relayThread: true,
    // The handlers publish through the same outbox, inside the inbox transaction.
    consumes: {
      topics: consumedTopics,
      handlers,
    },
    startWorkers: o.startWorkers,
  })
  // Learners opened before per-learner keys are sealed before the first request (decision 0730).
  const { sealed, setAside } = await sealLearnersAtStart(svc.db, piiKey)
  if (sealed > 0) app.log.info({ sealed }, 'learners moved to per-learner keys')
  if (setAside.length > 0)
    app.log.error(
      { count: setAside.length, learnerIds: setAside.slice(0, 20) },
      'learners set aside: their personal data did not open under ACCOUNTS_PII_KEY; they stay unreadable until a restart with the right key',
    )
  installCsvParser(app)
  await learnerRoutes(app, svc, piiKey)
  await ledgerRoutes(app, svc, piiKey)
  await lookupRoutes(app, svc, piiKey)
  await personalRoutes(app, svc, piiKey)
  await readRoutes(app, svc, piiKey)
  await erasureRoutes(app, svc, piiKey)
  await importRoutes(app, svc, piiKey)
  // Expired rows are removed hourly by whichever replica takes the lock (decision 0727).
  scheduleRetention(app, svc.db, 'accounts', retentionRules, { start: o.startWorkers !== false })
}
