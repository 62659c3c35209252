import { accessible, type Journey } from './harness.js'

/**
 * Who looked (decision 0720): a school's registrar finds a learner by 身份证号 and name, and the
 * learner then sees that read in their pages — the school, the role and what was read in words —
 * in Chinese at a desk, and in English on a phone.
 */
export const journey: Journey = {
  name: 'who-looked',
  title:
    'a registrar finds a learner; the learner sees who looked, in Chinese and on a phone in English',
  async run(t, e) {
    const username = `e2e.who.${Date.now().toString(36)}`
    const password = 'e2e-password-123'
    const name = '查阅测试'
    const id = e.nationalId()

    const learner = await e.newPage()
    await e.signUpAndClaim(learner, { username, name, nationalId: id, password })
    await learner.getByRole('heading', { name: '我的学习账户' }).waitFor()

    // The learner's own reads are not listed.
    await learner.goto('/#/learner/who-looked')
    await learner.getByRole('heading', { name: '谁查看了我的信息' }).waitFor()
    await learner.getByText('还没有人查看过您的信息。').waitFor()
    t.pass('nobody has looked yet: the learner’s own views are not listed')
    await learner.getByText('您的姓名和身份证号没有被更正过。').waitFor()
    t.pass('and nothing was corrected')

    const registrar = await e.newPage()
    await e.signIn(registrar, 'registrar.zzrvc')
    await registrar.goto('/#/registrar/outcome')
    await registrar.getByRole('textbox', { name: '身份证号' }).fill(id)
    await registrar.getByRole('textbox', { name: '姓名' }).fill(name)
    await registrar.getByRole('button', { name: '查找' }).click()
    t.equal(
      await registrar.getByTestId('found-name').textContent(),
      name,
      'the registrar found them',
    )
    await registrar.context().close()

    await e.until(learner, '郑州铁路职业技术学院')
    const row = learner.getByTestId('who-looked-row').first()
    const text = (await row.textContent()) ?? ''
    for (const part of [
      '郑州铁路职业技术学院',
      '教务/培训管理员',
      '按身份证号、学号或姓名查找到您',
    ])
      t.ok(text.includes(part), `the read shows ${part}`)
    t.match(text, /\d{4}\/\d\d\/\d\d \d\d:\d\d/, 'when, in China time')
    t.notOk(/GET |POST |\/v1\//.test(text), 'no route strings')
    await e.screenshot(learner, 'learner-who-looked')
    await accessible(t, learner, 'who looked, in Chinese')
    await learner.context().close()

    const phone = await e.newPage({ phone: true, lang: 'en' })
    await e.signIn(phone, username, password)
    await phone.goto('/#/learner/who-looked')
    await phone.getByRole('heading', { name: 'Who looked at my information' }).waitFor()
    const phoneRow = phone.getByTestId('who-looked-row').first()
    await phoneRow.waitFor()
    const en = (await phoneRow.textContent()) ?? ''
    for (const part of ['Registrar', 'Found you by national id, student number or name'])
      t.ok(en.includes(part), `in English: ${part}`)
    t.ok(await e.fitsWidth(phone), 'who looked fits a phone')
    await e.screenshot(phone, 'learner-who-looked-phone-en')
    await accessible(t, phone, 'who looked, in English on a phone')
    await phone.context().close()
  },
}
