import { accessible, type Journey } from './harness.js'

/**
 * Erasing my personal information (decision 0730): 李春花 on a phone in English reads what
 * erasure does and does not do, cannot erase with one click, types ERASE, and sees each service
 * finish; her account page then shows an anonymous record without her name. Registered last: the
 * run shares one system, and no other journey may meet an erased demo learner.
 */
export const journey: Journey = {
  name: 'erase-me',
  title: 'a learner erases their personal information on a phone, in English',
  async run(t, e) {
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
  },
}
