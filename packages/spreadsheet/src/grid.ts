import { Readable } from 'node:stream'
import { parse } from 'csv-parse/sync'
import type ExcelJS from 'exceljs'
import { SheetError } from './errors.js'
import { excel } from './excel.js'
import { type Cell, numberText } from './values.js'
import { checkUnpackedSize } from './zip-guard.js'

/** One row of a sheet as the person sees it: its number in the sheet, and its cells from column A. */
export interface GridRow {
  row: number
  cells: Cell[]
}

/** Rows until the caller has enough; `false` stops reading (the rest of the file is not parsed). */
export type RowSink = (row: GridRow, sheet: string) => boolean

const MAX_COLUMNS = 100
/** An .xlsx may unpack to this much XML at most (10,000 rows of 20 columns is about 15 MB). */
const MAX_UNPACKED_BYTES = 100_000_000

const empty = (cells: Cell[]) => cells.every((c) => c.text === '' && !c.error)

/** Text from bytes: a BOM says the encoding; else UTF-8 if it is valid, else GB18030 (GBK). */
export function decodeText(
  bytes: Uint8Array,
  charset?: string,
): { text: string; encoding: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' }
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' }
  const declared = charset?.toLowerCase()
  if (declared && /^(gb18030|gbk|gb2312)$/.test(declared))
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' }
  } catch {
    // Not UTF-8: what Chinese Excel saves as "CSV" (GBK, of which GB18030 is the superset).
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' }
  }
}

/** The delimiter the first line uses most: comma, tab (Excel's "Unicode text") or semicolon. */
function delimiterOf(text: string) {
  const first = text.slice(0, Math.max(0, text.indexOf('\n')) || 2_000)
  const counts = [',', '\t', ';'].map((d) => [d, first.split(d).length] as const)
  return counts.sort((a, b) => b[1] - a[1])[0]![0]
}

export function readCsvGrid(text: string, sink: RowSink, maxRecords: number) {
  let records: string[][]
  try {
    records = parse(text, {
      delimiter: delimiterOf(text),
      relax_column_count: true,
      skip_empty_lines: false,
      max_record_size: 100_000,
      to: maxRecords,
    }) as string[][]
  } catch (err) {
    const e = err as { lines?: number; code?: string }
    throw new SheetError('SHEET_UNREADABLE', {
      reason: `CSV ${e.code ?? 'error'}${e.lines ? ` (line ${e.lines})` : ''}`,
    })
  }
  for (const [i, record] of records.entries()) {
    const cells = record.slice(0, MAX_COLUMNS).map((text) => ({ text }))
    if (empty(cells)) continue
    if (sink({ row: i + 1, cells }, '') === false) return
  }
}

/** A cell of exceljs as text, with the number or date Excel stored. */
export function cellOf(v: unknown): Cell {
  if (v === null || v === undefined) return { text: '' }
  if (typeof v === 'string') return { text: v }
  if (typeof v === 'number') return { text: numberText(v), number: v }
  if (typeof v === 'boolean') return { text: v ? 'TRUE' : 'FALSE' }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return { text: '' }
    const date = v.toISOString().slice(0, 10)
    return { text: date, date }
  }
  const o = v as Record<string, unknown>
  if (typeof o.error === 'string') return { text: o.error, error: o.error }
  if (Array.isArray(o.richText))
    return { text: o.richText.map((r: { text?: string }) => r.text ?? '').join('') }
  if ('formula' in o || 'sharedFormula' in o) return cellOf(o.result)
  if ('text' in o) return cellOf(o.text)
  return { text: String(v) }
}

/**
 * Reads the worksheets of an .xlsx in order, streaming, handing each non-empty row to `sink`
 * until it says stop. Old binary .xls files are named as such.
 */
export async function readXlsxGrid(bytes: Uint8Array, sink: RowSink) {
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0)
    throw new SheetError('SHEET_XLS_NOT_SUPPORTED')
  const unpacked = checkUnpackedSize(bytes, MAX_UNPACKED_BYTES)
  const Excel = await excel()
  const reader = new Excel.stream.xlsx.WorkbookReader(Readable.from([Buffer.from(bytes)]), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  })
  let sheets = 0
  let delivered = 0
  try {
    reading: for await (const sheet of reader) {
      sheets += 1
      const name = (sheet as unknown as { name?: string }).name ?? ''
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const values = (row.values as unknown[]).slice(1, MAX_COLUMNS + 1)
        const cells = Array.from(values, cellOf)
        if (empty(cells)) continue
        delivered += 1
        if (!sink({ row: row.number, cells }, name)) break reading
      }
    }
  } catch (err) {
    if (err instanceof SheetError) throw err
    // exceljs's streaming reader sometimes reaches a worksheet before the workbook entry that
    // exceljs itself writes last (exceljs#3064), our own templates included. Before any row went
    // out, a file of modest size is read again whole, which reads the entries by the zip's index.
    if (delivered === 0 && unpacked <= MAX_WHOLE_BYTES) return readWhole(Excel, bytes, sink)
    throw new SheetError('SHEET_UNREADABLE', { reason: 'not a valid .xlsx' })
  }
  if (sheets === 0) throw new SheetError('SHEET_UNREADABLE', { reason: 'no worksheet' })
}

/** An .xlsx read whole rather than streamed: only when streaming failed, and only this small. */
const MAX_WHOLE_BYTES = 30_000_000

export async function readWhole(Excel: typeof ExcelJS, bytes: Uint8Array, sink: RowSink) {
  const wb = new Excel.Workbook()
  try {
    await wb.xlsx.load(Buffer.from(bytes) as never)
  } catch {
    throw new SheetError('SHEET_UNREADABLE', { reason: 'not a valid .xlsx' })
  }
  if (!wb.worksheets.length) throw new SheetError('SHEET_UNREADABLE', { reason: 'no worksheet' })
  for (const sheet of wb.worksheets)
    for (let n = 1; n <= sheet.rowCount; n++) {
      const values = (sheet.getRow(n).values as unknown[]).slice(1, MAX_COLUMNS + 1)
      const cells = Array.from(values, cellOf)
      if (empty(cells)) continue
      if (!sink({ row: n, cells }, sheet.name)) return
    }
}
