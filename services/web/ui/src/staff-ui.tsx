// Pieces the staff pages share: a confirmation dialog for destructive actions, buttons that show
// they are waiting, a copy button, cursor paging and file downloads.
import type { ComponentChildren } from 'preact'
import { useEffect, useId, useRef, useState } from 'preact/hooks'
import { ApiError, auth, type Problem } from './api'
import { currentLang, t } from './i18n'
import './staff.css'
import { ProblemBox } from './ui'

/**
 * A modal confirmation (the native <dialog>: focus stays inside, Esc cancels). The action runs
 * with the confirm button busy; its error shows in the dialog, which stays open to try again.
 */
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
}) {
  const [busy, setBusy] = useState(false)
  return (
    <button
      type="button"
      class={props.class}
      aria-label={props.label}
      disabled={busy}
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
