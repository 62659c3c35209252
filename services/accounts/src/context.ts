import type { AccountsEventType } from '@creditbank/contracts'
import type { ServiceContext } from '@creditbank/service-kit'
import type { AccountsDB } from './db/schema.js'

/** What accounts's routes are given: its database and the events it publishes, typed. */
export type AccountsContext = ServiceContext<AccountsDB, AccountsEventType>
