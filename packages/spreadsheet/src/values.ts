import type { CellCode, Params } from './messages.js'
import type { Column } from './spec.js'

/** A cell as read: its text, and what Excel stored when it was not text. */
export interface Cell {
  text: string
  number?: number
  /** A date cell, as a calendar date (yyyy-MM-dd). */
  date?: string
  /** An error value (`#N/A`, `#REF!`). */
  error?: string
}

export type Converted = { value?: string } | { issue: CellCode; params?: Params }

const FULL_WIDTH = /[\uff01-\uff5e]/g
const IDEOGRAPHIC_SPACE = /\u3000/g

/** Full-width letters, digits and signs (what a Chinese input method types) as ASCII; trimmed. */
export function halfWidth(s: string) {
  return s
    .replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(IDEOGRAPHIC_SPACE, ' ')
    .trim()
}

/** A number as people wrote it: no float noise (`85.60000000000001` → `85.6`). */
export function numberText(n: number) {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n)
  return String(Number(n.toPrecision(15)))
}

function isoDate(y: number, m: number, d: number) {
  const t = Date.UTC(y, m - 1, d)
  const date = new Date(t)
  if (y < 1000 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1) return undefined
  if (date.getUTCDate() !== d) return undefined
  return date.toISOString().slice(0, 10)
}

/** Excel's day numbers (1900 system, with its phantom 1900-02-29) as a calendar date. */
export function excelSerialDate(serial: number) {
  if (!Number.isInteger(serial) || serial < 1 || serial > 2_958_465) return undefined
  const days = serial > 59 ? serial - 1 : serial
  return new Date(Date.UTC(1899, 11, 31) + days * 86_400_000).toISOString().slice(0, 10)
}

const DAY = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/
const MONTH = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$/
const COMPACT = /^(\d{4})(\d{2})(\d{2})?$/

/** A date as schools write it; a month alone (yyyyMM, yyyy-MM, 2024年6月) is its first day. */
export function parseDate(cell: Cell): string | undefined {
  if (cell.date) return cell.date
  const s = halfWidth(cell.text)
  const day = DAY.exec(s)
  if (day) return isoDate(Number(day[1]), Number(day[2]), Number(day[3]))
  const month = MONTH.exec(s)
  if (month) return isoDate(Number(month[1]), Number(month[2]), 1)
  const compact = COMPACT.exec(s)
  if (compact) return isoDate(Number(compact[1]), Number(compact[2]), Number(compact[3] ?? 1))
  // A date cell whose format was lost shows Excel's day number (45473 is 2024-06-30).
  if (cell.number !== undefined && /^\d{5}$/.test(s)) return excelSerialDate(cell.number)
  return undefined
}

/** A non-negative decimal without trailing zeros (`4.50` → `4.5`, `32.0` → `32`). */
export function parseDecimal(cell: Cell): string | undefined {
  const s = halfWidth(cell.text)
  const m = /^(\d+)(?:\.(\d*))?$/.exec(s)
  if (!m) return undefined
  const whole = m[1]!.replace(/^0+(?=\d)/, '')
  const fraction = (m[2] ?? '').replace(/0+$/, '')
  return fraction ? `${whole}.${fraction}` : whole
}

/** An 18-digit number in scientific notation: what Excel saves for an id typed into a number cell. */
const SCIENTIFIC = /^\d(\.\d+)?e\+?\d+$/i

const matchKey = (s: string) => halfWidth(s).replace(/\s+/g, '').toLowerCase()

/** A cell's text as the column's field, or the problem with it. Empty cells are absent fields. */
export function convert(column: Column, cell: Cell): Converted {
  if (cell.error) return { issue: 'CELL_ERROR_VALUE', params: { value: cell.error } }
  const text = cell.text.trim()
  if (text === '') {
    if (column.default !== undefined) return { value: column.default }
    return column.required ? { issue: 'CELL_REQUIRED' } : {}
  }
  switch (column.type) {
    case 'text': {
      const v = halfWidthSpaces(text)
      if ([...v].length > column.maxLength)
        return { issue: 'CELL_TOO_LONG', params: { max: column.maxLength } }
      return { value: v }
    }
    case 'nationalId': {
      const v = halfWidth(text).replace(/\s+/g, '').toUpperCase()
      if ((cell.number !== undefined && cell.number >= 1e15) || SCIENTIFIC.test(v))
        return { issue: 'CELL_ID_AS_NUMBER' }
      if (v.length > 40) return { issue: 'CELL_TOO_LONG', params: { max: 18 } }
      return { value: v }
    }
    case 'decimal': {
      const v = parseDecimal(cell)
      return v === undefined
        ? { issue: 'CELL_NUMBER_INVALID', params: { value: text } }
        : { value: v }
    }
    case 'date': {
      const v = parseDate(cell)
      return v === undefined
        ? { issue: 'CELL_DATE_INVALID', params: { value: text } }
        : { value: v }
    }
    case 'choice': {
      const k = matchKey(text)
      for (const [value, words] of Object.entries(column.choices))
        if (words.some((w) => matchKey(w) === k)) return { value }
      return {
        issue: 'CELL_CHOICE_UNKNOWN',
        params: { value: text, allowed: Object.values(column.choices).map((w) => w[0]!) },
      }
    }
  }
}

/** Ideographic spaces as plain ones, runs of whitespace as one: names and titles as typed. */
function halfWidthSpaces(s: string) {
  return s.replace(IDEOGRAPHIC_SPACE, ' ').replace(/\s+/g, ' ').trim()
}

/** Header text as compared: no spaces, case or full-width forms, no required-marks (`*`, `（必填）`). */
export function headerKey(s: string) {
  return matchKey(s).replace(/^\*|\*$|\((必填|选填|required|optional)\)$/g, '')
}
