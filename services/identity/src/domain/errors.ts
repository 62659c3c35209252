import { defineErrors } from '@creditbank/contracts'

export const identityErrors = defineErrors({
  IDENTITY_CREDENTIALS_INVALID: [
    'unauthenticated',
    'The credentials are not valid',
    '用户名或密码不正确',
  ],
  IDENTITY_LOGIN_LOCKED: [
    'rate_limited',
    'Too many failed sign-ins; try again later',
    '登录失败次数过多，请稍后再试',
  ],
  IDENTITY_GRANT_UNSUPPORTED: [
    'bad_request',
    'grant_type must be password or client_credentials',
    '不支持这种登录方式',
  ],
  IDENTITY_ORGANIZATION_NOT_FOUND: ['not_found', 'No such organization', '没有这个机构'],
  IDENTITY_ORGANIZATION_CODE_TAKEN: [
    'conflict',
    'Another organization has this code',
    '已有机构使用这个代码',
  ],
  IDENTITY_SCHOOL_LEVEL_INVALID: [
    'invalid',
    'schoolLevel is required for schools and only for schools',
    '学校必须填写办学层次，其他机构不填',
  ],
  IDENTITY_USERNAME_TAKEN: ['conflict', 'This username is taken', '用户名已被使用'],
  IDENTITY_MEMBERSHIP_ORG_UNKNOWN: [
    'invalid',
    'A membership names an organization that does not exist',
    '所填机构不存在',
  ],
  IDENTITY_NOT_ORG_ADMIN: [
    'forbidden',
    'Only a platform admin or an admin of that organization may do this',
    '只有平台管理员或该机构的管理员可以这样做',
  ],
  IDENTITY_USER_NOT_FOUND: ['not_found', 'No such user', '没有这个用户'],
  IDENTITY_ORG_NOT_SELECTABLE: [
    'forbidden',
    'The user is not a member of that organization',
    '该用户不属于这个机构',
  ],
  IDENTITY_USER_DISABLED: [
    'forbidden',
    'This account is disabled; ask an administrator',
    '账号已停用，请联系管理员',
  ],
  IDENTITY_PASSWORD_CHANGE_REQUIRED: [
    'forbidden',
    'The password was reset: choose a new password to sign in',
    '密码已被重置，请设置新密码后登录',
  ],
  IDENTITY_TEMPORARY_PASSWORD_EXPIRED: [
    'unauthenticated',
    'The temporary password has expired; ask an administrator for a new one',
    '临时密码已过期，请联系管理员重新获取',
  ],
  IDENTITY_PASSWORD_REUSED: [
    'invalid',
    'The new password must differ from the current one',
    '新密码不能与当前密码相同',
  ],
  IDENTITY_TOKEN_REVOKED: [
    'unauthenticated',
    'This sign-in has ended (account disabled or password reset); sign in again',
    '登录已失效（账号停用或密码重置），请重新登录',
  ],
  IDENTITY_USER_ALREADY_DISABLED: [
    'conflict',
    'The account is already disabled',
    '账号已经是停用状态',
  ],
  IDENTITY_USER_NOT_DISABLED: ['conflict', 'The account is not disabled', '账号未被停用'],
  IDENTITY_NOT_ON_SELF: [
    'invalid',
    'Administrators cannot disable or reset their own account; another administrator must',
    '管理员不能停用或重置自己的账号，请由另一位管理员操作',
  ],
  IDENTITY_CLIENT_NOT_FOUND: ['not_found', 'No such client', '没有这个客户端'],
  IDENTITY_CLIENT_ALREADY_REVOKED: ['conflict', 'The client is already revoked', '客户端已被吊销'],
  IDENTITY_ORGANIZATION_EDIT_INVALID: [
    'invalid',
    'The organization cannot be changed this way',
    '机构信息不能这样修改',
  ],
})
