import { accessible, type Journey } from './harness.js'

/**
 * A reviewer's day on the demo data: the queue with the learner named, an application read as a
 * person decides it (who, the sources in words, the rule and the limits), the decision form
 * offered only when the service would take the decision and otherwise a reason; the search and
 * history; on a phone in English as on a desktop in Chinese.
 */
export const journey: Journey = {
  name: 'reviewer',
  title:
    'a reviewer sees who the learner is and what they learned, decides only what they may, and finds past decisions',
  async run(t, e) {
    // The Zhengzhou sub-center rejected 张建国's training hours; he appealed. The same person may
    // not judge the appeal of their own rejection: the page says so and offers no form.
    const zz = await e.newPage()
    await e.signIn(zz, 'reviewer.zz')
    await zz.goto('/#/reviewer')
    const row = zz.locator('tr', { hasText: '张建国' }).first()
    await row.waitFor()
    t.pass('the queue names the learner')
    await e.screenshot(zz, 'reviewer-queue')
    await row.getByRole('link').click()
    await zz.getByRole('heading', { name: '学习者' }).waitFor()
    t.match(
      (await zz.locator('#learner-h + dl').textContent()) ?? '',
      /张建国[\s\S]*CB\d+[\s\S]*\d{4}\*{10}[\dX]{4}/,
    )
    t.match(
      (await zz.locator('.sources').textContent()) ?? '',
      /学时/,
      'the source in words, with its hours',
    )
    await zz.getByText('您已审核过这份申请的一个环节').waitFor()
    t.equal(await zz.getByRole('button', { name: '提交审核意见' }).count(), 0, 'no form offered')
    await e.screenshot(zz, 'reviewer-appeal-not-mine-to-decide')
    await accessible(t, zz, 'the application')

    // Search and history: what this reviewer decided, found by the learner's name.
    await zz.goto('/#/reviewer/search')
    await zz.getByLabel('学习者（姓名或账号）').fill('张')
    await zz.getByLabel('只看我审核过的').check()
    await zz.getByRole('button', { name: '查询' }).click()
    await zz.locator('tr', { hasText: '张建国' }).first().waitFor()
    t.pass('the history holds the application this reviewer decided')
    await e.screenshot(zz, 'reviewer-search')
    await accessible(t, zz, 'search and history')
    await zz.context().close()

    // The college's academic affairs: 王晓明's second course is at its department's step, which
    // academic affairs may take; the form is offered, with the rule and the limit in words.
    const phone = await e.newPage({ phone: true, lang: 'en' })
    await e.signIn(phone, 'reviewer.hnvc')
    await phone.goto('/#/reviewer')
    const wang = phone.locator('tr', { hasText: '王晓明' }).first()
    await wang.waitFor()
    await wang.getByRole('link').click()
    await phone.getByRole('heading', { name: 'Learner' }).waitFor()
    t.match((await phone.locator('#learner-h + dl').textContent()) ?? '', /王晓明/)
    await phone.getByRole('heading', { name: 'The rule' }).waitFor()
    t.match(
      (await phone.locator('section:has(#limits-h)').textContent()) ?? '',
      /at most \d+ credits from one source outcome[\s\S]*capped from \d+ to \d+/,
      'the rule’s limits and the one that applied, in words',
    )
    await phone.getByRole('button', { name: 'Submit decision' }).waitFor()
    t.ok(await e.fitsWidth(phone), 'nothing to scroll sideways at 390 px')
    await e.screenshot(phone, 'reviewer-application-phone-en')
    await phone.context().close()
  },
}
