import type { CertificatesEventType } from '@creditbank/contracts'
import type { ServiceContext } from '@creditbank/service-kit'
import type { CertificatesDB } from './db/schema.js'

/** What certificates's routes are given: its database and the events it publishes, typed. */
export type CertificatesContext = ServiceContext<CertificatesDB, CertificatesEventType>
