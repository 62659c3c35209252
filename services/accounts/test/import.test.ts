import { writeTable, XLSX_TYPE } from '@creditbank/spreadsheet'
import { eventually } from '@creditbank/testing'
import iconv from 'iconv-lite'
import t from 'tap'
import { buildAccounts, counts, nationalId, nationalIdHash, person } from './helper.js'
import { readXlsxRows } from './sheet-rows.js'

/**
 * Registrars import the spreadsheets they keep (issue 15): .xlsx and CSV (UTF-8, GB18030), Chinese
 * or English headers, learners by 身份证号 + 姓名 (opened when new) or by 学号; a dry run previews,
 * every bad row and cell is named, nothing is written unless everything is right.
 */
const a = await buildAccounts()
t.teardown(() => a.close())
const { app } = a
const school = await a.registerOrg('school')
const other = await a.registerOrg('school')
const me = a.registrar(school)

const upload = (
  kind: 'outcomes' | 'enrollments',
  body: Buffer | string,
  o: { type?: string; query?: string; headers?: Record<string, string> } = {},
) =>
  app.inject({
    method: 'POST',
    url: `/v1/${kind}/import${o.query ? `?${o.query}` : ''}`,
    headers: {
      ...me,
      'content-type': o.type ?? XLSX_TYPE,
      'accept-language': 'zh-CN,zh;q=0.9',
      ...o.headers,
    },
    payload: body,
  })

const xlsx = (headers: string[], rows: (string | number | null)[][]) =>
  writeTable('xlsx', { sheet: '成绩', headers, rows })

const outcomeHeaders = [
  '序号',
  '身份证号',
  '姓名',
  '学号',
  '课程名称',
  '学分',
  '成绩',
  '日期',
  '外部编号',
]

// A learner the school enrolled with a 学号, and one with an account but nothing here yet.
const enrolled = person({ name: '李学号' })
const enrolledL = await a.openLearner(enrolled)
await app.inject({
  method: 'POST',
  url: '/v1/enrollments',
  headers: me,
  payload: {
    learnerId: enrolledL.id,
    nationalId: enrolled.nationalId,
    name: enrolled.name,
    programCode: 'P-WEB',
    programName: '网页设计',
    startedOn: '2024-09-01',
    studentNo: 'S2024001',
  },
})
const known = person({ name: '王已有' })
const knownL = await a.openLearner(known)

t.test('a good .xlsx: previewed, then written once, with new accounts opened', async (t) => {
  const fresh = { nationalId: nationalId(), name: '赵新生' }
  const file = await xlsx(outcomeHeaders, [
    [1, fresh.nationalId, fresh.name, null, '网页设计', 4, 85, '2024-06-30', 'IMP-1'],
    [2, known.nationalId, known.name, null, '数据库', '3.5', '优秀', '202406', 'IMP-2'],
    [3, null, null, 'S2024001', '计算机网络', 2, 78, '2024年6月30日', 'IMP-3'],
    [4, fresh.nationalId, fresh.name, null, '体育', 1, '合格', '2024/6/1', 'IMP-4'],
  ])
  const before = await counts(a.db)
  const preview = await upload('outcomes', file, { query: 'dryRun=true' })
  t.equal(preview.statusCode, 200, preview.body)
  const p = preview.json()
  t.match(p, { dryRun: true, format: 'xlsx', rowCount: 4, created: 4, openedLearners: 1 })
  t.same(p.ignoredColumns, ['序号'])
  t.match(p.rows, [
    {
      row: 2,
      name: '赵新生',
      accountNo: '',
      newLearner: true,
      title: '网页设计',
      credits: '4.00',
      status: 'created',
      entryId: null,
    },
    {
      row: 3,
      name: '王已有',
      accountNo: knownL.accountNo,
      newLearner: false,
      grade: '优秀/五级制',
      occurredOn: '2024-06-01',
    },
    { row: 4, name: '李学号', accountNo: enrolledL.accountNo, occurredOn: '2024-06-30' },
    { row: 5, name: '赵新生', grade: '合格/二级制' },
  ])
  t.equal(p.rows[3].accountNo, '', 'no number before the account is opened')
  t.same(await counts(a.db), before, 'a dry run writes nothing, not even the new account')

  const key = { 'idempotency-key': 'import-good-1' }
  const done = await upload('outcomes', file, { headers: key })
  t.equal(done.statusCode, 201, done.body)
  t.match(done.json(), { dryRun: false, created: 4, existing: 0, openedLearners: 1 })
  t.ok(done.json().rows.every((r: { entryId: string | null }) => r.entryId))
  t.equal(
    done.json().rows[0].accountNo,
    done.json().rows[3].accountNo,
    'one account for one person named twice',
  )
  t.match(done.json().rows[0].accountNo, /^CB\d+$/)
  const after = await counts(a.db)
  t.equal(after.entries, before.entries + 4)
  const freshId = done.json().rows[0].accountNo
  const openedEvents = () =>
    a.platform.transport
      .events<Record<string, unknown>>('accounts.learner.opened')
      .map((e) => e.data)
      .filter((d) => d.accountNo === freshId)
  await eventually(async () => openedEvents().length > 0)
  // The region only, no name and no masked number (decision 0730).
  t.match(openedEvents(), [{ regionCode: fresh.nationalId.slice(0, 6) }])
  t.notOk(JSON.stringify(openedEvents()).includes(fresh.name), 'no name in the event')
  t.notOk('nationalIdMasked' in openedEvents()[0]!, 'no masked number in the event')
  t.equal(after.learners, before.learners + 1)

  const replay = await upload('outcomes', file, { headers: key })
  t.equal(replay.headers['idempotency-replayed'], 'true')
  const otherFile = await xlsx(outcomeHeaders, [
    [1, known.nationalId, known.name, null, '别的课', 1, 80, '2024-06-30', 'IMP-9'],
  ])
  t.equal(
    (await upload('outcomes', otherFile, { headers: key })).json().code,
    'IDEMPOTENCY_KEY_REUSED',
    'the same key with another file is refused',
  )
  t.same(replay.json(), done.json(), 'a replay answers the first answer')
  t.same(await counts(a.db), after, 'and writes nothing')
  const again = await upload('outcomes', file)
  t.equal(again.statusCode, 200, 'the same file again: every 外部编号 answers its entry')
  t.match(again.json(), { created: 0, existing: 4, openedLearners: 0 })
  t.same(await counts(a.db), after)

  const report = await upload('outcomes', file, { query: 'report=xlsx' })
  t.equal(report.headers['content-type'], XLSX_TYPE)
  t.match(report.headers['content-disposition'], /attachment/)
  const rows = await readXlsxRows(report.rawPayload, ['行号', '结果', '姓名', '学习账号'])
  t.same(rows[0], ['行号', '结果', '姓名', '学习账号'])
  t.same(rows[1]!.slice(0, 3), ['2', '已存在', '赵新生'])
})

t.test(
  'bad rows: every bad cell named by row and column, in Chinese or English; nothing written',
  async (t) => {
    const newcomer = { nationalId: nationalId(), name: '钱未写' }
    const file = await xlsx(outcomeHeaders, [
      [1, newcomer.nationalId, newcomer.name, null, '网页设计', 4, 85, '2024-06-30', 'BAD-1'],
      [2, '41010519900101123X', '孙错号', null, '网页设计', 4, 85, '2024-06-30', 'BAD-2'],
      [3, known.nationalId, '王别名', null, '网页设计', 4, 85, '2024-06-30', 'BAD-3'],
      [4, null, null, 'NO-SUCH', '网页设计', 4, 85, '2024-06-30', 'BAD-4'],
      [5, known.nationalId, known.name, null, '网页设计', 'abc', 85, '2099-01-01', 'BAD-5'],
      [6, known.nationalId, known.name, null, '网页设计', null, null, '2024-06-30', 'BAD-6'],
      [7, known.nationalId, known.name, null, '网页设计', 4, 120, '2024-06-30', 'BAD-1'],
      [8, null, null, null, '网页设计', 4, 85, '2024-06-30', 'BAD-8'],
    ])
    const before = await counts(a.db)
    const res = await upload('outcomes', file)
    t.equal(res.statusCode, 422, res.body)
    const body = res.json()
    t.equal(body.code, 'ACCOUNTS_IMPORT_INVALID')
    t.equal(body.title, '文件中有错误，未写入任何记录')
    const got = body.errors.map(
      (e: { row: number; column: string; letter: string; code: string }) => [
        e.row,
        e.column,
        e.code,
      ],
    )
    t.same(got, [
      [3, '身份证号', 'ROW_NATIONAL_ID_INVALID'],
      [4, '姓名', 'ROW_IDENTITY_CONFLICT'],
      [5, '学号', 'ROW_STUDENT_NO_UNKNOWN'],
      [6, '学分', 'CELL_NUMBER_INVALID'],
      [6, '日期', 'ROW_DATE_FUTURE'],
      [7, '学分', 'ROW_COURSE_NEEDS_AMOUNT'],
      [7, '成绩', 'ROW_COURSE_NEEDS_GRADE'],
      [8, '成绩', 'ROW_SCORE_ABOVE_SCALE'],
      [8, '外部编号', 'ROW_REF_REPEATED'],
      [9, '身份证号', 'ROW_NO_LEARNER'],
    ])
    const letters = Object.fromEntries(
      body.errors.map((e: { column: string; letter: string }) => [e.column, e.letter]),
    )
    t.same(letters, {
      身份证号: 'B',
      姓名: 'C',
      学号: 'D',
      学分: 'F',
      成绩: 'G',
      日期: 'H',
      外部编号: 'I',
    })
    const repeated = body.errors.find((e: { code: string }) => e.code === 'ROW_REF_REPEATED')
    t.equal(repeated.message, '外部编号与第 2 行重复', 'a repeat names the row it repeats')
    t.notOk(res.body.includes('must match'), 'no schema wording')
    t.same(await counts(a.db), before, 'nothing written: no entry, and no account for the good row')

    const en = await upload('outcomes', file, { headers: { 'accept-language': 'en' } })
    t.equal(en.json().title, 'The file has problems; nothing was written')
    t.equal(
      en.json().errors.find((e: { code: string }) => e.code === 'ROW_STUDENT_NO_UNKNOWN').message,
      'No learner has this 学号 here (enroll them with it first, or give 身份证号 and name)',
    )
    const report = await upload('outcomes', file, { query: 'report=csv' })
    t.equal(report.statusCode, 422)
    t.match(report.headers['content-type'], /text\/csv/)
    t.match(report.body, /行号,列,问题/)
    t.match(report.body, /3,身份证号（B）,/)
  },
)

t.test('a GB18030 CSV with English headers, as Excel saves "CSV" in China', async (t) => {
  const fresh = { nationalId: nationalId(), name: '周国标' }
  const text = [
    'nationalId,name,kind,title,hours,occurredOn,externalRef',
    `${fresh.nationalId},${fresh.name},培训,岗前安全培训,16,2024-03-01,GB-1`,
    `${known.nationalId},${known.name},training,电工作业,8.5,20240302,GB-2`,
  ].join('\r\n')
  const bytes = iconv.encode(text, 'gb18030')
  t.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes), 'not UTF-8')
  const res = await upload('outcomes', bytes, { type: 'text/csv' })
  t.equal(res.statusCode, 201, res.body)
  t.match(res.json(), { format: 'csv', encoding: 'gb18030', created: 2, openedLearners: 1 })
  t.match(res.json().rows, [
    { name: '周国标', title: '岗前安全培训', hours: '16.0' },
    { hours: '8.5' },
  ])
})

t.test("another school's 学号 names nobody here", async (t) => {
  const file = await xlsx(
    ['学号', '课程名称', '学分', '成绩', '日期'],
    [['S2024001', '网页设计', 4, 85, '2024-06-30']],
  )
  const res = await app.inject({
    method: 'POST',
    url: '/v1/outcomes/import',
    headers: { ...a.registrar(other), 'content-type': XLSX_TYPE, 'accept-language': 'zh-CN' },
    payload: file,
  })
  t.equal(res.statusCode, 422)
  t.match(res.json().errors, [{ row: 2, column: '学号', code: 'ROW_STUDENT_NO_UNKNOWN' }])
})

t.test('files refused as a whole, with a clear code', async (t) => {
  const before = await counts(a.db)
  const many = ['身份证号,姓名,课程名称,学分,成绩,日期']
  for (let i = 0; i < 10_001; i++)
    many.push(`${known.nationalId},${known.name},课${i},1,80,2024-06-30`)
  const tooMany = await upload('outcomes', many.join('\n'), { type: 'text/csv' })
  t.equal(tooMany.statusCode, 422)
  t.equal(tooMany.json().code, 'SHEET_TOO_MANY_ROWS')
  t.match(tooMany.json().title, /10000/)
  const noHeader = await upload('outcomes', 'a,b\n1,2\n', { type: 'text/csv' })
  t.equal(noHeader.json().code, 'SHEET_HEADER_NOT_FOUND')
  const xls = await upload('outcomes', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0]), {
    type: 'application/vnd.ms-excel',
  })
  t.equal(xls.json().code, 'SHEET_XLS_NOT_SUPPORTED')
  t.equal((await upload('outcomes', '', { type: 'text/csv' })).statusCode, 422)
  const huge = await upload('outcomes', Buffer.alloc(10 * 1024 * 1024 + 1, 0x41), {
    type: 'text/csv',
  })
  t.equal(huge.statusCode, 413, 'a file over 10 MB')
  const anon = await app.inject({
    method: 'POST',
    url: '/v1/outcomes/import',
    headers: { 'content-type': 'text/csv' },
    payload: 'x',
  })
  t.equal(anon.statusCode, 401)
  const learner = await app.inject({
    method: 'POST',
    url: '/v1/outcomes/import',
    headers: { ...a.learnerAuth(knownL.id), 'content-type': 'text/csv' },
    payload: 'x',
  })
  t.equal(learner.statusCode, 403)
  t.same(await counts(a.db), before)
})

t.test('enroll in bulk: accounts opened, 学号 given, then outcomes by 学号', async (t) => {
  const p1 = { nationalId: nationalId(), name: '吴一' }
  const file = await xlsx(
    ['身份证号', '姓名', '学号', '人员类别', '专业代码', '专业名称', '入学日期'],
    [
      [p1.nationalId, p1.name, 'S2025001', '退役军人', '510201', '计算机应用技术', '2025-09-01'],
      [known.nationalId, known.name, 'S2025002', null, '510201', '计算机应用技术', '2025-09-01'],
    ],
  )
  const preview = await upload('enrollments', file, { query: 'dryRun=true' })
  t.equal(preview.statusCode, 200, preview.body)
  t.match(preview.json(), { created: 2, openedLearners: 1 })
  t.same(
    (
      await a.db
        .selectFrom('student_number')
        .selectAll()
        .where('student_no', '=', 'S2025001')
        .execute()
    ).length,
    0,
  )
  const res = await upload('enrollments', file)
  t.equal(res.statusCode, 201, res.body)
  t.match(res.json().rows, [
    { name: '吴一', newLearner: true, studentNo: 'S2025001', status: 'created' },
    { name: '王已有', newLearner: false, status: 'created' },
  ])
  const opened = await a.db
    .selectFrom('learner')
    .select('category')
    .where('national_id_hash', '=', nationalIdHash(p1.nationalId))
    .executeTakeFirstOrThrow()
  t.equal(opened.category, 'veteran', 'the category of the row')
  t.equal((await upload('enrollments', file)).json().existing, 2, 'again: already there')

  const clash = await xlsx(
    ['身份证号', '姓名', '学号', '专业代码', '专业名称', '入学日期'],
    [[known.nationalId, known.name, 'S2025001', '510202', '软件技术', '2025-09-01']],
  )
  const refused = await upload('enrollments', clash)
  t.equal(refused.statusCode, 422)
  t.match(refused.json().errors, [{ column: '学号', code: 'ROW_STUDENT_NO_OTHER_LEARNER' }])

  const byNo = await upload(
    'outcomes',
    await xlsx(
      ['学号', '课程名称', '学分', '成绩', '日期'],
      [['S2025001', '高等数学', 4, 90, '2025-12-30']],
    ),
  )
  t.equal(byNo.statusCode, 201, byNo.body)
  t.match(byNo.json().rows, [{ name: '吴一' }])

  const trainer = await a.registerOrg('training_body')
  const notSchool = await app.inject({
    method: 'POST',
    url: '/v1/enrollments/import',
    headers: { ...a.registrar(trainer), 'content-type': XLSX_TYPE },
    payload: file,
  })
  t.equal(notSchool.json().code, 'ACCOUNTS_NOT_A_SCHOOL')
})

t.test('the Chinese templates are read back by the importer itself', async (t) => {
  for (const kind of ['outcomes', 'enrollments'] as const) {
    const res = await app.inject({
      method: 'GET',
      url: `/v1/imports/templates/${kind}`,
      headers: me,
    })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], XLSX_TYPE)
    // Its header is found and complete: an empty template is refused only for having no rows.
    const back = await upload(kind, res.rawPayload)
    t.equal(back.json().code, 'SHEET_EMPTY', `${kind}: ${back.body.slice(0, 300)}`)
  }
  t.equal(
    (await app.inject({ method: 'GET', url: '/v1/imports/templates/outcomes' })).statusCode,
    401,
  )
})

t.test('the JSON batch names learners as a sheet does: 身份证号 + name, or 学号', async (t) => {
  const fresh = { nationalId: nationalId(), name: '郑批量' }
  const course = (over: Record<string, unknown>) => ({
    kind: 'course',
    title: '网页设计',
    credits: '4',
    grade: { score: '85', scale: '100' },
    occurredOn: '2024-06-30',
    ...over,
  })
  const batch = (items: unknown[], headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/v1/outcomes/batch',
      headers: { ...me, ...headers },
      payload: { items },
    })
  const before = await counts(a.db)
  const bad = await batch([
    course({ nationalId: '123', name: '某人' }),
    course({ studentNo: 'NOBODY' }),
    course({ nationalId: fresh.nationalId, name: fresh.name, learnerId: knownL.id }),
    course({ nationalId: fresh.nationalId, name: fresh.name, credits: '4.567' }),
  ])
  t.equal(bad.statusCode, 422, bad.body)
  t.same(
    bad
      .json()
      .errors.map((e: { path: string }) => e.path)
      .sort(),
    ['/items/0/nationalId', '/items/1/studentNo', '/items/2/learnerId', '/items/3/credits'],
  )
  t.same(await counts(a.db), before, 'nothing written, no account opened')

  const items = [
    course({ nationalId: fresh.nationalId, name: fresh.name, learnerCategory: 'veteran' }),
    course({ studentNo: 'S2024001', title: '数据库' }),
    course({ learnerId: knownL.id, title: '体育' }),
  ]
  const ok = await batch(items, { 'idempotency-key': 'json-by-person' })
  t.equal(ok.statusCode, 201, ok.body)
  t.match(ok.json(), { created: 3 })
  t.equal(ok.json().items[1].learnerId, enrolledL.id, 'by 学号')
  const opened = await a.db
    .selectFrom('learner')
    .select(['id', 'category'])
    .where('national_id_hash', '=', nationalIdHash(fresh.nationalId))
    .executeTakeFirstOrThrow()
  t.equal(ok.json().items[0].learnerId, opened.id)
  t.equal(opened.category, 'veteran')
  const replay = await batch(items, { 'idempotency-key': 'json-by-person' })
  t.equal(replay.headers['idempotency-replayed'], 'true')
  t.same(replay.json(), ok.json())
})

t.test(
  'machine exports by learnerId: named in the answer; a bad id is a row problem',
  async (t) => {
    const csv = (rows: string[]) =>
      upload('outcomes', ['learnerId,title,credits,gradeScore,occurredOn', ...rows].join('\n'), {
        type: 'text/csv',
      })
    const ok = await csv([`${knownL.id},机器导出,2,80,2024-06-30`])
    t.equal(ok.statusCode, 201, ok.body)
    t.match(ok.json().rows, [{ name: known.name, accountNo: knownL.accountNo }])
    const bad = await csv([
      'not-a-uuid,机器导出,2,80,2024-06-30',
      '0190aaaa-0000-7000-8000-00000000beef,x,2,80,2024-06-30',
    ])
    t.equal(bad.statusCode, 422, bad.body)
    t.match(bad.json().errors, [
      { row: 2, column: 'learnerId' },
      { row: 3, column: 'learnerId' },
    ])
    // A learner the school has never named by 身份证号: their id alone posts nothing (decision 0613).
    const stranger = await a.openLearner()
    const before = await counts(a.db)
    const unknown = await csv([`${stranger.id},机器导出,2,80,2024-06-30`])
    t.equal(unknown.statusCode, 422, unknown.body)
    t.match(unknown.json().errors, [
      { row: 2, column: 'learnerId', code: 'ROW_LEARNER_NOT_KNOWN_HERE' },
    ])
    t.same(await counts(a.db), before, 'nothing written')
  },
)

t.test(
  'a file without 外部编号 sent again is refused, naming the first import, unless asked for (0545)',
  async (t) => {
    const rows = [
      [1, known.nationalId, known.name, null, '重复课程甲', 2, 80, '2024-07-01', null],
      [2, null, null, 'S2024001', '重复课程乙', 1, 90, '2024-07-02', null],
    ]
    const file = await xlsx(outcomeHeaders, rows)
    const first = await upload('outcomes', file, { headers: { 'idempotency-key': 'rep-1' } })
    t.equal(first.statusCode, 201, first.body)
    t.equal(first.json().earlierImport, null, 'never imported before')
    const after = await counts(a.db)

    const replay = await upload('outcomes', file, { headers: { 'idempotency-key': 'rep-1' } })
    t.equal(replay.headers['idempotency-replayed'], 'true')
    t.same(replay.json(), first.json(), 'the same key: the first answer, not a refusal')
    t.same(await counts(a.db), after, 'and nothing written')

    const preview = await upload('outcomes', file, { query: 'dryRun=true' })
    t.equal(preview.statusCode, 200, preview.body)
    t.match(preview.json(), { created: 2, earlierImport: { rowCount: 2, created: 2 } })
    const earlier = preview.json().earlierImport
    t.match(earlier.committedAt, /^\d{4}-\d\d-\d\dT/)

    const again = await upload('outcomes', file, { headers: { 'idempotency-key': 'rep-2' } })
    t.equal(again.statusCode, 409, again.body)
    t.match(again.json(), {
      code: 'ACCOUNTS_IMPORT_REPEATED',
      title: '这个文件已经导入过，再次导入会把其中的记录重复记入',
      errors: [
        {
          path: '/file',
          code: 'FILE_ALREADY_IMPORTED',
          message:
            /^已于 \d{4}-\d\d-\d\d \d\d:\d\d（北京时间）导入：共 2 行，新增 2 条；再次导入将再新增 2 条$/,
        },
      ],
    })
    t.match(again.json().detail, earlier.importId, 'the detail names the earlier import')
    t.same(await counts(a.db), after, 'refused: nothing written')

    const en = await upload('outcomes', file, { headers: { 'accept-language': 'en' } })
    t.equal(en.statusCode, 409)
    t.match(en.json().title, /imported before/)
    t.match(en.json().errors[0].message, /^imported on .* \(China time\): 2 rows, 2 written/)

    // The same rows saved again by Excel are other bytes, and still the same import.
    const resaved = await writeTable('csv', {
      sheet: '成绩',
      headers: outcomeHeaders,
      rows: rows as never,
    })
    const csvAgain = await upload('outcomes', resaved, { type: 'text/csv' })
    t.equal(csvAgain.json().code, 'ACCOUNTS_IMPORT_REPEATED', 'the same rows as a CSV too')
    t.same(await counts(a.db), after)

    // Another school's identical file is its own.
    const otherFile = await xlsx(outcomeHeaders, [
      [1, known.nationalId, known.name, null, '重复课程甲', 2, 80, '2024-07-01', null],
    ])
    const theirs = await app.inject({
      method: 'POST',
      url: '/v1/outcomes/import',
      headers: { ...a.registrar(other), 'content-type': XLSX_TYPE },
      payload: otherFile,
    })
    t.equal(theirs.statusCode, 201, theirs.body)
    t.equal(theirs.json().earlierImport, null, "another school's imports are not this one's")
    const afterOther = await counts(a.db)

    // Asked for: imported again, and the next time the latest import is named.
    const forced = await upload('outcomes', file, {
      query: 'repeat=true',
      headers: { 'idempotency-key': 'rep-3' },
    })
    t.equal(forced.statusCode, 201, forced.body)
    t.match(forced.json(), { created: 2, earlierImport: { importId: earlier.importId } })
    t.equal((await counts(a.db)).entries, afterOther.entries + 2, 'posted a second time, as asked')
    const forcedReplay = await upload('outcomes', file, {
      query: 'repeat=true',
      headers: { 'idempotency-key': 'rep-3' },
    })
    t.equal(forcedReplay.headers['idempotency-replayed'], 'true')
    t.equal((await counts(a.db)).entries, afterOther.entries + 2, 'its replay writes nothing')
    const latest = await upload('outcomes', file, { query: 'dryRun=true' })
    t.not(latest.json().earlierImport.importId, earlier.importId, 'the latest import is named')
  },
)
