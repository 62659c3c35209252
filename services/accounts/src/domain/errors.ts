import { defineErrors } from '@creditbank/contracts'

export const accountsErrors = defineErrors({
  ACCOUNTS_NATIONAL_ID_INVALID: [
    'invalid',
    'The national id is not a valid 18-character resident id',
    '身份证号不是有效的18位居民身份证号码',
  ],
  ACCOUNTS_BIRTH_DATE_MISMATCH: [
    'invalid',
    'birthDate does not match the national id',
    '出生日期与身份证号不符',
  ],
  ACCOUNTS_IDENTITY_CONFLICT: [
    'conflict',
    'This national id is registered under another name',
    '该身份证号已以另一个姓名登记',
  ],
  ACCOUNTS_LEARNER_NOT_FOUND: ['not_found', 'No such learner', '没有这位学习者'],
  ACCOUNTS_LEARNER_NOT_KNOWN_HERE: [
    'forbidden',
    'Your organization does not know this learner yet: give their national id and name',
    '本机构尚未登记这位学习者：首次办理须提供其身份证号和姓名',
  ],
  ACCOUNTS_LEARNER_PROOF_MISMATCH: [
    'invalid',
    'The national id and name given are not this learner’s',
    '所填身份证号和姓名与这位学习者不符',
  ],
  ACCOUNTS_ALREADY_CLAIMED: [
    'conflict',
    'This account is already claimed by another user',
    '该账户已被其他用户认领',
  ],
  ACCOUNTS_USER_ALREADY_LINKED: [
    'conflict',
    'This user has already claimed another account',
    '你已认领了另一个账户',
  ],
  ACCOUNTS_CLAIM_FORBIDDEN: [
    'forbidden',
    'Only a signed-in person claims an account',
    '需要登录后才能认领账户',
  ],
  ACCOUNTS_ERASURE_REF_REQUIRED: [
    'invalid',
    'An admin erases a learner only on a verified request: give its reference',
    '管理员须依据已核实的申请删除个人信息：请填写申请编号',
  ],
  ACCOUNTS_ERASURE_NOT_FOUND: [
    'not_found',
    'This learner has not been erased',
    '这位学习者的个人信息未删除',
  ],
  ACCOUNTS_LEARNER_ERASED: [
    'conflict',
    'This learner’s personal information has been erased',
    '这位学习者的个人信息已删除',
  ],
  ACCOUNTS_CORRECTION_FORBIDDEN: [
    'forbidden',
    'Only the organization that opened the account corrects the learner’s identity',
    '只有开户机构可以更正学习者的身份信息',
  ],
  ACCOUNTS_CORRECTION_EMPTY: [
    'invalid',
    'Give the corrected name or 身份证号',
    '请填写更正后的姓名或身份证号',
  ],
  ACCOUNTS_NOT_SHARED: [
    'forbidden',
    'The learner has not shared this with your organization',
    '学习者没有向你的机构分享这些内容',
  ],
  ACCOUNTS_NO_ORGANIZATION: [
    'forbidden',
    'The caller acts for no organization (no org claim)',
    '当前登录未代表任何机构',
  ],
  ACCOUNTS_ORGANIZATION_UNKNOWN: [
    'invalid',
    'The posting organization is not registered',
    '录入机构未登记',
  ],
  ACCOUNTS_KIND_NOT_ALLOWED: [
    'invalid',
    'This organization may not post this kind of outcome',
    '本机构不能录入这一类学习成果',
  ],
  ACCOUNTS_NOT_A_SCHOOL: [
    'invalid',
    'Only schools enroll learners in programs',
    '只有学校可以为学习者注册专业学籍',
  ],
  ACCOUNTS_ENROLLMENT_CONFLICT: [
    'conflict',
    'The learner is already enrolled in this program with other details',
    '该学习者已在这个专业注册，但信息不同',
  ],
  ACCOUNTS_OUTCOME_INVALID: ['invalid', 'The outcome is not valid', '学习成果信息不正确'],
  ACCOUNTS_BATCH_INVALID: [
    'invalid',
    'Some items of the batch are not valid; nothing was written',
    '批量数据中有错误的行，未写入任何记录',
  ],
  ACCOUNTS_STUDENT_NO_TAKEN: [
    'conflict',
    'This 学号 already names another learner at this school',
    '这个学号在本校已属于另一位学习者',
  ],
  ACCOUNTS_IMPORT_REPEATED: [
    'conflict',
    'This file was imported before; importing it again would post its rows a second time',
    '这个文件已经导入过，再次导入会把其中的记录重复记入',
  ],
  ACCOUNTS_IMPORT_INVALID: [
    'invalid',
    'The file has problems; nothing was written',
    '文件中有错误，未写入任何记录',
  ],
  ACCOUNTS_FIND_INVALID: [
    'invalid',
    'Name the learner by one way: 身份证号 and name, 学号, account number, or name and birth date',
    '请用一种方式查找学习者：身份证号和姓名、学号、学习账号，或姓名和出生日期',
  ],
  ACCOUNTS_ACCESS_LOG_QUERY_INVALID: [
    'invalid',
    'Name the learner by 身份证号, or by name and birth date, and give dates as from before to',
    '请用身份证号，或姓名和出生日期指明学习者，开始日期须早于结束日期',
  ],
  ACCOUNTS_EXTERNAL_REF_CONFLICT: [
    'conflict',
    'This externalRef was already posted with other content',
    '这个外部编号已用于内容不同的记录',
  ],
  ACCOUNTS_CSV_MALFORMED: ['bad_request', 'The CSV body cannot be read', '无法读取 CSV 文件'],
  ACCOUNTS_ENTRY_NOT_FOUND: ['not_found', 'No such entry', '没有这条记录'],
  ACCOUNTS_ENTRY_ALREADY_REVERSED: [
    'conflict',
    'This entry is already reversed',
    '这条记录已经冲正',
  ],
  ACCOUNTS_ENTRY_NOT_REVERSIBLE: [
    'invalid',
    'Only posted outcomes are reversed here; certificates are revoked and recognized credits belong to recognition',
    '这里只能冲正录入的学习成果；证书请撤销，认定学分由认证中心处理',
  ],
})

/**
 * A unique index caught a race that the row locks do not serialize (the same externalRef posted
 * for two learners at once, a second reversal): a conflict, not a server error.
 */
export async function conflictOnDuplicate<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    const e = err as { code?: string; constraint?: string }
    if (e?.code !== '23505') throw err
    if (e.constraint === 'ledger_entry_reversal_once')
      throw accountsErrors.ACCOUNTS_ENTRY_ALREADY_REVERSED()
    if (e.constraint === 'ledger_entry_external_ref')
      throw accountsErrors.ACCOUNTS_EXTERNAL_REF_CONFLICT()
    if (e.constraint === 'learner_user_id_key') throw accountsErrors.ACCOUNTS_USER_ALREADY_LINKED()
    throw err
  }
}
