import ExcelJS from 'exceljs'
import t from 'tap'
import {
  certificatesSheet,
  enrollmentsSheet,
  outcomesSheet,
  readSheet,
  type SheetError,
  templateXlsx,
  writeTable,
} from '../src/index.js'

t.test('each template is read back by its own spec, and explains its columns', async (t) => {
  for (const spec of [outcomesSheet, enrollmentsSheet, certificatesSheet]) {
    const bytes = await templateXlsx(spec)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(bytes as never)
    t.same(
      wb.worksheets.map((w) => w.name),
      [spec.title, '填写说明'],
    )
    const headers = (wb.worksheets[0]!.getRow(1).values as string[]).slice(1)
    t.same(
      headers,
      spec.columns.filter((c) => !c.hidden).map((c) => c.headers[0]),
      `${spec.kind}: Chinese headers`,
    )
    t.notOk(headers.includes('learnerId'), 'no internal id column')
    // Empty templates are refused as empty (no data rows), not as unreadable or headerless.
    const err = await readSheet(new Uint8Array(bytes), spec).catch((e: unknown) => e)
    t.equal((err as SheetError).code, 'SHEET_EMPTY', `${spec.kind}: an empty template has no rows`)
    // Filled in by a person, it is read.
    const ws = wb.worksheets[0]!
    const example = spec.columns.filter((c) => !c.hidden).map((c) => c.example ?? '')
    ws.addRow(example)
    const filled = await readSheet(new Uint8Array(await wb.xlsx.writeBuffer()), spec)
    t.equal(filled.rows.length, 1)
    t.same(filled.rows[0]!.issues, [], `${spec.kind}: the examples are valid cells`)
  }
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load((await templateXlsx(outcomesSheet)) as never)
  const nationalId = wb.worksheets[0]!.getColumn(3)
  t.equal(nationalId.numFmt, '@', '身份证号 is a text column, so Excel keeps its 18 digits')
  t.equal(wb.worksheets[1]!.getCell('A3').value, '身份证号')
})

t.test('a report as CSV (UTF-8 with a BOM, formulas made inert) and as .xlsx', async (t) => {
  const table = {
    sheet: '导入结果',
    headers: ['行号', '姓名', '学分', '结果'],
    rows: [
      [2, '张三', '4', '已写入'],
      [3, '=HYPERLINK("x")', '-4', null],
    ],
  }
  const csv = await writeTable('csv', table)
  t.same([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf])
  t.equal(
    csv.subarray(3).toString('utf8'),
    '行号,姓名,学分,结果\r\n2,张三,4,已写入\r\n3,"\'=HYPERLINK(""x"")",-4,\r\n',
  )
  const xlsx = await writeTable('xlsx', table)
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(xlsx as never)
  const ws = wb.getWorksheet('导入结果')!
  t.same((ws.getRow(3).values as unknown[]).slice(1), [3, '=HYPERLINK("x")', '-4'])
})
