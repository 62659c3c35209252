import type { EventHandler } from '@creditbank/events'
import type { Kysely } from 'kysely'
import { upsertOrganization } from '../db/organization.repository.js'
import type { AccountsDB } from '../db/schema.js'
import {
  recordCertificate,
  recordRecognition,
  revokeCertificate,
} from '../domain/external-entries.js'
import type { Publish } from '../domain/ledger.js'

export const consumedTopics = [
  'creditbank.identity.v1',
  'creditbank.certificates.v1',
  'creditbank.recognition.v1',
]

/** Each handler runs in the transaction that records the event in the inbox; all are idempotent on natural keys too. */
export function handlers(publish: Publish): Record<string, EventHandler> {
  return {
    'identity.organization.registered': async (trx, e) => {
      await upsertOrganization(trx as Kysely<AccountsDB>, {
        id: e.data.organizationId,
        kind: e.data.kind,
        name: e.data.name,
        code: e.data.code,
      })
    },
    'certificates.certificate.issued': (trx, e) =>
      recordCertificate(trx as Kysely<AccountsDB>, e.data, publish),
    'certificates.certificate.revoked': (trx, e) =>
      revokeCertificate(trx as Kysely<AccountsDB>, e.data, publish),
    'recognition.application.approved': (trx, e) =>
      recordRecognition(trx as Kysely<AccountsDB>, e.data, publish),
  }
}
