/**
 * What a kind of sheet holds: its columns, the headers each is known by, and how a cell becomes a
 * value. Plain data without dependencies, so the pages can import it too.
 */

/** How a cell becomes the text of a field. */
export type ColumnType =
  | { type: 'text'; maxLength: number }
  /** 身份证号: text; a number (Excel drops the last digits of an 18-digit number) is refused. */
  | { type: 'nationalId' }
  /** A non-negative decimal, written plainly (`4.50` → `4.5`, `３２` → `32`). */
  | { type: 'decimal' }
  /** yyyy-MM-dd, yyyy/M/d, yyyy年M月d日, yyyyMMdd, an Excel date; a month alone (yyyyMM, yyyy-MM) is its first day. */
  | { type: 'date' }
  /** One of a list of values, each known by several words (`课程` or `course` → `course`). */
  | { type: 'choice'; choices: Record<string, readonly string[]> }

export type Column = ColumnType & {
  /** The field the column fills, e.g. `credits`. */
  key: string
  /** Headers it is known by; the first is the template's (Chinese), matching ignores case and spaces. */
  headers: readonly string[]
  /** English header, for the template's notes and English pages. */
  en: string
  required?: boolean
  /** Used when the column is absent or the cell is empty. */
  default?: string
  /** One line for the template's notes sheet, in Chinese, and an example value. */
  note?: string
  example?: string
  /** Left out of the template (still read when present: machine exports use it). */
  hidden?: boolean
}

export interface SheetSpec {
  /** `outcomes`, `enrollments`, `certificates`. */
  kind: string
  /** The template's sheet name. */
  title: string
  columns: readonly Column[]
  /** At least one of these groups of columns must all be present (how a row names its learner). */
  oneOf?: readonly (readonly string[])[]
  maxRows: number
}
