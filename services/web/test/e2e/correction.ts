import { accessible, type Journey, type Page } from './harness.js'

/**
 * A registrar corrects a learner's name (decision 0730, "Correction"): on a desktop in Chinese the
 * school that opened the account fixes a misspelt name after a confirmation showing old → new, and
 * finds the learner by 学号 under the new one; on a phone in English a 身份证号 already another
 * learner's is refused and nothing changes; another school finds the learner but is told it cannot
 * correct them, and nothing changes either.
 */
export const journey: Journey = {
  name: 'correction',
  title:
    "a registrar corrects a learner's name; a 身份证号 already another learner's and another school are refused",
  async run(t, e) {
    const studentNo = `COR${Date.now().toString().slice(-8)}`
    const [mine, someoneElses] = [e.nationalId(), e.nationalId()]
    const masked = `${mine.slice(0, 6)}********${mine.slice(-4)}`
    const desk = await e.newPage()
    await e.signIn(desk, 'registrar.zzrvc')
    const enroll = async (nationalId: string, name: string, no?: string) => {
      // A fresh page: the enroll form of the learner before would still show its answer.
      await desk.goto('/#/registrar')
      await desk.reload()
      await desk.getByLabel('身份证号').fill(nationalId)
      await desk.getByLabel('姓名').fill(name)
      if (no) {
        await desk.getByLabel('专业代码').fill('P-RAIL')
        await desk.getByLabel('专业名称').fill('铁道机车运用与维护')
        await desk.getByLabel('学号').fill(no)
      }
      await desk.getByRole('button', { name: '提交' }).click()
      await desk.getByTestId('enrolled').waitFor()
    }
    await enroll(mine, '贺晓明', studentNo)
    await enroll(someoneElses, '贺晓东')

    const findByStudentNo = async (page: Page, label: string, find: string) => {
      await page.getByLabel(label, { exact: true }).check()
      await page.getByRole('textbox', { name: label }).fill(studentNo)
      await page.getByRole('button', { name: find }).click()
    }
    await desk.goto('/#/registrar/outcome')
    await findByStudentNo(desk, '学号', '查找')
    t.equal(await desk.getByTestId('found-name').textContent(), '贺晓明', 'found by 学号')
    await desk.getByRole('button', { name: '更正姓名或身份证号' }).click()
    const form = desk.getByRole('form', { name: '更正姓名或身份证号' })
    const name = form.getByLabel('姓名')
    t.equal(await name.inputValue(), '贺晓明', 'the name field starts with the current name')
    t.ok(
      await form.getByText(`现为 ${masked}；不更正请留空`).count(),
      'the 身份证号 field shows the current one masked',
    )
    await name.fill('贺小明')
    await form.getByRole('button', { name: '核对更正…' }).click()
    await form.getByText('请说明更正的原因和依据').waitFor()
    t.equal(
      await form.getByLabel('更正原因和依据').getAttribute('aria-invalid'),
      'true',
      'no correction without a reason: said beside the field',
    )
    t.equal(await desk.getByRole('dialog').count(), 0, 'and nothing is asked yet')
    await form.getByLabel('更正原因和依据').fill('学习者出示身份证，原录入错字')
    await form.getByRole('button', { name: '核对更正…' }).click()
    const shown = desk.getByTestId('confirm-correction')
    await shown.waitFor()
    const confirmText = (await shown.textContent()) ?? ''
    t.ok(confirmText.includes('贺晓明 → 贺小明'), 'the confirmation shows the name, old → new')
    t.ok(confirmText.includes(`${masked}（不变）`), 'and the 身份证号 masked, unchanged')
    t.notOk(confirmText.includes(mine), 'never the whole old number')
    await e.screenshot(desk, 'correction-confirm-desk-zh')
    await accessible(t, desk, 'the correction confirmation, in Chinese')
    await desk.getByRole('button', { name: '确认更正' }).click()
    const status = desk.getByTestId('corrected')
    await status.waitFor()
    t.equal(
      await desk.getByTestId('found-name').textContent(),
      '贺小明',
      'the card shows the new name',
    )
    t.match(
      await status.textContent(),
      /姓名已由“贺晓明”更正为“贺小明”。原来的姓名和身份证号已加密封存.*已通知学习者的其他服务/,
      'and says the old values are kept sealed and the other services were told',
    )
    await e.screenshot(desk, 'correction-done-desk-zh')
    t.ok(await e.fitsWidth(desk), 'fits a desktop')
    await accessible(t, desk, 'the corrected card, in Chinese')
    await desk.goto('/#/registrar/reverse')
    await findByStudentNo(desk, '学号', '查找')
    await desk.getByTestId('found-name').waitFor()
    t.equal(
      await desk.getByTestId('found-name').textContent(),
      '贺小明',
      'found again by 学号: the new name',
    )
    await desk.context().close()

    // On a phone, in English: a bad check digit beside its field, then a 身份证号 another learner
    // holds: refused, and the learner is as before.
    const phone = await e.newPage({ phone: true, lang: 'en' })
    await e.signIn(phone, 'registrar.zzrvc')
    await phone.goto('/#/registrar/reverse')
    await findByStudentNo(phone, 'Student no.', 'Find')
    await phone.getByTestId('found-name').waitFor()
    await phone.getByRole('button', { name: 'Correct name or national id' }).click()
    const pform = phone.getByRole('form', { name: 'Correct name or national id' })
    const newId = pform.getByLabel('New national id number')
    const wrongDigit = `${someoneElses.slice(0, 17)}${someoneElses[17] === '0' ? '1' : '0'}`
    await newId.fill(wrongDigit)
    await pform.getByLabel('Reason and evidence').fill('Typed from the wrong card')
    await pform.getByRole('button', { name: 'Review the correction…' }).click()
    await phone.getByRole('button', { name: 'Correct it' }).click()
    await pform.getByText('the check digit does not match').waitFor()
    t.equal(await newId.getAttribute('aria-invalid'), 'true', 'a bad check digit, beside the field')
    t.ok(
      await pform.getByText('The new national id number is not valid; check it.').count(),
      'and the page says so in English',
    )
    await newId.fill(someoneElses.toLowerCase())
    await pform.getByRole('button', { name: 'Review the correction…' }).click()
    const pshown = phone.getByTestId('confirm-correction')
    await pshown.waitFor()
    t.ok(
      (await pshown.textContent())?.includes(`${masked} → ${someoneElses}`),
      'the confirmation shows the number, masked old → new',
    )
    await e.screenshot(phone, 'correction-confirm-phone-en')
    t.ok(await e.fitsWidth(phone), 'the confirmation fits a phone')
    await phone.getByRole('button', { name: 'Correct it' }).click()
    const conflict = pform.getByTestId('correction-problem')
    await conflict.waitFor()
    t.match(
      await conflict.textContent(),
      /This national id number already belongs to another learner; nothing was changed\./,
      'the conflict, in English',
    )
    t.ok(await pform.getByText('already another learner’s').count(), 'said beside the field too')
    await e.screenshot(phone, 'correction-conflict-phone-en')
    t.ok(await e.fitsWidth(phone), 'the refusal fits a phone')
    await accessible(t, phone, 'the refused correction, in English on a phone')
    await phone.reload()
    await findByStudentNo(phone, 'Student no.', 'Find')
    await phone.getByTestId('found-name').waitFor()
    const card = phone.getByRole('region', { name: 'Learner' })
    t.equal(await phone.getByTestId('found-name').textContent(), '贺小明', 'nothing changed: name')
    t.ok(await card.getByText(masked, { exact: true }).count(), 'nor the 身份证号')
    await phone.context().close()

    // Another school finds the learner by 身份证号 and name, and is told it cannot correct them.
    const other = await e.newPage()
    await e.signIn(other, 'registrar.hnvc')
    await other.goto('/#/registrar/outcome')
    await other.getByRole('textbox', { name: '身份证号' }).fill(mine)
    await other.getByRole('textbox', { name: '姓名' }).fill('贺小明')
    await other.getByRole('button', { name: '查找' }).click()
    await other.getByTestId('found-name').waitFor()
    await other.getByRole('button', { name: '更正姓名或身份证号' }).click()
    const oform = other.getByRole('form', { name: '更正姓名或身份证号' })
    await oform.getByLabel('姓名').fill('贺大明')
    await oform.getByLabel('更正原因和依据').fill('本校记录')
    await oform.getByRole('button', { name: '核对更正…' }).click()
    await other.getByRole('button', { name: '确认更正' }).click()
    const refused = oform.getByTestId('correction-problem')
    await refused.waitFor()
    t.match(
      await refused.textContent(),
      /只有为这位学习者开立学习账户的机构可以更正其姓名或身份证号，本机构不能更正/,
      'another school is told, in Chinese, that only the opening organization corrects',
    )
    t.equal(await other.getByTestId('found-name').textContent(), '贺小明', 'the card is unchanged')
    await e.screenshot(other, 'correction-forbidden-desk-zh')
    await accessible(t, other, 'the refused correction of another school, in Chinese')
    await other.getByRole('button', { name: '查找' }).click()
    await other.getByTestId('found-name').waitFor()
    t.equal(
      await other.getByTestId('found-name').textContent(),
      '贺小明',
      'found again: still the name the opening school gave',
    )
    await other.context().close()

    // The learner claims the account (under the corrected name) and finds the correction beside
    // "who looked" — the school, what, the name before and the reason — and among the messages;
    // on a phone in Chinese, then in English.
    const username = `e2e.cor.${Date.now().toString(36)}`
    const learner = await e.newPage({ phone: true })
    await e.signUpAndClaim(learner, { username, name: '贺小明', nationalId: mine })
    await learner.goto('/#/learner/who-looked')
    const row = learner.getByTestId('correction-row')
    await row.waitFor()
    const seen = (await row.textContent()) ?? ''
    for (const part of [
      '郑州铁路职业技术学院',
      '姓名',
      '姓名：贺晓明',
      '学习者出示身份证，原录入错字',
    ])
      t.ok(seen.includes(part), `the learner's correction shows ${part}`)
    t.notOk(seen.includes(mine), 'no whole 身份证号')
    await e.screenshot(learner, 'learner-corrections-phone-zh')
    t.ok(await e.fitsWidth(learner), 'the corrections fit a phone')
    await accessible(t, learner, 'the learner’s corrections, in Chinese on a phone')
    await learner.goto('/#/learner/notifications')
    await learner.getByText('郑州铁路职业技术学院 更正了您的姓名').waitFor()
    t.pass('a message says the school corrected the name')
    await learner.context().close()

    const en = await e.newPage({ lang: 'en' })
    await e.signIn(en, username, 'e2e-password-123')
    await en.goto('/#/learner/notifications')
    await en.getByText('郑州铁路职业技术学院 corrected your name').waitFor()
    await en.goto('/#/learner/who-looked')
    const enRow = en.getByTestId('correction-row')
    await enRow.waitFor()
    t.ok(
      ((await enRow.textContent()) ?? '').includes('Name: 贺晓明'),
      'in English: the name before',
    )
    await en.context().close()

    // The learner says the school got it wrong: a platform admin finds them by 身份证号 and the
    // current name, sees the correction with the name before, and corrects it again; the list
    // shows both. On a phone in English the admin finds them by account number.
    const admin = await e.newPage()
    await e.signIn(admin, 'admin', e.secrets.BOOTSTRAP_ADMIN_PASSWORD!)
    await admin.goto('/#/admin/corrections')
    await admin.getByRole('textbox', { name: '身份证号' }).fill(mine)
    await admin.getByRole('textbox', { name: '姓名' }).fill('贺小明')
    await admin.getByRole('button', { name: '查找' }).click()
    const desk2 = admin.getByTestId('correction-learner')
    await desk2.getByTestId('correction-row').waitFor()
    t.ok(
      ((await desk2.getByTestId('correction-row').textContent()) ?? '').includes('姓名：贺晓明'),
      'the admin sees the correction with the name before',
    )
    const accountNo = (await desk2.locator('dd.mono').first().textContent()) ?? ''
    await desk2.getByRole('button', { name: '更正姓名或身份证号' }).click()
    const aform = admin.getByRole('form', { name: '更正姓名或身份证号' })
    await aform.getByLabel('姓名').fill('贺晓明')
    await aform.getByLabel('更正原因和依据').fill('学习者申诉，核对户口簿，恢复原姓名')
    await aform.getByRole('button', { name: '核对更正…' }).click()
    await admin.getByRole('button', { name: '确认更正' }).click()
    await desk2.getByTestId('correction-row').nth(1).waitFor()
    t.equal(await desk2.getByTestId('correction-row').count(), 2, 'both corrections listed')
    t.equal(
      await admin.getByTestId('correction-learner-name').textContent(),
      '贺晓明',
      'the card shows the name as corrected by the admin',
    )
    t.ok(
      ((await desk2.getByTestId('correction-row').first().textContent()) ?? '').includes(
        '平台管理员',
      ),
      'the newest is the platform administrator’s',
    )
    await e.screenshot(admin, 'admin-corrections-desk-zh')
    await accessible(t, admin, 'the admin’s corrections, in Chinese')
    await admin.context().close()

    const aphone = await e.newPage({ phone: true, lang: 'en' })
    await e.signIn(aphone, 'admin', e.secrets.BOOTSTRAP_ADMIN_PASSWORD!)
    await aphone.goto('/#/admin/corrections')
    await aphone.getByLabel('Account no.', { exact: true }).check()
    await aphone.getByRole('textbox', { name: 'Account number' }).fill(accountNo)
    await aphone.getByRole('button', { name: 'Find' }).click()
    await aphone.getByTestId('correction-row').nth(1).waitFor()
    t.ok(
      ((await aphone.getByTestId('correction-row').first().textContent()) ?? '').includes(
        'Name: 贺小明',
      ),
      'found by account number; in English, the name before the admin’s correction',
    )
    t.ok(await e.fitsWidth(aphone), 'the admin’s corrections fit a phone')
    await e.screenshot(aphone, 'admin-corrections-phone-en')
    await aphone.context().close()
  },
}
