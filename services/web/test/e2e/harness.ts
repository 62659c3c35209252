// The browser journeys' harness: one embedded run (PGlite, in-process bus, demo data) started as
// a child process on a temporary data dir, one headless Chromium, and the helpers every role's
// journeys use. Each role's journeys live in their own module beside this one (learner.ts, …) and
// are run in order by ../e2e.test.ts against this one server: seeding the demo data takes most of
// a minute, so it is done once.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Test } from 'tap'

export type Tap = Test
export type { Browser, BrowserContext, Page }

export const CHROMIUM = '/usr/bin/chromium'
const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '../../../..')
const artifacts = join(here, '../artifacts')

export interface Journey {
  /** Short name, used by E2E_ONLY=name,name to run a subset while working on a module. */
  name: string
  title: string
  run(t: Tap, e: E2E): Promise<void>
}

export interface PageOptions {
  /** 390×844 with touch, as most learners see the pages. */
  phone?: boolean
  lang?: 'zh' | 'en'
}

export interface E2E {
  base: string
  dataDir: string
  secrets: Record<string, string>
  demoPassword: string
  newPage(options?: PageOptions): Promise<Page>
  signIn(page: Page, username: string, password?: string): Promise<void>
  /** Reloads the page until `text` appears (events take a moment to travel). */
  until(page: Page, text: string | RegExp, timeoutMs?: number): Promise<void>
  screenshot(page: Page, name: string): Promise<void>
  /** True when the page is no wider than its viewport (nothing to scroll sideways on a phone). */
  fitsWidth(page: Page): Promise<boolean>
  /** A fresh, valid 18-digit 身份证号 (check digit per GB 11643). */
  nationalId(): string
  /**
   * A new learner through the Chinese pages: sign up, then claim the account for the 身份证号 and
   * name (opened by the claim when none exists); the page is left on the account.
   */
  signUpAndClaim(
    page: Page,
    who: { username: string; name: string; nationalId: string; password?: string },
  ): Promise<void>
}

// axe-core, run in the page through the DevTools protocol (the pages' CSP allows no inline script).
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)

/** WCAG 2.1 A and AA rules of axe-core: no violations on the page as it stands (1–3 s each). */
export async function accessible(t: Tap, page: Page, what: string) {
  await page.evaluate(axeSource)
  const found = await page.evaluate<{ id: string; nodes: string[] }[]>(`
    axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }).then((r) =>
      r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) })))`)
  t.same(found, [], `${what}: axe-core finds no violations`)
}

/**
 * Waits until an expression is true in the page. Asked through the DevTools protocol, as axe is:
 * Playwright's waitForFunction polls with eval, which the pages' CSP refuses.
 */
/** True once nothing on the page says it is still loading (the pages' <Loading> line). */
export const NOT_LOADING =
  "![...document.querySelectorAll('main [aria-live=polite]')].some((x) => /加载中|Loading/.test(x.textContent))"

export async function waitUntil(page: Page, expression: string, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${expression}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/**
 * axe-core on each of a role's pages, in Chinese and in English, as they stand when loaded (the
 * journeys check the states a person reaches: dialogs, problems, previews). A path may be a
 * function of the page, for addresses found on the way (an application's id).
 */
export async function axeSweep(
  t: Tap,
  e: E2E,
  user: string,
  paths: (string | ((page: Page) => Promise<string>))[],
  password?: string,
) {
  for (const lang of ['zh', 'en'] as const) {
    const page = await e.newPage({ lang })
    await e.signIn(page, user, password)
    for (const p of paths) {
      const path = typeof p === 'string' ? p : await p(page)
      await page.goto(path)
      await page.locator('main h1, main h2').first().waitFor()
      // Loaded: nothing says it is still loading.
      await waitUntil(page, NOT_LOADING)
      await accessible(t, page, `${path} in ${lang === 'zh' ? 'Chinese' : 'English'}`)
    }
    await page.context().close()
  }
}

export interface Embedded {
  base: string
  dataDir: string
  secrets: Record<string, string>
  /** Whether the demo data loaded completely. */
  loaded: boolean
  /** From the spawn to "all ready". */
  readyMs: number
  /** Stops the run and deletes its data. */
  stop(): void
  /** The last of what the run printed (its demo data's steps, warnings). */
  output(): string
}

/**
 * The one-process embedded run (`pnpm start`: PGlite, the in-process bus, demo data) on a fresh
 * data dir and a port of its own, as a child process. Shared with the browser bench
 * (bench/suites/pages.ts).
 */
export async function startEmbedded(): Promise<Embedded> {
  const dataDir = mkdtempSync(join(tmpdir(), 'creditbank-e2e-'))
  // 3400–3905: clear of the machine's own services (MariaDB 3306, …).
  const offset = 400 + Math.floor(Math.random() * 500)
  const base = `http://127.0.0.1:${3000 + offset}`

  const { DATABASE_URL: _d, KAFKA_BROKERS: _k, ...parentEnv } = process.env
  const child: ChildProcess = spawn(
    join(root, 'node_modules/.bin/tsx'),
    ['services/web/src/embedded.ts'],
    {
      cwd: root,
      env: {
        ...parentEnv,
        DATA_DIR: dataDir,
        PORT_OFFSET: String(offset),
        LOG_LEVEL: 'warn',
        // The demo's people and every journey sign in: a tenth of the cost of a hash (decision 0612).
        IDENTITY_PASSWORD_COST: '12',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  )
  let output = ''
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const stop = () => {
    if (child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM')
      } catch {}
    }
    rmSync(dataDir, { recursive: true, force: true })
  }

  const startedAt = Date.now()
  let loaded = false
  try {
    await new Promise<void>((ok, fail) => {
      const timer = setInterval(() => {
        if (output.includes('demo data loaded')) loaded = true
        if (output.includes('all ready in')) {
          clearInterval(timer)
          ok()
        } else if (child.exitCode !== null || Date.now() - startedAt > 480_000) {
          clearInterval(timer)
          fail(new Error(`the embedded run did not become ready:\n${output.slice(-3000)}`))
        }
      }, 250)
    })
  } catch (err) {
    stop()
    throw err
  }
  const secrets = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as Record<
    string,
    string
  >
  return {
    base,
    dataDir,
    secrets,
    loaded: loaded || output.includes('demo data loaded'),
    readyMs: Date.now() - startedAt,
    stop,
    output: () => output,
  }
}

/** Debian's Chromium, headless, driven by playwright-core (no browser is downloaded). */
export async function launchChromium(): Promise<Browser> {
  const { chromium: pw } = await import('playwright-core')
  return pw.launch({
    executablePath: CHROMIUM,
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
}

/** Starts the embedded run and the browser; both are stopped by `t`'s teardown. */
export async function start(t: Tap): Promise<E2E> {
  mkdirSync(artifacts, { recursive: true })
  const run = await startEmbedded()
  t.teardown(run.stop)
  const { base, dataDir, secrets } = run
  t.comment(`embedded run with demo data ready in ${(run.readyMs / 1000).toFixed(1)} s`)
  t.ok(run.loaded, 'the demo data loaded completely', {
    ...(run.loaded ? {} : { output: run.output().slice(-4000) }),
  })
  const demoPassword = secrets.DEMO_PASSWORD!

  const browser = await launchChromium()
  t.teardown(() => browser.close())

  let shot = 0
  const e2e: E2E = {
    base,
    dataDir,
    secrets,
    demoPassword,
    async newPage({ phone = false, lang = 'zh' } = {}) {
      const context = await browser.newContext({
        baseURL: base,
        acceptDownloads: true,
        locale: lang === 'zh' ? 'zh-CN' : 'en-US',
        ...(phone
          ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
          : { viewport: { width: 1280, height: 800 } }),
      })
      // The pages keep the chosen language in localStorage; a context starts with the one asked for.
      await context.addInitScript({
        content: `localStorage.getItem('creditbank.lang') || localStorage.setItem('creditbank.lang', '${lang}')`,
      })
      const page = await context.newPage()
      page.setDefaultTimeout(30_000)
      return page
    },
    async signIn(page, username, password = demoPassword) {
      // The token endpoint allows 30 sign-ins a minute per address: a 429 waits and retries.
      for (let attempt = 0; ; attempt++) {
        await page.goto('/#/login')
        await page
          .locator('input[autocomplete="username"], input[name="username"]')
          .first()
          .fill(username)
        await page.locator('input[type="password"]').first().fill(password)
        await page.locator('form button[type="submit"]').first().click()
        const alert = page.getByRole('alert')
        await Promise.race([
          page.waitForURL((url) => !url.hash.startsWith('#/login')),
          alert.waitFor(),
        ])
        if (!page.url().includes('#/login')) return
        const text = (await alert.textContent()) ?? ''
        if (attempt >= 6 || !/429|RATE_LIMITED|频繁|too many/i.test(text))
          throw new Error(`sign-in of ${username} failed: ${text}`)
        await page.waitForTimeout(15_000)
      }
    },
    async until(page, text, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        if ((await page.getByText(text).count()) > 0) return
        if (Date.now() > deadline) throw new Error(`"${text}" did not appear on ${page.url()}`)
        await page.waitForTimeout(500)
        await page.reload()
        await page.waitForLoadState('networkidle')
      }
    },
    async screenshot(page, name) {
      shot += 1
      // What a person sees once the page has loaded (a hash route loads after goto resolves).
      await waitUntil(page, NOT_LOADING)
      await page.screenshot({
        path: join(artifacts, `${String(shot).padStart(2, '0')}-${name}.png`),
        fullPage: true,
      })
    },
    async signUpAndClaim(page, who) {
      await page.goto('/#/signup')
      await page.getByLabel('用户名').fill(who.username)
      await page.getByLabel('姓名（显示名）').fill(who.name)
      await page.getByLabel('密码').fill(who.password ?? 'e2e-password-123')
      await page.getByRole('button', { name: '注册' }).click()
      await page.waitForURL(/#\/learner\/claim/)
      await page.getByLabel('身份证号').fill(who.nationalId)
      await page.getByLabel('姓名').fill(who.name)
      await page.getByRole('button', { name: '认领' }).click()
      await page.waitForURL(/#\/learner$/)
    },
    async fitsWidth(page) {
      return page.evaluate<boolean>(
        'document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1',
      )
    },
    nationalId,
  }
  return e2e
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
export function nationalId() {
  const seq = String(100 + Math.floor(Math.random() * 899))
  const first17 = `410102${1995 + Math.floor(Math.random() * 10)}0${1 + Math.floor(Math.random() * 9)}1${Math.floor(Math.random() * 9)}${seq}`
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!
  return `${first17}${'10X98765432'[sum % 11]}`
}
