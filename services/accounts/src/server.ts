import { runService } from '@creditbank/service-kit'
import accountsApp, { type AccountsOptions, SCHEMA } from './app.js'
import { accountsConfig } from './config.js'
import { migrations } from './db/migrations.js'

await runService<Omit<AccountsOptions, 'platform'>>(
  {
    service: 'accounts',
    schema: SCHEMA,
    migrations,
    port: 3002,
    app: accountsApp,
    options: (c) => ({ piiKeyHex: c.ACCOUNTS_PII_KEY }),
  },
  accountsConfig,
)
