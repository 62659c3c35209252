import { accessible, axeSweep, type Journey } from './harness.js'

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

    // A rule made through the form (0545), at a desk in Chinese: the simulator beside it answers
    // for the rule as typed, the JSON view holds the same rule, edits in either show in the other,
    // bad JSON is named by line, and the saved rule shows as it was made.
    const desk = await e.newPage()
    await e.signIn(desk, 'reviewer.hnvc')
    await desk.goto('/#/reviewer/rules')
    await desk.getByRole('link', { name: '新建互认标准' }).click()
    await desk.getByRole('heading', { name: '新建互认标准' }).waitFor()
    const code = `E2E-WEB-${Date.now().toString(36).toUpperCase()}`
    await desk.getByLabel('规则代码').fill(code)
    await desk.getByLabel('规则名称').fill('Web前端开发（中级及以上）认定网页设计')
    await desk.getByLabel(/^证书类型( \*)?$/).selectOption('WEB-FE')
    await desk.getByLabel('最低等级').selectOption('intermediate')
    await desk.getByLabel(/^课程代码/).fill('WEB201')
    await desk.getByLabel(/^课程名称/).fill('网页设计')
    await desk.getByLabel(/^认定学分/).fill('4')
    await desk.getByLabel('每项来源成果最多认定学分').fill('3')
    await desk.getByLabel('审核方式').selectOption('manual')
    await desk.getByLabel('由谁审核').selectOption('region')
    await desk.getByLabel('地区').selectOption('410100')
    t.equal(
      await desk.getByLabel('地区').locator('option:checked').textContent(),
      '郑州市',
      'a step by region names the place, not the code',
    )
    const sim = desk.getByTestId('rule-simulator')
    await sim.getByText('预计可认定: 3 学分').waitFor()
    t.pass('the simulator answers for the rule being edited: 4 credits capped to 3 by its limit')
    const simBox = (await sim.boundingBox())!
    const formBox = (await desk.locator('.rule-form').boundingBox())!
    t.ok(simBox.x > formBox.x + formBox.width - 1, 'beside the form on a desk')
    await e.screenshot(desk, 'reviewer-rule-form')
    await accessible(t, desk, 'the rule form with the simulator')

    await desk.getByRole('button', { name: 'JSON（专家）' }).click()
    const json = desk.getByLabel('规则（JSON）')
    const text = await json.inputValue()
    t.match(text, /"regionCode": "410100"/, 'the JSON view holds the same rule')
    t.match(text, /"maxCreditsPerSource": "3"/)
    await json.fill(text.replace('"maxCreditsPerSource": "3"', '"maxCreditsPerSource": "2"'))
    await sim.getByText('预计可认定: 2 学分').waitFor()
    t.pass('an edit in the JSON is the simulator’s too')
    await json.fill(text.replace('"validFrom"', 'validFrom'))
    const bad = desk.getByText(/JSON 格式有误：第 \d+ 行第 \d+ 列附近/)
    await bad.waitFor()
    t.pass('bad JSON is named by line and column, in Chinese')
    await e.screenshot(desk, 'reviewer-rule-json-invalid')
    await accessible(t, desk, 'the rule as JSON, with a mistake')
    await json.fill(text.replace('"maxCreditsPerSource": "3"', '"maxCreditsPerSource": "2"'))
    await desk.getByRole('button', { name: '表单', exact: true }).click()
    t.equal(
      await desk.getByLabel('每项来源成果最多认定学分').inputValue(),
      '2',
      'the form shows what the JSON said',
    )
    await desk.getByRole('button', { name: '创建规则' }).click()
    await desk.getByRole('heading', { name: new RegExp(code) }).waitFor()
    t.match(
      (await desk.locator('main').textContent()) ?? '',
      /当前版本 v1[\s\S]*网页设计[\s\S]*每项来源成果最多认定学分：2[\s\S]*郑州市学分认证中心/,
      'saved: the rule’s page shows version 1, what it awards, its limit and its step in words',
    )
    t.equal(
      await desk.getByLabel('地区').locator('option:checked').textContent(),
      '郑州市',
      'and its review step by place',
    )
    await e.screenshot(desk, 'reviewer-rule-saved')
    await desk.context().close()

    // In English at 390 px: the simulator under the form, bad JSON named in English, saved.
    const small = await e.newPage({ phone: true, lang: 'en' })
    await e.signIn(small, 'reviewer.hnvc')
    await small.goto('/#/reviewer/rules/new')
    await small.getByRole('heading', { name: 'New rule' }).waitFor()
    await small.getByLabel('Rule code').fill(`${code}-EN`)
    await small.getByLabel(/^Name( \*)?$/).fill('Web front-end (intermediate) for web design')
    await small.getByLabel('Certificate type').selectOption('WEB-FE')
    await small.getByLabel(/^Course code/).fill('WEB202')
    await small.getByLabel(/^Course name/).fill('Web design II')
    await small.getByLabel(/^Credits( \*)?$/).fill('2')
    const phoneSim = small.getByTestId('rule-simulator')
    await phoneSim.getByText('Would be recognized: 2 credits').waitFor()
    const below = (await phoneSim.boundingBox())!
    const submit = (await small.getByRole('button', { name: 'Create' }).boundingBox())!
    t.ok(below.y > submit.y, 'on a phone the simulator is below the form')
    t.ok(await e.fitsWidth(small), 'the rule form fits a phone')
    await e.screenshot(small, 'reviewer-rule-form-phone-en')
    await accessible(t, small, 'the rule form on a phone, in English')
    await small.getByRole('button', { name: 'JSON (experts)' }).click()
    const phoneJson = small.getByLabel('The rule (JSON)')
    const enText = await phoneJson.inputValue()
    await phoneJson.fill(enText.replace(/}\s*$/, ''))
    await small.getByText(/The JSON is not valid near line \d+, column \d+/).waitFor()
    t.pass('bad JSON is named in English')
    await phoneJson.fill(enText)
    await small.getByRole('button', { name: 'Create' }).click()
    await small.getByRole('heading', { name: new RegExp(`${code}-EN`) }).waitFor()
    t.match((await small.locator('main').textContent()) ?? '', /Current version v1/)
    t.ok(await e.fitsWidth(small), 'the saved rule fits a phone')
    await e.screenshot(small, 'reviewer-rule-saved-phone-en')
    await small.context().close()

    // Every reviewer page, in both languages: the queue, an application, search, the rules, one
    // rule, the simulator.
    await axeSweep(t, e, 'reviewer.hnvc', [
      '/#/reviewer',
      async (page) => {
        const link = page.locator('main tbody a').first()
        await link.waitFor()
        return (await link.getAttribute('href')) ?? '/#/reviewer'
      },
      '/#/reviewer/search',
      '/#/reviewer/rules',
      '/#/reviewer/rules/HN-X-WEB-C201',
      '/#/reviewer/simulate',
    ])
  },
}
