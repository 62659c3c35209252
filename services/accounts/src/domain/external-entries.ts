import type { AccountsEventType, EventPayload } from '@creditbank/contracts'
import { CREDITS_SCALE, chinaDate, fixedScale } from '@creditbank/contracts'
import type { Publish } from '@creditbank/events'
import type { Transaction } from 'kysely'
import {
  findByApplication,
  findByCertificate,
  findEntries,
  findReversalOf,
  insertEntryUses,
  lockAccounts,
} from '../db/ledger.repository.js'
import type { AccountsDB } from '../db/schema.js'
import { appendEntries, draft, outcomePostedEvent } from './ledger.js'
import { appendReversal, noReason } from './reversals.js'

/** Raised for an event this service cannot apply; the consumer retries, then parks it. */
export class UnappliableEvent extends Error {}

/** certificates.certificate.issued → a certificate entry posted by the evaluation organization; once per certificate. */
export async function recordCertificate(
  trx: Transaction<AccountsDB>,
  c: EventPayload<'certificates.certificate.issued'>,
  publish: Publish<AccountsEventType>,
) {
  const heads = await lockAccounts(trx, [c.learnerId])
  if (!heads.size)
    throw new UnappliableEvent(`certificate ${c.certificateId} names an unknown learner`)
  if (await findByCertificate(trx, c.certificateId)) return
  const [row] = await appendEntries(trx, heads, [
    draft({
      learner_id: c.learnerId,
      code: 'certificate.issued',
      kind: 'certificate',
      balance_kind: 'certificate',
      org_id: c.evaluationOrgId,
      title: c.typeName,
      outcome_code: c.typeCode,
      level: c.level,
      grade_score: c.score,
      grade_scale: c.score === null ? null : '100',
      occurred_on: c.issuedOn,
      certificate_id: c.certificateId,
      type_code: c.typeCode,
      posted_by: 'certificates',
    }),
  ])
  await publish(trx, [outcomePostedEvent(row!)])
}

/**
 * certificates.certificate.revoked → the certificate entry is reversed, once. The event carries no
 * reason (decision 0730): the issuer's reason stays with the certificate, and the reversal has none.
 */
export async function revokeCertificate(
  trx: Transaction<AccountsDB>,
  c: EventPayload<'certificates.certificate.revoked'>,
  publish: Publish<AccountsEventType>,
) {
  const original = await findByCertificate(trx, c.certificateId)
  if (!original) throw new UnappliableEvent(`certificate ${c.certificateId} was never recorded`)
  if (await findReversalOf(trx, original.id)) return
  await appendReversal(trx, original, noReason, original.org_id, 'certificates', publish)
}

/**
 * recognition.application.approved → a `recognized` entry at the target organization, once per
 * application, and each source entry marked as used there for that course. A source already used
 * for that course at that target by another application is refused (the event is parked): the
 * same outcome never earns the same credit twice at the same target.
 */
export async function recordRecognition(
  trx: Transaction<AccountsDB>,
  a: EventPayload<'recognition.application.approved'>,
  publish: Publish<AccountsEventType>,
) {
  const heads = await lockAccounts(trx, [a.learnerId])
  if (!heads.size)
    throw new UnappliableEvent(`application ${a.applicationId} names an unknown learner`)
  if (await findByApplication(trx, a.applicationId)) return
  const sources = await findEntries(trx, a.sourceEntryIds)
  if (
    sources.length !== new Set(a.sourceEntryIds).size ||
    sources.some(
      (s) =>
        s.learner_id !== a.learnerId || s.code === 'reversal' || s.code === 'recognition.approved',
    )
  ) {
    throw new UnappliableEvent(
      `application ${a.applicationId} names source entries that are not this learner's outcomes`,
    )
  }
  const [row] = await appendEntries(trx, heads, [
    draft({
      learner_id: a.learnerId,
      code: 'recognition.approved',
      kind: 'recognized',
      balance_kind: 'recognized',
      org_id: a.targetOrgId,
      title: a.courseName,
      outcome_code: a.courseCode,
      credits: fixedScale(a.credits, CREDITS_SCALE),
      category: a.courseType,
      occurred_on: chinaDate(),
      application_id: a.applicationId,
      posted_by: 'recognition',
    }),
  ])
  const uses = [...new Set(a.sourceEntryIds)].map((id) => ({
    entry_id: id,
    target_org_id: a.targetOrgId,
    course_code: a.courseCode,
    application_id: a.applicationId,
    recognized_entry_id: row!.id,
  }))
  if ((await insertEntryUses(trx, uses)) !== uses.length)
    throw new UnappliableEvent(
      `application ${a.applicationId} reuses an outcome already recognized for ${a.courseCode} at that target`,
    )
  await publish(trx, [
    {
      type: 'accounts.credit.recognized',
      subject: a.learnerId,
      data: {
        entryId: row!.id,
        learnerId: a.learnerId,
        orgId: a.targetOrgId,
        applicationId: a.applicationId,
        courseCode: a.courseCode,
        courseName: a.courseName,
        credits: row!.credits!,
        sourceEntryIds: [...new Set(a.sourceEntryIds)],
        postedAt: row!.posted_at.toISOString(),
      },
    },
  ])
}
