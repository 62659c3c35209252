import type { Journey } from './harness.js'

/**
 * A registrar's day: enroll a learner with the school's 学号, find them by it (never by our
 * internal id), see what the school posted for them, post an outcome, and reverse it after a
 * confirmation that shows the entry; on a phone, in English, as well as in Chinese on a desktop.
 */
export const journey: Journey = {
  name: 'registrar',
  title: 'a registrar finds learners by 学号 and 身份证号, posts, and reverses with a confirmation',
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
    await phone.context().close()
  },
}
