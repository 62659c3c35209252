import { defineErrors } from '@creditbank/contracts'

export const portfolioErrors = defineErrors({
  PORTFOLIO_LEARNER_FORBIDDEN: [
    'forbidden',
    'Only the learner themself (or an admin, where allowed) may see this',
    '只有学习者本人（或获准的管理员）可以查看',
  ],
  PORTFOLIO_NOT_A_LEARNER: [
    'forbidden',
    'This needs a learner token with a claimed account',
    '需要以已认领账户的学习者身份登录',
  ],
  PORTFOLIO_ENTRY_NOT_FOUND: [
    'not_found',
    'No such entry in this learner’s record',
    '学习档案中没有这条记录',
  ],
  PORTFOLIO_ENTRY_REVOKED: [
    'conflict',
    'The entry was reversed or its certificate revoked; no credential is issued for it',
    '这条记录已冲正或其证书已撤销，不能生成凭证',
  ],
  PORTFOLIO_RECORD_EMPTY: [
    'conflict',
    'The record holds nothing to export yet',
    '学习档案中还没有可导出的内容',
  ],
  PORTFOLIO_STATUS_LIST_NOT_FOUND: ['not_found', 'No such status list', '没有这个状态列表'],
  PORTFOLIO_CREDENTIAL_INVALID: [
    'bad_request',
    'The credential cannot be issued',
    '无法签发这个凭证',
  ],
  PORTFOLIO_RELATED_RESOURCE_INVALID: [
    'bad_request',
    'Each relatedResource must be an object with a unique id URL and a digestSRI or digestMultibase (VC Data Model 2.0 §5.3)',
    '每个 relatedResource 必须是一个对象，带有唯一的 id（URL）以及 digestSRI 或 digestMultibase（VC 数据模型 2.0 §5.3）',
  ],
  PORTFOLIO_CONTEXT_UNKNOWN: [
    'bad_request',
    'The credential uses a JSON-LD context this service does not hold (nothing is fetched)',
    '凭证使用了本服务不认识的 JSON-LD 上下文',
  ],
  PORTFOLIO_ISSUER_MISMATCH: [
    'bad_request',
    'The credential names an issuer other than the caller’s signing identity',
    '凭证中的签发者与调用方的签名身份不一致',
  ],
  PORTFOLIO_CREDENTIAL_NOT_FOUND: [
    'not_found',
    'This issuer has issued no credential with this id through the VC API',
    '该签发者没有签发过这个凭证',
  ],
  PORTFOLIO_STATUS_FINAL: [
    'conflict',
    'The credential is revoked; a revocation cannot be undone',
    '凭证已撤销，撤销不能恢复',
  ],
  PORTFOLIO_ISSUER_UNKNOWN: [
    'forbidden',
    'A system client must act for an organization to issue credentials',
    '系统客户端须代表某个机构才能签发凭证',
  ],
  PORTFOLIO_EVIDENCE_TYPE_UNSUPPORTED: [
    'unsupported_media',
    'Only PDF, PNG and JPEG files are accepted (judged by their bytes)',
    '只接受 PDF、PNG 和 JPEG 文件',
  ],
  PORTFOLIO_EVIDENCE_EMPTY: ['bad_request', 'The file is empty', '文件是空的'],
  PORTFOLIO_EVIDENCE_PDF_INVALID: [
    'invalid',
    'The PDF cannot be read: it is damaged, cut short or not really a PDF',
    'PDF 无法读取：文件损坏、不完整或不是真正的 PDF',
  ],
  PORTFOLIO_EVIDENCE_PDF_ENCRYPTED: [
    'invalid',
    'The PDF is encrypted or password-protected; upload a copy without a password',
    'PDF 已加密或设有密码，请上传无密码的副本',
  ],
  PORTFOLIO_EVIDENCE_PDF_SCRIPT: [
    'invalid',
    'The PDF contains JavaScript, a launch action or an XFA form; upload a plain copy (print to PDF)',
    'PDF 含有脚本、启动动作或 XFA 表单，请上传普通副本（打印为 PDF）',
  ],
  PORTFOLIO_EVIDENCE_IMAGE_INVALID: [
    'invalid',
    'The image cannot be read: it is damaged, cut short or not really a PNG or JPEG',
    '图片无法读取：文件损坏、不完整或不是真正的 PNG/JPEG',
  ],
  PORTFOLIO_EVIDENCE_IMAGE_TOO_LARGE: [
    'too_large',
    'The image has too many pixels',
    '图片像素过多',
  ],
  PORTFOLIO_EVIDENCE_NOT_FOUND: ['not_found', 'No such evidence file', '没有这个佐证材料'],
  PORTFOLIO_LEARNER_ERASED: [
    'conflict',
    'This learner’s personal data was erased; nothing personal is kept for them again',
    '该学习者的个人信息已删除，不再保存其个人信息',
  ],
  PORTFOLIO_SHARE_NOT_FOUND: ['not_found', 'No such share', '没有这个分享'],
  PORTFOLIO_SHARE_EXPIRY_INVALID: [
    'invalid',
    'The expiry must be in the future and at most one year away',
    '有效期须晚于现在，且不超过一年',
  ],
  PORTFOLIO_SHARE_ENTRIES_INVALID: [
    'invalid',
    'Some selected entries are not in this learner’s record',
    '所选记录中有不属于本人学习档案的',
  ],
  PORTFOLIO_SHARE_LINK_GONE: [
    'conflict',
    'This share is revoked or expired, or was made before links were kept; make a new one',
    '该分享已撤销或过期，请重新创建',
  ],
  PORTFOLIO_RECORD_NOT_FOUND: [
    'not_found',
    'No printed record has this code',
    '没有这个编号的学习成果证明',
  ],
  PORTFOLIO_EXPORT_SOURCE_UNAVAILABLE: [
    'unavailable',
    'A service that holds part of your data did not answer; no archive was made. Try again shortly',
    '保存您部分数据的服务暂时没有响应，未生成数据副本，请稍后再试',
  ],
  PORTFOLIO_EXPORT_TOO_LARGE: [
    'too_large',
    'Your data is larger than one archive may hold',
    '您的数据超出了单个压缩包的容量',
  ],
  PORTFOLIO_EXPORT_BUSY: [
    'unavailable',
    'Other copies are being made just now; try again in a minute',
    '目前正在生成其他数据副本，请一分钟后再试',
  ],
  PORTFOLIO_SHARED_VIEW_GONE: [
    'not_found',
    'This link is unknown, expired or revoked',
    '链接无效、已过期或已撤销',
  ],
})
