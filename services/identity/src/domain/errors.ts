import { defineErrors } from '@creditbank/contracts'

export const identityErrors = defineErrors({
  IDENTITY_CREDENTIALS_INVALID: ['unauthenticated', 'The credentials are not valid'],
  IDENTITY_LOGIN_LOCKED: ['rate_limited', 'Too many failed sign-ins; try again later'],
  IDENTITY_GRANT_UNSUPPORTED: ['bad_request', 'grant_type must be password or client_credentials'],
  IDENTITY_ORGANIZATION_NOT_FOUND: ['not_found', 'No such organization'],
  IDENTITY_ORGANIZATION_CODE_TAKEN: ['conflict', 'Another organization has this code'],
  IDENTITY_SCHOOL_LEVEL_INVALID: [
    'invalid',
    'schoolLevel is required for schools and only for schools',
  ],
  IDENTITY_USERNAME_TAKEN: ['conflict', 'This username is taken'],
  IDENTITY_MEMBERSHIP_ORG_UNKNOWN: [
    'invalid',
    'A membership names an organization that does not exist',
  ],
  IDENTITY_NOT_ORG_ADMIN: [
    'forbidden',
    'Only a platform admin or an admin of that organization may do this',
  ],
  IDENTITY_USER_NOT_FOUND: ['not_found', 'No such user'],
  IDENTITY_ORG_NOT_SELECTABLE: ['forbidden', 'The user is not a member of that organization'],
})
