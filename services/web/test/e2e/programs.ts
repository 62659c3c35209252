import { learners, nationalIdOf } from '../../../../seeds/data.js'
import { accessible, type Journey, NOT_LOADING, waitUntil } from './harness.js'

const wang = (() => {
  const i = learners.findIndex((l) => l.key === 'wang')
  return { nationalId: nationalIdOf(learners[i]!, i), name: learners[i]!.name }
})()

/** The three figures of a progress view, as the person reads them. */
const figures = (text: string) => text.replace(/\s+/g, ' ').trim()

/**
 * Program plans and credit tuition (decision 0810): the learner reads their progress against the
 * school's plan and a term's tuition line by line; the school's registrar publishes a new plan
 * version and a tuition line in forms (courses picked by name), and finds the same learner's
 * progress by 身份证号 and name — the same figures the learner sees.
 */
export const journey: Journey = {
  name: 'programs',
  title:
    'a learner reads their program progress and tuition; the registrar publishes a plan and a schedule and looks the learner up',
  async run(t, e) {
    // The learner, at a desk, in Chinese.
    const learner = await e.newPage()
    await e.signIn(learner, 'learner.wang')
    await learner.goto('/#/learner/progress')
    await learner.getByRole('heading', { name: '我的培养方案进度' }).waitFor()
    await learner.getByText('培养方案第 1 版').waitFor()
    await waitUntil(learner, NOT_LOADING, 20_000)
    // biome-ignore lint/performance/useDomNodeTextContent: innerText keeps the breaks between a figure and its name
    const seen = figures(await learner.locator('#progress dl.figures').innerText())
    t.match(seen, /已修学分 [\d.]+ \/ 150/, 'done out of the plan’s 150 credits')
    t.match(seen, /最早可完成 \d{4}年(春|秋)季学期/, 'the earliest term in words')
    const required = learner.getByRole('table', { name: '必修课程' })
    t.match(
      (await required.textContent()) ?? '',
      /岗位实习（PR3001）.*未完成/,
      'the internship is missing',
    )
    t.match(
      (await learner.locator('#progress .notice, #progress [role=status]').first().textContent()) ??
        '',
      /每学期最多 30 学分（培养方案）/,
      'the term cap of the plan is named',
    )
    await learner.getByRole('table', { name: '每条记录计入什么' }).waitFor()
    await e.screenshot(learner, 'learner-progress')
    await accessible(t, learner, 'my program progress, in Chinese')

    // Tuition for a term the learner studied in (courses dated 2025-01-10, academic year 2024):
    // the lines add up to what is due.
    await learner.getByLabel('学期').selectOption('2024-autumn')
    await learner.getByText('收费标准第 1 版').waitFor()
    const lines = learner.getByRole('table', { name: '学费明细' })
    await lines.waitFor()
    const amounts = await lines.locator('td:last-child').allTextContents()
    const fen = amounts.reduce((s, a) => s + Math.round(Number(a.replace('¥', '')) * 100), 0)
    t.ok(amounts.length > 0, 'the term has lines')
    const due = (await learner.locator('#tuition dl.figures').textContent()) ?? ''
    t.ok(
      due.includes(`¥${(fen / 100).toFixed(2)}`),
      `tuition due is the sum of the lines (¥${(fen / 100).toFixed(2)})`,
    )
    t.match(
      (await learner.locator('#tuition p.hint').textContent()) ?? '',
      /每学分 ¥115/,
      'the price of academic year 2024',
    )
    await e.screenshot(learner, 'learner-tuition')
    await accessible(t, learner, 'tuition, in Chinese')
    await learner.context().close()

    // The same on a phone, in English.
    const phone = await e.newPage({ phone: true, lang: 'en' })
    await e.signIn(phone, 'learner.wang')
    await phone.goto('/#/learner/progress')
    await phone.getByRole('heading', { name: 'My program progress' }).waitFor()
    await waitUntil(phone, NOT_LOADING, 20_000)
    t.match(
      // biome-ignore lint/performance/useDomNodeTextContent: innerText keeps the breaks between a figure and its name
      figures(await phone.locator('#progress dl.figures').innerText()),
      /Credits done [\d.]+ \/ 150/,
    )
    t.ok(await e.fitsWidth(phone), 'progress fits a phone')
    await e.screenshot(phone, 'learner-progress-phone-en')
    await accessible(t, phone, 'my program progress, in English on a phone')
    await phone.context().close()

    // The registrar publishes version 2 of the plan: a course picked by name, a bad total first.
    const desk = await e.newPage()
    await e.signIn(desk, 'registrar.hnvc')
    await desk.goto('/#/registrar/plans')
    await desk.getByRole('heading', { name: '发布培养方案' }).waitFor()
    await desk.getByLabel('修改已发布的方案').selectOption('P-WEB')
    await desk
      .getByLabel('专业名称')
      .inputValue()
      .then((v) => t.equal(v, '软件技术（Web前端方向）'))
    await desk.getByLabel('总学分').fill('十五')
    await desk.getByRole('button', { name: '发布', exact: true }).click()
    await desk.getByRole('alert').first().waitFor()
    t.match(
      (await desk.getByRole('alert').first().textContent()) ?? '',
      /总学分|totalCredits/,
      'the bad field is named',
    )
    await e.screenshot(desk, 'registrar-plan-error')
    await desk.getByLabel('总学分').fill('152')
    // Python is taken out and put back by its name, as an elective that is not required.
    await desk.getByRole('button', { name: '移除 Python程序设计' }).click()
    const picker = desk.getByLabel('按名称添加课程')
    const options = await picker.locator('option').allTextContents()
    t.ok(options.includes('Python程序设计（SE2101）'), 'courses are offered by name')
    t.notOk(
      options.some((o) => /[0-9a-f]{8}-[0-9a-f]{4}/.test(o)),
      'no internal ids',
    )
    await picker.selectOption({ label: 'Python程序设计（SE2101）' })
    await desk.getByRole('button', { name: '添加所选课程' }).click()
    const python = desk.locator('li[data-course="Python程序设计"]')
    await python.getByLabel('类别').selectOption('elective')
    await python.getByLabel('必修').uncheck()
    await desk.getByRole('button', { name: '发布', exact: true }).click()
    await desk.getByText('已发布：软件技术（Web前端方向） 第 2 版。').waitFor()
    t.pass('the registrar published version 2')
    await e.screenshot(desk, 'registrar-plan')
    await accessible(t, desk, 'the plan form, in Chinese')

    // A tuition line for the next academic year.
    await desk.goto('/#/registrar/tuition')
    await desk.getByText('当前为第 1 版。').waitFor()
    await desk.getByRole('button', { name: '增加一项' }).click()
    const last = desk.locator('fieldset[data-row]').last()
    await last.getByLabel('学年（秋季开始的年份）').fill('2027')
    await last.getByLabel('每学分价格（元）').fill('130')
    await desk.getByRole('button', { name: '发布收费标准' }).click()
    await desk.getByText('已发布收费标准第 2 版。').waitFor()
    t.pass('the registrar published schedule version 2')
    await e.screenshot(desk, 'registrar-tuition')
    await accessible(t, desk, 'the tuition form, in Chinese')

    // The learner's progress found by 身份证号 and name: the figures the learner sees, on plan v2.
    await desk.goto('/#/registrar/progress')
    await desk.getByRole('textbox', { name: '身份证号' }).fill(wang.nationalId)
    await desk.getByRole('textbox', { name: '姓名' }).fill(wang.name)
    await desk.getByRole('button', { name: '查找' }).click()
    t.equal(await desk.getByTestId('progress-name').textContent(), wang.name)
    await desk.getByText('培养方案第 2 版').waitFor()
    await waitUntil(desk, NOT_LOADING, 20_000)
    // biome-ignore lint/performance/useDomNodeTextContent: innerText keeps the breaks between a figure and its name
    const staffSees = figures(await desk.locator('#progress dl.figures').innerText())
    const done = /已修学分 ([\d.]+) \//.exec(seen)?.[1]
    t.ok(
      done && staffSees.includes(`已修学分 ${done} / 152`),
      'the registrar sees the learner’s credits against plan v2',
    )
    await e.screenshot(desk, 'registrar-learner-progress')
    await accessible(t, desk, 'a learner’s progress at the registrar’s desk')
    await desk.context().close()

    const deskEn = await e.newPage({ lang: 'en', phone: true })
    await e.signIn(deskEn, 'registrar.hnvc')
    await deskEn.goto('/#/registrar/plans')
    await deskEn.getByRole('heading', { name: 'Publish a program plan' }).waitFor()
    t.ok(await e.fitsWidth(deskEn), 'the plan form fits a phone')
    await e.screenshot(deskEn, 'registrar-plan-phone-en')
    await accessible(t, deskEn, 'the plan form, in English on a phone')
    await deskEn.context().close()
  },
}
