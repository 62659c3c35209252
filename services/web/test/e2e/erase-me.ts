import { accessible, type Journey } from './harness.js'

/**
 * Erasing my personal information (decision 0730): 李春花 first reads the card on a desktop in
 * Chinese (what erasure does, the word 删除 to type), then on a phone in English cannot erase with
 * one click, types ERASE, and sees each service finish; her account page then shows an anonymous
 * record without her name, in both languages and both widths. Registered last: the run shares one
 * system, and no other journey may meet an erased demo learner.
 */
export const journey: Journey = {
  name: 'erase-me',
  title:
    'a learner reads the erasure card on a desktop in Chinese, then erases their personal information on a phone in English',
  async run(t, e) {
    const desk = await e.newPage({ lang: 'zh' })
    await desk.setViewportSize({ width: 1366, height: 768 })
    await e.signIn(desk, 'learner.li')
    await desk.goto('/#/learner/who-looked')
    const zhCard = desk.getByRole('region', { name: '删除我的个人信息' })
    await zhCard.waitFor()
    for (const words of [
      '将无法再被读取',
      '匿名的学分记录',
      '仍可用原账号登录',
      '已签发的证书和凭证仍然有效',
      '删除无法撤销。',
      '下载我的全部数据',
    ])
      t.ok(
        await zhCard.getByText(words, { exact: false }).count(),
        `the card says, in Chinese: ${words}`,
      )
    t.equal(await zhCard.getByText('ERASE', { exact: false }).count(), 0, 'no English word inside')
    await desk.getByRole('button', { name: '删除我的个人信息…' }).click()
    const zhConfirm = desk.getByRole('button', { name: '永久删除我的个人信息' })
    await desk.getByLabel('请输入“删除”以确认').fill('ERASE')
    t.ok(await zhConfirm.isDisabled(), 'in Chinese the word to type is 删除, not ERASE')
    await desk.getByLabel('请输入“删除”以确认').fill('删除')
    t.ok(await zhConfirm.isEnabled(), 'typing 删除 enables it')
    await zhCard.scrollIntoViewIfNeeded()
    await e.screenshot(desk, 'learner-erase-confirm-desk-zh')
    t.ok(await e.fitsWidth(desk), 'the confirmation fits a desktop (1366 px)')
    await accessible(t, desk, 'erasure, before, in Chinese on a desktop')
    await desk.getByRole('button', { name: '取消' }).click()
    t.equal(await zhConfirm.count(), 0, 'Cancel closes the confirmation, nothing erased')

    const phone = await e.newPage({ phone: true, lang: 'en' })
    await e.signIn(phone, 'learner.li')
    await phone.goto('/#/learner/who-looked')
    const heading = phone.getByRole('heading', { name: 'Erase my personal information' })
    await heading.waitFor()
    const card = phone.getByRole('region', { name: 'Erase my personal information' })
    for (const words of [
      'can no longer be read',
      'anonymous record of credits',
      'you can still sign in',
      'already issued stay valid',
      'Erasure cannot be undone.',
      'Download all my data',
    ])
      t.ok(await card.getByText(words, { exact: false }).count(), `the card says: ${words}`)
    await phone.getByRole('button', { name: 'Erase my personal information…' }).click()
    const confirm = phone.getByRole('button', { name: 'Erase my personal information for good' })
    t.ok(await confirm.isDisabled(), 'one more click erases nothing: the word must be typed')
    await phone.getByLabel('Type ERASE to confirm').fill('erase')
    t.ok(await confirm.isDisabled(), 'a different word does not enable it')
    await phone.getByLabel('Type ERASE to confirm').fill('ERASE')
    await card.scrollIntoViewIfNeeded()
    await e.screenshot(phone, 'learner-erase-confirm-phone-en')
    t.ok(await e.fitsWidth(phone), 'the confirmation fits a phone (390 px)')
    await accessible(t, phone, 'erasure, before, in English on a phone')
    await confirm.click()
    await card.getByText('Your personal information is erased everywhere.').waitFor({
      timeout: 60_000,
    })
    const items = await card.getByTestId('erasure-services').locator('li').allInnerTexts()
    t.equal(items.length, 4, 'four services report')
    for (const [name, words] of [
      ['accounts', 'Account (name, national id'],
      ['certificates', 'holder name on certificates'],
      ['recognition', 'statements and file names'],
      ['portfolio', 'Timeline, evidence files'],
    ])
      t.ok(
        items.some((i) => i.includes(words!) && i.includes('done')),
        `${name}: done, in words`,
      )
    t.ok(await card.getByText('you can still sign in').count(), 'what comes next')
    await card.scrollIntoViewIfNeeded()
    await e.screenshot(phone, 'learner-erased-phone-en')
    t.ok(await e.fitsWidth(phone), 'the erasure fits a phone (390 px)')
    await accessible(t, phone, 'erasure, after, in English on a phone')

    await phone.goto('/#/learner')
    await phone
      .getByRole('heading', { name: 'Anonymous record (personal information erased)' })
      .waitFor()
    t.equal(await phone.getByText('李春花').count(), 0, 'her name shows nowhere on her page')
    await e.screenshot(phone, 'learner-account-after-erasure-phone-en')
    t.ok(await e.fitsWidth(phone), 'the account page fits a phone after erasure')
    await accessible(t, phone, 'the account page after erasure')
    await phone.context().close()

    await desk.goto('/#/learner')
    await desk.getByRole('heading', { name: '匿名学分记录（个人信息已删除）' }).waitFor()
    t.equal(
      await desk.getByText('李春花').count(),
      0,
      'her name shows nowhere on the Chinese desktop page',
    )
    await e.screenshot(desk, 'learner-account-after-erasure-desk-zh')
    t.ok(await e.fitsWidth(desk), 'the account page fits a desktop after erasure')
    await accessible(t, desk, 'the account page after erasure, in Chinese on a desktop')
    await desk.context().close()
  },
}
