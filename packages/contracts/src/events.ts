import type { Static, TSchema } from 'typebox'
import { accountsEvents } from './events/accounts.js'
import { certificatesEvents } from './events/certificates.js'
import { identityEvents } from './events/identity.js'
import { portfolioEvents } from './events/portfolio.js'
import { recognitionEvents } from './events/recognition.js'

export * from './events/accounts.js'
export * from './events/certificates.js'
export * from './events/reads.js'
export * from './events/recognition.js'

/**
 * Every event payload the system publishes, by CloudEvents `type`
 * (`<service>.<entity>.<past-tense verb>`). Producers and consumers validate against these.
 * Payloads carry ids, never national id numbers. Each service's events live in events/<service>.ts.
 */
export const eventPayloads = {
  ...identityEvents,
  ...accountsEvents,
  ...certificatesEvents,
  ...recognitionEvents,
  ...portfolioEvents,
} as const satisfies Record<string, TSchema>

export type EventType = keyof typeof eventPayloads

/**
 * Fields a contract still accepts, so a topic written before they were retired replays, but that
 * no producer may write again: personal data taken out of events (decision 0730). The outbox
 * refuses an event that carries one.
 */
export const retiredEventFields: Partial<Record<EventType, readonly string[]>> = {
  'accounts.learner.opened': ['name', 'nationalIdMasked', 'birthDate'],
  'accounts.learner.corrected': ['name', 'nationalIdMasked', 'birthDate'],
  'portfolio.evidence.added': ['filename'],
  // Free text about an outcome or a decision, often naming the person (decision 0730).
  'accounts.entry.reversed': ['reason'],
  'certificates.certificate.revoked': ['reason'],
  'recognition.application.decided': ['reason'],
  'recognition.application.rejected': ['reason'],
}
export type EventPayload<T extends EventType> = Static<(typeof eventPayloads)[T]>

/** The types each service publishes (a service writes only its own). */
export type IdentityEventType = keyof typeof identityEvents
export type AccountsEventType = keyof typeof accountsEvents
export type CertificatesEventType = keyof typeof certificatesEvents
export type RecognitionEventType = keyof typeof recognitionEvents
export type PortfolioEventType = keyof typeof portfolioEvents

/** One topic per producing service and version: `creditbank.accounts.v1`. */
export function topicOf(type: string): string {
  const service = type.split('.')[0]
  return `creditbank.${service}.v1`
}

export const topics = [...new Set(Object.keys(eventPayloads).map(topicOf))]
