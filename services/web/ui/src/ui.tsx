import type { ComponentChildren } from 'preact'
import { useEffect, useId, useState } from 'preact/hooks'
import { ApiError, type Problem } from './api'
import { currentLang, t } from './i18n'

/** A labelled form control; its error (if any) is announced and tied to it. */
export function Field(props: {
  label: string
  name: string
  value: string
  onInput: (v: string) => void
  type?: string
  required?: boolean
  placeholder?: string
  hint?: string
  error?: string | undefined
  autoComplete?: string
  pattern?: string
}) {
  const id = useId()
  const hintId = `${id}-hint`
  const errId = `${id}-err`
  const described =
    [props.hint ? hintId : '', props.error ? errId : ''].filter(Boolean).join(' ') || undefined
  return (
    <div class="field">
      <label for={id}>
        {props.label}
        {props.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      <input
        id={id}
        name={props.name}
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        required={props.required}
        placeholder={props.placeholder}
        autoComplete={props.autoComplete}
        pattern={props.pattern}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={described}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
      {props.hint ? (
        <small id={hintId} class="hint">
          {props.hint}
        </small>
      ) : null}
      {props.error ? (
        <small id={errId} class="error-text">
          {props.error}
        </small>
      ) : null}
    </div>
  )
}

export function Select(props: {
  label: string
  name: string
  value: string
  onInput: (v: string) => void
  options: [string, string][]
  required?: boolean
  error?: string | undefined
}) {
  const id = useId()
  return (
    <div class="field">
      <label for={id}>
        {props.label}
        {props.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      <select
        id={id}
        name={props.name}
        value={props.value}
        required={props.required}
        aria-invalid={props.error ? 'true' : undefined}
        onInput={(e) => props.onInput((e.target as HTMLSelectElement).value)}
      >
        {props.options.map(([v, l]) => (
          <option value={v} key={v}>
            {l}
          </option>
        ))}
      </select>
      {props.error ? <small class="error-text">{props.error}</small> : null}
    </div>
  )
}

export function TextArea(props: {
  label: string
  name: string
  value: string
  onInput: (v: string) => void
  rows?: number
  required?: boolean
  hint?: string
  mono?: boolean
  error?: string | undefined
}) {
  const id = useId()
  const described =
    [props.hint ? `${id}-hint` : '', props.error ? `${id}-err` : ''].filter(Boolean).join(' ') ||
    undefined
  return (
    <div class="field">
      <label for={id}>
        {props.label}
        {props.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      <textarea
        id={id}
        name={props.name}
        rows={props.rows ?? 4}
        required={props.required}
        class={props.mono ? 'mono' : undefined}
        value={props.value}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={described}
        onInput={(e) => props.onInput((e.target as HTMLTextAreaElement).value)}
      />
      {props.hint ? (
        <small id={`${id}-hint`} class="hint">
          {props.hint}
        </small>
      ) : null}
      {props.error ? (
        <small id={`${id}-err`} class="error-text">
          {props.error}
        </small>
      ) : null}
    </div>
  )
}

/** A field's name in the person's language, from the last named segment of its JSON pointer. */
const fieldNames: Record<string, [string, string]> = {
  nationalId: ['身份证号', 'National id'],
  name: ['姓名', 'Name'],
  displayName: ['姓名', 'Name'],
  username: ['用户名', 'Username'],
  password: ['密码', 'Password'],
  newPassword: ['新密码', 'New password'],
  birthDate: ['出生日期', 'Birth date'],
  title: ['名称', 'Title'],
  code: ['代码', 'Code'],
  credits: ['学分', 'Credits'],
  hours: ['学时', 'Hours'],
  occurredOn: ['日期', 'Date'],
  issuedOn: ['发证日期', 'Issue date'],
  kind: ['类别', 'Kind'],
  level: ['等级', 'Level'],
  statement: ['申请说明', 'Statement'],
  reason: ['理由', 'Reason'],
  studentNo: ['学号', 'Student number'],
  programCode: ['专业代码', 'Program code'],
  programName: ['专业名称', 'Program name'],
  totalCredits: ['总学分', 'Total credits'],
  creditsByType: ['各类课程学分', 'Credits by course type'],
  courses: ['课程', 'Courses'],
  courseCode: ['课程代码', 'Course code'],
  pricePerCredit: ['每学分价格', 'Price per credit'],
  recognizedShare: ['收费比例', 'Share'],
  maxCreditsPerTerm: ['每学期上限', 'Term cap'],
  maxCreditsPerYear: ['每年上限', 'Yearly cap'],
  certificateNo: ['证书编号', 'Certificate number'],
  number: ['编号', 'Number'],
  expiresAt: ['有效期', 'Expiry'],
  gradeScore: ['成绩', 'Grade'],
  file: ['文件', 'File'],
}

/** "姓名", "第 3 项 学分", … for a field error's path; `labels` (the form's own) come first. */
export function fieldLabel(path: string, labels: Record<string, string> = {}): string {
  const parts = path.replace(/^\w+:/, '').split('/').filter(Boolean)
  const last = [...parts].reverse().find((p) => !/^\d+$/.test(p)) ?? ''
  const name = labels[last] ?? (fieldNames[last] ? t(...fieldNames[last]) : last)
  const index = parts.find((p) => /^\d+$/.test(p))
  return index === undefined
    ? name
    : `${t(`第 ${Number(index) + 1} 项`, `item ${Number(index) + 1}`)} ${name}`
}

const HAN = /[\u4e00-\u9fff]/

/**
 * A field error's message as the service gave it in the page's language (the services word each
 * field code in Chinese for a Chinese page), or a plain word when it has no Chinese words.
 */
export function fieldText(message: string) {
  return currentLang() === 'en' || HAN.test(message) ? message : '不正确'
}

/** What went wrong when there is no answer from the server at all, or an answer without a title. */
function fallbackTitle(p: Problem) {
  if (p.status === 0)
    return t(
      '无法连接服务器，请检查网络后重试',
      'The server cannot be reached; check the connection and try again',
    )
  if (p.status === 429) return t('操作过于频繁，请稍后再试', 'Too many requests; try again shortly')
  if (p.status >= 500)
    return t('服务暂时不可用，请稍后再试', 'The service is unavailable; try again shortly')
  if (p.status === 404) return t('未找到', 'Not found')
  if (p.status === 403) return t('你没有权限这样做', 'You may not do this')
  if (p.status === 401) return t('请重新登录', 'Please sign in again')
  return t('提交的内容有误', 'The request is not valid')
}

/**
 * An error answer in the person's language: the title the service gave in that language (the
 * pages ask for it with Accept-Language), each field it named with the field's label, and the
 * English detail only on English pages. The code is shown small, for support.
 */
export function ProblemBox({ error, labels }: { error: unknown; labels?: Record<string, string> }) {
  if (!error) return null
  const p: Problem = error instanceof ApiError ? error.problem : { status: 0 }
  const lang = currentLang()
  const title = p.title && (lang === 'en' || HAN.test(p.title)) ? p.title : fallbackTitle(p)
  return (
    <div class="problem" role="alert">
      <strong>{title}</strong>
      {p.detail && lang === 'en' && !p.errors?.length ? <p>{p.detail}</p> : null}
      {p.errors?.length ? (
        <ul>
          {p.errors.map((e) => (
            <li key={e.path + e.message}>
              {fieldLabel(e.path, labels)}
              {t('：', ': ')}
              {lang === 'en' || /[\u4e00-\u9fff]/.test(e.message)
                ? e.message
                : t('不正确', 'is not valid')}
            </li>
          ))}
        </ul>
      ) : null}
      {p.code ? (
        <small class="code">
          {t('错误代码', 'Error code')} {p.code}
        </small>
      ) : null}
    </div>
  )
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <div class="notice" role="status">
      {children}
    </div>
  )
}

/** Loads data for a view; `reload` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({
    loading: true,
  })
  const [tick, setTick] = useState(0)
  useEffect(() => {
    let live = true
    setState((s) => ({ ...s, loading: true }))
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    )
    return () => {
      live = false
    }
  }, [...deps, tick])
  return { ...state, reload: () => setTick((n) => n + 1) }
}

/** A form whose submit runs an async action, shows its error, and blocks double submits. */
export function Form(props: {
  onSubmit: () => Promise<void>
  submit: string
  children: ComponentChildren
  label?: string
  class?: string
}) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [labels, setLabels] = useState<Record<string, string>>({})
  const submit = async (e: Event) => {
    e.preventDefault()
    if (busy) return
    const form = e.currentTarget as HTMLFormElement
    setBusy(true)
    setError(null)
    for (const el of form.querySelectorAll('[data-server-invalid]')) {
      el.removeAttribute('aria-invalid')
      el.removeAttribute('data-server-invalid')
    }
    try {
      await props.onSubmit()
    } catch (err) {
      setLabels(markInvalid(form, err))
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form onSubmit={submit} aria-label={props.label} class={props.class} noValidate>
      {props.children}
      <ProblemBox error={error} labels={labels} />
      <button type="submit" disabled={busy} aria-busy={busy ? 'true' : undefined}>
        {busy ? t('请稍候…', 'Please wait…') : props.submit}
      </button>
    </form>
  )
}

/**
 * Marks the controls a problem's field errors name (by their `name`), moves focus to the first,
 * and returns their visible labels so the error list uses the words on the page.
 */
function markInvalid(form: HTMLFormElement, err: unknown): Record<string, string> {
  const labels: Record<string, string> = {}
  if (!(err instanceof ApiError)) return labels
  let first: HTMLElement | null = null
  for (const e of err.problem.errors ?? []) {
    const name = e.path
      .split('/')
      .filter((p) => p && !/^\d+$/.test(p))
      .pop()
    if (!name) continue
    const el = form.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`)
    if (!el) continue
    el.setAttribute('aria-invalid', 'true')
    el.setAttribute('data-server-invalid', '')
    first ??= el
    const label = el.id ? form.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null
    if (label?.textContent) labels[name] = label.textContent.replace(/\s*\*\s*$/, '').trim()
  }
  first?.focus()
  return labels
}

export function Loading({ state }: { state: { loading: boolean; error?: unknown } }) {
  if (state.error) return <ProblemBox error={state.error} />
  if (state.loading) return <p aria-live="polite">{t('加载中…', 'Loading…')}</p>
  return null
}

export function Section({
  title,
  children,
  id,
}: {
  title: string
  children: ComponentChildren
  id?: string
}) {
  return (
    <section aria-labelledby={id ? `${id}-h` : undefined} class="card">
      <h2 id={id ? `${id}-h` : undefined}>{title}</h2>
      {children}
    </section>
  )
}

export const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)

/**
 * A date as it is; an instant as the time in China, the system's one clock, in the page's language
 * — whatever zone the browser is in, so a posting time never reads as the day before its date.
 */
export function fmtDate(iso: string | null | undefined) {
  if (!iso) return ''
  if (iso.length <= 10) return iso
  return new Intl.DateTimeFormat(t('zh-CN', 'en-GB'), {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(new Date(iso))
}

export function errorsByPath(err: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (err instanceof ApiError)
    for (const e of err.problem.errors ?? []) out[e.path.replace(/^\//, '')] = fieldText(e.message)
  return out
}

/** A form's fields bound by name: `<Field label=… {...bind('code')} />` gives name, value, input and error. */
export function binder<F extends { [K in keyof F]: string }>(
  f: F,
  setF: (f: F) => void,
  errors: Record<string, string | undefined> = {},
) {
  return (name: keyof F & string) => ({
    name,
    value: f[name] as string,
    onInput: (v: string) => setF({ ...f, [name]: v }),
    error: errors[name],
  })
}

/** The sections of a page as tabs (links, so each has its address and the back button works). */
export function Tabs({
  base,
  items,
  current,
}: {
  base: string
  items: [string, string, string][]
  current: string
}) {
  return (
    <nav class="tabs" aria-label={t('本区导航', 'Section')}>
      <ul>
        {items.map(([path, zh, en]) => (
          <li key={path}>
            <a
              href={`#/${base}${path ? `/${path}` : ''}`}
              aria-current={current === path ? 'page' : undefined}
            >
              {t(zh, en)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}

/** A tab of a page: its path under the page, its name in Chinese and English, and its view. */
export type Tab = [path: string, zh: string, en: string, view: (arg?: string) => ComponentChildren]

/**
 * A page of tabs (`#/<base>/<tab>/<arg>`): the tabs, then the chosen tab's view. `home` is the tab
 * of the page's bare address; `more` are views without a tab of their own, shown under a tab's
 * name (an application opened from a queue).
 */
export function TabbedPage(props: {
  base: string
  path: string[]
  tabs: Tab[]
  home?: string
  more?: Record<string, [tab: string, view: (arg?: string) => ComponentChildren]>
}) {
  const [sub = props.home ?? '', arg] = props.path
  const extra = props.more?.[sub]
  const tab = props.tabs.find(([p]) => p === sub)
  return (
    <div>
      <Tabs
        base={props.base}
        items={props.tabs.map(([p, zh, en]) => [p, zh, en])}
        current={extra ? extra[0] : sub}
      />
      {extra ? extra[1](arg) : tab ? tab[3](arg) : null}
    </div>
  )
}

/** One column of a CardTable: its heading (also the cell's label on a phone) and its cell. */
export interface Column<T> {
  label: string
  cell: (row: T) => ComponentChildren
  class?: string | ((row: T) => string | undefined)
}

/**
 * A table that becomes one card per row under 640 px: each cell carries its column's label
 * (`data-label`), the header row stays for screen readers. `actions` adds a last column of
 * buttons, headed for screen readers only.
 */
export function CardTable<T>(props: {
  caption: string
  showCaption?: boolean
  rows: T[]
  columns: (Column<T> | false | null | undefined)[]
  rowKey: (row: T) => string
  rowProps?: (row: T) => Record<string, string | undefined>
  actions?: (row: T) => ComponentChildren
  class?: string
  busy?: boolean
  scroll?: boolean
}) {
  const columns = props.columns.filter((c): c is Column<T> => !!c)
  const table = (
    <table
      class={props.class ? `cards ${props.class}` : 'cards'}
      aria-busy={props.busy ? 'true' : undefined}
    >
      <caption class={props.showCaption ? undefined : 'sr-only'}>{props.caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" key={c.label}>
              {c.label}
            </th>
          ))}
          {props.actions ? (
            <th scope="col">
              <span class="sr-only">{t('操作', 'Actions')}</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr key={props.rowKey(r)} {...props.rowProps?.(r)}>
            {columns.map((c) => (
              <td
                data-label={c.label}
                class={typeof c.class === 'function' ? c.class(r) : c.class}
                key={c.label}
              >
                {c.cell(r)}
              </td>
            ))}
            {props.actions ? <td class="row-actions">{props.actions(r)}</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  )
  return props.scroll === false ? table : <div class="scroll">{table}</div>
}
