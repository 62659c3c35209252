import { stringify } from 'csv-stringify/sync'
import type ExcelJS from 'exceljs'
import { excel } from './excel.js'
import { columnLetter } from './read.js'
import type { SheetSpec } from './spec.js'

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
export const CSV_TYPE = 'text/csv; charset=utf-8'

const HEADER_FILL: ExcelJS.Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: 'FFE8EEF7' },
}

/**
 * The template of a kind of sheet, in Chinese: the header row (required columns marked 必填 in
 * the notes), text format on the id columns so Excel keeps every digit, lists for the choice
 * columns, and a second sheet that explains each column. It has no example row: a forgotten
 * example would be imported.
 */
export async function templateXlsx(spec: SheetSpec): Promise<Buffer> {
  const wb = new (await excel()).Workbook()
  wb.creator = 'Credit Bank'
  const ws = wb.addWorksheet(spec.title, { views: [{ state: 'frozen', ySplit: 1 }] })
  const columns = spec.columns.filter((c) => !c.hidden)
  ws.columns = columns.map((c) => ({
    header: c.headers[0],
    key: c.key,
    width: Math.max(12, [...c.headers[0]!].length * 2 + 4, (c.example?.length ?? 0) + 4),
    ...(c.type === 'text' || c.type === 'nationalId' ? { style: { numFmt: '@' } } : {}),
  }))
  const header = ws.getRow(1)
  header.font = { bold: true }
  header.eachCell((cell) => {
    cell.fill = HEADER_FILL
  })
  const last = spec.maxRows + 1
  columns.forEach((c, i) => {
    const letter = columnLetter(i)
    if (c.required) header.getCell(i + 1).font = { bold: true, color: { argb: 'FFB00020' } }
    if (c.type === 'choice')
      validations(ws).add(`${letter}2:${letter}${last}`, {
        type: 'list',
        allowBlank: !c.required,
        formulae: [
          `"${Object.values(c.choices)
            .map((words) => words[0])
            .join(',')}"`,
        ],
      })
  })
  const notes = wb.addWorksheet('填写说明')
  notes.columns = [
    { header: '列名', width: 14 },
    { header: '是否必填', width: 10 },
    { header: '说明', width: 60 },
    { header: '示例', width: 22 },
    { header: 'Column', width: 20 },
  ]
  notes.getRow(1).font = { bold: true }
  for (const c of columns)
    notes.addRow([c.headers[0], c.required ? '必填' : '', c.note ?? '', c.example ?? '', c.en])
  notes.addRow([])
  notes.addRow([`每个文件最多 ${spec.maxRows} 行；全部正确才会写入，任何一行有错都不会写入。`])
  return Buffer.from(await wb.xlsx.writeBuffer())
}

/** exceljs writes data validations, but its type declarations leave them out. */
const validations = (ws: ExcelJS.Worksheet) =>
  (ws as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } })
    .dataValidations

export type ReportValue = string | number | null | undefined

/** A cell Excel would run as a formula if it came from a CSV (CSV injection): kept as text. */
function inert(v: ReportValue) {
  if (typeof v !== 'string') return v ?? ''
  return /^([=+@\t\r]|-[^\d.])/.test(v) ? `'${v}` : v
}

/** A table as a file: .xlsx, or CSV in UTF-8 with a BOM (so that Excel reads the Chinese). */
export async function writeTable(
  format: 'xlsx' | 'csv',
  table: { sheet: string; headers: string[]; rows: ReportValue[][]; widths?: number[] },
): Promise<Buffer> {
  if (format === 'csv') {
    const body = stringify([table.headers, ...table.rows.map((r) => r.map(inert))], {
      record_delimiter: '\r\n',
    })
    return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body, 'utf8')])
  }
  const wb = new (await excel()).Workbook()
  const ws = wb.addWorksheet(table.sheet, { views: [{ state: 'frozen', ySplit: 1 }] })
  ws.columns = table.headers.map((header, i) => ({ header, width: table.widths?.[i] ?? 14 }))
  ws.getRow(1).font = { bold: true }
  for (const r of table.rows) ws.addRow(r.map((v) => v ?? null))
  return Buffer.from(await wb.xlsx.writeBuffer())
}
