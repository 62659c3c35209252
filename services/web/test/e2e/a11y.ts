// Every learner and public page, at 390 px (a phone, with touch) and 1366 px, in Chinese and in
// English: axe-core's WCAG 2.1 A and AA rules find nothing, nothing scrolls sideways, the page has
// one <h1> in its language. Signed in as the demo learners (their accounts hold every kind of
// record: reversals, applications in each state, shares), so the module runs on its own too
// (E2E_ONLY=a11y). Also: a review step named by its region shows the place, not the code.
import { accessible, type Journey, type Page, type Tap } from './harness.js'

/** [zh, en] */
type Words = [string | RegExp, string | RegExp]

export const journey: Journey = {
  name: 'a11y',
  title:
    'every learner and public page at 390 and 1366 px, in Chinese and English: axe-core finds no WCAG 2.1 A/AA violations, nothing scrolls sideways, one <h1>; a region step names the place',
  async run(t, e) {
    // A share link and a printed record's code of learner.wang, made once through the pages.
    const setup = await e.newPage()
    await e.signIn(setup, 'learner.wang')
    await setup.goto('/#/learner/shares')
    const first = setup.locator('ul.shares > li').first()
    await first.getByRole('button', { name: '链接与二维码' }).click()
    const link = await first.getByLabel('分享链接').inputValue()
    const shared = link.slice(link.indexOf('#'))
    await setup.goto('/#/learner')
    const [pdf] = await Promise.all([
      setup.waitForResponse((r) => r.url().endsWith('/record.pdf')),
      setup.waitForEvent('download'),
      setup.getByRole('button', { name: '下载学习成果证明（PDF）' }).click(),
    ])
    const digest = pdf.headers()['x-record-digest'] ?? ''
    t.match(digest, /^[0-9a-f]{64}$/, 'a printed record to check')
    await setup.context().close()

    for (const lang of ['zh', 'en'] as const)
      for (const size of ['phone', 'desk'] as const) {
        const L = (w: Words) => (lang === 'zh' ? w[0] : w[1])
        const open = async () => {
          const page = await e.newPage({ lang, phone: size === 'phone' })
          if (size === 'desk') await page.setViewportSize({ width: 1366, height: 768 })
          return page
        }
        const check = (page: Page, name: string, heading: Words) =>
          checkPage(t, e, page, `${name}-${lang}-${size}`, L(heading))
        const visit = async (page: Page, path: string, name: string, heading: Words) => {
          await page.goto(path)
          await check(page, name, heading)
        }

        // The public, signed out.
        const visitor = await open()
        await visit(visitor, '/#/', 'home', [
          '河南省学分银行 · 终身学习账户',
          'Henan Credit Bank · lifelong learning account',
        ])
        if (size === 'phone') {
          await visitor.getByRole('button', { name: L(['菜单', 'Menu']) }).click()
          await visitor.locator('#top-menu').getByRole('link').first().waitFor()
          await check(visitor, 'home-menu-open', [
            '河南省学分银行 · 终身学习账户',
            /Henan Credit Bank/,
          ])
        }
        await visit(visitor, '/#/login', 'login', ['登录', 'Sign in'])
        await visitor.locator('input[name="username"]').fill('no.such.person')
        await visitor.locator('input[type="password"]').fill('not-the-password')
        await visitor.locator('form button[type="submit"]').click()
        await visitor.getByRole('alert').waitFor()
        await check(visitor, 'login-refused', ['登录', 'Sign in'])
        await visit(visitor, '/#/signup', 'signup', ['学习者注册', 'Learner sign-up'])
        await visitor.locator('form button[type="submit"]').click()
        await check(visitor, 'signup-empty', ['学习者注册', 'Learner sign-up'])
        await visit(visitor, '/#/verify', 'verify', ['1+X证书查验', 'Verify a 1+X certificate'])
        await visitor.getByLabel(L(['证书编号', 'Certificate number'])).fill('X-0000')
        await visitor.getByLabel(L(['持证人姓名', 'Holder name'])).fill('无此人')
        await visitor.getByRole('button', { name: L(['查验', 'Verify']), exact: true }).click()
        await visitor.locator('.result[role="status"]').waitFor()
        await check(visitor, 'verify-not-found', ['1+X证书查验', 'Verify a 1+X certificate'])
        await visit(visitor, '/#/verify-credential', 'verify-credential', [
          '验证可验证凭证',
          'Verify a verifiable credential',
        ])
        const recordHeading: Words = ['学习成果证明查验', 'Check a printed learning record']
        await visit(visitor, '/#/record', 'record-empty', recordHeading)
        await visitor.goto(`/#/record/${digest}`)
        await visitor
          .getByText(
            L(['证明真实，所列记录今日仍然有效', 'Genuine, and every line still holds today']),
          )
          .waitFor()
        await check(visitor, 'record-genuine', recordHeading)
        await visitor.goto(`/${shared}`)
        const sharedHeading: Words = ['王晓明 分享的学习档案', '王晓明’s shared learning record']
        await check(visitor, 'shared', sharedHeading)
        await visitor
          .getByRole('button', { name: L(['验证签名与状态', 'Verify signatures and status']) })
          .click()
        await visitor
          .getByText(L(['签名验证通过', 'The signatures verify']))
          .first()
          .waitFor()
        await check(visitor, 'shared-verified', sharedHeading)
        await visitor.context().close()

        // A learner with an application at a region's recognition center (demo: 张建国, 企业实践).
        const zhang = await open()
        await e.signIn(zhang, 'learner.zhang')
        const pages: [string, string, Words][] = [
          ['/#/learner', 'account', ['我的学习账户', 'My learning account']],
          ['/#/learner/timeline', 'timeline', ['终身学习时间轴', 'Lifelong learning timeline']],
          ['/#/learner/apply', 'apply', ['申请学分认定', 'Apply for recognition']],
          ['/#/learner/simulate', 'simulate', [/学分模拟/, /What if/]],
          ['/#/learner/shares', 'shares', ['分享我的学习档案', 'Share my record']],
          ['/#/learner/notifications', 'notifications', ['我的消息', 'My messages']],
          [
            '/#/learner/who-looked',
            'who-looked',
            ['谁查看了我的信息', 'Who looked at my information'],
          ],
          ['/#/learner/claim', 'claim', ['认领学习账户', 'Claim your learning account']],
          ['/#/learner/applications', 'applications', ['我的认定申请', 'My applications']],
        ]
        for (const [path, name, heading] of pages) await visit(zhang, path, name, heading)
        t.match(
          (await zhang.locator('main table').textContent()) ?? '',
          L(['第1步：郑州市学分认证中心', 'step 1: the recognition center of Zhengzhou']),
          `${lang}: the list says where the application waits, by the place's name`,
        )
        await zhang
          .getByRole('link', { name: /企业实践/ })
          .first()
          .click()
        await check(zhang, 'application-region-step', [/企业实践/, /企业实践/])
        const steps = (await zhang.locator('dd ol').first().textContent()) ?? ''
        t.match(
          steps,
          L(['郑州市学分认证中心', 'the recognition center of Zhengzhou']),
          `${lang}: the region step names the place`,
        )
        t.notMatch(
          (await zhang.locator('main').textContent()) ?? '',
          /4101\d\d/,
          `${lang}: no region code on the application`,
        )
        await zhang.context().close()

        // A learner with certificates and shares: a credential, a share's QR code, a choice to apply with.
        const wang = await open()
        await e.signIn(wang, 'learner.wang')
        // The 1+X certificate on the timeline by its name in the page's language (the catalog's).
        await wang.goto('/#/learner/timeline')
        await wang
          .getByText(
            L([
              '获得证书：Web前端开发（中级）',
              'Certificate issued: Web Front-End Development (Intermediate)',
            ]),
          )
          .first()
          .waitFor()
        await check(wang, 'timeline-certificate', ['终身学习时间轴', 'Lifelong learning timeline'])
        await wang.goto('/#/learner/notifications')
        await wang
          .getByText(
            L([
              '为您颁发了证书“Web前端开发（中级）”',
              'issued you the certificate “Web Front-End Development (Intermediate)”',
            ]),
          )
          .first()
          .waitFor()
        t.pass(`${lang}: the certificate named in the page's language on the timeline and messages`)
        await wang.goto('/#/learner')
        await wang
          .getByRole('link', { name: L(['凭证', 'Credential']), exact: true })
          .first()
          .click()
        await check(wang, 'credential', [/./, /./])
        await wang.goto('/#/learner/shares')
        await wang
          .locator('ul.shares > li')
          .first()
          .getByRole('button', { name: L(['链接与二维码', /link and QR/i]) })
          .click()
        await wang
          .getByRole('img', { name: L(['分享链接二维码', /QR code/i]) })
          .first()
          .waitFor()
        await check(wang, 'shares-qr', ['分享我的学习档案', 'Share my record'])
        await wang.goto('/#/learner/apply')
        await wang.locator('main ul.picks input[type="checkbox"]').first().check()
        await wang.getByRole('heading', { name: L(['预计结果', 'What to expect']) }).waitFor()
        await check(wang, 'apply-chosen', ['申请学分认定', 'Apply for recognition'])
        await wang.context().close()
      }
  },
}

/** The page's one <h1> (in its language), axe-core's verdict, the width, and a screenshot. */
async function checkPage(
  t: Tap,
  e: Parameters<Journey['run']>[1],
  page: Page,
  name: string,
  heading: string | RegExp,
) {
  // The page's own heading: some show a general one while they load (学习者分享的学习档案).
  await page.locator('main h1', { hasText: heading }).waitFor()
  await page.waitForLoadState('networkidle')
  const h1 = await page.locator('main h1').allTextContents()
  t.equal(h1.length, 1, `${name}: one <h1>`)
  t.match(h1[0] ?? '', heading, `${name}: the heading in the page's language`)
  t.ok((await page.title()).startsWith(h1[0] ?? '-'), `${name}: the window's title names the page`)
  t.ok(await e.fitsWidth(page), `${name}: nothing to scroll sideways`)
  if (name.includes('-zh-')) {
    // Words a service wrote for machines ("learner read") leaking into a Chinese page: two or more
    // lowercase English words in a row, outside code, numbers and what is marked as English.
    const english = await page.evaluate<string[]>(`(() => {
      const main = document.querySelector('main').cloneNode(true)
      main.querySelectorAll('pre, code, .mono, [lang="en"]').forEach((n) => n.remove())
      return main.textContent.match(/\\b[a-z]{2,}(?: [a-z]{2,})+\\b/g) ?? []
    })()`)
    t.same(english, [], `${name}: no English words inside the Chinese page`)
  }
  await accessible(t, page, name)
  await e.screenshot(page, name)
}
