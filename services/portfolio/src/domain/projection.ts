import { retiredEventFields } from '@creditbank/contracts'
import type { CloudEvent } from '@creditbank/events'
import type { Transaction } from 'kysely'
import { revokeRefs } from '../db/credential.repository.js'
import type { PortfolioDB } from '../db/schema.js'
import {
  insertTimelineItem,
  isRevoked,
  lockCertificate,
  markItems,
  titleOf,
  upsertCertificateType,
  upsertLearner,
  upsertOrganization,
} from '../db/timeline.repository.js'
import { notify } from './notifications.js'
import { chinaDate } from './record.js'

export type Data = Record<string, unknown>
const s = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null)

const LEVEL_ZH: Record<string, string> = { junior: '初级', intermediate: '中级', senior: '高级' }

/** How each known type shows on the timeline: its category, the id it is about, its title, its organization. */
const shapes: Record<
  string,
  (d: Data) => { category: string; ref: string | null; title: string; org: string | null }
> = {
  'accounts.learner.opened': (d) => ({
    category: 'account',
    ref: null,
    title: `学习账户开立 ${String(d.accountNo)}`,
    org: s(d.openedByOrgId),
  }),
  'accounts.learner.claimed': () => ({
    category: 'account',
    ref: null,
    title: '学习账户认领 Account claimed',
    org: null,
  }),
  'accounts.enrollment.created': (d) => ({
    category: 'enrollment',
    ref: s(d.enrollmentId),
    title: `入学 ${String(d.programName)}`,
    org: s(d.orgId),
  }),
  'accounts.outcome.posted': (d) => ({
    category: 'outcome',
    ref: s(d.entryId),
    title: String(d.title),
    org: s(d.orgId),
  }),
  // Titled after the entry reversed (below, `titledAfter`): the event carries no reason (0730).
  'accounts.entry.reversed': (d) => ({
    category: 'reversal',
    ref: s(d.entryId),
    title: '',
    org: s(d.orgId),
  }),
  'accounts.credit.recognized': (d) => ({
    category: 'recognized',
    ref: s(d.entryId),
    title: `认定学分 ${String(d.courseName)}`,
    org: s(d.orgId),
  }),
  'certificates.certificate.issued': (d) => ({
    category: 'certificate',
    ref: s(d.certificateId),
    title: `${String(d.typeName)}（${LEVEL_ZH[String(d.level)] ?? String(d.level)}）`,
    org: s(d.evaluationOrgId),
  }),
  'certificates.certificate.revoked': (d) => ({
    category: 'revocation',
    ref: s(d.certificateId),
    title: '',
    org: s(d.evaluationOrgId),
  }),
}

/** The item whose title a reversal or a revocation takes: what was reversed or revoked. */
const titledAfter: Record<string, (d: Data) => unknown> = {
  'accounts.entry.reversed': (d) => d.reversedEntryId,
  'certificates.certificate.revoked': (d) => d.certificateId,
}

/** Recognition events (opened, decided, appealed, approved, ...) and any later type, shown generically. */
function genericShape(type: string, d: Data) {
  const verb = type.split('.').at(-1) ?? type
  const category = type.startsWith('recognition.')
    ? verb === 'decided'
      ? 'decision'
      : 'application'
    : 'other'
  const subject = s(d.courseName) ?? s(d.title) ?? s(d.programCode) ?? ''
  const ref = s(d.applicationId) ?? s(d.entryId) ?? s(d.id)
  const org = s(d.targetOrgId) ?? s(d.orgId) ?? s(d.reviewerOrgId)
  return {
    category,
    ref,
    title: `${type.split('.').slice(1).join(' ')}${subject ? ` ${subject}` : ''}`,
    org,
  }
}

/** Who posted it, when, and under which rule: carried with every timeline item. */
function provenanceOf(event: CloudEvent<Data>, d: Data, org: string | null) {
  const rule = d.rule && typeof d.rule === 'object' ? d.rule : null
  return {
    source: event.source,
    eventId: event.id,
    eventType: event.type,
    postedAt: event.time,
    orgId: org,
    actor: s(d.actor) ?? s(d.decidedBy) ?? s(d.postedBy) ?? null,
    rule,
    // Only the system's own words (a withdrawal by the system): no event carries a person's reason.
    reason: s(d.reason),
  }
}

/** An old event's retired personal fields (decision 0730) are not kept on the timeline. */
function withoutRetired(type: string, d: Data): Data {
  const retired = (retiredEventFields as Record<string, readonly string[] | undefined>)[type]
  return retired ? Object.fromEntries(Object.entries(d).filter(([k]) => !retired.includes(k))) : d
}

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** When the learning happened: an outcome's date, a certificate's issue date, else the event's China-time day. */
function occurredOn(d: Data, time: string) {
  for (const v of [d.occurredOn, d.issuedOn]) if (typeof v === 'string' && DAY.test(v)) return v
  return chinaDate(time)
}

async function project(trx: Transaction<PortfolioDB>, event: CloudEvent<Data>) {
  const d = event.data
  const learnerId = s(d.learnerId)
  if (!learnerId) return
  const shape = shapes[event.type]?.(d) ?? genericShape(event.type, d)
  const kept = withoutRetired(event.type, d)
  const original = s(titledAfter[event.type]?.(d))
  if (original) shape.title = (await titleOf(trx, learnerId, original)) ?? ''
  await insertTimelineItem(trx, {
    event_id: event.id,
    learner_id: learnerId,
    event_type: event.type,
    category: shape.category,
    ref_id: shape.ref && /^[0-9a-f-]{36}$/i.test(shape.ref) ? shape.ref : null,
    title: shape.title.slice(0, 500),
    at: event.time,
    org_id: shape.org,
    data: kept,
    provenance: provenanceOf(event, kept, shape.org),
    occurred_on: occurredOn(d, event.time),
  })
  // The ledger's copy of a certificate may arrive after the certificate's revocation (another topic):
  // the result must not depend on which topic was read first, live or in a rebuild.
  const certificateId = s(d.certificateId)
  if (event.type === 'accounts.outcome.posted' && certificateId) {
    await lockCertificate(trx, certificateId)
    if (await isRevoked(trx, learnerId, certificateId))
      await markItems(trx, learnerId, certificateId, 'revoked')
  }
}

/** Side effects beyond the item: reference data, and the status bits of reversed or revoked things. */
const effects: Record<
  string,
  (trx: Transaction<PortfolioDB>, event: CloudEvent<Data>) => Promise<void>
> = {
  'identity.organization.registered': async (trx, { data: d }) => {
    await upsertOrganization(trx, {
      id: String(d.organizationId),
      code: String(d.code),
      name: String(d.name),
      kind: String(d.kind),
    })
  },
  'certificates.type.published': async (trx, { data: d }) => {
    await upsertCertificateType(trx, {
      code: String(d.code),
      name: String(d.name),
      name_en: s(d.nameEn),
      evaluation_org_id: String(d.evaluationOrgId),
    })
  },
  'accounts.learner.opened': async (trx, event) => {
    await upsertLearner(trx, {
      learner_id: String(event.data.learnerId),
      account_no: String(event.data.accountNo),
      opened_at: event.time,
      // The name comes from accounts after the batch (events/handlers.ts learnerNames), never from
      // the event: an old event's retired name must not come back after an erasure.
      name: null,
    })
  },
  'accounts.entry.reversed': async (trx, { data: d }) => {
    const refs = await markItems(trx, String(d.learnerId), String(d.reversedEntryId), 'reversed')
    await revokeRefs(trx, [...new Set([String(d.reversedEntryId), ...refs])])
  },
  'certificates.certificate.revoked': async (trx, { data: d }) => {
    await lockCertificate(trx, String(d.certificateId))
    const refs = await markItems(trx, String(d.learnerId), String(d.certificateId), 'revoked')
    await revokeRefs(trx, [...new Set([String(d.certificateId), ...refs])])
  },
}

export async function applyEvent(trx: Transaction<PortfolioDB>, event: CloudEvent<Data>) {
  await effects[event.type]?.(trx, event)
  await project(trx, event)
  await notify(trx, event)
}
