import { SheetError } from './errors.js'
import { decodeText, type GridRow, readCsvGrid, readXlsxGrid } from './grid.js'
import type { CellCode, Params } from './messages.js'
import type { Column, SheetSpec } from './spec.js'
import { convert, headerKey } from './values.js'

/** A column of the file that fills a field: its header as written and its letter (A, B, … AA). */
export interface SheetColumn {
  key: string
  header: string
  letter: string
  index: number
}

/** A cell that cannot become its field's value: named by row number and header as in the file. */
export interface CellIssue {
  key: string
  column: string
  letter: string
  code: CellCode
  params?: Params
}

export interface SheetRow {
  /** The row's number as the sheet shows it (the header is usually row 1). */
  row: number
  /** Field → text; empty cells are absent. */
  values: Record<string, string>
  issues: CellIssue[]
}

export interface SheetRead {
  format: 'xlsx' | 'csv'
  encoding?: string
  sheet?: string
  headerRow: number
  columns: SheetColumn[]
  /** Headers of the file that fill no field (序号, 班级, 备注 …): read past, not refused. */
  ignored: string[]
  rows: SheetRow[]
}

/** The header row is found among the first rows with content (a title row may come first). */
const HEADER_SEARCH_ROWS = 10

export function columnLetter(index: number): string {
  let n = index + 1
  let s = ''
  while (n > 0) {
    const r = (n - 1) % 26
    s = String.fromCharCode(65 + r) + s
    n = Math.floor((n - 1) / 26)
  }
  return s
}

export function formatOf(bytes: Uint8Array): 'xlsx' | 'csv' {
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
  const ole = bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0
  return zip || ole ? 'xlsx' : 'csv'
}

/** The columns a row of headers names, or undefined when fewer than two are known. */
function headerOf(row: GridRow, spec: SheetSpec) {
  const byKey = new Map<string, Column>()
  for (const c of spec.columns) for (const h of c.headers) byKey.set(headerKey(h), c)
  const columns: SheetColumn[] = []
  const ignored: string[] = []
  for (const [index, cell] of row.cells.entries()) {
    const header = cell.text.trim()
    if (!header) continue
    const column = byKey.get(headerKey(header))
    if (!column) {
      ignored.push(header)
      continue
    }
    const twin = columns.find((c) => c.key === column.key)
    if (twin)
      throw new SheetError('SHEET_COLUMN_DUPLICATE', {
        column: column.headers[0],
        headers: [twin.header, header],
      })
    columns.push({ key: column.key, header, letter: columnLetter(index), index })
  }
  return columns.length >= 2 ? { columns, ignored } : undefined
}

/** Required columns and one complete group of `oneOf` must be in the file. */
function checkColumns(spec: SheetSpec, columns: SheetColumn[]) {
  const present = new Set(columns.map((c) => c.key))
  const missing = spec.columns.filter(
    (c) => c.required && c.default === undefined && !present.has(c.key),
  )
  if (missing.length)
    throw new SheetError('SHEET_COLUMN_MISSING', { columns: missing.map((c) => c.headers[0]!) })
  if (spec.oneOf && !spec.oneOf.some((group) => group.every((k) => present.has(k))))
    throw new SheetError('SHEET_LEARNER_COLUMNS_MISSING')
}

function rowOf(grid: GridRow, spec: SheetSpec, columns: SheetColumn[]): SheetRow {
  const values: Record<string, string> = {}
  const issues: CellIssue[] = []
  for (const column of spec.columns) {
    const at = columns.find((c) => c.key === column.key)
    if (!at) {
      if (column.default !== undefined) values[column.key] = column.default
      continue
    }
    const out = convert(column, grid.cells[at.index] ?? { text: '' })
    if ('issue' in out)
      issues.push({
        key: column.key,
        column: at.header,
        letter: at.letter,
        code: out.issue,
        ...(out.params ? { params: out.params } : {}),
      })
    else if (out.value !== undefined) values[column.key] = out.value
  }
  return { row: grid.row, values, issues }
}

/**
 * Reads an uploaded sheet (.xlsx, or CSV in UTF-8, GB18030 or UTF-16 with or without a BOM) into
 * rows of fields by the spec: headers matched in Chinese or English, each bad cell named by row
 * and header. Refuses the file as a whole (SheetError) when it cannot be read, names no learner,
 * lacks a required column or has more rows than the spec allows.
 */
export async function readSheet(
  bytes: Uint8Array,
  spec: SheetSpec,
  opts: { charset?: string } = {},
): Promise<SheetRead> {
  const format = formatOf(bytes)
  let header: { columns: SheetColumn[]; ignored: string[]; row: number; sheet: string } | undefined
  let scanned = 0
  let sheetScanned = ''
  let overflow = false
  let sawAny = false
  const grids: GridRow[] = []
  const sink = (row: GridRow, sheet: string) => {
    sawAny = true
    if (!header) {
      if (sheet !== sheetScanned) [scanned, sheetScanned] = [0, sheet]
      if (scanned++ >= HEADER_SEARCH_ROWS) return true
      const found = headerOf(row, spec)
      if (found) header = { ...found, row: row.row, sheet }
      return true
    }
    if (sheet !== header.sheet) return false
    if (grids.length >= spec.maxRows) return !(overflow = true)
    grids.push(row)
    return true
  }
  let encoding: string | undefined
  if (format === 'xlsx') await readXlsxGrid(bytes, sink)
  else {
    const decoded = decodeText(bytes, opts.charset)
    encoding = decoded.encoding
    readCsvGrid(decoded.text, sink, spec.maxRows + HEADER_SEARCH_ROWS * 10)
  }
  if (!sawAny) throw new SheetError('SHEET_EMPTY')
  if (!header) throw new SheetError('SHEET_HEADER_NOT_FOUND', { expected: expectedHeaders(spec) })
  checkColumns(spec, header.columns)
  if (overflow) throw new SheetError('SHEET_TOO_MANY_ROWS', { max: spec.maxRows })
  if (grids.length === 0) throw new SheetError('SHEET_EMPTY')
  return {
    format,
    ...(encoding ? { encoding } : {}),
    ...(header.sheet ? { sheet: header.sheet } : {}),
    headerRow: header.row,
    columns: header.columns,
    ignored: header.ignored,
    rows: grids.map((g) => rowOf(g, spec, header!.columns)),
  }
}

/** The headers a person should see named when none was found: the required ones and the learner's. */
function expectedHeaders(spec: SheetSpec) {
  const keys = new Set([
    ...spec.columns.filter((c) => c.required).map((c) => c.key),
    ...(spec.oneOf?.[0] ?? []),
  ])
  return spec.columns.filter((c) => keys.has(c.key)).map((c) => c.headers[0]!)
}
