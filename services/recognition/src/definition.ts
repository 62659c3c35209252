import {
  accountsPersonal,
  httpPostJson,
  portfolioEvidenceNames,
  type ServiceDefinition,
  serviceToken,
} from '@creditbank/service-kit'
import recognitionApp, { type RecognitionOptions, SCHEMA } from './app.js'
import { recognitionConfig } from './config.js'
import { migrations } from './db/migrations.js'

/** How recognition is assembled from configuration: used by server.ts and by the embedded run. */
export const definition: ServiceDefinition<Omit<RecognitionOptions, 'platform'>> = {
  service: 'recognition',
  schema: SCHEMA,
  migrations,
  port: 3004,
  app: recognitionApp,
  config: recognitionConfig,
  options: (c) => {
    // One token of `service:recognition` for both: accounts' names and portfolio's file names.
    const token = serviceToken({
      post: httpPostJson(c.IDENTITY_URL),
      service: 'recognition',
      secret: c.SERVICE_CLIENT_SECRET,
    })
    return {
      secretKeyHex: c.RECOGNITION_SECRET_KEY,
      learnerPersonal: accountsPersonal({ post: httpPostJson(c.ACCOUNTS_URL), token }),
      evidenceNames: portfolioEvidenceNames({ post: httpPostJson(c.PORTFOLIO_URL), token }),
    }
  },
}
