import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { learners, nationalIdOf } from '../../../../seeds/data.js'
import { accessible as axe, axeSweep, type Journey, type Page, waitUntil } from './harness.js'

/** A demo learner as an issuer knows them: 身份证号 and name. */
function person(key: string) {
  const i = learners.findIndex((l) => l.key === key)
  return { nationalId: nationalIdOf(learners[i]!, i), name: learners[i]!.name }
}

const HEADER = '证书类型代码,等级,身份证号,姓名,成绩,发证日期'
const csvFile = (name: string, lines: string[]) => ({
  name,
  mimeType: 'text/csv',
  buffer: Buffer.from(`\uFEFF${[HEADER, ...lines].join('\r\n')}\r\n`, 'utf8'),
})

async function download(page: Page, click: () => Promise<void>) {
  const [d] = await Promise.all([page.waitForEvent('download'), click()])
  const file = join(tmpdir(), `e2e-${Date.now()}-${d.suggestedFilename()}`)
  await d.saveAs(file)
  return { name: d.suggestedFilename(), bytes: readFileSync(file) }
}

/**
 * Evaluation organizations' issuers and administrators at work: the issuer lists, finds, issues,
 * revokes with a confirmation and issues a batch from a spreadsheet; the admin resets a password
 * (shown once), the person then chooses a new one at sign-in, and the audit trail says so.
 * Desktop in Chinese, phone in English.
 */
export const journey: Journey = {
  name: 'staff',
  title: 'an issuer lists, issues, revokes and batches; an admin resets, disables and audits',
  async run(t, e) {
    const accessible = (page: Page, what: string) => axe(t, page, what)
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)
    const liu = person('liu')
    const yang = person('yang')

    // -- the issuer, desktop, Chinese -------------------------------------------------------
    const desk = await e.newPage()
    await e.signIn(desk, 'issuer.miit')
    await desk.goto('/#/issuer')
    await desk.getByRole('heading', { name: '本机构颁发的证书' }).waitFor()
    await desk.getByLabel('持证人姓名').fill(liu.name)
    await desk.getByRole('button', { name: '查找', exact: true }).click()
    // The search's answer replaces the first page: only 刘洋's two certificates are left.
    await waitUntil(desk, "document.querySelectorAll('tbody tr').length === 2")
    const revokedRow = desk.locator('tr', { hasText: 'WEB-FE-2025-0000004' })
    await revokedRow.getByText('已撤销').waitFor()
    t.equal(
      await revokedRow.getByRole('button', { name: /撤销/ }).count(),
      0,
      'a revoked certificate offers no second revocation',
    )
    t.equal(
      await desk.locator('tbody tr').filter({ hasText: liu.name }).count(),
      2,
      'found by name: both of 刘洋’s',
    )
    await e.screenshot(desk, 'issuer-list-search')
    await accessible(desk, 'the certificate list')

    // Issuing the revoked one again: refused, and the page names the revoked certificate.
    await desk.goto('/#/issuer/issue')
    await desk.getByLabel('等级').selectOption('senior')
    await desk.getByLabel('身份证号').fill(liu.nationalId)
    await desk.getByLabel('持证人姓名').fill(liu.name)
    await desk.getByLabel('发证日期').fill('2025-07-15')
    await desk.getByRole('button', { name: '颁发', exact: true }).click()
    const refusal = desk.getByRole('alert').filter({ hasText: '不能再次颁发' })
    await refusal.waitFor()
    t.match(await refusal.textContent(), /WEB-FE-2025-0000004/, 'the 409 names the revoked number')
    await e.screenshot(desk, 'issuer-reissue-revoked')

    // Issue one to 杨帅 by 身份证号, then revoke it from the list after a confirmation.
    await desk.getByLabel('等级').selectOption('junior')
    await desk.getByLabel('身份证号').fill(yang.nationalId)
    await desk.getByLabel('持证人姓名').fill(yang.name)
    await desk.getByLabel('发证日期').fill(today)
    await desk.getByRole('button', { name: '颁发', exact: true }).click()
    const issued = desk.getByRole('status').filter({ hasText: '已颁发，证书编号' })
    await issued.waitFor()
    const number = ((await issued.locator('.mono').textContent()) ?? '').trim()
    t.match(number, /^WEB-FE-\d{4}-\d{7}$/, 'issued with a number')
    await desk.goto('/#/issuer')
    await desk.getByLabel('证书编号').fill(number)
    await desk.getByRole('button', { name: '查找', exact: true }).click()
    await desk.getByRole('button', { name: `撤销 ${number}` }).click()
    const dialog = desk.getByRole('dialog')
    const shown = (await dialog.textContent()) ?? ''
    for (const part of [yang.name, 'Web前端开发', '初级', today])
      t.ok(shown.includes(part), `the confirmation shows ${part}`)
    t.ok(
      await dialog.getByRole('button', { name: '确认撤销' }).isDisabled(),
      'no revocation without a reason',
    )
    await dialog.getByLabel('撤销原因').fill('发证信息录入错误')
    await e.screenshot(desk, 'issuer-revoke-confirm')
    await dialog.getByRole('button', { name: '确认撤销' }).click()
    await desk.getByText(`证书 ${number} 已撤销。`).waitFor()
    await desk.locator('tr', { hasText: number }).getByText('已撤销').waitFor()
    t.pass('revoked from the list, and shown as revoked')
    // The holder reads why on their statement: the reason is kept with the certificate (0730).
    const holder = await e.newPage({ phone: true })
    await e.signUpAndClaim(holder, { ...yang, username: `yang${Date.now() % 1_000_000}` })
    // The ledger's copy is reversed when accounts reads the revocation: a moment later.
    await e.until(holder, '发证信息录入错误')
    const statementRow = holder.locator('main tr', { hasText: '证书已撤销' }).first()
    t.match(
      (await statementRow.textContent()) ?? '',
      /Web前端开发[\s\S]*证书已撤销[\s\S]*发证信息录入错误/,
      'the holder sees the certificate revoked, and why',
    )
    await e.screenshot(holder, 'learner-certificate-revoked-phone')
    await holder.context().close()

    // Batch from a spreadsheet: the template, a bad file named by line, then a good one.
    await desk.goto('/#/issuer/batch')
    const template = await download(desk, () =>
      desk.getByRole('button', { name: '下载模板（Excel）' }).click(),
    )
    t.equal(template.bytes.subarray(0, 2).toString(), 'PK', 'the template is an .xlsx')
    t.match(template.name, /\.xlsx$/)
    const zhao = person('zhao')
    const huang = person('huang')
    const fileInput = desk.locator('input[type="file"]')
    await fileInput.setInputFiles(
      csvFile('bad.csv', [
        `WEB-FE,初级,${zhao.nationalId},${zhao.name},85,${today}`,
        `WEB-FE,特级,${huang.nationalId},${huang.name},90,${today}`,
      ]),
    )
    await desk.getByRole('button', { name: '检查并预览' }).click()
    await desk.getByText('第 3 行').waitFor()
    t.match(await desk.locator('.rows-bad').textContent(), /等级（B列）/, 'the cell by its column')
    await e.screenshot(desk, 'issuer-batch-bad-row')
    await accessible(desk, 'the batch page with bad rows')
    await fileInput.setInputFiles(
      csvFile('good.csv', [
        `WEB-FE,初级,${zhao.nationalId},${zhao.name},85,${today}`,
        `WEB-FE,中级,${huang.nationalId},${huang.name},90,${today}`,
      ]),
    )
    await desk.getByRole('button', { name: '检查并预览' }).click()
    await desk.getByText('预览：将颁发 2 张').waitFor()
    await desk.getByRole('button', { name: '颁发这 2 张证书' }).click()
    await desk.getByRole('dialog').getByRole('button', { name: '颁发 2 张' }).click()
    await desk.getByText('已颁发 2 张证书').waitFor()
    const report = await download(desk, () =>
      desk.getByRole('button', { name: '下载结果报告（CSV）' }).click(),
    )
    const reportText = report.bytes.toString('utf8')
    t.ok(reportText.includes(zhao.name) && reportText.includes('已颁发'), 'the report lists them')
    await e.screenshot(desk, 'issuer-batch-issued')
    await desk.context().close()

    // -- the issuer on a phone, in English ------------------------------------------------------
    const phone = await e.newPage({ phone: true, lang: 'en' })
    await e.signIn(phone, 'issuer.miit')
    await phone.goto('/#/issuer')
    await phone.getByRole('heading', { name: 'Certificates we issued' }).waitFor()
    await phone.locator('tbody tr').first().waitFor()
    t.ok(
      ((await phone.locator('tbody tr').first().textContent()) ?? '').includes(
        'Web Front-End Development',
      ),
      'in English, the certificate by its English name',
    )
    t.ok(await e.fitsWidth(phone), 'the list fits a phone')
    await e.screenshot(phone, 'issuer-list-phone-en')
    await phone.goto('/#/issuer/revoke')
    await phone.getByLabel('Certificate number').fill(number.toLowerCase())
    await phone.getByRole('button', { name: 'Find', exact: true }).click()
    await phone.getByText('This certificate is already revoked.').waitFor()
    await phone.getByText('Web Front-End Development').first().waitFor()
    t.equal(
      await phone.getByRole('button', { name: 'Revoke this certificate' }).count(),
      0,
      'by number too, a revoked one cannot be revoked again',
    )
    await e.screenshot(phone, 'issuer-revoke-by-number-phone-en')
    await phone.context().close()

    // -- the admin, desktop, Chinese: reset a password, shown once ------------------------------
    const admin = await e.newPage()
    await e.signIn(admin, 'admin', e.secrets.BOOTSTRAP_ADMIN_PASSWORD!)
    await admin.goto('/#/admin/users')
    await admin.getByLabel('用户名或姓名').fill('registrar.hou')
    await admin.getByRole('button', { name: '查找', exact: true }).click()
    await admin.locator('tbody tr').filter({ hasText: 'registrar.hou' }).waitFor()
    await admin.getByRole('button', { name: '重置密码 registrar.hou' }).click()
    const resetDialog = admin.getByRole('dialog')
    t.match(await resetDialog.textContent(), /何静.*河南开放大学/, 'the confirmation shows who')
    await resetDialog.getByRole('button', { name: '确认重置' }).click()
    const temporary = ((await admin.getByTestId('temporary-password').textContent()) ?? '').trim()
    t.match(temporary, /^\S{4}-\S{4}-\S{4}$/, 'the temporary password is shown')
    await admin.getByRole('button', { name: '复制临时密码' }).waitFor()
    await admin.getByText('待改密码').waitFor()
    await e.screenshot(admin, 'admin-password-reset')
    await accessible(admin, 'the users with a temporary password shown')

    // Disable and enable again, each after a confirmation.
    await admin.getByRole('button', { name: '停用 registrar.hou' }).click()
    await admin.getByRole('dialog').getByLabel('停用原因（可选）').fill('调岗')
    await admin.getByRole('dialog').getByRole('button', { name: '确认停用' }).click()
    await admin.getByText('已停用 何静').waitFor()
    await admin.getByRole('button', { name: '启用 registrar.hou' }).click()
    await admin.getByRole('dialog').getByRole('button', { name: '确认启用' }).click()
    await admin.getByText('已启用 何静').waitFor()
    t.pass('disabled and enabled again, each confirmed')

    // The person signs in with the temporary password and must choose a new one.
    const hou = await e.newPage({ phone: true })
    await hou.goto('/#/login')
    await hou.locator('input[name="username"]').fill('registrar.hou')
    await hou.locator('input[type="password"]').fill(temporary)
    await hou.locator('form button[type="submit"]').click()
    await hou.getByRole('heading', { name: '设置新密码' }).waitFor()
    await e.screenshot(hou, 'sign-in-new-password-phone')
    await hou.locator('input[name="newPassword"]').fill('hou-new-password-1')
    await hou.locator('input[name="newPasswordAgain"]').fill('hou-new-password-1')
    await hou.locator('form button[type="submit"]').click()
    await hou.waitForURL((url) => url.hash.startsWith('#/registrar'))
    t.pass('signed in after choosing a new password')
    await hou.context().close()

    // The audit trail names what was done, to whom.
    await admin.goto('/#/admin/audit')
    await admin.getByLabel('操作', { exact: true }).selectOption('user.password_reset')
    await admin.getByRole('button', { name: '筛选' }).click()
    await admin.locator('tbody tr').filter({ hasText: '何静' }).first().waitFor()
    await e.screenshot(admin, 'admin-audit')
    await accessible(admin, 'the audit trail')

    // A client made and revoked after a confirmation; an organization edited.
    await admin.goto('/#/admin/clients')
    await admin.locator('input[name="clientName"]').fill('E2E 教务系统')
    await admin.getByRole('button', { name: '创建', exact: true }).click()
    await admin.getByText('只显示这一次').waitFor()
    await admin.getByRole('button', { name: '吊销 E2E 教务系统' }).click()
    await admin.getByRole('dialog').getByRole('button', { name: '确认吊销' }).click()
    await admin.getByText('已吊销 E2E 教务系统。').waitFor()
    await admin.goto('/#/admin')
    await admin.getByLabel('名称或代码').fill('HN-HOU')
    await admin.getByRole('button', { name: '查找', exact: true }).click()
    // The found one alone: a dialog opened on the list before the search answered went with its row.
    await waitUntil(
      admin,
      "(() => { const rows = document.querySelectorAll('main table tbody tr'); return rows.length === 1 && rows[0].textContent.includes('HN-HOU') })()",
    )
    await admin
      .getByRole('button', { name: /^修改 / })
      .first()
      .click()
    const orgDialog = admin.getByRole('dialog')
    await orgDialog.getByLabel('机构名称').fill('河南开放大学（E2E）')
    await orgDialog.getByRole('button', { name: '保存修改' }).click()
    await admin.getByText('已保存 河南开放大学（E2E）。').waitFor()
    t.pass('client revoked and organization edited')

    // The province's oversight: the certificate statistics as charts with Chinese labels.
    await admin.goto('/#/admin/oversight')
    await admin.getByTestId('oversight-total').waitFor()
    await admin.locator('.chart svg text', { hasText: 'Web前端开发' }).first().waitFor()
    t.pass('the oversight charts draw their Chinese labels')
    await e.screenshot(admin, 'admin-oversight')
    await accessible(admin, 'the oversight charts')
    await admin.context().close()

    // -- the admin on a phone, in English -------------------------------------------------------
    const small = await e.newPage({ phone: true, lang: 'en' })
    await e.signIn(small, 'admin', e.secrets.BOOTSTRAP_ADMIN_PASSWORD!)
    await small.goto('/#/admin/users')
    await small.getByRole('button', { name: 'Reset password registrar.hou' }).waitFor()
    t.ok(await e.fitsWidth(small), 'the users fit a phone')
    await e.screenshot(small, 'admin-users-phone-en')
    await small.goto('/#/admin/audit')
    await small.locator('td', { hasText: 'Password reset' }).first().waitFor()
    t.ok(await e.fitsWidth(small), 'the audit trail fits a phone')
    await e.screenshot(small, 'admin-audit-phone-en')
    await small.goto('/#/admin/oversight')
    await small.locator('.chart svg text', { hasText: 'Valid or expired' }).first().waitFor()
    t.ok(await e.fitsWidth(small), 'the charts fit a phone')
    await e.screenshot(small, 'admin-oversight-phone-en')
    await small.context().close()

    // Every issuer and admin page, in both languages.
    await axeSweep(t, e, 'issuer.miit', [
      '/#/issuer',
      '/#/issuer/issue',
      '/#/issuer/batch',
      '/#/issuer/revoke',
    ])
    await axeSweep(
      t,
      e,
      'admin',
      [
        '/#/admin',
        '/#/admin/users',
        '/#/admin/clients',
        '/#/admin/audit',
        '/#/admin/oversight',
        '/#/admin/events',
      ],
      e.secrets.BOOTSTRAP_ADMIN_PASSWORD!,
    )
  },
}
