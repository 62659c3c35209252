import { accessible, type Journey } from './harness.js'

/**
 * Erasure by a platform admin on a verified request (decision 0730): a learner who asked at a
 * service desk is found by 身份证号 and name; a reference with a name in it and a confirmation
 * word typed wrong change nothing, each said in Chinese; then the erasure runs and each service
 * reports. On a phone in English the admin finds it in the list of erasures, done everywhere,
 * and the unfinished filter leaves it out. The learner is one this journey makes, not a demo one.
 */
export const journey: Journey = {
  name: 'erasures',
  title:
    'an admin erases a learner on a verified request in Chinese at a desk, then finds it in the list on a phone in English',
  async run(t, e) {
    const name = '窗口申请'
    const id = e.nationalId()
    const learner = await e.newPage()
    await e.signUpAndClaim(learner, {
      username: `e2e.erase.${Date.now().toString(36)}`,
      name,
      nationalId: id,
    })
    await learner.context().close()

    const desk = await e.newPage({ lang: 'zh' })
    await desk.setViewportSize({ width: 1366, height: 768 })
    await e.signIn(desk, 'admin', e.secrets.BOOTSTRAP_ADMIN_PASSWORD!)
    await desk.goto('/#/admin/erasures')
    const form = desk.getByRole('region', { name: '依申请删除个人信息' })
    await form.waitFor()
    await form.getByRole('textbox', { name: '身份证号' }).fill(id)
    await form.getByRole('textbox', { name: '姓名' }).fill(name)
    await form.getByRole('button', { name: '查找' }).click()
    const card = desk.getByTestId('erasure-learner')
    await card.waitFor()
    t.ok(await card.getByText(name).count(), 'the learner found, by name')
    t.ok(await card.getByText(`${id.slice(0, 6)}********${id.slice(-4)}`).count(), 'masked number')
    const accountNo = (await card.locator('dd.mono').first().textContent())?.trim() ?? ''
    t.match(accountNo, /^CB\d+$/, 'and the account number')

    // A reference that carries a name is refused by the service, in Chinese, naming the field.
    await card.getByLabel('申请编号').fill('窗口申请 本人到场')
    await card.getByLabel('请输入“删除”以确认').fill('删除')
    await card.getByRole('button', { name: '永久删除该学习者的个人信息' }).click()
    const problem = card.getByRole('alert')
    await problem.waitFor()
    const said = (await problem.textContent()) ?? ''
    t.ok(said.includes('申请编号'), `the problem names the field: ${said}`)
    t.notOk(/must|match|pattern/i.test(said), 'no English server sentence in the Chinese page')
    await e.screenshot(desk, 'admin-erasure-bad-ref')
    // A confirmation word typed wrong: nothing is asked of the server.
    await card.getByLabel('申请编号').fill('PIPL-2026-0042')
    await card.getByLabel('请输入“删除”以确认').fill('ERASE')
    await card.getByRole('button', { name: '永久删除该学习者的个人信息' }).click()
    await card.getByText('请输入“删除”', { exact: true }).waitFor()
    t.equal(await card.getByTestId('erasure-services').count(), 0, 'nothing erased yet')
    await accessible(t, desk, 'the erasure form with its problems, in Chinese on a desktop')

    await card.getByLabel('请输入“删除”以确认').fill('删除')
    await card.getByRole('button', { name: '永久删除该学习者的个人信息' }).click()
    await card.getByText('该学习者的个人信息已在所有服务中删除。').waitFor({ timeout: 60_000 })
    const parts = await card.getByTestId('erasure-services').locator('li').allInnerTexts()
    t.equal(parts.length, 4, 'four services report')
    t.ok(
      parts.every((p) => p.includes('已完成')),
      'each done',
    )
    t.ok(await card.getByText('依申请 PIPL-2026-0042', { exact: false }).count(), 'the reference')
    const row = desk.getByTestId('erasure-row').filter({ hasText: accountNo })
    await row.getByText('已全部完成').waitFor()
    t.ok(await row.getByText('管理员（申请 PIPL-2026-0042）').count(), 'listed, by an admin')
    await e.screenshot(desk, 'admin-erasure-done')
    t.ok(await e.fitsWidth(desk), 'fits a desktop (1366 px)')
    await accessible(t, desk, 'the erasure done and the list, in Chinese on a desktop')

    // Found by none of what identified them.
    await form.getByRole('button', { name: '查找' }).click()
    await form.getByRole('alert').waitFor()
    t.equal(await desk.getByTestId('erasure-learner').count(), 0, 'the lookup no longer finds them')
    await desk.context().close()

    const phone = await e.newPage({ phone: true, lang: 'en' })
    await e.signIn(phone, 'admin', e.secrets.BOOTSTRAP_ADMIN_PASSWORD!)
    await phone.goto('/#/admin/erasures')
    const list = phone.getByRole('region', { name: 'Erasures', exact: true })
    const mine = list.getByTestId('erasure-row').filter({ hasText: accountNo })
    await mine.waitFor()
    t.ok(await mine.getByText('An admin (request PIPL-2026-0042)').count(), 'who asked, in English')
    t.ok(await mine.getByText('Done everywhere').count(), 'done everywhere')
    await list.getByLabel('Progress').selectOption('true')
    await list.getByRole('button', { name: 'Filter' }).click()
    await mine.waitFor({ state: 'detached' })
    t.equal(await mine.count(), 0, 'the unfinished list leaves a finished erasure out')
    await list.getByLabel('Progress').selectOption('')
    await list.getByRole('button', { name: 'Filter' }).click()
    await mine.waitFor()
    await mine.scrollIntoViewIfNeeded()
    await e.screenshot(phone, 'admin-erasures-phone-en')
    t.ok(await e.fitsWidth(phone), 'the list fits a phone (390 px)')
    await accessible(t, phone, 'the erasures in English on a phone')
    await phone.context().close()
  },
}
