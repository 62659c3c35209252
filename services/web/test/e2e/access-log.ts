import { accessible, axeSweep, type Journey } from './harness.js'

/**
 * The admins' read log (decision 0725): a registrar finds a learner by 身份证号 and name; a
 * platform admin then finds that read by the learner's 身份证号 — never an internal id — and sees
 * the school, the role and what was read in words, in Chinese at a desk and in English on a phone.
 */
export const journey: Journey = {
  name: 'access-log',
  title:
    'an admin finds who read a learner’s data by 身份证号, in Chinese and on a phone in English',
  async run(t, e) {
    const name = '日志测试'
    const id = e.nationalId()
    const learner = await e.newPage()
    await e.signUpAndClaim(learner, {
      username: `e2e.log.${Date.now().toString(36)}`,
      name,
      nationalId: id,
    })
    await learner.context().close()

    const registrar = await e.newPage()
    await e.signIn(registrar, 'registrar.zzrvc')
    await registrar.goto('/#/registrar/outcome')
    await registrar.getByRole('textbox', { name: '身份证号' }).fill(id)
    await registrar.getByRole('textbox', { name: '姓名' }).fill(name)
    await registrar.getByRole('button', { name: '查找' }).click()
    await registrar.getByTestId('found-name').waitFor()
    await registrar.context().close()

    const admin = await e.newPage()
    await e.signIn(admin, 'admin', e.secrets.BOOTSTRAP_ADMIN_PASSWORD!)
    await admin.goto('/#/admin/access-log')
    await admin.getByRole('heading', { name: '个人信息查看记录' }).waitFor()
    await admin.getByRole('textbox', { name: '身份证号' }).fill(id)
    await admin.getByRole('button', { name: '筛选' }).click()
    await e.until(admin, '郑州铁路职业技术学院')
    const rows = admin.getByTestId('access-log-row')
    const all = (await rows.allTextContents()).join('\n')
    for (const part of [
      '郑州铁路职业技术学院',
      '教务/培训管理员',
      '按身份证号、学号或姓名查找学习者',
    ])
      t.ok(all.includes(part), `the admin sees ${part}`)
    t.notOk(all.includes(id), 'the 身份证号 is not shown back')
    t.notOk(all.includes('您'), "the admin's page does not speak to the learner")
    t.notOk(/GET |POST |\/v1\//.test(all), 'no route strings')
    await e.screenshot(admin, 'admin-access-log')
    await accessible(t, admin, 'the read log, in Chinese')
    await admin.context().close()

    const phone = await e.newPage({ phone: true, lang: 'en' })
    await e.signIn(phone, 'admin', e.secrets.BOOTSTRAP_ADMIN_PASSWORD!)
    await phone.goto('/#/admin/access-log')
    await phone.getByRole('heading', { name: 'Reads of personal data' }).waitFor()
    await phone.getByRole('textbox', { name: 'National id' }).fill(id)
    await phone.getByRole('button', { name: 'Filter' }).click()
    await e.until(phone, 'Found the learner by national id, student number or name')
    t.ok(await e.fitsWidth(phone), 'the read log fits a phone')
    await e.screenshot(phone, 'admin-access-log-phone-en')
    await accessible(t, phone, 'the read log, in English on a phone')
    await phone.context().close()

    // As loaded, before any filter, in both languages at a desk (the filtered page is checked above).
    await axeSweep(t, e, 'admin', ['/#/admin/access-log'], e.secrets.BOOTSTRAP_ADMIN_PASSWORD!)
  },
}
