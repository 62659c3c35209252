import type { PortfolioEventType } from '@creditbank/contracts'
import type { ServiceContext } from '@creditbank/service-kit'
import type { PortfolioDB } from './db/schema.js'

/** What portfolio's routes are given: its database and the events it publishes, typed. */
export type PortfolioContext = ServiceContext<PortfolioDB, PortfolioEventType>
