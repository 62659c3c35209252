export { SheetError } from './errors.js'
export { decodeText } from './grid.js'
export * from './messages.js'
export {
  type CellIssue,
  columnLetter,
  formatOf,
  readSheet,
  type SheetColumn,
  type SheetRead,
  type SheetRow,
} from './read.js'
export * from './sheets.js'
export type { Column, ColumnType, SheetSpec } from './spec.js'
export { type Cell, parseDate, parseDecimal } from './values.js'
export { CSV_TYPE, type ReportValue, templateXlsx, writeTable, XLSX_TYPE } from './write.js'
