/**
 * What went wrong, in domain words. Domain code throws these without knowing HTTP; one error
 * handler turns the kind into a status and the whole into RFC 9457 problem+json.
 */
export type ErrorKind =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid'
  | 'too_large'
  | 'unsupported_media'
  | 'rate_limited'
  | 'unavailable'

export interface FieldError {
  /** JSON pointer to the field, e.g. `/items/3/credits`. */
  path: string
  message: string
  /** What is wrong with the field, stable (`FIELD_REQUIRED`, `FIELD_TOO_LONG`, …; see fieldErrorText). */
  code?: string
  /** The bound a FIELD_TOO_* code refers to (a length, a count or a number). */
  limit?: number
}

/** The languages answers are given in: Simplified Chinese, and English by default. */
export type Lang = 'zh' | 'en'

/** `zh` when the client asks for Chinese first (`Accept-Language: zh-CN,…`), else `en`. */
export function langOf(acceptLanguage: string | string[] | undefined): Lang {
  const first = (Array.isArray(acceptLanguage) ? acceptLanguage[0] : acceptLanguage) ?? ''
  return /^\s*zh\b/i.test(first) ? 'zh' : 'en'
}

/** A field error's message in each language, by its code; `{limit}` is the bound. */
export const fieldErrorText: Record<string, readonly [en: string, zh: string]> = {
  FIELD_REQUIRED: ['is required', '必填'],
  FIELD_TYPE: ['has the wrong type', '类型不正确'],
  FIELD_FORMAT: ['is not in the expected format', '格式不正确'],
  FIELD_TOO_LONG: ['is longer than {limit} characters', '不能超过 {limit} 个字符'],
  FIELD_TOO_SHORT: ['is shorter than {limit} characters', '不能少于 {limit} 个字符'],
  FIELD_TOO_SMALL: ['is below {limit}', '不能小于 {limit}'],
  FIELD_TOO_BIG: ['is above {limit}', '不能大于 {limit}'],
  FIELD_TOO_MANY: ['has more than {limit} items', '不能超过 {limit} 项'],
  FIELD_TOO_FEW: ['has fewer than {limit} items', '不能少于 {limit} 项'],
  FIELD_CHOICE: ['is not one of the allowed values', '不是可选的值'],
  FIELD_UNKNOWN: ['is not a known field', '不是可接受的字段'],
  FIELD_INVALID: ['is not valid', '不正确'],
  FIELD_UNSTORABLE: ['contains characters that cannot be stored', '包含无法保存的字符'],
  NATIONAL_ID_FORMAT: [
    'must be 17 digits and a check digit (0-9 or X)',
    '须为 17 位数字加 1 位校验码（0–9 或 X）',
  ],
  NATIONAL_ID_CHECK_DIGIT: ['the check digit does not match', '末位校验码不符，请核对号码'],
  NATIONAL_ID_BIRTH_DATE: ['the birth date in it is not a date', '其中的出生日期不是有效日期'],
  NATIONAL_ID_BIRTH_IMPLAUSIBLE: [
    'the birth date in it is not plausible',
    '其中的出生日期不合理（早于 1900 年或晚于今天）',
  ],
  FIELD_LEARNER_NOT_KNOWN: [
    'names a learner your organization does not know yet: give their national id and name',
    '是本机构尚未登记的学习者：请改填其身份证号和姓名',
  ],
}

/** A field error's message in `lang`, from its code; the given message when it has no code. */
export function fieldMessage(e: FieldError, lang: Lang): string {
  const text = e.code ? fieldErrorText[e.code] : undefined
  if (!text) return e.message
  return text[lang === 'zh' ? 1 : 0].replace('{limit}', String(e.limit ?? ''))
}

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    /** Stable, e.g. `ACCOUNTS_ENTRY_NOT_FOUND`. */
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
    /** The general title of the code; `message` is the detail of this occurrence. */
    readonly title: string = message,
    /** The title in Simplified Chinese, for clients that ask for it. */
    readonly titleZh?: string,
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const errorStatus: Record<ErrorKind, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid: 422,
  too_large: 413,
  unsupported_media: 415,
  rate_limited: 429,
  unavailable: 503,
}

/**
 * Defines a module's errors once, each with its title in English and in Simplified Chinese:
 * `defineErrors({ X_NOT_FOUND: ['not_found', 'No such x', '没有这个 x'] })`. The compiler refuses a
 * code without its Chinese title, so every page can show every error in the reader's language.
 */
export function defineErrors<
  const T extends Record<string, readonly [kind: ErrorKind, en: string, zh: string]>,
>(defs: T) {
  const out = {} as { [K in keyof T]: (detail?: string, fieldErrors?: FieldError[]) => AppError }
  for (const [code, [kind, title, zh]] of Object.entries(defs)) {
    ;(out as Record<string, unknown>)[code] = (detail?: string, fieldErrors?: FieldError[]) =>
      new AppError(kind, code, detail ?? title, fieldErrors, title, zh)
  }
  return out
}
