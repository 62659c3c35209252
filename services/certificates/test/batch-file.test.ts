// Batch issuance from a spreadsheet: the file route reads .xlsx and CSV keyed by 身份证号 + 姓名 and
// goes through the same look-up and issuance as the JSON batch (decision 0530, addendum 0532).
import { readSheet, writeTable, XLSX_TYPE } from '@creditbank/spreadsheet'
import t from 'tap'
import { buildCertificates, madeUpPerson } from './helper.js'

const h = await buildCertificates({}, { withAccounts: true })
t.teardown(() => h.close())
const { app } = h

const [own, other] = await h.orgs([{ name: '工业和信息化部教育与考试中心' }, {}])
const web = await h.type(own!.id, { name: 'Web前端开发' })
const theirs = await h.type(other!.id)
const [wang, zhao, sun, nobody] = ['王小明', '赵丽', '孙强', '钱多多'].map(madeUpPerson) as [
  ReturnType<typeof madeUpPerson>,
  ReturnType<typeof madeUpPerson>,
  ReturnType<typeof madeUpPerson>,
  ReturnType<typeof madeUpPerson>,
]
const [wangAccount] = await h.people([wang, zhao, sun])
const issuer = h.issuerOf(own!.id)

const HEADERS = ['序号', '证书类型代码', '等级', '身份证号', '姓名', '成绩', '发证日期']
type Person = { nationalId: string; name: string }
const line = (n: number, p: Person, over: Partial<Record<string, string>> = {}) => {
  const r = { typeCode: web.code, level: '初级', score: '88.5', issuedOn: '2025-06-20', ...over }
  return [String(n), r.typeCode, r.level, p.nationalId, p.name, r.score, r.issuedOn]
}
const xlsx = (rows: (string | null)[][]) =>
  writeTable('xlsx', { sheet: '证书发放', headers: HEADERS, rows })
const csv = (rows: string[][], headers = HEADERS) =>
  Buffer.from(`\uFEFF${[headers, ...rows].map((r) => r.join(',')).join('\r\n')}\r\n`, 'utf8')

const upload = (
  body: Buffer,
  query = '',
  headers: Record<string, string> = issuer,
  contentType = XLSX_TYPE,
) =>
  app.inject({
    method: 'POST',
    url: `/v1/certificates/batch/file${query}`,
    headers: { ...headers, 'content-type': contentType },
    payload: body,
  })

const nothingWritten = async () => ({
  certificates: await h.count('certificate'),
  counters: await h.count('certificate_number_counter'),
  keys: await h.count('idempotency_key'),
})

t.test('the template is the Chinese sheet, for issuers only', async (t) => {
  const res = await app.inject({
    method: 'GET',
    url: '/v1/certificates/batch/template',
    headers: issuer,
  })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], XLSX_TYPE)
  t.match(res.headers['content-disposition'], /attachment/)
  t.match(
    res.headers['content-disposition'],
    encodeURIComponent('证书批量颁发模板.xlsx'),
    'the Chinese file name',
  )
  // A template has a header and no rows: reading it says so, which shows the header is found.
  await t.rejects(
    readSheet(res.rawPayload, (await import('@creditbank/spreadsheet')).certificatesSheet),
    { code: 'SHEET_EMPTY' },
  )
  const learner = h.learnerToken(wangAccount!.id)
  t.equal(
    (await app.inject({ method: 'GET', url: '/v1/certificates/batch/template', headers: learner }))
      .statusCode,
    403,
  )
  t.equal(
    (await app.inject({ method: 'GET', url: '/v1/certificates/batch/template' })).statusCode,
    401,
  )
})

t.test('a .xlsx previews by line, writes nothing, then issues once', async (t) => {
  const file = await xlsx([
    line(1, wang),
    line(2, zhao, { level: '中级', score: '' }),
    line(3, sun, { issuedOn: '2025年6月20日' }),
  ])
  const before = await nothingWritten()
  const preview = await upload(file, '?dryRun=true')
  t.equal(preview.statusCode, 200, preview.body)
  const p = preview.json()
  t.equal(p.dryRun, true)
  t.equal(p.created, 3)
  t.same(
    p.items.map((i: { row: number }) => i.row),
    [2, 3, 4],
    'rows by their line in Excel',
  )
  t.match(p.items[0], {
    row: 2,
    number: null,
    created: true,
    holderName: '王小明',
    level: 'junior',
    accountNo: wangAccount!.accountNo,
  })
  t.equal(p.items[1].level, 'intermediate', 'levels by their Chinese words')
  t.equal(p.items[2].issuedOn, '2025-06-20', 'dates as people write them')
  t.same(p.file.ignored, ['序号'], 'other columns are read past and listed')
  t.equal(p.file.format, 'xlsx')
  t.same(await nothingWritten(), before, 'a dry run writes nothing')

  const key = { ...issuer, 'idempotency-key': `sheet-${Date.now()}` }
  const real = await upload(file, '', key)
  t.equal(real.statusCode, 201, real.body)
  t.equal(real.json().created, 3)
  const numbers = real.json().items.map((i: { number: string }) => i.number)
  t.ok(numbers.every((n: string) => n.startsWith(`${web.code}-2025-`)))
  const replay = await upload(file, '', key)
  t.equal(replay.headers['idempotency-replayed'], 'true', 'the same key answers the first answer')
  t.same(replay.json(), real.json())
  const reused = await upload(await xlsx([line(1, wang)]), '', key)
  t.equal(reused.statusCode, 422, 'the key with another file is refused')
  const again = await upload(file)
  t.equal(again.statusCode, 200, 'the same file again issues nothing new')
  t.same(
    again.json().items.map((i: { number: string; created: boolean }) => [i.number, i.created]),
    numbers.map((n: string) => [n, false]),
  )
})

t.test('CSV with English headers and lower-case codes reads as the JSON batch', async (t) => {
  const rows = [[web.code.toLowerCase(), 'junior', wang.nationalId, wang.name, '90', '2025-05-05']]
  const res = await upload(
    csv(rows, ['typeCode', 'level', 'nationalId', 'name', 'score', 'issuedOn']),
    '?dryRun=true',
    issuer,
    'text/csv',
  )
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.json().items[0].typeCode, web.code)
  t.equal(res.json().file.format, 'csv')
})

t.test(
  'bad cells are named by line and column, in the asked language; nothing is written',
  async (t) => {
    const before = await nothingWritten()
    const file = csv([
      line(1, wang, { issuedOn: '2025-13-45' }),
      line(2, zhao, { level: '特级' }),
      line(3, sun, { score: '101' }),
      line(4, { nationalId: '', name: '李某' }),
      line(5, wang, { typeCode: 'web fe!' }),
      line(6, zhao),
    ])
    const zh = await upload(file, '?dryRun=true', issuer, 'text/csv')
    t.equal(zh.statusCode, 422)
    t.equal(zh.json().code, 'CERTIFICATES_ISSUANCE_INVALID')
    const paths = zh.json().errors.map((e: { path: string }) => e.path)
    t.same(
      paths,
      [
        '/rows/2/issuedOn',
        '/rows/3/level',
        '/rows/4/score',
        '/rows/5/nationalId',
        '/rows/6/typeCode',
      ],
      'each bad cell by line; the good line 7 is not named',
    )
    t.match(zh.json().errors[0].message, /发证日期（G列）/, 'the column as headed in the file')
    const en = await upload(
      file,
      '',
      { ...issuer, 'accept-language': 'en-US,en;q=0.8' },
      'text/csv',
    )
    t.equal(en.statusCode, 422)
    t.match(en.json().errors[0].message, /column G/)
    t.same(await nothingWritten(), before)
  },
)

t.test('people, types and dates are checked as in the JSON batch, by line', async (t) => {
  const before = await nothingWritten()
  const file = await xlsx([
    line(1, nobody),
    line(2, { ...wang, name: '王大明' }),
    line(3, zhao, { typeCode: theirs.code }),
  ])
  const forbidden = await upload(file, '?dryRun=true')
  t.equal(forbidden.statusCode, 403, "another organization's type is refused first")
  t.same(
    forbidden.json().errors.map((e: { path: string }) => e.path),
    ['/rows/4/typeCode'],
  )
  const mine = await xlsx([
    line(1, nobody),
    line(2, { ...wang, name: '王大明' }),
    line(3, zhao, { level: '高级', issuedOn: '2099-01-01' }),
    line(4, sun, { issuedOn: '2025-01-02' }),
    line(5, sun, { issuedOn: '2025-01-02' }),
  ])
  for (const query of ['?dryRun=true', '']) {
    const res = await upload(mine, query)
    t.equal(res.statusCode, 422, query)
    t.same(
      res
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
      [
        '/rows/2/nationalId',
        '/rows/3/nationalId',
        '/rows/4/issuedOn',
        '/rows/4/level',
        '/rows/6',
      ].sort(),
      `${query}: unknown people, a wrong name, a level the type lacks, a future date, a repeated line`,
    )
    const said = Object.fromEntries(
      res.json().errors.map((e: { path: string; message: string }) => [e.path, e.message]),
    )
    t.match(said['/rows/2/nationalId'], /没有这个身份证号和姓名的学习账户/, 'in Chinese by default')
    t.match(said['/rows/4/level'], /只设 初级、中级，没有高级/)
    t.match(said['/rows/4/issuedOn'], /晚于今天/)
    t.match(said['/rows/6'], /与第 5 行是同一张证书/, 'the other row by its line')
  }
  const en = await upload(mine, '?dryRun=true', { ...issuer, 'accept-language': 'en' })
  t.match(
    en.json().errors.find((e: { path: string }) => e.path === '/rows/6').message,
    /the same certificate as row 5/,
    'in English when asked',
  )
  t.same(await nothingWritten(), before)
})

t.test('the JSON batch speaks the asked language in its rows, English by default', async (t) => {
  const items = [
    {
      typeCode: web.code,
      level: 'senior',
      nationalId: nobody.nationalId,
      holderName: nobody.name,
      issuedOn: '2025-01-01',
    },
  ]
  const send = (headers: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: '/v1/certificates/batch?dryRun=true',
      headers: { ...issuer, ...headers },
      payload: { items },
    })
  const zh = (await send({ 'accept-language': 'zh-CN,zh;q=0.9' })).json()
  const messages = zh.errors.map((e: { message: string }) => e.message).join(' ')
  t.match(messages, /没有这个身份证号和姓名的学习账户/)
  t.match(messages, /没有高级/)
  t.match(zh.detail, /problem/, 'the detail stays in English (decision 0500)')
  const en = (await send({})).json()
  t.match(en.errors.map((e: { message: string }) => e.message).join(' '), /no learner account/)
})

t.test('a revoked certificate in the file: 409 naming it and its line', async (t) => {
  const first = await upload(await xlsx([line(1, zhao, { issuedOn: '2024-10-10' })]))
  t.equal(first.statusCode, 201)
  const number = first.json().items[0].number
  const revoked = await app.inject({
    method: 'POST',
    url: `/v1/certificates/${number}/revocation`,
    headers: issuer,
    payload: { reason: '考核作弊' },
  })
  t.equal(revoked.statusCode, 200)
  const before = await nothingWritten()
  const res = await upload(
    await xlsx([
      line(1, sun, { issuedOn: '2024-10-10' }),
      line(2, zhao, { issuedOn: '2024-10-10' }),
    ]),
  )
  t.equal(res.statusCode, 409)
  t.equal(res.json().code, 'CERTIFICATES_CERTIFICATE_REVOKED')
  t.same(
    res.json().errors.map((e: { path: string }) => e.path),
    ['/rows/3'],
  )
  t.match(res.json().errors[0].message, number)
  t.match(res.json().errors[0].message, /已于 \d{4}-\d{2}-\d{2} 撤销/, 'when, in Chinese')
  t.same(await nothingWritten(), before)
})

t.test('files that are not a batch are refused whole, with the reason', async (t) => {
  const before = await nothingWritten()
  const xls = Buffer.concat([
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
    Buffer.alloc(500),
  ])
  const old = await upload(xls, '?dryRun=true', issuer, 'application/vnd.ms-excel')
  t.equal(old.statusCode, 422)
  t.equal(old.json().code, 'CERTIFICATES_SHEET_INVALID')
  t.match(old.json().detail, /xlsx/, 'the detail in English, for logs and integrators')
  t.same(old.json().errors[0].path, '/file')
  t.match(old.json().errors[0].message, /另存为/, 'the reason in Chinese by default')

  const missing = await upload(
    csv([[wang.nationalId, wang.name]], ['身份证号', '姓名']),
    '',
    issuer,
    'text/csv',
  )
  t.equal(missing.statusCode, 422)
  t.equal(missing.json().code, 'CERTIFICATES_SHEET_INVALID')
  t.match(missing.json().errors[0].message, /证书类型代码/, 'the missing columns are named')

  const noPerson = await upload(
    csv([[web.code, '初级', '2025-01-01']], ['证书类型代码', '等级', '发证日期']),
    '',
    { ...issuer, 'accept-language': 'en' },
    'text/csv',
  )
  t.equal(noPerson.statusCode, 422)
  t.match(noPerson.json().errors[0].message, /national id/, 'in English when asked')

  const empty = await upload(Buffer.alloc(0), '', issuer, 'text/csv')
  t.equal(empty.statusCode, 422)
  t.equal(empty.json().code, 'CERTIFICATES_SHEET_INVALID')

  const huge = await upload(Buffer.alloc(11 * 1024 * 1024, 0x41), '', issuer, 'text/csv')
  t.equal(huge.statusCode, 413, 'more than 10 MB is refused before it is read')

  const registrar = h.keys.auth({ roles: ['registrar'], org: own!.id })
  t.equal((await upload(await xlsx([line(1, wang)]), '', registrar)).statusCode, 403)
  t.same(await nothingWritten(), before)
})
