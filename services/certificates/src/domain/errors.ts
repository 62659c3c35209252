import { defineErrors } from '@creditbank/contracts'

export const certificatesErrors = defineErrors({
  CERTIFICATES_TYPE_NOT_FOUND: ['not_found', 'No such certificate type'],
  CERTIFICATES_TYPE_CODE_TAKEN: ['conflict', 'Another certificate type has this code'],
  CERTIFICATES_TYPE_INVALID: ['invalid', 'The certificate type is not valid'],
  CERTIFICATES_EVALUATION_ORG_UNKNOWN: [
    'invalid',
    'evaluationOrgId is not a known training evaluation organization',
  ],
  CERTIFICATES_ISSUANCE_INVALID: ['invalid', 'The certificate cannot be issued as asked'],
  CERTIFICATES_NOT_ISSUER: [
    'forbidden',
    'Only the owning evaluation organization may issue this certificate type',
  ],
  CERTIFICATES_CERTIFICATE_NOT_FOUND: ['not_found', 'No such certificate'],
  CERTIFICATES_CERTIFICATE_CONFLICT: [
    'conflict',
    'This learner already holds this certificate from that date with other details',
  ],
  CERTIFICATES_ALREADY_REVOKED: ['conflict', 'The certificate is already revoked'],
  CERTIFICATES_CURSOR_MALFORMED: ['bad_request', 'The cursor is not one this API gave out'],
  CERTIFICATES_GROUP_BY_INVALID: ['bad_request', 'groupBy names unknown dimensions'],
  CERTIFICATES_CERTIFICATE_REVOKED: [
    'conflict',
    'This certificate was issued and then revoked; a new one needs the date of the new assessment',
  ],
  CERTIFICATES_LIST_FORBIDDEN: [
    'forbidden',
    "Only issuers (their own organization's certificates) and admins list certificates",
  ],
  CERTIFICATES_SEARCH_INVALID: ['invalid', 'The search cannot be run as asked'],
  CERTIFICATES_ACCOUNTS_UNAVAILABLE: [
    'unavailable',
    'Learners cannot be looked up right now (the accounts service is not answering); try again',
  ],
  CERTIFICATES_LEARNER_LOOKUP_FORBIDDEN: [
    'forbidden',
    'This caller may not look learners up by national id or account number',
  ],
})
