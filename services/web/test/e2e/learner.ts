import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Journey } from './harness.js'

export const journey: Journey = {
  name: 'learner',
  title:
    "a learner's journey: sign up, claim, outcome, rule application, approval, credential, verification",
  async run(t, e) {
    const username = `e2e.${Date.now().toString(36)}`
    const name = '测试学员'
    const id = e.nationalId()

    const learner = await e.newPage()
    await learner.goto('/')
    await e.screenshot(learner, 'home')
    await learner.goto('/#/signup')
    await learner.getByLabel('用户名').fill(username)
    await learner.getByLabel('姓名（显示名）').fill(name)
    await learner.getByLabel('密码').fill('e2e-password-123')
    await e.screenshot(learner, 'signup')
    await learner.getByRole('button', { name: '注册' }).click()
    await learner.waitForURL(/#\/learner\/claim/)
    await learner.getByLabel('身份证号').fill(id)
    await learner.getByLabel('姓名').fill(name)
    await e.screenshot(learner, 'learner-claim')
    await learner.getByRole('button', { name: '认领' }).click()
    await learner.waitForURL(/#\/learner$/)
    await learner.getByRole('heading', { name: '我的学习账户' }).waitFor()
    await learner
      .locator('dd.mono', { hasText: /^CB\d+/ })
      .first()
      .waitFor()
    t.pass('the claimed account shows its account number')
    await e.screenshot(learner, 'learner-account-new')

    // The school's registrar enrolls the learner and posts a provincial competition award.
    const registrar = await e.newPage()
    await e.signIn(registrar, 'registrar.zzrvc')
    await registrar.goto('/#/registrar')
    await registrar.getByLabel('身份证号').fill(id)
    await registrar.getByLabel('姓名').fill(name)
    await registrar.getByLabel('学习者类别').selectOption('veteran')
    await registrar.getByLabel('专业代码').fill('P-RAIL')
    await registrar.getByLabel('专业名称').fill('铁道机车运用与维护')
    await registrar.getByRole('button', { name: '提交' }).click()
    await registrar.getByTestId('enrolled').waitFor()
    t.ok(
      (await registrar.getByTestId('enrolled').textContent())?.includes(name),
      'the registrar found the same account',
    )
    await e.screenshot(registrar, 'registrar-enroll')
    await registrar.goto('/#/registrar/outcome')
    await registrar.getByRole('textbox', { name: /^身份证号/ }).fill(id)
    await registrar.getByRole('textbox', { name: /^姓名/ }).fill(name)
    await registrar.getByRole('button', { name: '查找' }).click()
    await registrar.getByTestId('found-name').waitFor()
    await registrar.getByLabel('类别', { exact: true }).selectOption('competition')
    await registrar.getByLabel(/^名称/).fill('河南省职业院校技能大赛 电力机车检修 二等奖')
    await registrar.getByLabel('获奖等级').selectOption('provincial')
    await registrar.getByRole('button', { name: '录入' }).click()
    await registrar.getByTestId('posted').waitFor()
    await e.screenshot(registrar, 'registrar-outcome')

    // The posted outcome appears in the learner's statement.
    await learner.goto('/#/learner')
    await e.until(learner, '河南省职业院校技能大赛 电力机车检修 二等奖')
    await e.screenshot(learner, 'learner-account-outcome')

    // The school's rule opens an application.
    await learner.goto('/#/learner/applications')
    await e.until(learner, /铁道机车专业技能实训/)
    await e.screenshot(learner, 'learner-applications')
    const href = await learner
      .getByRole('link', { name: /铁道机车专业技能实训/ })
      .getAttribute('href')
    const applicationId = href?.split('/').pop() ?? ''
    t.match(applicationId, /^[0-9a-f-]{36}$/, 'the rule opened an application')
    await learner.goto(`/#/learner/applications/${applicationId}`)
    await learner.getByText('ZZRVC-COMP-2025 v1').first().waitFor()
    await e.screenshot(learner, 'learner-application-detail')

    // A reviewer in a second browser context decides it from the queue.
    const reviewer = await e.newPage()
    await e.signIn(reviewer, 'reviewer.zzrvc')
    await reviewer.goto('/#/reviewer')
    await reviewer.getByRole('heading', { name: /待我审核/ }).waitFor()
    await reviewer.getByRole('table').waitFor()
    await e.screenshot(reviewer, 'reviewer-queue')
    await reviewer.goto(`/#/reviewer/applications/${applicationId}`)
    await reviewer.getByLabel('同意认定').check()
    await reviewer.getByLabel(/^理由/).fill('获奖证书已核验，同意替代实训课程。')
    await e.screenshot(reviewer, 'reviewer-decide')
    await reviewer.getByRole('button', { name: '提交审核意见' }).click()
    await reviewer.locator('h1 .status.approved').waitFor()
    await e.screenshot(reviewer, 'reviewer-decided')

    // The learner sees the decision with its reason, and the recognized credits.
    await learner.goto(`/#/learner/applications/${applicationId}`)
    await e.until(learner, '获奖证书已核验，同意替代实训课程。')
    t.ok(
      await learner.locator('h1 .status.approved').isVisible(),
      'approved, with the reason in the trail',
    )
    await learner.goto('/#/learner')
    await e.until(learner, '认定学分')
    await learner.getByLabel('类别筛选').selectOption('recognized')
    await learner.getByRole('link', { name: '凭证', exact: true }).first().waitFor()
    await e.screenshot(learner, 'learner-recognized')
    await learner.getByRole('link', { name: '凭证', exact: true }).first().click()
    await learner.getByRole('button', { name: '下载凭证（JSON）' }).waitFor()
    const [download] = await Promise.all([
      learner.waitForEvent('download'),
      learner.getByRole('button', { name: '下载凭证（JSON）' }).click(),
    ])
    const file = join(e.dataDir, 'credential.json')
    await download.saveAs(file)
    t.match(
      readFileSync(file, 'utf8'),
      /AchievementCredential|VerifiableCredential/,
      'a verifiable credential was downloaded',
    )
    await learner.getByRole('button', { name: '生成二维码' }).click()
    await learner.getByRole('img', { name: '分享链接二维码' }).waitFor()
    await e.screenshot(learner, 'learner-credential-qr')

    // Anyone verifies the downloaded file on the public page.
    const visitor = await e.newPage()
    await visitor.goto('/#/verify-credential')
    await visitor.getByLabel('凭证文件').setInputFiles(file)
    await visitor.getByText('验证通过').waitFor()
    await e.screenshot(visitor, 'public-verify-credential')

    // The rest of the learner's pages, for the record.
    for (const [path, heading, shotName] of [
      ['/#/learner/timeline', '终身学习时间轴', 'learner-timeline'],
      ['/#/learner/simulate', /学分模拟/, 'learner-simulate'],
      ['/#/learner/shares', '分享我的学习档案', 'learner-shares'],
    ] as const) {
      await learner.goto(path)
      await learner.getByRole('heading', { name: heading }).waitFor()
      await e.screenshot(learner, shotName)
    }
    await learner.context().close()
    await reviewer.context().close()
    await visitor.context().close()
    await registrar.context().close()
  },
}
