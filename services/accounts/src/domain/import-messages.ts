import { type Lang, type Params, sheetMessage } from '@creditbank/spreadsheet/messages'

/**
 * What each problem of an imported row says, by code, in Chinese and English (the cell problems
 * of reading the file are @creditbank/spreadsheet's CELL_* codes). The batch's domain checks speak
 * English to machines; `codeOf` names them so people read them in their language.
 */
type Words = { [L in Lang]: (p: Params) => string }

export const rowMessages = {
  ROW_PERSON_INCOMPLETE: {
    'zh-CN': () => '身份证号和姓名须同时填写（或只填学号）',
    en: () => 'Give both the 身份证号 and the name (or only the 学号)',
  },
  ROW_NO_LEARNER: {
    'zh-CN': () => '未填写学习者：请填写身份证号和姓名，或学号',
    en: () => 'No learner: give the 身份证号 and name, or the 学号',
  },
  ROW_NATIONAL_ID_INVALID: {
    'zh-CN': () => '不是有效的 18 位居民身份证号（请核对位数和末位校验码）',
    en: () => 'Not a valid 18-character resident id (check its length and last character)',
  },
  ROW_NAME_DIFFERS_IN_FILE: {
    'zh-CN': (p) => `同一身份证号在第 ${p.row} 行的姓名不同`,
    en: (p) => `The same 身份证号 has another name in row ${p.row}`,
  },
  ROW_IDENTITY_CONFLICT: {
    'zh-CN': () => '该身份证号已登记为另一个姓名，请核对',
    en: () => 'This 身份证号 is registered under another name: check it',
  },
  ROW_LEARNER_NOT_FOUND: {
    'zh-CN': () => '找不到该身份证号和姓名的学习账户',
    en: () => 'No learner account with this 身份证号 and name',
  },
  ROW_STUDENT_NO_UNKNOWN: {
    'zh-CN': () => '本机构没有这个学号（请先登记专业并填写学号，或改填身份证号和姓名）',
    en: () =>
      'No learner has this 学号 here (enroll them with it first, or give 身份证号 and name)',
  },
  ROW_STUDENT_NO_OTHER_LEARNER: {
    'zh-CN': () => '这个学号在本机构属于另一位学习者',
    en: () => 'This 学号 names another learner at your organization',
  },
  ROW_LEARNER_NOT_KNOWN_HERE: {
    'zh-CN': () => '本机构尚未登记这位学习者：请改填其身份证号和姓名',
    en: () => 'Your organization does not know this learner yet: give the 身份证号 and name',
  },
  ROW_LEARNER_UNKNOWN: {
    'zh-CN': () => '找不到这位学习者',
    en: () => 'No such learner',
  },
  ROW_COURSE_NEEDS_AMOUNT: {
    'zh-CN': () => '课程须填写学分或学时',
    en: () => 'A course carries credits or hours',
  },
  ROW_COURSE_NEEDS_GRADE: {
    'zh-CN': () => '课程须填写成绩',
    en: () => 'A course carries a grade',
  },
  ROW_NEEDS_HOURS: {
    'zh-CN': () => '培训和工作实践须填写学时',
    en: () => 'Training and work carry hours',
  },
  ROW_COMPETITION_NEEDS_LEVEL: {
    'zh-CN': () => '竞赛须填写获奖等级（如 省级一等奖）',
    en: () => 'A competition carries the level of the award',
  },
  ROW_SCORE_ABOVE_SCALE: {
    'zh-CN': () => '成绩高于满分',
    en: () => 'The score is above the scale',
  },
  ROW_SCALE_MISSING: {
    'zh-CN': () => '等级制成绩须填写满分列（如 五级制）',
    en: () => 'A grade in words needs its scale',
  },
  ROW_DATE_FUTURE: {
    'zh-CN': () => '日期晚于今天',
    en: () => 'The date is in the future',
  },
  ROW_DATE_TOO_OLD: {
    'zh-CN': () => '日期早于 1950 年',
    en: () => 'The date is before 1950',
  },
  ROW_KIND_NOT_ALLOWED: {
    'zh-CN': () => '本机构不能录入这种成果类型（企业：培训、工作实践、竞赛；培训机构：培训、竞赛）',
    en: () => 'Your organization may not post this kind of outcome',
  },
  ROW_REF_REPEATED: {
    'zh-CN': (p) => `外部编号与第 ${p.row} 行重复`,
    en: (p) => `The external ref repeats row ${p.row}`,
  },
  ROW_REF_CONFLICT: {
    'zh-CN': () => '这个外部编号已用于内容不同的另一条记录',
    en: () => 'This external ref was already posted with other content',
  },
  ROW_CREDITS_FORMAT: {
    'zh-CN': () => '学分最多 4 位整数、2 位小数',
    en: () => 'Credits have at most 4 digits and 2 decimals',
  },
  ROW_HOURS_FORMAT: {
    'zh-CN': () => '学时最多 5 位整数、1 位小数',
    en: () => 'Hours have at most 5 digits and 1 decimal',
  },
  ROW_CODE_FORMAT: {
    'zh-CN': () => '只能由英文字母、数字和符号组成，不能有空格',
    en: () => 'Only letters, digits and signs, without spaces',
  },
  ROW_BIRTH_DATE_MISMATCH: {
    'zh-CN': () => '出生日期与身份证号不符',
    en: () => 'The birth date does not match the 身份证号',
  },
  ROW_NOT_A_SCHOOL: {
    'zh-CN': () => '只有学校可以登记专业',
    en: () => 'Only schools enroll learners in programs',
  },
  ROW_ENROLLMENT_CONFLICT: {
    'zh-CN': () => '该学习者已登记这个专业，但专业名称或入学日期不同',
    en: () => 'Already enrolled in this program with another name or start date',
  },
  ROW_INVALID: {
    'zh-CN': () => '格式不正确',
    en: () => 'is not valid',
  },
} satisfies Record<string, Words>

export type RowCode = keyof typeof rowMessages

/** The words of a row or cell problem in a language. */
export function problemMessage(code: string, params: Params, lang: Lang) {
  const m = (rowMessages as Record<string, Words>)[code]
  return m ? m[lang](params) : sheetMessage(code, params, lang)
}

const exact: Record<string, RowCode> = {
  'no such learner': 'ROW_LEARNER_UNKNOWN',
  'a course carries credits or hours': 'ROW_COURSE_NEEDS_AMOUNT',
  'a course carries a grade': 'ROW_COURSE_NEEDS_GRADE',
  'training carries hours': 'ROW_NEEDS_HOURS',
  'work carries hours': 'ROW_NEEDS_HOURS',
  'a competition carries the level of the award': 'ROW_COMPETITION_NEEDS_LEVEL',
  'is above the scale': 'ROW_SCORE_ABOVE_SCALE',
  'is in the future': 'ROW_DATE_FUTURE',
  'is before 1950': 'ROW_DATE_TOO_OLD',
}

/** The code of a batch check's English message on a field (the batch API's own words). */
export function codeOf(field: string, message: string): { code: string; params?: Params } {
  const known = exact[message]
  if (known) return { code: known }
  if (/ may not post |^certificate entries /.test(message)) return { code: 'ROW_KIND_NOT_ALLOWED' }
  const repeats = /^repeats item (\d+)$/.exec(message)
  if (repeats) return { code: 'ROW_REF_REPEATED', params: { item: Number(repeats[1]) } }
  if (/^already posted as entry /.test(message)) return { code: 'ROW_REF_CONFLICT' }
  if (field === 'credits') return { code: 'ROW_CREDITS_FORMAT' }
  if (field === 'hours') return { code: 'ROW_HOURS_FORMAT' }
  if (field === 'externalRef' || field === 'code' || field === 'programCode')
    return { code: 'ROW_CODE_FORMAT' }
  if (field === 'occurredOn' || field === 'startedOn')
    return { code: 'CELL_DATE_INVALID', params: { value: '' } }
  return { code: 'ROW_INVALID' }
}
