// Simplified Chinese by default, English on request; each text is written in both where it is used.
export type Lang = 'zh' | 'en'

const KEY = 'creditbank.lang'
let lang: Lang = (localStorage.getItem(KEY) as Lang | null) ?? 'zh'
const listeners = new Set<() => void>()

export function currentLang() {
  return lang
}

export function setLang(l: Lang) {
  lang = l
  localStorage.setItem(KEY, l)
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en'
  for (const f of listeners) f()
}

export function onLang(f: () => void) {
  listeners.add(f)
  return () => listeners.delete(f)
}

/** The text in the current language. */
export function t(zh: string, en: string) {
  return lang === 'zh' ? zh : en
}

/** A name kept in both languages (a 1+X certificate type's): the English one where there is one. */
export function nameIn(x: { name: string; nameEn?: string | null }) {
  return lang === 'zh' ? x.name : (x.nameEn ?? x.name)
}

const words: Record<string, [string, string]> = {
  // outcome and entry kinds
  course: ['课程', 'Course'],
  training: ['培训', 'Training'],
  competition: ['竞赛', 'Competition'],
  work: ['工作实践', 'Work'],
  certificate: ['证书', 'Certificate'],
  recognized: ['认定学分', 'Recognized'],
  reversal: ['冲正', 'Reversal'],
  // application states
  open: ['待处理', 'Open'],
  in_review: ['审核中', 'In review'],
  approved: ['已认定', 'Approved'],
  rejected: ['未通过', 'Rejected'],
  withdrawn: ['已撤回', 'Withdrawn'],
  appealed: ['申诉中', 'Appealed'],
  // certificate levels and states
  junior: ['初级', 'Junior'],
  intermediate: ['中级', 'Intermediate'],
  senior: ['高级', 'Senior'],
  valid: ['有效', 'Valid'],
  revoked: ['已撤销', 'Revoked'],
  expired: ['已过期', 'Expired'],
  not_found: ['未找到', 'Not found'],
  // organization kinds
  school: ['学校', 'School'],
  enterprise: ['企业', 'Enterprise'],
  training_body: ['培训机构', 'Training body'],
  evaluation_org: ['培训评价组织', 'Evaluation organization'],
  recognition_center: ['认证中心', 'Recognition center'],
  // roles
  admin: ['平台管理员', 'Administrator'],
  registrar: ['教务/培训管理员', 'Registrar'],
  issuer: ['发证员', 'Issuer'],
  reviewer: ['审核员', 'Reviewer'],
  learner: ['学习者', 'Learner'],
  // learner categories
  student: ['在校生', 'Student'],
  unemployed_graduate: ['未就业高校毕业生', 'Unemployed graduate'],
  veteran: ['退役军人', 'Veteran'],
  migrant_worker: ['农民工', 'Migrant worker'],
  farmer: ['农民', 'Farmer'],
  disabled: ['残疾人', 'Person with a disability'],
  laid_off_worker: ['下岗职工', 'Laid-off worker'],
  employee: ['企业职工', 'Employee'],
  other: ['其他', 'Other'],
  // course types
  foundation: ['基础课', 'Foundation'],
  core: ['核心课', 'Core'],
  elective: ['选修课', 'Elective'],
  practice: ['实践课', 'Practice'],
  // competition levels
  city: ['市级', 'City'],
  provincial: ['省级', 'Provincial'],
  national: ['国家级', 'National'],
  international: ['国际级', 'International'],
}

/** A domain word (kind, status, level, role…) in the current language; unknown words as they are. */
export function w(word: string | null | undefined) {
  if (!word) return ''
  const pair = words[word]
  return pair ? (lang === 'zh' ? pair[0] : pair[1]) : word
}
