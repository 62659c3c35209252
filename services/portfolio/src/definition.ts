import { httpLearnerPersonal, type ServiceDefinition } from '@creditbank/service-kit'
import portfolioApp, { type PortfolioOptions, SCHEMA } from './app.js'
import { portfolioConfig } from './config.js'
import { migrations } from './db/migrations.js'

/** How portfolio is assembled from configuration: used by server.ts and by the embedded run. */
export const definition: ServiceDefinition<Omit<PortfolioOptions, 'platform'>> = {
  service: 'portfolio',
  schema: SCHEMA,
  migrations,
  port: 3005,
  app: portfolioApp,
  config: portfolioConfig,
  options: (c) => ({
    secretKeyHex: c.PORTFOLIO_SECRET_KEY,
    publicBaseUrl: c.PUBLIC_BASE_URL,
    recognitionUrl: c.RECOGNITION_URL,
    identityUrl: c.IDENTITY_URL,
    accountsUrl: c.ACCOUNTS_URL,
    certificatesUrl: c.CERTIFICATES_URL,
    learnerPersonal: httpLearnerPersonal({
      accountsUrl: c.ACCOUNTS_URL,
      identityUrl: c.IDENTITY_URL,
      service: 'portfolio',
      secret: c.SERVICE_CLIENT_SECRET,
    }),
  }),
}
