import type { EventHandlers } from '@creditbank/events'
import { insertLearner, upsertOrganization } from '../db/projection.repository.js'
import type { CertificatesDB } from '../db/schema.js'

export const consumedTopics = ['creditbank.identity.v1', 'creditbank.accounts.v1']

/** Projections this service keeps: organizations (owners of types, issuers' names and regions) and learners. */
export const handlers: EventHandlers<CertificatesDB> = {
  'identity.organization.registered': async (trx, event) => {
    const d = event.data
    await upsertOrganization(trx, {
      id: d.organizationId,
      code: d.code,
      name: d.name,
      kind: d.kind,
      region_code: d.regionCode,
    })
  },
  'accounts.learner.opened': async (trx, event) => {
    await insertLearner(trx, event.data.learnerId)
  },
}
