import type { ServiceDefinition } from '@creditbank/service-kit'
import certificatesApp, { type CertificatesOptions, SCHEMA } from './app.js'
import { certificatesConfig } from './config.js'
import { migrations } from './db/migrations.js'

/** How certificates is assembled from configuration: used by server.ts and by the embedded run. */
export const definition: ServiceDefinition<Omit<CertificatesOptions, 'platform'>> = {
  service: 'certificates',
  schema: SCHEMA,
  migrations,
  port: 3003,
  app: certificatesApp,
  config: certificatesConfig,
  options: (c) => ({
    secretKeyHex: c.CERTIFICATES_SECRET_KEY,
    verifyRateLimit: { max: c.VERIFY_RATE_LIMIT_MAX, windowS: c.VERIFY_RATE_LIMIT_WINDOW_S },
    accountsUrl: c.ACCOUNTS_URL,
  }),
}
