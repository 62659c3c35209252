// End-to-end, in real headless Chromium (Debian's, driven by playwright-core) against the
// one-process embedded run started as a child process on a temporary data dir, with its demo data.
// Runs when E2E=1, or when /usr/bin/chromium exists and the suite is not in its Postgres+Kafka
// pass (DATABASE_URL set): the embedded run is what it tests. E2E=0 skips it.
// Screenshots of every page visited go to test/artifacts/ (git-ignored).
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'

type Tap = Test

const chromium = '/usr/bin/chromium'
const enabled =
  process.env.E2E === '1' ||
  (process.env.E2E !== '0' && existsSync(chromium) && !process.env.DATABASE_URL)
if (!enabled) {
  t.comment(
    `e2e skipped: set E2E=1 (needs ${chromium}; see services/web/scripts/ensure-chromium.sh)`,
  )
  t.pass('e2e skipped')
} else {
  // One parent test holds the child process and the browser; tap waits for it.
  t.test('e2e in headless Chromium', { timeout: 900_000 }, (tt) => run(tt))
}

async function run(t: Tap) {
  const { chromium: pw } = await import('playwright-core')
  type Page = import('playwright-core').Page

  const here = dirname(fileURLToPath(import.meta.url))
  const root = resolve(here, '../../..')
  const artifacts = join(here, 'artifacts')
  mkdirSync(artifacts, { recursive: true })
  const dataDir = mkdtempSync(join(tmpdir(), 'creditbank-e2e-'))
  // 3400–3905: clear of the machine's own services (MariaDB 3306, …).
  const offset = 400 + Math.floor(Math.random() * 500)
  const base = `http://127.0.0.1:${3000 + offset}`

  // -- the embedded run ------------------------------------------------------------------------
  const { DATABASE_URL: _d, KAFKA_BROKERS: _k, ...parentEnv } = process.env
  const child: ChildProcess = spawn(
    join(root, 'node_modules/.bin/tsx'),
    ['services/web/src/embedded.ts'],
    {
      cwd: root,
      env: { ...parentEnv, DATA_DIR: dataDir, PORT_OFFSET: String(offset), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  )
  let output = ''
  child.stdout?.on('data', (b: Buffer) => {
    output += b.toString()
  })
  child.stderr?.on('data', (b: Buffer) => {
    output += b.toString()
  })
  t.teardown(() => {
    if (child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM')
      } catch {}
    }
    rmSync(dataDir, { recursive: true, force: true })
  })

  const startedAt = Date.now()
  await new Promise<void>((ok, fail) => {
    const timer = setInterval(() => {
      if (output.includes('all ready in')) {
        clearInterval(timer)
        ok()
      } else if (child.exitCode !== null || Date.now() - startedAt > 480_000) {
        clearInterval(timer)
        fail(new Error(`the embedded run did not become ready:\n${output.slice(-3000)}`))
      }
    }, 250)
  })
  t.comment(
    `embedded run with demo data ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
  )
  t.match(output, /demo data loaded/, 'the demo data loaded completely')
  const secrets = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as Record<
    string,
    string
  >
  const demoPassword = secrets.DEMO_PASSWORD!

  // -- the browser -----------------------------------------------------------------------------
  const browser = await pw.launch({
    executablePath: chromium,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  t.teardown(() => browser.close())

  let shot = 0
  async function screenshot(page: Page, name: string) {
    shot += 1
    await page.screenshot({
      path: join(artifacts, `${String(shot).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    })
  }

  async function newPage() {
    const context = await browser.newContext({
      baseURL: base,
      acceptDownloads: true,
      locale: 'zh-CN',
    })
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    return page
  }

  /** Signs in; the token endpoint allows 30 sign-ins a minute per address, so a 429 waits and retries. */
  async function signIn(page: Page, username: string, password = demoPassword) {
    for (let attempt = 0; ; attempt++) {
      await page.goto('/#/login')
      await page.getByLabel('用户名').fill(username)
      await page.getByLabel('密码').fill(password)
      await page.getByRole('button', { name: '登录' }).click()
      const alert = page.getByRole('alert')
      await Promise.race([
        page.waitForURL((url) => !url.hash.startsWith('#/login')),
        alert.waitFor(),
      ])
      if (!page.url().includes('#/login')) return
      const text = (await alert.textContent()) ?? ''
      if (attempt >= 6 || !/429|rate|too many/i.test(text))
        throw new Error(`sign-in of ${username} failed: ${text}`)
      await page.waitForTimeout(15_000)
    }
  }

  /** Reloads a view until `text` appears (events take a moment to travel). */
  async function until(page: Page, text: string | RegExp, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if ((await page.getByText(text).count()) > 0) return
      if (Date.now() > deadline) throw new Error(`"${text}" did not appear on ${page.url()}`)
      await page.waitForTimeout(500)
      await page.reload()
      await page.waitForLoadState('networkidle')
    }
  }

  const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  function nationalId() {
    const seq = String(100 + Math.floor(Math.random() * 899))
    const first17 = `410102${1995 + Math.floor(Math.random() * 10)}0${1 + Math.floor(Math.random() * 9)}1${Math.floor(Math.random() * 9)}${seq}`
    let sum = 0
    for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!
    return `${first17}${'10X98765432'[sum % 11]}`
  }

  // -- the learner's journey -------------------------------------------------------------------
  await t.test(
    "a learner's journey: sign up, claim, outcome, rule application, approval, credential, verification",
    async (t) => {
      const username = `e2e.${Date.now().toString(36)}`
      const name = '测试学员'
      const id = nationalId()

      const learner = await newPage()
      await learner.goto('/')
      await screenshot(learner, 'home')
      await learner.goto('/#/signup')
      await learner.getByLabel('用户名').fill(username)
      await learner.getByLabel('姓名（显示名）').fill(name)
      await learner.getByLabel('密码').fill('e2e-password-123')
      await screenshot(learner, 'signup')
      await learner.getByRole('button', { name: '注册' }).click()
      await learner.waitForURL(/#\/learner\/claim/)
      await learner.getByLabel('身份证号').fill(id)
      await learner.getByLabel('姓名').fill(name)
      await screenshot(learner, 'learner-claim')
      await learner.getByRole('button', { name: '认领' }).click()
      await learner.waitForURL(/#\/learner$/)
      await learner.getByRole('heading', { name: '我的学习账户' }).waitFor()
      await learner
        .locator('dd.mono', { hasText: /^CB\d+/ })
        .first()
        .waitFor()
      t.pass('the claimed account shows its account number')
      await screenshot(learner, 'learner-account-new')

      // The school's registrar enrolls the learner and posts a provincial competition award.
      const registrar = await newPage()
      await signIn(registrar, 'registrar.zzrvc')
      await registrar.goto('/#/registrar')
      await registrar.getByLabel('身份证号').fill(id)
      await registrar.getByLabel('姓名').fill(name)
      await registrar.getByLabel('学习者类别').selectOption('veteran')
      await registrar.getByLabel('专业代码').fill('P-RAIL')
      await registrar.getByLabel('专业名称').fill('铁道机车运用与维护')
      await registrar.getByRole('button', { name: '提交' }).click()
      const learnerId = (await registrar.getByTestId('learner-id').textContent())?.trim() ?? ''
      t.match(learnerId, /^[0-9a-f-]{36}$/, 'the registrar found the same account')
      await screenshot(registrar, 'registrar-enroll')
      await registrar.goto('/#/registrar/outcome')
      await registrar.getByLabel('学习者编号').fill(learnerId)
      await registrar.getByLabel('类别', { exact: true }).selectOption('competition')
      await registrar.getByLabel(/^名称/).fill('河南省职业院校技能大赛 电力机车检修 二等奖')
      await registrar.getByLabel(/^等级/).fill('provincial')
      await registrar.getByRole('button', { name: '录入' }).click()
      await registrar.getByTestId('entry-id').waitFor()
      await screenshot(registrar, 'registrar-outcome')

      // The posted outcome appears in the learner's statement.
      await learner.goto('/#/learner')
      await until(learner, '河南省职业院校技能大赛 电力机车检修 二等奖')
      await screenshot(learner, 'learner-account-outcome')

      // The school's rule opens an application.
      await learner.goto('/#/learner/applications')
      await until(learner, /铁道机车专业技能实训/)
      await screenshot(learner, 'learner-applications')
      const href = await learner
        .getByRole('link', { name: /铁道机车专业技能实训/ })
        .getAttribute('href')
      const applicationId = href?.split('/').pop() ?? ''
      t.match(applicationId, /^[0-9a-f-]{36}$/, 'the rule opened an application')
      await learner.goto(`/#/learner/applications/${applicationId}`)
      await learner.getByText('ZZRVC-COMP-2025 v1').first().waitFor()
      await screenshot(learner, 'learner-application-detail')

      // A reviewer in a second browser context decides it from the queue.
      const reviewer = await newPage()
      await signIn(reviewer, 'reviewer.zzrvc')
      await reviewer.goto('/#/reviewer')
      await reviewer.getByRole('heading', { name: /待我审核/ }).waitFor()
      await reviewer.getByRole('table').waitFor()
      await screenshot(reviewer, 'reviewer-queue')
      await reviewer.goto(`/#/reviewer/applications/${applicationId}`)
      await reviewer.getByLabel('同意认定').check()
      await reviewer.getByLabel(/^理由/).fill('获奖证书已核验，同意替代实训课程。')
      await screenshot(reviewer, 'reviewer-decide')
      await reviewer.getByRole('button', { name: '提交审核意见' }).click()
      await reviewer.locator('h1 .status.approved').waitFor()
      await screenshot(reviewer, 'reviewer-decided')

      // The learner sees the decision with its reason, and the recognized credits.
      await learner.goto(`/#/learner/applications/${applicationId}`)
      await until(learner, '获奖证书已核验，同意替代实训课程。')
      t.ok(
        await learner.locator('h1 .status.approved').isVisible(),
        'approved, with the reason in the trail',
      )
      await learner.goto('/#/learner')
      await until(learner, '认定学分')
      await learner.getByLabel('类别筛选').selectOption('recognized')
      await learner.getByRole('link', { name: '凭证', exact: true }).first().waitFor()
      await screenshot(learner, 'learner-recognized')
      await learner.getByRole('link', { name: '凭证', exact: true }).first().click()
      await learner.getByRole('button', { name: '下载凭证（JSON）' }).waitFor()
      const [download] = await Promise.all([
        learner.waitForEvent('download'),
        learner.getByRole('button', { name: '下载凭证（JSON）' }).click(),
      ])
      const file = join(dataDir, 'credential.json')
      await download.saveAs(file)
      t.match(
        readFileSync(file, 'utf8'),
        /AchievementCredential|VerifiableCredential/,
        'a verifiable credential was downloaded',
      )
      await learner.getByRole('button', { name: '生成二维码' }).click()
      await learner.getByRole('img', { name: '分享链接二维码' }).waitFor()
      await screenshot(learner, 'learner-credential-qr')

      // Anyone verifies the downloaded file on the public page.
      const visitor = await newPage()
      await visitor.goto('/#/verify-credential')
      await visitor.getByLabel('凭证文件').setInputFiles(file)
      await visitor.getByText('验证通过').waitFor()
      await screenshot(visitor, 'public-verify-credential')

      // The rest of the learner's pages, for the record.
      for (const [path, heading, shotName] of [
        ['/#/learner/timeline', '终身学习时间轴', 'learner-timeline'],
        ['/#/learner/simulate', /学分模拟/, 'learner-simulate'],
        ['/#/learner/shares', '分享我的学习档案', 'learner-shares'],
      ] as const) {
        await learner.goto(path)
        await learner.getByRole('heading', { name: heading }).waitFor()
        await screenshot(learner, shotName)
      }
      await learner.context().close()
      await reviewer.context().close()
      await visitor.context().close()
      await registrar.context().close()
    },
  )

  // -- the registrar's CSV upload with bad rows ------------------------------------------------
  await t.test("a registrar's CSV upload: every bad row explained, nothing written", async (t) => {
    const registrar = await newPage()
    await signIn(registrar, 'registrar.zzrvc')
    // A learner of this school, from its enrollment page.
    await registrar.goto('/#/registrar')
    await registrar.getByLabel('身份证号').fill(nationalId())
    await registrar.getByLabel('姓名').fill('批量学员')
    await registrar.getByRole('button', { name: '提交' }).click()
    const learnerId = (await registrar.getByTestId('learner-id').textContent())?.trim() ?? ''
    const csv = [
      'learnerId,kind,title,code,credits,hours,gradeScore,gradeScale,occurredOn,externalRef',
      `${learnerId},course,机械制图,RL1101,3,48,88,100,2025-06-30,E2E-OK-1`,
      `${learnerId},course,电工电子技术,RL1102,abc,64,90,100,2025-06-30,E2E-BAD-1`,
      `${learnerId},course,,RL1201,2,32,75,100,2025-06-30,E2E-BAD-2`,
      `${learnerId},course,铁道概论,RL1201,2,32,75,100,2099-01-01,E2E-BAD-3`,
    ].join('\n')
    await registrar.goto('/#/registrar/batch')
    await registrar.getByLabel('或直接粘贴CSV内容').fill(csv)
    await registrar.getByRole('button', { name: '上传并校验' }).click()
    const table = registrar.locator('table.bad-rows')
    await table.waitFor()
    await screenshot(registrar, 'registrar-csv-bad-rows')
    const lines = await table
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-line'))))
    t.same(lines, [3, 4, 5], 'each bad row is named by its line in the file')
    t.ok(await registrar.getByText('未写入任何记录').isVisible(), 'nothing was written')
    // The good row alone goes through.
    await registrar.getByLabel('或直接粘贴CSV内容').fill(csv.split('\n').slice(0, 2).join('\n'))
    await registrar.getByRole('button', { name: '上传并校验' }).click()
    await registrar.getByText('导入成功').waitFor()
    await screenshot(registrar, 'registrar-csv-ok')
    await registrar.goto('/#/registrar/reverse')
    await registrar.getByRole('heading', { name: '冲正一条记录' }).waitFor()
    await screenshot(registrar, 'registrar-reverse')
    await registrar.context().close()
  })

  // -- every other page renders ----------------------------------------------------------------
  await t.test('issuer, reviewer, admin and public pages render', async (t) => {
    const pages: [string, string, string, string | RegExp][] = [
      ['issuer.miit', '/#/issuer', 'issuer-issue', '颁发1+X职业技能等级证书'],
      ['issuer.miit', '/#/issuer/batch', 'issuer-batch', '批量颁发'],
      ['issuer.miit', '/#/issuer/revoke', 'issuer-revoke', '撤销证书'],
      ['reviewer.hnvc', '/#/reviewer/rules', 'reviewer-rules', '互认标准（转换规则）'],
      ['reviewer.hnvc', '/#/reviewer/rules/HN-X-WEB-C201', 'reviewer-rule', /HN-X-WEB-C201/],
      ['reviewer.hnvc', '/#/reviewer/simulate', 'reviewer-simulate', '规则模拟'],
    ]
    let who = ''
    let page = await newPage()
    for (const [user, path, name, heading] of pages) {
      if (user !== who) {
        await page.context().close()
        page = await newPage()
        await signIn(page, user)
        who = user
      }
      await page.goto(path)
      await page.getByRole('heading', { name: heading }).first().waitFor()
      await screenshot(page, name)
    }
    await page.context().close()
    const admin = await newPage()
    await signIn(admin, 'admin', secrets.BOOTSTRAP_ADMIN_PASSWORD!)
    for (const [path, name, heading] of [
      ['/#/admin', 'admin-organizations', '登记机构'],
      ['/#/admin/users', 'admin-users', '新建机构用户'],
      ['/#/admin/clients', 'admin-clients', /系统创建客户端/],
      ['/#/admin/events', 'admin-event-flow', /事件流健康/],
    ] as const) {
      await admin.goto(path)
      await admin.getByRole('heading', { name: heading }).waitFor()
      await screenshot(admin, name)
    }
    await admin.getByRole('rowheader', { name: 'portfolio' }).waitFor()
    t.ok(await admin.getByText('正常').first().isVisible(), 'the event flow shows the services up')
    const visitor = await newPage()
    await visitor.goto('/#/verify')
    await visitor.getByLabel('证书编号').fill('X-0000')
    await visitor.getByLabel('持证人姓名').fill('无此人')
    await visitor.getByRole('button', { name: '查验' }).click()
    await visitor.getByText('未找到').waitFor()
    await screenshot(visitor, 'public-verify-certificate')
    await visitor.getByRole('button', { name: 'English' }).click()
    await visitor.getByRole('heading', { name: 'Verify a 1+X certificate' }).waitFor()
    await screenshot(visitor, 'public-verify-certificate-en')
    t.pass('pages rendered')
  })
}
