/**
 * What each problem of reading a sheet says, in Chinese and English, by code. No dependencies:
 * the services answer with these, and the pages can show the same words by code.
 */

export type Lang = 'zh-CN' | 'en'
export type Params = Record<string, string | number | readonly string[] | undefined>

type Message = { [L in Lang]: (p: Params) => string }

const list = (v: Params[string], lang: Lang) =>
  Array.isArray(v) ? v.join(lang === 'en' ? ', ' : '、') : String(v ?? '')

/** Problems with the file as a whole: nothing in it is read. */
export const fileMessages = {
  SHEET_UNREADABLE: {
    'zh-CN': (p) => `无法读取该文件${p.reason ? `：${p.reason}` : ''}`,
    en: (p) => `The file cannot be read${p.reason ? `: ${p.reason}` : ''}`,
  },
  SHEET_XLS_NOT_SUPPORTED: {
    'zh-CN': () => '这是旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后再上传',
    en: () => 'This is an old Excel (.xls) file: save it as .xlsx or CSV and upload again',
  },
  SHEET_EMPTY: {
    'zh-CN': () => '文件中没有数据行',
    en: () => 'The file has no data rows',
  },
  SHEET_HEADER_NOT_FOUND: {
    'zh-CN': (p) => `前 10 行中找不到表头，应包含：${list(p.expected, 'zh-CN')}`,
    en: (p) =>
      `No header row in the first 10 rows; expected columns such as ${list(p.expected, 'en')}`,
  },
  SHEET_COLUMN_MISSING: {
    'zh-CN': (p) => `缺少列：${list(p.columns, 'zh-CN')}`,
    en: (p) => `Missing columns: ${list(p.columns, 'en')}`,
  },
  SHEET_LEARNER_COLUMNS_MISSING: {
    'zh-CN': () => '缺少识别学习者的列：需要“身份证号”和“姓名”，或“学号”',
    en: () =>
      'No columns naming the learner: “身份证号” (national id) and “姓名” (name), or “学号”',
  },
  SHEET_COLUMN_DUPLICATE: {
    'zh-CN': (p) => `“${p.column}”列出现了两次（${list(p.headers, 'zh-CN')}）`,
    en: (p) => `The column “${p.column}” appears twice (${list(p.headers, 'en')})`,
  },
  SHEET_TOO_MANY_ROWS: {
    'zh-CN': (p) => `文件的数据超过 ${p.max} 行，一次最多导入 ${p.max} 行，请拆分后分批导入`,
    en: (p) => `The file has more than ${p.max} data rows, the most one import takes: split it`,
  },
  SHEET_TOO_LARGE: {
    'zh-CN': (p) => `文件解压后超过 ${p.max}，无法处理`,
    en: (p) => `The file unpacks to more than ${p.max}`,
  },
} satisfies Record<string, Message>

/** Problems with one cell: the row is named with its number, the column with its header. */
export const cellMessages = {
  CELL_REQUIRED: {
    'zh-CN': () => '必填，不能为空',
    en: () => 'is required',
  },
  CELL_DATE_INVALID: {
    'zh-CN': (p) => `“${p.value}”不是有效日期（例如 2024-06-30 或 202406）`,
    en: (p) => `“${p.value}” is not a date (e.g. 2024-06-30 or 202406)`,
  },
  CELL_NUMBER_INVALID: {
    'zh-CN': (p) => `“${p.value}”不是有效的数字`,
    en: (p) => `“${p.value}” is not a number`,
  },
  CELL_CHOICE_UNKNOWN: {
    'zh-CN': (p) => `“${p.value}”不是可选值（${list(p.allowed, 'zh-CN')}）`,
    en: (p) => `“${p.value}” is not one of ${list(p.allowed, 'en')}`,
  },
  CELL_ID_AS_NUMBER: {
    'zh-CN': () => '身份证号被存成了数字，末尾几位已丢失：请把该列设为“文本”格式并重新填写',
    en: () =>
      'The national id was stored as a number and its last digits are lost: format the column as text and enter it again',
  },
  CELL_ERROR_VALUE: {
    'zh-CN': (p) => `单元格是错误值 ${p.value}`,
    en: (p) => `The cell holds the error value ${p.value}`,
  },
  CELL_TOO_LONG: {
    'zh-CN': (p) => `超过 ${p.max} 个字符`,
    en: (p) => `is longer than ${p.max} characters`,
  },
} satisfies Record<string, Message>

export type FileCode = keyof typeof fileMessages
export type CellCode = keyof typeof cellMessages

const all: Record<string, Message> = { ...fileMessages, ...cellMessages }

/** The message of a code in a language; the code itself when it is not one of this package's. */
export function sheetMessage(code: string, params: Params = {}, lang: Lang = 'zh-CN') {
  const m = all[code]
  return m ? m[lang](params) : code
}

/** The language of an Accept-Language header: English when it prefers English, else Chinese. */
export function langOf(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'zh-CN'
  const ranked = acceptLanguage
    .split(',')
    .map((part, i) => {
      const [tag = '', ...rest] = part.trim().split(';')
      const q = rest.find((r) => r.trim().startsWith('q='))
      return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1, i }
    })
    .filter((x) => x.tag.startsWith('zh') || x.tag.startsWith('en'))
    .sort((a, b) => b.q - a.q || a.i - b.i)
  return ranked[0]?.tag.startsWith('en') ? 'en' : 'zh-CN'
}
