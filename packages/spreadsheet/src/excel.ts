import type ExcelJS from 'exceljs'

let loaded: Promise<typeof ExcelJS> | undefined

/**
 * exceljs, loaded on first use: its module graph is about 0.6 s of start-up, paid by every
 * service (and every test file) that imports this package, most of which never touch a workbook.
 */
export function excel(): Promise<typeof ExcelJS> {
  loaded ??= import('exceljs').then((m) => m.default)
  return loaded
}
