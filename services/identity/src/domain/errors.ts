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
  IDENTITY_USER_DISABLED: ['forbidden', 'This account is disabled; ask an administrator'],
  IDENTITY_PASSWORD_CHANGE_REQUIRED: [
    'forbidden',
    'The password was reset: choose a new password to sign in',
  ],
  IDENTITY_TEMPORARY_PASSWORD_EXPIRED: [
    'unauthenticated',
    'The temporary password has expired; ask an administrator for a new one',
  ],
  IDENTITY_PASSWORD_REUSED: ['invalid', 'The new password must differ from the current one'],
  IDENTITY_TOKEN_REVOKED: [
    'unauthenticated',
    'This sign-in has ended (account disabled or password reset); sign in again',
  ],
  IDENTITY_USER_ALREADY_DISABLED: ['conflict', 'The account is already disabled'],
  IDENTITY_USER_NOT_DISABLED: ['conflict', 'The account is not disabled'],
  IDENTITY_NOT_ON_SELF: [
    'invalid',
    'Administrators cannot disable or reset their own account; another administrator must',
  ],
  IDENTITY_CLIENT_NOT_FOUND: ['not_found', 'No such client'],
  IDENTITY_CLIENT_ALREADY_REVOKED: ['conflict', 'The client is already revoked'],
  IDENTITY_ORGANIZATION_EDIT_INVALID: ['invalid', 'The organization cannot be changed this way'],
})
