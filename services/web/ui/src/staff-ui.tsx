// Pieces the staff pages share: a confirmation dialog for destructive actions and the button that
// opens it, buttons that show they are waiting, a copy button, filter forms, paged lists, chart
// panels and file downloads.
import type { ComponentChildren } from 'preact'
import { useEffect, useId, useRef, useState } from 'preact/hooks'
import { ApiError, auth, type Page, type Problem } from './api'
import { currentLang, t } from './i18n'
import './staff.css'
import { CardTable, Field, Loading, ProblemBox, Section } from './ui'

/**
 * A modal confirmation (the native <dialog>: focus stays inside, Esc cancels). The action runs
 * with the confirm button busy; its error shows in the dialog, which stays open to try again.
 */
/** A field as `binder` binds it. */
type Bound = {
  name: string
  value: string
  onInput: (v: string) => void
  error?: string | undefined
}

/** The 身份证号 and name an admin finds a person by: both required, never filled in by the browser. */
export function NationalIdAndName({ bind }: { bind: (name: 'nationalId' | 'name') => Bound }) {
  return (
    <>
      <Field
        label={t('身份证号', 'National id')}
        {...bind('nationalId')}
        required
        autoComplete="off"
      />
      <Field label={t('姓名', 'Name')} {...bind('name')} required autoComplete="off" />
    </>
  )
}

export function Confirm(props: {
  title: string
  children: ComponentChildren
  confirm: string
  onConfirm: () => Promise<void>
  onClose: () => void
  /** The confirm button stays disabled while this is false (e.g. a reason still to type). */
  ready?: boolean
  danger?: boolean
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const id = useId()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    const d = ref.current
    if (d && !d.open) d.showModal()
    return () => d?.open && d.close()
  }, [])
  const run = async (e: Event) => {
    e.preventDefault()
    if (busy || props.ready === false) return
    setBusy(true)
    setError(null)
    try {
      await props.onConfirm()
      props.onClose()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <dialog
      ref={ref}
      class="confirm"
      aria-labelledby={`${id}-h`}
      onCancel={(e) => {
        e.preventDefault()
        if (!busy) props.onClose()
      }}
    >
      <form method="dialog" onSubmit={run} noValidate>
        <h2 id={`${id}-h`}>{props.title}</h2>
        {props.children}
        <ProblemBox error={error} />
        <div class="actions">
          <button
            type="submit"
            class={props.danger === false ? undefined : 'danger'}
            disabled={busy || props.ready === false}
            aria-busy={busy ? 'true' : undefined}
          >
            {busy ? t('请稍候…', 'Please wait…') : props.confirm}
          </button>
          <button type="button" class="secondary" disabled={busy} onClick={props.onClose}>
            {t('取消', 'Cancel')}
          </button>
        </div>
      </form>
    </dialog>
  )
}

/** A button whose click waits for something: disabled and saying so until it is done. */
export function BusyButton(props: {
  onClick: () => Promise<void>
  children: ComponentChildren
  class?: string
  label?: string
  onError?: (err: unknown) => void
  disabled?: boolean
}) {
  const [busy, setBusy] = useState(false)
  return (
    <button
      type="button"
      class={props.class}
      aria-label={props.label}
      disabled={busy || props.disabled}
      aria-busy={busy ? 'true' : undefined}
      onClick={async () => {
        if (busy) return
        setBusy(true)
        try {
          await props.onClick()
        } catch (err) {
          props.onError?.(err)
        } finally {
          setBusy(false)
        }
      }}
    >
      {busy ? t('请稍候…', 'Please wait…') : props.children}
    </button>
  )
}

/** Copies a text (a temporary password, a client secret) and says so. */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const [copied, setCopied] = useState<boolean | null>(null)
  return (
    <>
      <button
        type="button"
        class="secondary"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(text)
            setCopied(true)
          } catch {
            // No clipboard (an insecure origin, a denied permission): the text stays on screen.
            setCopied(false)
          }
        }}
      >
        {label ?? t('复制', 'Copy')}
      </button>
      <span role="status" class="hint">
        {copied === true ? t(' 已复制', ' Copied') : null}
        {copied === false
          ? t(' 无法复制，请手动抄写', ' Could not copy; please write it down')
          : null}
      </span>
    </>
  )
}

/**
 * Cursor paging: the cursors of the pages before this one are kept, so "previous" goes back
 * without the API having to page backwards.
 */
export function usePager(deps: unknown[]) {
  const [stack, setStack] = useState<(string | null)[]>([null])
  // A new search starts at the first page.
  useEffect(() => setStack([null]), deps)
  return {
    cursor: stack[stack.length - 1] ?? null,
    page: stack.length,
    next: (c: string) => setStack([...stack, c]),
    prev: () => setStack(stack.length > 1 ? stack.slice(0, -1) : stack),
  }
}

export function Pager(props: {
  pager: ReturnType<typeof usePager>
  nextCursor: string | null | undefined
}) {
  const { pager, nextCursor } = props
  if (pager.page === 1 && !nextCursor) return null
  return (
    <nav class="pager actions" aria-label={t('翻页', 'Pages')}>
      <button type="button" class="secondary" disabled={pager.page === 1} onClick={pager.prev}>
        {t('上一页', 'Previous')}
      </button>
      <span>{t(`第 ${pager.page} 页`, `Page ${pager.page}`)}</span>
      <button
        type="button"
        class="secondary"
        disabled={!nextCursor}
        onClick={() => nextCursor && pager.next(nextCursor)}
      >
        {t('下一页', 'Next')}
      </button>
    </nav>
  )
}

export function download(name: string, blob: Blob) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** A cell Excel would run as a formula (CSV injection) is kept as text. */
function inert(v: string) {
  return /^([=+@\t\r]|-[^\d.])/.test(v) ? `'${v}` : v
}

/** A CSV in UTF-8 with a BOM, so Excel shows the Chinese. */
export function csvBlob(rows: (string | number | null | undefined)[][]) {
  const text = rows
    .map((r) =>
      r
        .map((c) => {
          const s = inert(c == null ? '' : String(c))
          return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
        })
        .join(','),
    )
    .join('\r\n')
  return new Blob([`\uFEFF${text}\r\n`], { type: 'text/csv;charset=utf-8' })
}

/** A 身份证号 as staff see it in lists: the region and the last two characters. */
export function maskId(id: string) {
  return id.length > 8 ? `${id.slice(0, 4)}${'*'.repeat(id.length - 6)}${id.slice(-2)}` : id
}

/**
 * Files to and from the API (templates, spreadsheets): the signed-in person's token, the page's
 * language for the messages, and problems thrown as the JSON requests throw them.
 */
export async function fileRequest(
  method: 'GET' | 'POST',
  path: string,
  body?: Blob,
  key?: string,
): Promise<Response> {
  const headers: Record<string, string> = {
    'accept-language': currentLang() === 'zh' ? 'zh-CN' : 'en',
  }
  const s = auth.current
  if (s && s.claims.exp * 1000 < Date.now() + 10_000) await auth.refresh().catch(() => false)
  const token = auth.current?.token
  if (token) headers.authorization = `Bearer ${token}`
  if (key) headers['idempotency-key'] = key
  if (body) headers['content-type'] = body.type || 'application/octet-stream'
  const res = await fetch(path, { method, headers, ...(body ? { body } : {}) })
  if (!res.ok) {
    let problem: Record<string, unknown> = {}
    try {
      problem = (await res.json()) as Record<string, unknown>
    } catch {}
    throw new ApiError({ status: res.status, ...problem } as Problem)
  }
  return res
}

/**
 * Confirm-then-act: a button that opens its confirmation (a `Confirm`, or a dialog of the page's
 * own) and closes it when the dialog is done or cancelled.
 */
export function ConfirmButton(props: {
  label: string
  /** The accessible name, when the visible words need the row's object (label first, WCAG 2.5.3). */
  name?: string
  class?: string
  onOpen?: () => void
  children: (close: () => void) => ComponentChildren
}) {
  const [open, setOpen] = useState(false)
  return (
    <>
      <button
        type="button"
        class={props.class ?? 'secondary'}
        aria-label={props.name}
        onClick={() => {
          props.onOpen?.()
          setOpen(true)
        }}
      >
        {props.label}
      </button>
      {open ? props.children(() => setOpen(false)) : null}
    </>
  )
}

/**
 * A search or filter form above a list. With `more` (filters folded away on a phone) or `onClear`
 * it has a row of buttons below; otherwise its one button sits in the grid beside the fields.
 */
export function FilterForm(props: {
  label: string
  submit: string
  onSubmit: () => void
  onClear?: () => void
  more?: { summary: string; children: ComponentChildren }
  children: ComponentChildren
}) {
  const [wide] = useState(() => window.matchMedia('(min-width: 641px)').matches)
  const submit = (e: Event) => {
    e.preventDefault()
    props.onSubmit()
  }
  if (!props.more && !props.onClear)
    return (
      <form class="filter-grid" aria-label={props.label} onSubmit={submit} noValidate>
        {props.children}
        <div class="field">
          <span aria-hidden="true">&nbsp;</span>
          <button type="submit">{props.submit}</button>
        </div>
      </form>
    )
  return (
    <form class="filters" aria-label={props.label} noValidate onSubmit={submit}>
      <div class="filter-grid">{props.children}</div>
      {props.more ? (
        // On a phone the other filters fold away, so the list is near the top.
        <details class="more-filters" open={wide}>
          <summary>{props.more.summary}</summary>
          <div class="filter-grid">{props.more.children}</div>
        </details>
      ) : null}
      <div class="actions">
        <button type="submit">{props.submit}</button>
        {props.onClear ? (
          <button type="button" class="secondary" onClick={props.onClear}>
            {t('清除条件', 'Clear')}
          </button>
        ) : null}
      </div>
    </form>
  )
}

/**
 * A page of a list from the API: loading and errors, a sentence when it is empty, the rows as a
 * CardTable, and the pager under it.
 */
export function PagedList<T>(
  props: {
    state: { data?: Page<T> | undefined; loading: boolean; error?: unknown }
    pager?: ReturnType<typeof usePager>
    empty: string
  } & Omit<Parameters<typeof CardTable<T>>[0], 'rows' | 'busy'>,
) {
  const { state, pager, empty, ...table } = props
  const items = state.data?.items
  return (
    <>
      {state.error ? (
        <ProblemBox error={state.error} />
      ) : state.loading && !state.data ? (
        <Loading state={state} />
      ) : null}
      {items && !items.length ? <p>{empty}</p> : null}
      {items?.length ? <CardTable {...table} rows={items} busy={state.loading} /> : null}
      {pager ? <Pager pager={pager} nextCursor={state.data?.nextCursor} /> : null}
    </>
  )
}

const FONT = 'system-ui, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif'

/**
 * One chart: ECharts loaded on first use, drawn as SVG, redrawn on resize and language change,
 * with a description for screen readers (the aria component).
 */
function Chart(props: { option: Record<string, unknown>; label: string; height?: number }) {
  const el = useRef<HTMLDivElement>(null)
  const [failed, setFailed] = useState<unknown>(null)
  useEffect(() => {
    let chart: { setOption(o: unknown): void; resize(): void; dispose(): void } | null = null
    let live = true
    const resize = () => chart?.resize()
    import('./charts').then(
      ({ echarts }) => {
        if (!live || !el.current) return
        chart = echarts.init(el.current, null, {
          renderer: 'svg',
          locale: currentLang() === 'zh' ? 'ZH' : 'EN',
        })
        chart.setOption({
          aria: { enabled: true },
          textStyle: { fontFamily: FONT },
          tooltip: { trigger: 'axis' },
          animation: false,
          ...props.option,
        })
        window.addEventListener('resize', resize)
      },
      (err) => live && setFailed(err),
    )
    return () => {
      live = false
      window.removeEventListener('resize', resize)
      chart?.dispose()
    }
  }, [JSON.stringify(props.option), currentLang()])
  if (failed)
    return (
      <p class="hint">
        {t('图表无法加载，请看下方表格。', 'The chart cannot load; see the table below.')}
      </p>
    )
  return (
    <div
      ref={el}
      class="chart"
      role="img"
      aria-label={props.label}
      style={{ width: '100%', height: `${props.height ?? 300}px` }}
    />
  )
}

/** A chart's numbers row by row: the name, then one value per column. */
export type ChartRow = [string, ...(string | number | undefined)[]]

/**
 * A chart panel: a titled card with the chart and, folded under it, the same numbers in a table
 * (what a screen reader or a person who wants the figures reads). A column whose values are all
 * missing is left out.
 */
export function ChartPanel(props: {
  title: string
  label: string
  option: Record<string, unknown>
  height?: number
  what: string
  columns: string[]
  rows: ChartRow[]
}) {
  const shown = props.columns
    .map((label, i) => ({ label, i: i + 1 }))
    .filter(({ i }) => props.rows.some((r) => r[i] !== undefined))
  return (
    <Section title={props.title}>
      <Chart
        label={props.label}
        option={props.option}
        {...(props.height ? { height: props.height } : {})}
      />
      <details>
        <summary>{t('查看数字', 'The numbers')}</summary>
        <CardTable
          caption={props.what}
          scroll={false}
          rows={props.rows}
          rowKey={(r) => r[0]}
          columns={[
            { label: props.what, cell: (r) => r[0] },
            ...shown.map(({ label, i }) => ({ label, cell: (r: ChartRow) => r[i] })),
          ]}
        />
      </details>
    </Section>
  )
}
