import Type from 'typebox'
import { DateOnly, Id, Timestamp } from '../primitives.js'

export const CertificateLevel = Type.Enum(['junior', 'intermediate', 'senior'])

export const certificatesEvents = {
  'certificates.type.published': Type.Object(
    { code: Type.String(), name: Type.String(), nameEn: Type.Union([Type.String(), Type.Null()]), evaluationOrgId: Id, levels: Type.Array(CertificateLevel), validityYears: Type.Integer() },
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
    },
    { additionalProperties: false },
  ),
  'certificates.certificate.revoked': Type.Object(
    { certificateId: Id, number: Type.String(), learnerId: Id, evaluationOrgId: Id, reason: Type.String(), revokedAt: Timestamp },
    { additionalProperties: false },
  ),
}
