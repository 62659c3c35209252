import { runService } from '@creditbank/service-kit'
import portfolioApp, { type PortfolioOptions, SCHEMA } from './app.js'
import { portfolioConfig } from './config.js'
import { migrations } from './db/migrations.js'

await runService<Omit<PortfolioOptions, 'platform'>>(
  {
    service: 'portfolio',
    schema: SCHEMA,
    migrations,
    port: 3005,
    app: portfolioApp,
    options: (c) => ({ secretKeyHex: c.PORTFOLIO_SECRET_KEY, publicBaseUrl: c.PUBLIC_BASE_URL }),
  },
  portfolioConfig,
)
