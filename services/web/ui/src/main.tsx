import { render } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import './styles.css'
import { auth } from './api'
import { currentLang, onLang, setLang, t, w } from './i18n'
import { LearnerPage, onUnread, unreadCount } from './pages/learner'
import { Home, SignIn, SignUp } from './pages/public'
import { RecordCheck, SharedRecord, VerifyCertificate, VerifyCredential } from './pages/verify'

type RolePage = (props: { path: string[] }) => preact.JSX.Element

/**
 * The staff's pages load when first opened, in their own files: a learner on a phone downloads
 * only the learner's and the public's pages (issue 14: the learner's home within 200 KB).
 */
function lazyPage(load: () => Promise<RolePage>): RolePage {
  let loaded: RolePage | null = null
  let loading: Promise<RolePage> | null = null
  return function Lazy(props) {
    const [, rerender] = useState(0)
    const [error, setError] = useState<unknown>(null)
    useEffect(() => {
      if (loaded) return
      loading ??= load()
      let live = true
      loading.then(
        (page) => {
          loaded = page
          if (live) rerender((n) => n + 1)
        },
        (err) => {
          loading = null
          if (live) setError(err)
        },
      )
      return () => {
        live = false
      }
    }, [])
    if (loaded) {
      const Page = loaded
      return <Page {...props} />
    }
    return error ? (
      <p role="alert">
        {t('页面加载失败，请刷新重试。', 'The page could not be loaded; reload to try again.')}
      </p>
    ) : (
      <p aria-live="polite">{t('加载中…', 'Loading…')}</p>
    )
  }
}

const AdminPage = lazyPage(() => import('./pages/admin').then((m) => m.AdminPage))
const IssuerPage = lazyPage(() => import('./pages/issuer').then((m) => m.IssuerPage))
const RegistrarPage = lazyPage(() => import('./pages/registrar').then((m) => m.RegistrarPage))
const ReviewerPage = lazyPage(() => import('./pages/reviewer').then((m) => m.ReviewerPage))

/** Hash routes (`#/learner/applications/…`): the gateway serves one page for all of them. */
function useRoute() {
  const read = () => (location.hash.replace(/^#/, '') || '/').split('/').filter(Boolean)
  const [parts, setParts] = useState(read())
  useEffect(() => {
    const f = () => setParts(read())
    window.addEventListener('hashchange', f)
    return () => window.removeEventListener('hashchange', f)
  }, [])
  return parts
}

function useRerender(subscribe: (f: () => void) => () => void) {
  const [, set] = useState(0)
  useEffect(() => subscribe(() => set((n) => n + 1)), [])
}

const roleHome: [string, string][] = [
  ['learner', '#/learner'],
  ['registrar', '#/registrar'],
  ['issuer', '#/issuer'],
  ['reviewer', '#/reviewer'],
  ['admin', '#/admin'],
]

function Header() {
  const s = auth.current
  // On a phone the links and the session sit behind one menu button, so the header is one line.
  const [open, setOpen] = useState(false)
  useEffect(() => {
    const close = () => setOpen(false)
    const onEscape = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false)
    window.addEventListener('hashchange', close)
    window.addEventListener('keydown', onEscape)
    return () => {
      window.removeEventListener('hashchange', close)
      window.removeEventListener('keydown', onEscape)
    }
  }, [])
  return (
    <header class={open ? 'top menu-open' : 'top'}>
      {/* A button, not a #main link: the hash is the page's route. */}
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        {t('跳到正文', 'Skip to content')}
      </button>
      <a class="brand" href="#/">
        {t('学分银行', 'Credit Bank')}{' '}
        <small>{t('终身学习账户', 'Lifelong learning account')}</small>
      </a>
      {s?.claims.learner ? (
        <UnreadMark learnerId={s.claims.learner} listenOnly class="phone-only" />
      ) : null}
      <button
        type="button"
        class="menu-toggle"
        aria-expanded={open ? 'true' : 'false'}
        aria-controls="top-menu"
        onClick={() => setOpen(!open)}
      >
        {t('菜单', 'Menu')}
      </button>
      <div id="top-menu" class="menu">
        <nav aria-label={t('主导航', 'Main')}>
          <ul>
            {roleHome
              .filter(([role]) => (role === 'admin' ? auth.administers() : auth.has(role)))
              .map(([role, href]) => (
                <li key={role}>
                  <a href={href}>
                    {role === 'admin' && !auth.has('admin')
                      ? t('机构管理', 'Organization admin')
                      : w(role)}
                  </a>
                </li>
              ))}
            <li>
              <a href="#/verify">{t('证书查验', 'Verify a certificate')}</a>
            </li>
            <li>
              <a href="#/verify-credential">{t('凭证验证', 'Verify a credential')}</a>
            </li>
          </ul>
        </nav>
        <div class="session">
          <button
            type="button"
            class="link"
            lang={currentLang() === 'zh' ? 'en' : 'zh-CN'}
            onClick={() => setLang(currentLang() === 'zh' ? 'en' : 'zh')}
          >
            {currentLang() === 'zh' ? 'English' : '中文'}
          </button>
          {s?.claims.learner ? <UnreadMark learnerId={s.claims.learner} /> : null}
          {s ? (
            <>
              <span class="who">{s.username}</span>
              <button
                type="button"
                class="link"
                onClick={() => {
                  auth.signOut()
                  location.hash = '#/'
                }}
              >
                {t('退出', 'Sign out')}
              </button>
            </>
          ) : (
            <a href="#/login">{t('登录', 'Sign in')}</a>
          )}
        </div>
      </div>
    </header>
  )
}

/** The learner's unread messages, read again on every page change. */
function UnreadMark({
  learnerId,
  listenOnly,
  class: className,
}: {
  learnerId: string
  /** A second mark (the phone's, beside the menu button) shows what the first one read. */
  listenOnly?: boolean
  class?: string
}) {
  const [unread, setUnread] = useState(0)
  useEffect(() => onUnread(setUnread), [])
  useEffect(() => {
    if (listenOnly) return
    const read = () => void unreadCount(learnerId).catch(() => {})
    read()
    window.addEventListener('hashchange', read)
    return () => window.removeEventListener('hashchange', read)
  }, [learnerId, listenOnly])
  return (
    <a href="#/learner/notifications" class={`unread-mark ${className ?? ''}`}>
      {t('消息', 'Messages')}
      {unread ? (
        <span class="badge">
          {unread > 99 ? '99+' : unread}
          <span class="sr-only">{t('条未读', ' unread')}</span>
        </span>
      ) : null}
    </a>
  )
}

/**
 * The window's title names the page as its heading does (WCAG 2.4.2), in the page's language:
 * "我的学习账户 · 学分银行", not the route's word. Headings change as pages load and languages
 * switch, so the main area is watched.
 */
function usePageTitle() {
  useEffect(() => {
    const main = document.getElementById('main')
    if (!main) return
    const update = () => {
      const h = main.querySelector('h1')?.textContent?.trim()
      const brand = t('学分银行', 'Credit Bank')
      const title = h && h !== brand ? `${h} · ${brand}` : brand
      if (document.title !== title) document.title = title
    }
    update()
    const watch = new MutationObserver(update)
    watch.observe(main, { childList: true, subtree: true, characterData: true })
    return () => watch.disconnect()
  }, [])
}

/**
 * After a navigation (a sign-in lands on a new route too) focus moves to the new page's heading,
 * so a screen reader starts there. Pages load their data first, so the heading is waited for
 * (at most 3 s); focus the person has meanwhile put elsewhere is left alone.
 */
function useHeadingFocus(route: string) {
  const first = useRef(true)
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    const from = document.activeElement
    let tries = 0
    const timer = setInterval(() => {
      const h = document.querySelector<HTMLElement>('main h1')
      const now = document.activeElement
      const untouched = now === from || now === document.body || now === null
      if (h || !untouched || ++tries > 30) clearInterval(timer)
      if (h && untouched) {
        h.tabIndex = -1
        h.focus()
      }
    }, 100)
    return () => clearInterval(timer)
  }, [route])
}

function NeedRole({ need }: { need: string }) {
  return (
    <div class="card">
      <h1>{t('需要登录', 'Please sign in')}</h1>
      <p>{t(`此页面需要“${w(need)}”身份。`, `This page is for the ${w(need)} role.`)}</p>
      <a class="button" href={`#/login?next=${encodeURIComponent(location.hash)}`}>
        {t('登录', 'Sign in')}
      </a>
    </div>
  )
}

function App() {
  useRerender(auth.subscribe)
  useRerender(onLang)
  const parts = useRoute()
  useHeadingFocus(parts.join('/'))
  const [head, ...rest] = parts
  const area = (head ?? '').split('?')[0]
  usePageTitle()
  const guarded = (role: string, page: preact.JSX.Element) =>
    auth.has(role) ? page : <NeedRole need={role} />
  let page: preact.JSX.Element
  switch (area) {
    case 'login':
      page = <SignIn />
      break
    case 'signup':
      page = <SignUp />
      break
    case 'verify':
      page = <VerifyCertificate />
      break
    case 'verify-credential':
      page = <VerifyCredential />
      break
    case 'shared':
      page = <SharedRecord token={rest[0] ?? ''} />
      break
    case 'record':
      page = <RecordCheck code={rest[0] ?? ''} />
      break
    case 'learner':
      page =
        auth.current && !auth.has('learner') && !auth.current.claims.roles.length ? (
          <NeedRole need="learner" />
        ) : (
          guarded('learner', <LearnerPage path={rest} />)
        )
      break
    case 'registrar':
      page = guarded('registrar', <RegistrarPage path={rest} />)
      break
    case 'issuer':
      page = guarded('issuer', <IssuerPage path={rest} />)
      break
    case 'reviewer':
      page = guarded('reviewer', <ReviewerPage path={rest} />)
      break
    case 'admin':
      page = auth.administers() ? <AdminPage path={rest} /> : <NeedRole need="admin" />
      break
    default:
      page = <Home />
  }
  return (
    <>
      <Header />
      <main id="main" tabIndex={-1}>
        {page}
      </main>
      <footer>
        <p>
          {t(
            '依据豫政〔2021〕2号：个人学习账户、终身学习电子档案、1+X证书与学习成果互认。演示数据均为虚构。',
            'After Henan policy 豫政〔2021〕2号: personal learning accounts, lifelong e-archives, 1+X certificates and mutual recognition. Demo data is made up.',
          )}
        </p>
      </footer>
    </>
  )
}

document.documentElement.lang = currentLang() === 'zh' ? 'zh-CN' : 'en'
render(<App />, document.getElementById('app')!)
