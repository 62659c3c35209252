import Type from 'typebox'
import { DateOnly, Id, Timestamp } from '../primitives.js'
import { LearnerRead } from './reads.js'

export const CertificateLevel = Type.Enum(['junior', 'intermediate', 'senior'])
export type CertificateLevel = Type.Static<typeof CertificateLevel>
const Fee = Type.String({ pattern: '^\\d{1,8}\\.\\d{2}$' })

export const certificatesEvents = {
  'certificates.type.published': Type.Object(
    {
      code: Type.String(),
      name: Type.String(),
      nameEn: Type.Union([Type.String(), Type.Null()]),
      evaluationOrgId: Id,
      levels: Type.Array(CertificateLevel),
      validityYears: Type.Integer(),
      /** The fee standard per level offered, decimal CNY with two places. */
      fees: Type.Optional(
        Type.Object(
          {
            junior: Type.Optional(Fee),
            intermediate: Type.Optional(Fee),
            senior: Type.Optional(Fee),
          },
          { additionalProperties: false },
        ),
      ),
      majors: Type.Optional(Type.Array(Type.String())),
    },
    { additionalProperties: false },
  ),
  'certificates.certificate.issued': Type.Object(
    {
      certificateId: Id,
      number: Type.String(),
      learnerId: Id,
      typeCode: Type.String(),
      typeName: Type.String(),
      level: CertificateLevel,
      score: Type.Union([Type.String(), Type.Null()]),
      issuedOn: DateOnly,
      expiresOn: Type.Union([DateOnly, Type.Null()]),
      evaluationOrgId: Id,
      /** The evaluation organization's name, for ledger lines and timelines. */
      evaluationOrgName: Type.Optional(Type.String()),
      /** What the learner was charged, decimal CNY (never above the type's fee standard). */
      feeCharged: Type.Optional(Type.Union([Fee, Type.Null()])),
    },
    { additionalProperties: false },
  ),
  'certificates.certificate.revoked': Type.Object(
    {
      certificateId: Id,
      number: Type.String(),
      learnerId: Id,
      evaluationOrgId: Id,
      /**
       * Retired (decision 0730): never written, ignored by consumers; kept so topics written before
       * replay. The reason is read where it was written (the certificate), under the learner's key.
       */
      reason: Type.Optional(Type.String()),
      revokedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  /** certificates has destroyed its copy of an erased learner's personal data (decision 0730). */
  'certificates.erasure.completed': Type.Object(
    { learnerId: Id, completedAt: Timestamp },
    { additionalProperties: false },
  ),
  /** A staff read of a learner's data, kept by accounts in the who-looked log (decision 0725). */
  'certificates.learner.read': LearnerRead,
}
