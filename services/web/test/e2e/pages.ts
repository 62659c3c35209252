import type { Journey } from './harness.js'

export const journey: Journey = {
  name: 'pages',
  title: 'issuer, reviewer, admin and public pages render',
  async run(t, e) {
    const pages: [string, string, string, string | RegExp][] = [
      ['issuer.miit', '/#/issuer/issue', 'issuer-issue', '颁发1+X职业技能等级证书'],
      ['issuer.miit', '/#/issuer/batch', 'issuer-batch', '批量颁发'],
      ['issuer.miit', '/#/issuer/revoke', 'issuer-revoke', '按证书编号撤销'],
      ['reviewer.hnvc', '/#/reviewer/rules', 'reviewer-rules', '互认标准（转换规则）'],
      ['reviewer.hnvc', '/#/reviewer/rules/HN-X-WEB-C201', 'reviewer-rule', /HN-X-WEB-C201/],
      ['reviewer.hnvc', '/#/reviewer/simulate', 'reviewer-simulate', '规则模拟'],
    ]
    let who = ''
    let page = await e.newPage()
    for (const [user, path, name, heading] of pages) {
      if (user !== who) {
        await page.context().close()
        page = await e.newPage()
        await e.signIn(page, user)
        who = user
      }
      await page.goto(path)
      await page.getByRole('heading', { name: heading }).first().waitFor()
      await e.screenshot(page, name)
    }
    await page.context().close()
    const admin = await e.newPage()
    await e.signIn(admin, 'admin', e.secrets.BOOTSTRAP_ADMIN_PASSWORD!)
    for (const [path, name, heading] of [
      ['/#/admin', 'admin-organizations', '登记机构'],
      ['/#/admin/users', 'admin-users', '新建机构用户'],
      ['/#/admin/clients', 'admin-clients', /系统创建客户端/],
      ['/#/admin/events', 'admin-event-flow', /事件流健康/],
    ] as const) {
      await admin.goto(path)
      await admin.getByRole('heading', { name: heading }).waitFor()
      await e.screenshot(admin, name)
    }
    await admin.getByRole('rowheader', { name: 'portfolio' }).waitFor()
    t.ok(await admin.getByText('正常').first().isVisible(), 'the event flow shows the services up')
    const visitor = await e.newPage()
    await visitor.goto('/#/verify')
    await visitor.getByLabel('证书编号').fill('X-0000')
    await visitor.getByLabel('持证人姓名').fill('无此人')
    await visitor.getByRole('button', { name: '查验' }).click()
    await visitor.getByText('未找到').waitFor()
    await e.screenshot(visitor, 'public-verify-certificate')
    await visitor.getByRole('button', { name: 'English' }).click()
    await visitor.getByRole('heading', { name: 'Verify a 1+X certificate' }).waitFor()
    await e.screenshot(visitor, 'public-verify-certificate-en')
    t.pass('pages rendered')

    // A mistake is explained in the page's language, by field, without server sentences or patterns.
    for (const lang of ['zh', 'en'] as const) {
      const page = await e.newPage({ lang, phone: true })
      await page.goto('/#/signup')
      await page.locator('input[name="username"]').fill('x')
      await page.locator('input[name="displayName"]').fill(lang === 'zh' ? '张三' : 'Zhang San')
      await page.locator('input[name="password"]').fill('short')
      await page.locator('form button[type="submit"]').click()
      const alert = page.getByRole('alert')
      await alert.waitFor()
      const text = (await alert.textContent()) ?? ''
      if (lang === 'zh') {
        t.match(text, /填写的内容有误/, 'the problem in Chinese')
        t.match(text, /密码：不能少于 10 个字符/, 'the field by its label, the limit in words')
      } else {
        t.match(text, /The request is not valid/, 'the problem in English')
        t.match(text, /Password: is shorter than 10 characters/)
      }
      t.notMatch(text, /must|\^|\[0-9|\\d/, 'no validator wording or regular expression')
      t.equal(
        await page.locator('input[name="password"][aria-invalid="true"]').count(),
        1,
        'the field is marked',
      )
      t.ok(await e.fitsWidth(page), 'nothing scrolls sideways at 390 px')
      await e.screenshot(page, `signup-error-${lang}-phone`)
      await page.context().close()
    }
  },
}
