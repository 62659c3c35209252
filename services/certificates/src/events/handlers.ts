import type { CertificatesEventType } from '@creditbank/contracts'
import type { EventHandlers, Publish } from '@creditbank/events'
import { forgetAnswersAbout, type LearnerKeys } from '@creditbank/service-kit'
import { insertLearner, upsertOrganization } from '../db/projection.repository.js'
import type { CertificatesDB } from '../db/schema.js'

export const consumedTopics = ['creditbank.identity.v1', 'creditbank.accounts.v1']

/** Projections this service keeps: organizations (owners of types, issuers' names and regions) and learners. */
export const handlers = (
  publish: Publish<CertificatesEventType>,
  learnerKeys: LearnerKeys,
): EventHandlers<CertificatesDB> => ({
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
  /**
   * certificates' part of an erasure (decision 0730): the learner's key is destroyed, so their
   * name and revocation reasons are unreadable here and in every backup, and the sealed copies
   * are cleared as well. The name's keyed hash stays, so a certificate already issued still
   * verifies for someone who gives the holder's name, as issued credentials stay valid.
   */
  'accounts.learner.erased': async (trx, event) => {
    const learnerId = event.data.learnerId
    await learnerKeys.destroy(trx, learnerId)
    await trx
      .updateTable('certificate')
      .set({
        holder_name_sealed: null,
        holder_name_legacy: null,
        revocation_reason: null,
        revocation_reason_legacy: null,
      })
      .where('learner_id', '=', learnerId)
      .execute()
    // An issuance's remembered answer names its holders: those naming this learner go now.
    await forgetAnswersAbout(trx, learnerId)
    await publish(trx, [
      {
        type: 'certificates.erasure.completed',
        subject: learnerId,
        data: { learnerId, completedAt: new Date().toISOString() },
      },
    ])
  },
})
