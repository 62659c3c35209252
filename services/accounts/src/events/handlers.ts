import type { AccountsEventType } from '@creditbank/contracts'
import type { EventHandlers, Publish } from '@creditbank/events'
import { upsertOrganization } from '../db/organization.repository.js'
import type { AccountsDB } from '../db/schema.js'
import { reportErased } from '../domain/erasure.js'
import {
  recordCertificate,
  recordRecognition,
  revokeCertificate,
} from '../domain/external-entries.js'
import { keepReportedRead } from '../domain/reads.js'

export const consumedTopics = [
  'creditbank.identity.v1',
  'creditbank.certificates.v1',
  'creditbank.recognition.v1',
  'creditbank.portfolio.v1',
]

/** Each handler runs in the transaction that records the event in the inbox; all are idempotent on natural keys too. */
export function handlers(publish: Publish<AccountsEventType>): EventHandlers<AccountsDB> {
  return {
    'identity.organization.registered': async (trx, e) => {
      await upsertOrganization(trx, {
        id: e.data.organizationId,
        kind: e.data.kind,
        name: e.data.name,
        code: e.data.code,
      })
    },
    'certificates.certificate.issued': (trx, e) => recordCertificate(trx, e.data, publish),
    'certificates.certificate.revoked': (trx, e) => revokeCertificate(trx, e.data, publish),
    'recognition.application.approved': (trx, e) => recordRecognition(trx, e.data, publish),
    // Each service's part of an erasure (decision 0730), shown by GET /v1/learners/{id}/erasure.
    'certificates.erasure.completed': (trx, e) =>
      reportErased(trx, e.data.learnerId, 'certificates', new Date(e.data.completedAt)),
    'recognition.erasure.completed': (trx, e) =>
      reportErased(trx, e.data.learnerId, 'recognition', new Date(e.data.completedAt)),
    'portfolio.erasure.completed': (trx, e) =>
      reportErased(trx, e.data.learnerId, 'portfolio', new Date(e.data.completedAt)),
    // Reads of a learner's data answered by other services join the who-looked log (0725).
    'certificates.learner.read': (trx, e) => keepReportedRead(trx, e.id, 'certificates', e.data),
    'recognition.learner.read': (trx, e) => keepReportedRead(trx, e.id, 'recognition', e.data),
  }
}
