import type { RecognitionEventType } from '@creditbank/contracts'
import {
  consumerSteps,
  type EvidenceNameSource,
  type LearnerPersonalSource,
  noEvidenceNames,
  noLearnerNames,
  type Platform,
  parseKey,
  type ServiceEvents,
  scheduleRetention,
  servicePlatform,
} from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import { type RecognitionDB, SCHEMA } from './db/schema.js'
import { RecognitionPersonal } from './domain/personal.js'
import { retentionRules } from './domain/retention.js'
import { RuleCache } from './domain/rule-cache.js'
import { sealRecognitionAtStart } from './domain/seal-at-start.js'
import {
  evidenceFileNames,
  learnerNames,
  type WorkerStats,
  workerHandlers,
} from './events/handlers.js'
import { applicationRoutes } from './routes/applications.routes.js'
import { programRoutes } from './routes/programs.routes.js'
import { ruleRoutes } from './routes/rules.routes.js'

export { SCHEMA }

export interface RecognitionOptions {
  platform: Platform
  /**
   * 64 hex characters (RECOGNITION_SECRET_KEY): seals each learner's data key, and keys the tokens
   * reviewers find a learner's name by (decision 0730).
   */
  secretKeyHex: string
  startWorkers?: boolean
  /** Counters of the rule worker (tests and the bench read them). */
  workerStats?: WorkerStats
  /** Hands the service's outbox relay and consumer to tests and the bench (replays, stop and start). */
  exposeEvents?: (events: ServiceEvents) => void
  /**
   * Where the learners' names and masked numbers reviewers see come from: accounts, asked once per
   * batch of events (decision 0730). The definition passes accounts over HTTP; absent, no names.
   */
  learnerPersonal?: LearnerPersonalSource
  /**
   * Where the names of the evidence files reviewers see come from: portfolio, asked once per batch
   * of events (decision 0730). The definition passes portfolio over HTTP; absent, no file names.
   */
  evidenceNames?: EvidenceNameSource
}

/**
 * recognition: versioned rules and alliances, the rule worker over accounts' events, learner and
 * rule applications with their review chains, and simulation.
 */
export default async function recognitionApp(app: FastifyInstance, o: RecognitionOptions) {
  const cache = new RuleCache()
  const personal = new RecognitionPersonal(parseKey(o.secretKeyHex, 'RECOGNITION_SECRET_KEY'))
  const svc = await servicePlatform<RecognitionDB, RecognitionEventType>(app, {
    service: 'recognition',
    schema: SCHEMA,
    platform: o.platform,
    publishes: true,
    consumes: {
      topics: ['creditbank.accounts.v1', 'creditbank.identity.v1', 'creditbank.portfolio.v1'],
      handlers: (write) => workerHandlers(cache, write, personal, o.workerStats),
      ...consumerSteps(
        learnerNames(o.learnerPersonal ?? noLearnerNames, personal),
        evidenceFileNames(o.evidenceNames ?? noEvidenceNames, personal),
      ),
    },
    startWorkers: o.startWorkers,
  })
  o.exposeEvents?.(svc.events)
  // What the code before per-learner keys wrote in the clear is sealed before the first request.
  const { sealed, setAside } = await sealRecognitionAtStart(svc.db, personal)
  if (sealed > 0) app.log.info({ sealed }, 'personal values moved to per-learner keys')
  if (setAside.length > 0)
    app.log.error(
      { count: setAside.length, rowIds: setAside.slice(0, 20) },
      'rows set aside: their learner key did not open under RECOGNITION_SECRET_KEY; they stay as they are until a restart with the right key',
    )
  await ruleRoutes(app, svc)
  await applicationRoutes(app, svc, cache, personal)
  await programRoutes(app, svc, cache)
  // Old evidence reads are removed hourly by whichever replica takes the lock (decision 0727).
  scheduleRetention(app, svc.db, 'recognition', retentionRules, { start: o.startWorkers !== false })
}
