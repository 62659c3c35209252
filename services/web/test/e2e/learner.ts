import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { accessible as axe, type Journey, type Page } from './harness.js'

// A 1×1 PNG: an evidence file the portfolio service accepts (it judges the type by the bytes).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
  'base64',
)
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/

export const journey: Journey = {
  name: 'learner',
  title:
    "a learner's journey on a phone: sign up, claim, apply with evidence, approval in another browser, total, messages, PDF record, credential, shares, the public's checks",
  async run(t, e) {
    const username = `e2e.${Date.now().toString(36)}`
    const password = 'e2e-password-123'
    const name = '测试学员'
    const id = e.nationalId()
    const fits = async (page: Page, what: string) =>
      t.ok(await e.fitsWidth(page), `${what}: nothing to scroll sideways`)
    /**
     * axe-core in the states this journey makes (a filled form, a statement with a reversal, shares
     * with a link shown, a shared page); every page at both sizes and in both languages is checked
     * by the a11y journey.
     */
    const accessible = (page: Page, what: string) => axe(t, page, what)

    // Most learners use a phone: sign-up, claim and applying happen at 390×844.
    const learner = await e.newPage({ phone: true })
    await learner.goto('/')
    await e.screenshot(learner, 'home-phone')
    await learner.goto('/#/signup')
    await learner.getByLabel('用户名').fill(username)
    await learner.getByLabel('姓名（显示名）').fill(name)
    await learner.getByLabel('密码').fill(password)
    await e.screenshot(learner, 'signup-phone')
    await learner.getByRole('button', { name: '注册' }).click()
    await learner.waitForURL(/#\/learner\/claim/)
    await learner.getByLabel('身份证号').fill(id)
    await learner.getByLabel('姓名').fill(name)
    await e.screenshot(learner, 'learner-claim-phone')
    await learner.getByRole('button', { name: '认领' }).click()
    await learner.waitForURL(/#\/learner$/)
    await learner.getByRole('heading', { name: '我的学习账户' }).waitFor()
    await learner
      .locator('dd.mono', { hasText: /^CB\d+/ })
      .first()
      .waitFor()
    t.pass('the claimed account shows its account number')
    await fits(learner, 'the new account')
    await e.screenshot(learner, 'learner-account-new-phone')

    // The school's registrar enrolls the learner, posts a provincial award (a rule of the school
    // opens an application by itself) and an internship no rule knows (the learner applies).
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
    // A provincial award (a rule of the school opens an application by itself) and an
    // internship no rule knows (the learner applies for it).
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
    await registrar.getByLabel('类别', { exact: true }).selectOption('work')
    await registrar.getByLabel(/^名称/).fill('郑州机务段顶岗实习')
    await registrar.getByLabel(/^学时/).fill('160')
    await registrar.getByRole('button', { name: '录入' }).click()
    await registrar.getByText('郑州机务段顶岗实习').last().waitFor()
    await e.screenshot(registrar, 'registrar-outcome')

    // The learner applies from the phone: the outcome picked in words, the simulator's answer
    // for exactly that choice, the course asked for, a statement and an evidence file.
    await learner.goto('/#/learner/apply')
    await e.until(learner, '郑州机务段顶岗实习')
    t.equal(
      await learner
        .getByLabel(/认定到/)
        .locator('option:checked')
        .textContent(),
      '郑州铁路职业技术学院 · 铁道机车运用与维护',
      'the target defaults to the learner’s own school and program',
    )
    await learner.getByRole('checkbox', { name: /郑州机务段顶岗实习/ }).check()
    await learner.getByText('没有互认标准匹配', { exact: true }).waitFor()
    t.pass('the expected result for exactly that choice is shown before sending')
    await learner.getByLabel(/^课程代码/).fill('RL2201')
    await learner.getByLabel(/^课程名称/).fill('机车乘务作业实训')
    await learner.getByLabel(/^申请学分/).fill('2')
    await learner.getByLabel('申请说明').fill('顶岗实习160学时，内容覆盖机车乘务作业实训。')
    await learner
      .getByLabel(/上传文件/)
      .setInputFiles({ name: '实习证明.png', mimeType: 'image/png', buffer: PNG })
    await learner.getByRole('checkbox', { name: /实习证明\.png/ }).waitFor()
    t.ok(
      await learner.getByRole('checkbox', { name: /实习证明\.png/ }).isChecked(),
      'the uploaded evidence file is attached',
    )
    await fits(learner, 'the application form')
    await accessible(learner, 'the application form')
    await e.screenshot(learner, 'learner-apply-phone')
    await learner.getByRole('button', { name: '提交申请' }).click()
    await learner.waitForURL(/#\/learner\/applications\/[0-9a-f-]{36}$/)
    const applicationId = learner.url().split('/').pop() ?? ''
    await learner.getByText('您提交了认定申请').waitFor()
    t.ok(await learner.getByText('实习证明.png').isVisible(), 'the evidence is on the application')
    await fits(learner, 'the application')
    await e.screenshot(learner, 'learner-application-sent-phone')

    // The school's rule opened the other application by itself; the list shows both as cards.
    await learner.goto('/#/learner/applications')
    await e.until(learner, /铁道机车专业技能实训/)
    await learner
      .getByText(/机车乘务作业实训/)
      .first()
      .waitFor()
    await fits(learner, 'the applications list')
    const ruleApplication =
      (await learner.getByRole('link', { name: /铁道机车专业技能实训/ }).getAttribute('href')) ?? ''
    await e.screenshot(learner, 'learner-applications-phone')

    // A reviewer of the school decides in another browser.
    const reviewer = await e.newPage()
    await e.signIn(reviewer, 'reviewer.zzrvc')
    await reviewer.goto(`/#/reviewer/applications/${applicationId}`)
    // The reviewer opens the file; the page then shows who opened which file when (0545).
    const reads = reviewer.getByTestId('evidence-reads')
    await reads.getByText('尚无人查看这些文件').waitFor()
    const opened = reviewer.waitForEvent('download')
    await reviewer.getByRole('button', { name: '查看' }).click()
    t.equal((await opened).suggestedFilename(), '实习证明.png', 'the reviewer reads the file')
    await reads.locator('tbody tr', { hasText: '实习证明.png' }).waitFor()
    t.match(
      (await reads.locator('tbody tr').first().textContent()) ?? '',
      /\d{4}.*您（.*）.*实习证明\.png/,
      'the read is shown: when, who (you, and the school), which file',
    )
    await reviewer.getByLabel('同意认定').check()
    await reviewer.getByLabel(/^理由/).fill('顶岗实习证明已核验，同意认定。')
    await e.screenshot(reviewer, 'reviewer-decide')
    await reviewer.getByRole('button', { name: '提交审核意见' }).click()
    await reviewer.locator('h1 .status.approved').waitFor()
    await e.screenshot(reviewer, 'reviewer-decided')

    // The school reverses the award (entered by mistake): the rule's application on it closes.
    const award = '河南省职业院校技能大赛 电力机车检修 二等奖'
    await registrar.goto('/#/registrar/reverse')
    await registrar.getByRole('textbox', { name: /^身份证号/ }).fill(id)
    await registrar.getByRole('textbox', { name: /^姓名/ }).fill(name)
    await registrar.getByRole('button', { name: '查找' }).click()
    await registrar
      .locator(`tr[data-entry="${award}"]`)
      .getByRole('button', { name: '冲正' })
      .click()
    await registrar.getByLabel('冲正原因').fill('获奖等级录入有误')
    await registrar.getByRole('button', { name: '确认冲正' }).click()
    await registrar.getByText(`已冲正 ${name} 的“${award}”。`).waitFor()

    // The learner follows it: the trail in words, the organization rather than a person's id.
    await learner.goto(`/#/learner/applications/${applicationId}`)
    await e.until(learner, '顶岗实习证明已核验，同意认定。')
    const trail = (await learner.locator('ol.timeline').textContent()) ?? ''
    t.match(
      trail,
      /郑州铁路职业技术学院 同意认定/,
      'the trail names the organization that approved',
    )
    t.notMatch(trail, UUID, 'no ids in the trail')
    t.notMatch(
      trail,
      /[A-Za-z]{3,}/,
      'no English (raw event words, service notes) in the Chinese trail',
    )
    await e.screenshot(learner, 'learner-application-approved-phone')

    // Messages: the header's mark, the list, read.
    // On a phone the mark sits beside the menu button, outside the menu.
    const mark = learner.locator('header a.unread-mark.phone-only')
    await mark.locator('.badge').waitFor()
    t.ok(await mark.isVisible(), 'the unread mark shows on the phone’s one-line header')
    await mark.click()
    await learner.getByRole('heading', { name: '我的消息' }).waitFor()
    await e.until(learner, /认定申请“机车乘务作业实训”已通过/)
    await fits(learner, 'the messages')
    await e.screenshot(learner, 'learner-messages-phone')
    await learner.getByRole('button', { name: '全部标为已读' }).click()
    await learner.getByText('没有未读消息').waitFor()
    t.equal(await mark.locator('.badge').count(), 0, 'the unread mark is gone')

    // The rule's application on the reversed award was closed; the trail says why, in words.
    await learner.goto(`/${ruleApplication}`)
    await e.until(learner, '一条来源记录被发布机构冲正，申请已关闭')
    t.ok(
      await learner.getByText('学分银行按互认标准为您自动开立了申请').isVisible(),
      'opened by the standard, closed by the reversal',
    )
    await e.screenshot(learner, 'learner-rule-application-closed-phone')

    // At a desk: one total including the recognized credits, the PDF record and the credential.
    const desk = await e.newPage()
    await e.signIn(desk, username, password)
    // A locator, not a page function: the pages' CSP refuses the eval a string predicate needs.
    const focused = desk.locator('main h1:focus')
    await focused.waitFor({ timeout: 5_000 })
    t.equal(
      await focused.textContent(),
      '我的学习账户',
      'after signing in, focus is on the page’s heading',
    )
    await desk.goto('/#/learner')
    await e.until(desk, '认定学分')
    t.equal(
      (await desk.getByTestId('total-credits').textContent())?.trim(),
      '2.00',
      'the total includes the recognized credits',
    )
    await e.until(desk, '已冲正')
    // The original is marked; it and its reversal line offer no credential.
    const awardRows = desk.locator('table.entries tbody tr', { hasText: award })
    t.equal(await awardRows.count(), 2, 'the award and its reversal are both in the statement')
    t.ok(
      await awardRows.filter({ has: desk.locator('.stamp', { hasText: '已冲正' }) }).isVisible(),
      'the reversed award is marked',
    )
    t.equal(
      await awardRows.getByRole('link', { name: '凭证' }).count(),
      0,
      'and offers no credential',
    )
    const [pdfResponse, pdf] = await Promise.all([
      desk.waitForResponse((r) => r.url().endsWith('/record.pdf')),
      desk.waitForEvent('download'),
      desk.getByRole('button', { name: '下载学习成果证明（PDF）' }).click(),
    ])
    const digest = pdfResponse.headers()['x-record-digest'] ?? ''
    t.match(digest, /^[0-9a-f]{64}$/, 'the record PDF carries its digest')
    const pdfFile = join(e.dataDir, 'record.pdf')
    await pdf.saveAs(pdfFile)
    t.equal(readFileSync(pdfFile).subarray(0, 5).toString(), '%PDF-', 'a PDF was downloaded')
    await accessible(desk, 'the account')
    await e.screenshot(desk, 'learner-account-desktop')
    await desk.getByLabel('类别筛选').selectOption('recognized')
    await desk.getByRole('link', { name: '凭证', exact: true }).first().click()
    await desk.getByRole('button', { name: '下载凭证（JSON）' }).waitFor()
    const [download] = await Promise.all([
      desk.waitForEvent('download'),
      desk.getByRole('button', { name: '下载凭证（JSON）' }).click(),
    ])
    const file = join(e.dataDir, 'credential.json')
    await download.saveAs(file)
    t.match(
      readFileSync(file, 'utf8'),
      /AchievementCredential|VerifiableCredential/,
      'a verifiable credential was downloaded',
    )
    await desk.getByRole('button', { name: '生成二维码' }).click()
    await desk.getByRole('img', { name: '分享链接二维码' }).waitFor()
    await desk.getByRole('button', { name: '生成二维码' }).click()
    await e.screenshot(desk, 'learner-credential-qr')

    // Shares from the phone: chosen entries, one link however often the QR code is shown.
    await learner.goto('/#/learner/shares')
    await learner.getByLabel('只分享选中的记录').check()
    await learner.getByRole('checkbox', { name: /郑州机务段顶岗实习/ }).check()
    await learner.getByRole('checkbox', { name: /机车乘务作业实训/ }).check()
    await learner.getByLabel('用途说明').fill('投递简历')
    await learner.getByRole('button', { name: '生成链接' }).click()
    const linkBox = learner.getByLabel('分享链接')
    await linkBox.waitFor()
    const pageUrl = await linkBox.inputValue()
    t.match(pageUrl, /#\/shared\/[A-Za-z0-9_-]{43}$/, 'the share link opens the shared page')
    await learner.getByRole('img', { name: '分享链接二维码' }).waitFor()
    const shares = learner.locator('ul.shares > li')
    await learner.reload()
    await shares.first().waitFor()
    t.equal(await shares.count(), 2, 'this share and the credential’s one (shown twice, made once)')
    const mine = shares.filter({ hasText: '投递简历' })
    for (let i = 0; i < 3; i++)
      await mine.getByRole('button', { name: /链接与二维码|收起链接/ }).click()
    t.equal(await mine.getByLabel('分享链接').inputValue(), pageUrl, 'the same link again')
    await learner.reload()
    await shares.first().waitFor()
    t.equal(await shares.count(), 2, 'showing the QR code made no new share')
    await fits(learner, 'the shares')
    await accessible(learner, 'the shares')
    await e.screenshot(learner, 'learner-shares-phone')

    // The public opens the link, in English at a desk and in Chinese on a phone.
    const sharedPath = pageUrl.slice(pageUrl.indexOf('#'))
    const visitor = await e.newPage({ lang: 'en' })
    await visitor.goto(`/${sharedPath}`)
    await visitor.getByRole('heading', { name: `${name}’s shared learning record` }).waitFor()
    await visitor.getByRole('cell', { name: '郑州机务段顶岗实习' }).waitFor()
    t.equal(await visitor.locator('table tbody tr').count(), 2, 'only the chosen entries')
    await visitor.getByRole('button', { name: 'Verify signatures and status' }).click()
    await visitor.getByText('The signatures verify').waitFor()
    t.ok(
      await visitor
        .getByText(
          new RegExp(`郑州铁路职业技术学院 issued “郑州机务段顶岗实习” to ${name} on .*: valid`),
        )
        .isVisible(),
      'who issued what to whom, and that it is valid',
    )
    await fits(visitor, 'the shared page')
    await accessible(visitor, 'the shared page')
    await e.screenshot(visitor, 'public-shared-en')
    await visitor.goto(`/#/record/${digest}`)
    await visitor.getByText('Genuine, and every line still holds today').waitFor()
    await e.screenshot(visitor, 'public-record-check-en')
    await visitor.goto('/#/verify-credential')
    await visitor.getByLabel('Credential file').setInputFiles(file)
    await visitor.getByText('Verified', { exact: true }).waitFor()
    await e.screenshot(visitor, 'public-verify-credential-en')

    const passer = await e.newPage({ phone: true })
    await passer.goto(`/${sharedPath}`)
    await passer.getByRole('heading', { name: `${name} 分享的学习档案` }).waitFor()
    await fits(passer, 'the shared page on a phone')
    await e.screenshot(passer, 'public-shared-phone')
    await passer.goto(`/#/record/${digest.slice(0, 16)}`)
    await passer.getByText('证明真实，所列记录今日仍然有效').waitFor()
    await fits(passer, 'the record check on a phone')
    await e.screenshot(passer, 'public-record-check-phone')

    // Revoking asks first; then the link no longer opens.
    await mine.getByRole('button', { name: '撤销' }).click()
    await mine.getByText('撤销后这个链接和二维码立即失效').waitFor()
    await mine.getByRole('button', { name: '确定撤销' }).click()
    await learner.locator('ul.shares > li', { hasText: '投递简历' }).getByText('已撤销').waitFor()
    await passer.goto(`/${sharedPath}`)
    await passer.getByRole('alert').waitFor()
    t.pass('a revoked share no longer opens')

    // The rest of the learner's pages on the phone, then once in English.
    for (const [path, heading, shotName] of [
      ['/#/learner/timeline', '终身学习时间轴', 'learner-timeline-phone'],
      ['/#/learner/simulate', /学分模拟/, 'learner-simulate-phone'],
    ] as const) {
      await learner.goto(path)
      await learner.getByRole('heading', { name: heading }).waitFor()
      await learner.waitForLoadState('networkidle')
      await fits(learner, shotName)
      await e.screenshot(learner, shotName)
      if (shotName !== 'learner-timeline-phone') continue
      // The reversal above, titled after the award it undid, in Chinese only; its reason is on the
      // statement, not here (decision 0730).
      const timeline = (await learner.locator('ol.timeline').textContent()) ?? ''
      t.match(timeline, `记录被冲正：${award}`, 'the timeline names the award reversed')
      t.notMatch(timeline, /Reversal|获奖等级录入有误/, 'in Chinese, without the reason')
    }
    // What if: a certificate is picked by its name and its level in words, never a code typed.
    await learner.locator('select[name="hKind"]').selectOption('certificate')
    await learner.locator('select[name="hTypeCode"] option', { hasText: 'Web前端开发' }).waitFor({
      state: 'attached',
    })
    t.ok(
      (await learner.locator('select[name="hLevel"] option').allTextContents()).includes('中级'),
      'levels in words',
    )
    t.equal(await learner.locator('input[name="hTypeCode"], input[name="hLevel"]').count(), 0)
    await learner.getByRole('button', { name: '菜单' }).click()
    await learner.getByRole('button', { name: 'English' }).click()
    t.ok(
      (await learner.locator('header.top').boundingBox())!.height < 60,
      'the phone’s header is one line',
    )
    for (const [path, heading, shotName] of [
      ['/#/learner', 'My learning account', 'learner-account-en-phone'],
      ['/#/learner/apply', 'Apply for recognition', 'learner-apply-en-phone'],
      ['/#/learner/shares', 'Share my record', 'learner-shares-en-phone'],
      [
        `/#/learner/applications/${applicationId}`,
        /机车乘务作业实训/,
        'learner-application-en-phone',
      ],
    ] as const) {
      await learner.goto(path)
      await learner.getByRole('heading', { name: heading }).first().waitFor()
      await learner.waitForLoadState('networkidle')
      await fits(learner, shotName)
      await e.screenshot(learner, shotName)
    }
    t.match(
      (await learner.locator('ol.timeline').textContent()) ?? '',
      /approved by 郑州铁路职业技术学院/,
      'the trail in English names the organization',
    )
    for (const p of [learner, registrar, reviewer, desk, visitor, passer]) await p.context().close()
  },
}
