import { defineErrors } from '@creditbank/contracts'

export const certificatesErrors = defineErrors({
  CERTIFICATES_TYPE_NOT_FOUND: ['not_found', 'No such certificate type', '没有这个证书类型'],
  CERTIFICATES_TYPE_CODE_TAKEN: [
    'conflict',
    'Another certificate type has this code',
    '已有证书类型使用这个代码',
  ],
  CERTIFICATES_TYPE_INVALID: ['invalid', 'The certificate type is not valid', '证书类型信息不正确'],
  CERTIFICATES_EVALUATION_ORG_UNKNOWN: [
    'invalid',
    'evaluationOrgId is not a known training evaluation organization',
    '所填机构不是已登记的培训评价组织',
  ],
  CERTIFICATES_ISSUANCE_INVALID: [
    'invalid',
    'The certificate cannot be issued as asked',
    '无法按所填信息颁发证书',
  ],
  CERTIFICATES_NOT_ISSUER: [
    'forbidden',
    'Only the owning evaluation organization may issue this certificate type',
    '只有该证书所属的培训评价组织可以颁发',
  ],
  CERTIFICATES_CERTIFICATE_NOT_FOUND: ['not_found', 'No such certificate', '没有这张证书'],
  CERTIFICATES_CERTIFICATE_CONFLICT: [
    'conflict',
    'This learner already holds this certificate from that date with other details',
    '该学习者在这一日期已持有这张证书，但信息不同',
  ],
  CERTIFICATES_ALREADY_REVOKED: ['conflict', 'The certificate is already revoked', '证书已被撤销'],
  CERTIFICATES_CURSOR_MALFORMED: [
    'bad_request',
    'The cursor is not one this API gave out',
    '翻页标记无效，请从第一页重新查看',
  ],
  CERTIFICATES_GROUP_BY_INVALID: [
    'bad_request',
    'groupBy names unknown dimensions',
    '统计维度不正确',
  ],
  CERTIFICATES_CERTIFICATE_REVOKED: [
    'conflict',
    'This certificate was issued and then revoked; a new one needs the date of the new assessment',
    '这张证书颁发后已被撤销；重新颁发需填写新的考核日期',
  ],
  CERTIFICATES_LIST_FORBIDDEN: [
    'forbidden',
    "Only issuers (their own organization's certificates), admins, and a learner (their own, by learnerId) list certificates",
    '只有发证员（本机构的证书）、平台管理员和学习者本人（本人的证书）可以查看证书列表',
  ],
  CERTIFICATES_SEARCH_INVALID: [
    'invalid',
    'The search cannot be run as asked',
    '无法按所填条件查询',
  ],
  CERTIFICATES_ACCOUNTS_UNAVAILABLE: [
    'unavailable',
    'Learners cannot be looked up right now (the accounts service is not answering); try again',
    '暂时无法查找学习者（账户服务无响应），请稍后再试',
  ],
  CERTIFICATES_SHEET_INVALID: [
    'invalid',
    'The spreadsheet cannot be read as a batch of certificates (the detail says why)',
    '无法按批量颁发表格读取该文件',
  ],
  CERTIFICATES_LEARNER_LOOKUP_FORBIDDEN: [
    'forbidden',
    'This caller may not look learners up by national id or account number',
    '无权按身份证号或账户号查找学习者',
  ],
})
