import type { PortfolioEventType } from '@creditbank/contracts'
import {
  type LearnerPersonalSource,
  noLearnerNames,
  type Platform,
  parseKey,
  scheduleRetention,
  servicePlatform,
} from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import { Issuers } from './credentials/issuers.js'
import { type PortfolioDB, SCHEMA } from './db/schema.js'
import type { CredentialContext } from './domain/credentials.js'
import { type EvidenceGrants, httpEvidenceGrants } from './domain/evidence-grants.js'
import { httpSources, type SourceGet } from './domain/export-sources.js'
import { portfolioKeys } from './domain/personal.js'
import { retentionRules } from './domain/retention.js'
import { sealAtStartAll } from './domain/seal-at-start.js'
import { consumedTopics, learnerNames, projectionHandlers } from './events/handlers.js'
import { oversightConsumer } from './oversight/consumer.js'
import { credentialRoutes } from './routes/credentials.routes.js'
import { evidenceRoutes } from './routes/evidence.routes.js'
import { evidenceNameRoutes } from './routes/evidence-names.routes.js'
import { exportRoutes } from './routes/export.routes.js'
import { notificationRoutes } from './routes/notifications.routes.js'
import { oversightRoutes } from './routes/oversight.routes.js'
import { recordRoutes } from './routes/record.routes.js'
import { shareRoutes } from './routes/shares.routes.js'
import { timelineRoutes } from './routes/timeline.routes.js'
import { vcApiRoutes } from './routes/vc-api.routes.js'

export { SCHEMA }

export interface PortfolioOptions {
  platform: Platform
  /** 64 hex characters: seals the organizations' credential signing keys. */
  secretKeyHex: string
  /** The gateway's public URL: status list and share links are built on it. */
  publicBaseUrl?: string
  startWorkers?: boolean
  /** Where recognition grants reviewers' reads of evidence files (RECOGNITION_URL). */
  recognitionUrl?: string
  /** Instead of `recognitionUrl`: how grants are asked (tests pass a stand-in). */
  evidenceGrants?: EvidenceGrants
  /** identity (IDENTITY_URL, where the keys are), asked for the learner's user account (0722). */
  identityUrl?: string
  /** accounts and certificates, asked for their part of a learner's copy of their data (0721). */
  accountsUrl?: string
  certificatesUrl?: string
  /** Instead of the four URLs: how the copy asks the services (tests pass the real apps' inject). */
  exportSources?: SourceGet
  /**
   * Where the learners' names printed on shares and records come from: accounts, asked once per
   * batch of events (decision 0730). The definition passes accounts over HTTP; absent, no names.
   */
  learnerPersonal?: LearnerPersonalSource
}

/**
 * portfolio: the learner's lifelong e-archive. A timeline projected from every event, evidence
 * files, share links, and verifiable exports (Open Badges 3.0, CLR 2.0, Bitstring Status Lists,
 * the W3C VC API), each organization signing as its own did:key.
 */
export default async function portfolioApp(app: FastifyInstance, o: PortfolioOptions) {
  const sealKey = parseKey(o.secretKeyHex, 'PORTFOLIO_SECRET_KEY')
  const keys = portfolioKeys(sealKey)
  const svc = await servicePlatform<PortfolioDB, PortfolioEventType>(app, {
    service: 'portfolio',
    schema: SCHEMA,
    platform: o.platform,
    publishes: true,
    consumes: {
      topics: consumedTopics,
      handlers: (publish) => projectionHandlers(keys, publish),
      ...learnerNames(o.learnerPersonal ?? noLearnerNames, keys),
    },
    startWorkers: o.startWorkers,
  })
  // Personal data written before per-learner keys is sealed under them before the first request.
  await sealAtStartAll(svc.db, keys, sealKey, app.log)
  const ctx: CredentialContext = {
    db: svc.db,
    issuers: new Issuers(sealKey),
    publicBaseUrl: (o.publicBaseUrl ?? 'http://127.0.0.1:3000').replace(/\/+$/, ''),
    sealKey,
    keys,
  }
  await timelineRoutes(app, svc, o.platform)
  await credentialRoutes(app, ctx)
  await vcApiRoutes(app, ctx)
  await shareRoutes(app, svc, ctx)
  await app.register(evidenceRoutes, {
    svc,
    grants: o.evidenceGrants ?? httpEvidenceGrants(o.recognitionUrl ?? 'http://127.0.0.1:3004'),
    keys,
  })
  // Outside the evidence plugin: that one takes raw bodies, this one JSON.
  await evidenceNameRoutes(app, svc, keys)
  await notificationRoutes(app, svc)
  await recordRoutes(app, svc, ctx)
  await oversightRoutes(app, svc, {
    platform: o.platform,
    consumer: oversightConsumer(app, {
      db: svc.db,
      platform: o.platform,
      startWorkers: o.startWorkers,
    }),
  })
  await exportRoutes(
    app,
    ctx,
    o.exportSources ??
      httpSources({
        identity: o.identityUrl ?? 'http://127.0.0.1:3001',
        accounts: o.accountsUrl ?? 'http://127.0.0.1:3002',
        certificates: o.certificatesUrl ?? 'http://127.0.0.1:3003',
        recognition: o.recognitionUrl ?? 'http://127.0.0.1:3004',
      }),
  )
  // Ended shares and old notifications are removed hourly by whichever replica takes the lock (0727).
  scheduleRetention(app, svc.db, 'portfolio', retentionRules, { start: o.startWorkers !== false })
}
