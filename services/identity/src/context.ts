import type { IdentityEventType } from '@creditbank/contracts'
import type { ServiceContext } from '@creditbank/service-kit'
import type { IdentityDB } from './db/schema.js'

/** What identity's routes are given: its database and the events it publishes, typed. */
export type IdentityContext = ServiceContext<IdentityDB, IdentityEventType>
