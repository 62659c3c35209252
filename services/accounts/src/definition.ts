import type { ServiceDefinition } from '@creditbank/service-kit'
import accountsApp, { type AccountsOptions, SCHEMA } from './app.js'
import { accountsConfig } from './config.js'
import { migrations } from './db/migrations.js'

/** How accounts is assembled from configuration: used by server.ts and by the embedded run. */
export const definition: ServiceDefinition<Omit<AccountsOptions, 'platform'>> = {
  service: 'accounts',
  schema: SCHEMA,
  migrations,
  port: 3002,
  app: accountsApp,
  config: accountsConfig,
  options: (c) => ({ piiKeyHex: c.ACCOUNTS_PII_KEY }),
}
