import ExcelJS from 'exceljs'
import { zipSync } from 'fflate'
import iconv from 'iconv-lite'
import t from 'tap'
import {
  enrollmentsSheet,
  langOf,
  outcomesSheet,
  readSheet,
  SheetError,
  type SheetSpec,
  sheetMessage,
} from '../src/index.js'
import { checkUnpackedSize } from '../src/zip-guard.js'

async function xlsx(rows: unknown[][], build?: (ws: ExcelJS.Worksheet) => void) {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('成绩单')
  for (const r of rows) ws.addRow(r)
  build?.(ws)
  return new Uint8Array(await wb.xlsx.writeBuffer())
}

async function refused(p: Promise<unknown>, code: string) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  t.ok(err instanceof SheetError, `refused as ${code}`)
  t.equal((err as SheetError).code, code)
  return err as SheetError
}

t.test(
  'an .xlsx as schools keep it: a title row, Chinese headers, Excel dates and numbers',
  async (t) => {
    const bytes = await xlsx(
      [
        ['2024 年春季学期成绩单'],
        ['序号', '学号', '身份证号', '姓名', '课程名称', '学分', '成绩', '日期', '备注'],
        [
          1,
          '2024010101',
          '410105200501011234',
          '张三',
          '网页设计',
          4,
          85.5,
          new Date(Date.UTC(2024, 5, 30)),
        ],
        [2, 2024010102, 410105200501011000, '李四', '数据库', 3.5, '优秀', 202406],
        [],
        [3, '', '', '', '  ', 'four', 90, '2024-13-01'],
      ],
      (ws) => {
        ws.getCell('B6').value = { richText: [{ text: '2024' }, { text: '010103' }] }
        ws.getCell('D6').value = { formula: 'CONCAT("王","五")', result: '王五' }
        ws.getCell('F6').value = { error: '#N/A' } as never
      },
    )
    const read = await readSheet(bytes, outcomesSheet)
    t.equal(read.format, 'xlsx')
    t.equal(read.headerRow, 2)
    t.same(read.ignored, ['序号', '备注'])
    t.same(
      read.columns.map((c) => [c.key, c.header, c.letter]),
      [
        ['studentNo', '学号', 'B'],
        ['nationalId', '身份证号', 'C'],
        ['name', '姓名', 'D'],
        ['title', '课程名称', 'E'],
        ['credits', '学分', 'F'],
        ['gradeScore', '成绩', 'G'],
        ['occurredOn', '日期', 'H'],
      ],
    )
    t.same(
      read.rows.map((r) => r.row),
      [3, 4, 6],
      'row numbers as the sheet shows them; the empty row 5 is skipped',
    )
    t.same(read.rows[0]!.values, {
      studentNo: '2024010101',
      nationalId: '410105200501011234',
      name: '张三',
      kind: 'course',
      title: '网页设计',
      credits: '4',
      gradeScore: '85.5',
      occurredOn: '2024-06-30',
    })
    t.same(read.rows[0]!.issues, [])
    t.equal(read.rows[1]!.values.occurredOn, '2024-06-01', 'a month alone is its first day')
    t.equal(
      read.rows[1]!.values.studentNo,
      '2024010102',
      'a 学号 typed as a number is still its digits',
    )
    t.same(
      read.rows[1]!.issues.map((i) => [i.code, i.column, i.letter]),
      [['CELL_ID_AS_NUMBER', '身份证号', 'C']],
    )
    t.same(read.rows[2]!.values.studentNo, '2024010103', 'rich text is its text')
    t.same(read.rows[2]!.values.name, '王五', 'a formula is its result')
    t.same(
      read.rows[2]!.issues.map((i) => [i.code, i.column, i.params]),
      [
        ['CELL_REQUIRED', '课程名称', undefined],
        ['CELL_ERROR_VALUE', '学分', { value: '#N/A' }],
        ['CELL_DATE_INVALID', '日期', { value: '2024-13-01' }],
      ],
    )
  },
)

t.test('CSV in UTF-8 with and without a BOM, GB18030 and UTF-16; English headers', async (t) => {
  const csv =
    '学号,身份证号,姓名,课程名称,学分,学时,成绩,日期,成果类型\r\n' +
    '2024010101,410105200501011234,张三,网页设计,４,64,85,2024/6/30,课程\r\n' +
    '"2024010102","4.10105E+17",李四,"数据库, 一",3.50,32.0,良好,2024年6月,培训\r\n'
  for (const [label, bytes, encoding] of [
    ['UTF-8', Buffer.from(csv, 'utf8'), 'utf-8'],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]), 'utf-8'],
    ['GB18030', iconv.encode(csv, 'gb18030'), 'gb18030'],
    [
      'UTF-16 with BOM, tabs',
      iconv.encode(
        `\ufeff${csv.replaceAll(',', '\t').replace('"数据库\t 一"', '数据库, 一')}`,
        'utf16le',
      ),
      'utf-16le',
    ],
  ] as const) {
    const read = await readSheet(new Uint8Array(bytes), outcomesSheet)
    t.equal(read.format, 'csv', label)
    t.equal(read.encoding, encoding, label)
    t.same(
      read.rows.map((r) => r.row),
      [2, 3],
      label,
    )
    t.same(
      read.rows[0]!.values,
      {
        studentNo: '2024010101',
        nationalId: '410105200501011234',
        name: '张三',
        kind: 'course',
        title: '网页设计',
        credits: '4',
        hours: '64',
        gradeScore: '85',
        occurredOn: '2024-06-30',
      },
      label,
    )
    t.equal(read.rows[1]!.values.title, '数据库, 一', label)
    t.equal(read.rows[1]!.values.credits, '3.5', label)
    t.equal(read.rows[1]!.values.hours, '32', label)
    t.equal(read.rows[1]!.values.kind, 'training', label)
    t.equal(read.rows[1]!.values.occurredOn, '2024-06-01', label)
    t.same(
      read.rows[1]!.issues.map((i) => i.code),
      ['CELL_ID_AS_NUMBER'],
      label,
    )
  }
  const english = await readSheet(
    Buffer.from(
      'nationalId,name,title,credits,gradeScore,occurredOn,kind\n410105200501011234,Zhang San,Web,4,85,20240630,COURSE\n',
    ),
    outcomesSheet,
  )
  t.same(english.rows[0]!.values, {
    nationalId: '410105200501011234',
    name: 'Zhang San',
    title: 'Web',
    credits: '4',
    gradeScore: '85',
    occurredOn: '2024-06-30',
    kind: 'course',
  })
})

t.test('a bad choice names the words that would do', async (t) => {
  const read = await readSheet(
    Buffer.from('学号,课程名称,日期,成果类型\n1,网页,2024-06-01,讲座\n'),
    outcomesSheet,
  )
  t.same(read.rows[0]!.issues, [
    {
      key: 'kind',
      column: '成果类型',
      letter: 'D',
      code: 'CELL_CHOICE_UNKNOWN',
      params: { value: '讲座', allowed: ['课程', '培训', '竞赛', '工作实践'] },
    },
  ])
  t.equal(
    sheetMessage('CELL_CHOICE_UNKNOWN', read.rows[0]!.issues[0]!.params, 'zh-CN'),
    '“讲座”不是可选值（课程、培训、竞赛、工作实践）',
  )
  t.equal(
    sheetMessage('CELL_CHOICE_UNKNOWN', read.rows[0]!.issues[0]!.params, 'en'),
    '“讲座” is not one of 课程, 培训, 竞赛, 工作实践',
  )
})

t.test('files that are refused as a whole', async (t) => {
  await refused(readSheet(Buffer.from(''), outcomesSheet), 'SHEET_EMPTY')
  await refused(readSheet(Buffer.from('学号,课程名称,日期\n\n'), outcomesSheet), 'SHEET_EMPTY')
  const none = await refused(
    readSheet(Buffer.from('a,b\n1,2\n'), outcomesSheet),
    'SHEET_HEADER_NOT_FOUND',
  )
  t.equal(none.say('zh-CN'), '前 10 行中找不到表头，应包含：身份证号、姓名、课程名称、日期')
  const missing = await refused(
    readSheet(Buffer.from('身份证号,姓名,学分\n1,2,3\n'), outcomesSheet),
    'SHEET_COLUMN_MISSING',
  )
  t.same(missing.params, { columns: ['课程名称', '日期'] })
  await refused(
    readSheet(Buffer.from('课程名称,日期,学分\n1,2,3\n'), outcomesSheet),
    'SHEET_LEARNER_COLUMNS_MISSING',
  )
  const twice = await refused(
    readSheet(Buffer.from('学号,课程名称,日期,成绩,分数\n1,2,3,4,5\n'), outcomesSheet),
    'SHEET_COLUMN_DUPLICATE',
  )
  t.same(twice.params, { column: '成绩', headers: ['成绩', '分数'] })
  const small: SheetSpec = { ...enrollmentsSheet, maxRows: 3 }
  const rows = (n: number) =>
    `学号,专业代码,专业名称,入学日期\n${Array.from({ length: n }, (_, i) => `${i},P,软件,2024-09-01`).join('\n')}`
  t.equal((await readSheet(Buffer.from(rows(3)), small)).rows.length, 3, 'the limit itself is fine')
  const many = await refused(readSheet(Buffer.from(rows(4)), small), 'SHEET_TOO_MANY_ROWS')
  t.equal(many.say('en'), 'The file has more than 3 data rows, the most one import takes: split it')
  await refused(
    readSheet(
      await xlsx([
        ['学号', '专业代码', '专业名称', '入学日期'],
        ...Array.from({ length: 4 }, (_, i) => [i, 'P', '软件', '2024-09-01']),
      ]),
      small,
    ),
    'SHEET_TOO_MANY_ROWS',
  )
  await refused(
    readSheet(Buffer.from('学号,课程名称,日期\n"1,2\n'), outcomesSheet),
    'SHEET_UNREADABLE',
  )
  await refused(
    readSheet(
      new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
      outcomesSheet,
    ),
    'SHEET_XLS_NOT_SUPPORTED',
  )
  await refused(
    readSheet(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7]), outcomesSheet),
    'SHEET_UNREADABLE',
  )
  await refused(
    readSheet(zipSync({ 'hello.txt': new TextEncoder().encode('not a workbook') }), outcomesSheet),
    'SHEET_UNREADABLE',
  )
})

t.test(
  'a zip that unpacks past the bound is refused before the spreadsheet library sees it',
  async (t) => {
    const bomb = zipSync({ 'xl/worksheets/sheet1.xml': new Uint8Array(5_000_000) }, { level: 9 })
    t.ok(bomb.length < 20_000, `${bomb.length} bytes of zip`)
    t.throws(() => checkUnpackedSize(bomb, 1_000_000), { code: 'SHEET_TOO_LARGE' })
    t.doesNotThrow(() => checkUnpackedSize(bomb, 6_000_000))
  },
)

t.test('the language of a request', async (t) => {
  t.equal(langOf(undefined), 'zh-CN')
  t.equal(langOf('en'), 'en')
  t.equal(langOf('en-US,en;q=0.9,zh-CN;q=0.8'), 'en')
  t.equal(langOf('zh-CN,zh;q=0.9,en;q=0.8'), 'zh-CN')
  t.equal(langOf('fr,en;q=0.5'), 'en')
  t.equal(langOf('en;q=0.2,zh;q=0.8'), 'zh-CN')
})
