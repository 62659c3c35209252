import type { CertificatesEventType } from '@creditbank/contracts'
import {
  idempotencyRetention,
  type Platform,
  parseKey,
  scheduleRetention,
  servicePlatform,
} from '@creditbank/service-kit'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import { type CertificatesDB, SCHEMA } from './db/schema.js'
import { holderNameKeys } from './domain/holder-name.js'
import { httpLearnerDirectory, type LearnerDirectory } from './domain/learner-directory.js'
import { sealCertificatesAtStart } from './domain/seal-at-start.js'
import { consumedTopics, handlers } from './events/handlers.js'
import { catalogRoutes } from './routes/catalog.routes.js'
import { certificateRoutes } from './routes/certificates.routes.js'
import { listRoutes } from './routes/list.routes.js'
import { oversightRoutes } from './routes/oversight.routes.js'
import { sheetRoutes } from './routes/sheet.routes.js'
import { verificationRoutes } from './routes/verification.routes.js'

export { SCHEMA }

export interface CertificatesOptions {
  platform: Platform
  /** 64 hex characters; keys the holder-name hash and seal. */
  secretKeyHex: string
  /** Public verification, per client address and per replica. */
  verifyRateLimit?: { max: number; windowS: number }
  /** Where accounts answers look-ups of learners (ACCOUNTS_URL). */
  accountsUrl?: string
  /** Instead of `accountsUrl`: how learners are looked up (tests pass a real accounts app's). */
  learners?: LearnerDirectory
  startWorkers?: boolean
}

/**
 * certificates: the 1+X catalog, issuance and revocation by the owning evaluation organization,
 * public verification, and oversight counts. Organizations and learners are projections of
 * identity's and accounts' events.
 */
export default async function certificatesApp(app: FastifyInstance, o: CertificatesOptions) {
  const keys = holderNameKeys(parseKey(o.secretKeyHex, 'CERTIFICATES_SECRET_KEY'))
  const svc = await servicePlatform<CertificatesDB, CertificatesEventType>(app, {
    service: 'certificates',
    schema: SCHEMA,
    platform: o.platform,
    publishes: true,
    consumes: { topics: consumedTopics, handlers: (write) => handlers(write, keys.learners) },
    startWorkers: o.startWorkers,
  })
  // Certificates written before per-learner keys are sealed before the first request (0730).
  const { sealed, setAside } = await sealCertificatesAtStart(svc.db, keys)
  if (sealed > 0) app.log.info({ sealed }, 'certificates moved to per-learner keys')
  if (setAside.length > 0)
    app.log.error(
      { count: setAside.length, certificateIds: setAside.slice(0, 20) },
      'certificates set aside: their holder name did not open under CERTIFICATES_SECRET_KEY; shown without it until a restart with the right key',
    )
  await app.register(rateLimit, { global: false })
  await catalogRoutes(app, svc)
  const learners = o.learners ?? httpLearnerDirectory(o.accountsUrl ?? 'http://127.0.0.1:3002')
  await certificateRoutes(app, svc, keys, learners)
  await listRoutes(app, svc, keys, learners)
  await sheetRoutes(app, svc, keys, learners)
  await verificationRoutes(app, svc, keys, o.verifyRateLimit ?? { max: 60, windowS: 60 })
  await oversightRoutes(app, svc)
  // Remembered answers (issuance lists name holders) go after a day (0727).
  scheduleRetention(app, svc.db, 'certificates', [idempotencyRetention<CertificatesDB>()], {
    start: o.startWorkers !== false,
  })
}
