import type { ComponentChildren } from 'preact'
import { useEffect, useId, useState } from 'preact/hooks'
import { ApiError, type Problem } from './api'
import { t } from './i18n'

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
}) {
  const id = useId()
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <textarea
        id={id}
        name={props.name}
        rows={props.rows ?? 4}
        required={props.required}
        class={props.mono ? 'mono' : undefined}
        value={props.value}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onInput={(e) => props.onInput((e.target as HTMLTextAreaElement).value)}
      />
      {props.hint ? (
        <small id={`${id}-hint`} class="hint">
          {props.hint}
        </small>
      ) : null}
    </div>
  )
}

/** An error answer, with every field the service named. */
export function ProblemBox({ error }: { error: unknown }) {
  if (!error) return null
  const p: Problem =
    error instanceof ApiError
      ? error.problem
      : { status: 0, detail: error instanceof Error ? error.message : String(error) }
  return (
    <div class="problem" role="alert">
      <strong>
        {p.title ?? t('出错了', 'Something went wrong')}
        {p.code ? <code class="code"> {p.code}</code> : null}
      </strong>
      {p.detail ? <p>{p.detail}</p> : null}
      {p.errors?.length ? (
        <ul>
          {p.errors.map((e) => (
            <li key={e.path + e.message}>
              <code>{e.path}</code> {e.message}
            </li>
          ))}
        </ul>
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
  const submit = async (e: Event) => {
    e.preventDefault()
    if (busy) return
    setBusy(true)
    setError(null)
    try {
      await props.onSubmit()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form onSubmit={submit} aria-label={props.label} class={props.class} noValidate>
      {props.children}
      <ProblemBox error={error} />
      <button type="submit" disabled={busy} aria-busy={busy ? 'true' : undefined}>
        {busy ? t('请稍候…', 'Please wait…') : props.submit}
      </button>
    </form>
  )
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

export function fmtDate(iso: string | null | undefined) {
  if (!iso) return ''
  return iso.length <= 10 ? iso : new Date(iso).toLocaleString(undefined, { hour12: false })
}

export function errorsByPath(err: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (err instanceof ApiError)
    for (const e of err.problem.errors ?? []) out[e.path.replace(/^\//, '')] = e.message
  return out
}
