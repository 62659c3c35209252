import ExcelJS from 'exceljs'
import t from 'tap'
import { readWhole, readXlsxGrid } from '../src/grid.js'
import { outcomesSheet, templateXlsx } from '../src/index.js'
import type { Cell } from '../src/values.js'

// exceljs's streaming reader sometimes reaches a worksheet before the workbook entry exceljs writes
// last (exceljs#3064); the grid then reads the file whole. Both readings must hand over the same
// rows, in the same order, with the same cells.
t.test('a filled template read whole gives the rows streaming gives', async (t) => {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load((await templateXlsx(outcomesSheet)) as never)
  const ws = wb.worksheets[0]!
  ws.addRow(outcomesSheet.columns.filter((c) => !c.hidden).map((c) => c.example ?? ''))
  ws.addRow([
    '2',
    '410105199001011234',
    '张三',
    '',
    '网页设计',
    4,
    85,
    new Date('2024-06-30'),
    'X-1',
  ])
  const bytes = new Uint8Array(await wb.xlsx.writeBuffer())
  const collect = async (
    read: (sink: (r: { row: number; cells: Cell[] }, sheet: string) => boolean) => Promise<void>,
  ) => {
    const rows: { sheet: string; row: number; cells: Cell[] }[] = []
    await read((r, sheet) => {
      rows.push({ sheet, ...r })
      return true
    })
    return rows
  }
  const streamed = await collect((sink) => readXlsxGrid(bytes, sink))
  const whole = await collect((sink) => readWhole(ExcelJS, bytes, sink))
  t.ok(streamed.length >= 4, 'headers, two rows and the instructions sheet')
  t.same(whole, streamed)
  const stopped = await collect(async (sink) => {
    let n = 0
    await readWhole(ExcelJS, bytes, (r, s) => sink(r, s) && ++n < 2)
  })
  t.equal(stopped.length, 2, 'it stops when told')
})
