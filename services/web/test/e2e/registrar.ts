import { writeTable, XLSX_TYPE } from '@creditbank/spreadsheet'
import { accessible, axeSweep, type Journey } from './harness.js'

/**
 * A registrar's day: enroll a learner with the school's 学号, find them by it (never by our
 * internal id), see what the school posted for them, post an outcome, and reverse it after a
 * confirmation that shows the entry; on a phone, in English, as well as in Chinese on a desktop.
 */
export const journey: Journey = {
  name: 'registrar',
  title:
    'a registrar finds learners by 学号 and 身份证号, posts, imports a spreadsheet, reverses with a confirmation',
  async run(t, e) {
    const studentNo = `E2E${Date.now().toString().slice(-8)}`
    const name = '冯学勤'
    const registrar = await e.newPage()
    await e.signIn(registrar, 'registrar.zzrvc')
    await registrar.goto('/#/registrar')
    await registrar.getByLabel('身份证号').fill(e.nationalId())
    await registrar.getByLabel('姓名').fill(name)
    await registrar.getByLabel('专业代码').fill('P-RAIL')
    await registrar.getByLabel('专业名称').fill('铁道机车运用与维护')
    await registrar.getByLabel('学号').fill(studentNo)
    await registrar.getByRole('button', { name: '提交' }).click()
    await registrar.getByTestId('enrolled').waitFor()

    // Post an outcome for the learner found by 学号: the page shows who it is before posting.
    await registrar.goto('/#/registrar/outcome')
    await registrar.getByLabel('学号', { exact: true }).check()
    await registrar.getByRole('textbox', { name: '学号' }).fill(studentNo)
    await registrar.getByRole('button', { name: '查找' }).click()
    t.equal(await registrar.getByTestId('found-name').textContent(), name, 'found by 学号')
    await registrar.getByText('本机构尚无这位学习者的记录').waitFor()
    t.pass('nothing posted here yet, and the page says so')
    await registrar.getByLabel(/^名称/).fill('机械制图')
    await registrar.getByLabel('学分').fill('3')
    await registrar.getByLabel('成绩').fill('88')
    await registrar.getByRole('button', { name: '录入' }).click()
    await registrar.getByTestId('posted').waitFor()
    await registrar.locator('tr[data-entry="机械制图"]').waitFor()
    t.pass("the posted outcome shows in the learner's entries at this school")
    await e.screenshot(registrar, 'registrar-outcome-found')
    await accessible(t, registrar, 'the learner found, with the outcome form')

    // A learner another school opened, found here by account number: an account number proves
    // nothing, so the first posting asks for the 身份证号 and name (decision 0613).
    const other = await e.newPage()
    await e.signIn(other, 'registrar.hnvc')
    await other.goto('/#/registrar')
    const strangerId = e.nationalId()
    await other.getByLabel('身份证号').fill(strangerId)
    await other.getByLabel('姓名').fill('卫远方')
    await other.getByRole('button', { name: '提交' }).click()
    const accountNo = (await other.getByTestId('enrolled').locator('.mono').textContent())!.trim()
    await other.close()
    await registrar.goto('/#/registrar/outcome')
    await registrar.getByLabel('学习账号', { exact: true }).check()
    await registrar.getByRole('textbox', { name: '学习账号' }).fill(accountNo)
    await registrar.getByRole('button', { name: '查找' }).click()
    await registrar.getByText('首次为这位学习者录入，请填写其身份证号和姓名以核实身份').waitFor()
    await registrar.getByLabel(/^名称/).fill('钳工实训')
    await registrar.getByLabel('学分').fill('1')
    await registrar.getByLabel('成绩').fill('80')
    await registrar.locator('input[name="proofNationalId"]').fill(strangerId)
    await registrar.locator('input[name="proofName"]').fill('卫远')
    await registrar.getByRole('button', { name: '录入' }).click()
    await registrar.getByText('所填身份证号和姓名与这位学习者不符').waitFor()
    t.pass('a wrong name is refused in Chinese, and nothing is posted')
    await registrar.locator('input[name="proofName"]').fill('卫远方')
    await registrar.getByRole('button', { name: '录入' }).click()
    await registrar.getByTestId('posted').waitFor()
    await registrar.locator('tr[data-entry="钳工实训"]').waitFor()
    t.pass(
      'with the 身份证号 and name, the first posting for a learner found by account number goes through',
    )
    await e.screenshot(registrar, 'registrar-proof-by-account-no')

    // The school's own spreadsheet: Chinese headers, a new person by 身份证号 + 姓名, the enrolled
    // one by 学号, and a bad row; every bad cell is named by row and column, nothing is written.
    const headers = ['序号', '身份证号', '姓名', '学号', '课程名称', '学分', '成绩', '日期']
    const newcomer = [e.nationalId(), '褚新同学']
    const good = [
      [1, ...newcomer, null, '电工基础', 3, 90, '2025-06-30'],
      [2, null, null, studentNo, '机车构造', 2.5, '优秀', '202506'],
    ]
    const sheet = async (rows: unknown[][]) => ({
      name: '成绩.xlsx',
      mimeType: XLSX_TYPE,
      buffer: await writeTable('xlsx', { sheet: '成绩', headers, rows: rows as never }),
    })
    await registrar.goto('/#/registrar/batch')
    const fileInput = registrar.getByLabel('选择表格文件（.xlsx 或 .csv）')
    await fileInput.setInputFiles(
      await sheet([...good, [3, null, null, studentNo, '铁道概论', 'abc', 75, '2099-01-01']]),
    )
    await registrar.getByRole('button', { name: '检查并预览' }).click()
    const problems = registrar.getByTestId('import-problems')
    await problems.waitFor()
    const named = await problems
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.textContent ?? ''))
    t.match(
      named,
      [/^4学分.*“abc”不是有效的数字/, /^4日期.*日期晚于今天/],
      'bad cells by row and column',
    )
    t.ok((await problems.textContent())?.includes('未写入任何记录'), 'nothing was written')
    await e.screenshot(registrar, 'registrar-import-problems')
    await accessible(t, registrar, 'the import with its problems')
    await fileInput.setInputFiles(await sheet(good))
    await registrar.getByRole('button', { name: '检查并预览' }).click()
    const summary = registrar.getByTestId('import-summary')
    await summary.waitFor()
    t.match(
      await summary.textContent(),
      /将新增 2 条.*将为 1 位学习者新开账户/,
      'the preview says what will be written',
    )
    await e.screenshot(registrar, 'registrar-import-preview')
    await registrar.getByRole('button', { name: '确认导入 2 行' }).click()
    await registrar.getByTestId('import-done').waitFor()
    t.match(await registrar.getByTestId('import-done').textContent(), /新增 2 条/)
    const download = registrar.waitForEvent('download')
    await registrar.getByRole('button', { name: '下载导入结果（Excel）' }).click()
    t.match((await download).suggestedFilename(), /导入结果\.xlsx$/, 'the result as a spreadsheet')
    await e.screenshot(registrar, 'registrar-import-done')

    // The same rows again (Excel saves other bytes; the rows are the same): without 外部编号 they
    // would be posted twice, so the preview names the first import and the button waits (0545).
    await fileInput.setInputFiles(await sheet(good))
    await registrar.getByRole('button', { name: '检查并预览' }).click()
    const repeated = registrar.getByTestId('import-repeated')
    await repeated.waitFor()
    t.match(
      await repeated.textContent(),
      /已于 \d{4}-\d\d-\d\d \d\d:\d\d 导入过：共 2 行，新增 2 条。.*重复记入/,
      'the preview says when the same rows were imported and what importing again does',
    )
    const confirmAgain = registrar.getByRole('button', { name: '确认导入 2 行' })
    t.ok(await confirmAgain.isDisabled(), 'no second import without saying so')
    await registrar.getByLabel('我确认这些是新的记录，需要再次导入').check()
    t.ok(await confirmAgain.isEnabled(), 'offered once the registrar says they mean it')
    await e.screenshot(registrar, 'registrar-import-repeated')
    await accessible(t, registrar, 'the import of a file already imported')
    await registrar.context().close()

    // On a phone, in English: reverse it after a confirmation naming the entry.
    const phone = await e.newPage({ phone: true, lang: 'en' })
    await e.signIn(phone, 'registrar.zzrvc')
    await phone.goto('/#/registrar/reverse')
    await phone.getByLabel('Student no.', { exact: true }).check()
    await phone.getByRole('textbox', { name: 'Student no.' }).fill(studentNo)
    await phone.getByRole('button', { name: 'Find' }).click()
    const row = phone.locator('tr[data-entry="机械制图"]')
    await row.getByRole('button', { name: 'Reverse' }).click()
    const confirm = phone.getByTestId('confirm-entry')
    await confirm.waitFor()
    const shown = (await confirm.textContent()) ?? ''
    for (const part of [name, '机械制图', '3.00'])
      t.ok(shown.includes(part), `the confirmation shows ${part}`)
    await e.screenshot(phone, 'registrar-reverse-confirm-phone-en')
    t.ok(await e.fitsWidth(phone), 'the reversal fits a phone')
    await accessible(t, phone, 'the reversal confirmation')
    await phone.getByLabel('Reason').fill('Posted twice')
    await phone.getByRole('button', { name: 'Reverse it' }).click()
    await phone.getByText('Reversed “机械制图”').waitFor()
    await row.getByText('Reversed').waitFor()
    t.equal(
      await row.getByRole('button', { name: 'Reverse' }).count(),
      0,
      'a reversed entry offers no second reversal',
    )
    await e.screenshot(phone, 'registrar-reversed-phone-en')

    // Enrolling from a sheet, previewed on the phone.
    await phone.goto('/#/registrar/enroll-batch')
    await phone.getByLabel('Choose the sheet (.xlsx or .csv)').setInputFiles({
      name: 'enroll.xlsx',
      mimeType: XLSX_TYPE,
      buffer: await writeTable('xlsx', {
        sheet: '学籍',
        headers: ['身份证号', '姓名', '学号', '专业代码', '专业名称', '入学日期'],
        rows: [
          [e.nationalId(), '卫新生', `${studentNo}B`, 'P-RAIL', '铁道机车运用与维护', '2025-09-01'],
        ],
      }),
    })
    await phone.getByRole('button', { name: 'Check and preview' }).click()
    await phone.getByTestId('import-summary').waitFor()
    t.match(await phone.getByTestId('import-summary').textContent(), /1 to write.*1 new account/)
    await e.screenshot(phone, 'registrar-enroll-import-phone-en')
    t.ok(await e.fitsWidth(phone), 'the preview fits a phone')

    // A file imported before, sent again without 外部编号, in English at 390 px: refused by the
    // service unless asked for, and the page says so before anything is sent.
    await phone.goto('/#/registrar/batch')
    const small = {
      name: 'grades.xlsx',
      mimeType: XLSX_TYPE,
      buffer: await writeTable('xlsx', {
        sheet: '成绩',
        headers: ['学号', '课程名称', '学分', '成绩', '日期'],
        rows: [[studentNo, '职业素养', 1, 85, '2025-07-01']],
      }),
    }
    const phoneFile = phone.getByLabel('Choose the sheet (.xlsx or .csv)')
    await phoneFile.setInputFiles(small)
    await phone.getByRole('button', { name: 'Check and preview' }).click()
    await phone.getByRole('button', { name: 'Import 1 row(s)' }).click()
    await phone.getByTestId('import-done').waitFor()
    await phoneFile.setInputFiles(small)
    await phone.getByRole('button', { name: 'Check and preview' }).click()
    await phone.getByTestId('import-repeated').waitFor()
    t.match(
      await phone.getByTestId('import-repeated').textContent(),
      /was imported on \d{4}-\d\d-\d\d \d\d:\d\d \(China time\): 1 row\(s\), 1 written\..*a second time/,
      'in English: when, and what importing again would do',
    )
    t.ok(await phone.getByRole('button', { name: 'Import 1 row(s)' }).isDisabled())
    t.ok(await e.fitsWidth(phone), 'the warning fits a phone')
    await e.screenshot(phone, 'registrar-import-repeated-phone-en')
    await accessible(t, phone, 'the warning of a repeated import, in English')
    await phone.context().close()

    // Every registrar page, in both languages.
    await axeSweep(t, e, 'registrar.zzrvc', [
      '/#/registrar',
      '/#/registrar/outcome',
      '/#/registrar/batch',
      '/#/registrar/enroll-batch',
      '/#/registrar/reverse',
    ])
  },
}
