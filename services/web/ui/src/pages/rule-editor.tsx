// The rule form (decision 0545): a recognition rule edited field by field — what it recognizes,
// what it awards, its conditions and limits, who reviews — with the same rule as JSON for experts
// (either view edits the one draft) and the simulator beside it answering for the draft as it
// stands, not for the published version.
import { useEffect, useId, useState } from 'preact/hooks'
import { ApiError, api, newKey, organizations, type Page } from '../api'
import { nameIn, t, w } from '../i18n'
import { regionName } from '../regions'
import { Field, Form, Notice, ProblemBox, Select, today, useLoad } from '../ui'
import {
  CERTIFICATE_LEVELS,
  COMPETITION_LEVELS,
  ruleLimitWords,
  type SimulationResult,
  SimulationView,
} from './learner'

/** A rule as the API takes it (POST /v1/rules, PUT /v1/rules/{code}). */
export type Draft = Record<string, any>

const kinds = ['certificate', 'course', 'training', 'competition', 'work'] as const
const courseTypes = ['foundation', 'core', 'elective']
const creditLimits = [
  'maxCreditsPerSource',
  'maxCreditsPerYear',
  'maxCreditsPerTerm',
  'maxCreditsPerSourceOrg',
  'maxCreditsPerProgram',
] as const
const flagLimits = ['oneSourcePerCourse', 'oneCoursePerSource', 'capToSourceCredits'] as const

/** The source fields each kind takes (as the service checks them, rule-spec.ts). */
const sourceFields: Record<string, string[]> = {
  certificate: ['typeCode', 'minLevel', 'levels', 'orgId', 'allianceId'],
  course: ['orgId', 'code', 'titlePattern', 'minScore', 'allianceId'],
  training: ['minHours', 'category', 'orgId', 'allianceId'],
  competition: ['minLevel', 'levels', 'category', 'orgId', 'allianceId'],
  work: ['minHours', 'category', 'orgId', 'allianceId'],
}

/** Henan's province, its cities and Jiyuan: the regions a step can name, by their place names. */
const regions = [
  '410000',
  ...Array.from({ length: 17 }, (_, i) => `41${String(i + 1).padStart(2, '0')}00`),
  '419001',
]

/** A new rule: enough to be valid once a code, a name and a course are given. */
export function emptyDraft(targetOrgId: string): Draft {
  return {
    code: '',
    name: '',
    targetOrgId,
    source: { kind: 'certificate', typeCode: '', minLevel: 'intermediate' },
    award: { courseCode: '', courseName: '', courseType: 'core', credits: '' },
    review: { mode: 'auto' },
    validFrom: today(),
  }
}

/** The draft as it is sent: empty fields left out, so that a cleared field means "none". */
export function cleaned(d: Draft): Draft {
  const prune = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(prune).filter((x) => x !== undefined)
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {}
      for (const [k, x] of Object.entries(v)) {
        const p = prune(x)
        if (p === undefined || p === '') continue
        if (p && typeof p === 'object' && !Array.isArray(p) && !Object.keys(p).length) continue
        out[k] = p
      }
      return out
    }
    return v
  }
  return prune(d) as Draft
}

/** Where a JSON.parse error is, as line and column, from V8's "at position N". */
function jsonProblem(text: string, err: unknown): string {
  const m = /position (\d+)/.exec(String((err as Error)?.message ?? ''))
  if (!m) return t('JSON 格式有误。', 'The JSON is not valid.')
  const before = text.slice(0, Number(m[1]))
  const line = before.split('\n').length
  const column = before.length - before.lastIndexOf('\n')
  return t(
    `JSON 格式有误：第 ${line} 行第 ${column} 列附近。改正前，表单保留上一次正确的内容。`,
    `The JSON is not valid near line ${line}, column ${column}. Until it is, the form keeps the last valid rule.`,
  )
}

/** A labelled checkbox. */
function Check(props: {
  label: string
  name: string
  checked: boolean
  onChange: (v: boolean) => void
}) {
  return (
    <label class="check">
      <input
        type="checkbox"
        name={props.name}
        checked={props.checked}
        onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)}
      />{' '}
      {props.label}
    </label>
  )
}

/**
 * The editor: the form or the JSON (one draft behind both), saving as a new rule or a new version,
 * and the simulator beside it (below it on a phone).
 */
export function RuleEditor(props: {
  /** The rule to change as a new version; a new rule when absent. */
  rule?: Draft
  onSaved: (r: { code: string; version: number }) => void
}) {
  const orgs = useLoad(() => organizations())
  const types = useLoad(() =>
    api.get<Page<{ code: string; name: string; nameEn: string | null; levels: string[] }>>(
      '/v1/certificate-types?limit=100',
    ),
  )
  const all = [...(orgs.data?.values() ?? [])] as {
    id: string
    name: string
    kind: string
    regionCode: string
  }[]
  const schools = all.filter((o) => o.kind === 'school')
  const editing = !!props.rule
  const [draft, setDraft] = useState<Draft>(() =>
    props.rule ? structuredClone(props.rule) : emptyDraft(''),
  )
  const [json, setJson] = useState<string | null>(null)
  const [jsonError, setJsonError] = useState('')
  const [saved, setSaved] = useState<{ code: string; version: number } | null>(null)
  const id = useId()
  // A new rule's school is the first one offered until another is chosen.
  const d: Draft = draft.targetOrgId ? draft : { ...draft, targetOrgId: schools[0]?.id ?? '' }

  const set = (path: string, value: unknown) => {
    const next = structuredClone(d)
    const keys = path.split('.')
    let at = next
    for (const k of keys.slice(0, -1)) at = at[k] ??= {}
    at[keys.at(-1)!] = value
    setDraft(next)
    setSaved(null)
  }
  const text = (path: string) => {
    const v = path.split('.').reduce<unknown>((o, k) => (o as Draft | undefined)?.[k], d)
    return v === undefined || v === null ? '' : String(v)
  }
  const bind = (path: string) => ({
    name: path.split('.').at(-1)!,
    value: text(path),
    onInput: (v: string) => set(path, v),
  })

  const kind: string = d.source?.kind ?? 'certificate'
  const setKind = (k: string) => {
    // The fields another kind does not take go; the ones it shares stay.
    const keep = Object.fromEntries(
      Object.entries(d.source ?? {}).filter(([f]) => sourceFields[k]?.includes(f)),
    )
    const award = { ...d.award }
    if (!['training', 'work'].includes(k)) {
      delete award.creditsPerHour
      delete award.rounding
    }
    setDraft({ ...d, source: { ...keep, kind: k }, award })
  }
  const perHour = d.award?.creditsPerHour !== undefined
  const steps: Draft[] = d.review?.steps ?? []
  const setSteps = (s: Draft[]) =>
    set('review', { ...d.review, steps: s.length ? s : undefined, mode: 'manual' })

  const body = cleaned(d)
  const save = async () => {
    const r = editing
      ? await api.put<{ code: string; version: number }>(
          `/v1/rules/${encodeURIComponent(String(d.code))}`,
          body,
        )
      : await api.post<{ code: string; version: number }>('/v1/rules', body, newKey())
    setSaved(r)
    props.onSaved(r)
  }

  const form = (
    <>
      <fieldset>
        <legend>{t('基本信息', 'The rule')}</legend>
        {editing ? (
          <p>
            {t('规则代码', 'Rule code')} <code>{d.code}</code>{' '}
            <small class="hint">{t('（代码不能修改）', '(the code stays)')}</small>
          </p>
        ) : (
          <Field
            label={t('规则代码', 'Rule code')}
            {...bind('code')}
            required
            hint={t('字母、数字、点、横线，如 HN-X-WEB-C201', 'Letters, digits, dots, dashes')}
          />
        )}
        <Field label={t('规则名称', 'Name')} {...bind('name')} required />
        <Select
          label={t('认定学校', 'Recognizing school')}
          name="targetOrgId"
          value={d.targetOrgId ?? ''}
          onInput={(v) => set('targetOrgId', v)}
          options={schools.map((o) => [o.id, o.name])}
          required
        />
        <div class="inline">
          <Field label={t('生效日期', 'Valid from')} type="date" {...bind('validFrom')} required />
          <Field
            label={t('失效日期（可选）', 'Valid to (optional)')}
            type="date"
            {...bind('validTo')}
          />
        </div>
      </fieldset>

      <fieldset>
        <legend>{t('认定什么（来源成果）', 'What it recognizes (the source)')}</legend>
        <Select
          label={t('成果类别', 'Outcome kind')}
          name="kind"
          value={kind}
          onInput={setKind}
          options={kinds.map((k) => [k, w(k)])}
        />
        {kind === 'certificate' ? (
          <>
            <Select
              label={t('证书类型', 'Certificate type')}
              name="typeCode"
              value={text('source.typeCode')}
              onInput={(v) => set('source.typeCode', v)}
              options={[
                ['', t('请选择', 'Choose one')],
                ...(types.data?.items ?? []).map((c): [string, string] => [
                  c.code,
                  `${nameIn(c)} (${c.code})`,
                ]),
              ]}
              required
            />
            <Select
              label={t('最低等级', 'Lowest level')}
              name="minLevel"
              value={text('source.minLevel')}
              onInput={(v) => set('source.minLevel', v || undefined)}
              options={[
                ['', t('不限', 'any')],
                ...CERTIFICATE_LEVELS.map((l): [string, string] => [l, w(l)]),
              ]}
            />
          </>
        ) : null}
        {kind === 'competition' ? (
          <Select
            label={t('最低获奖级别', 'Lowest award level')}
            name="minLevel"
            value={text('source.minLevel')}
            onInput={(v) => set('source.minLevel', v || undefined)}
            options={[
              ['', t('不限', 'any')],
              ...COMPETITION_LEVELS.map((l): [string, string] => [l, w(l)]),
            ]}
          />
        ) : null}
        {kind === 'course' ? (
          <>
            <Field
              label={t('课程代码', 'Course code')}
              {...bind('source.code')}
              hint={t('与课程名称二选一', 'Or a title pattern, not both')}
            />
            <Field
              label={t('课程名称（可用 * 通配）', 'Title pattern (* matches anything)')}
              {...bind('source.titlePattern')}
            />
            <Field
              label={t('最低成绩（百分制）', 'Lowest grade (out of 100)')}
              {...bind('source.minScore')}
            />
          </>
        ) : null}
        {kind === 'training' || kind === 'work' ? (
          <Field label={t('最少学时', 'Fewest hours')} {...bind('source.minHours')} />
        ) : null}
        {kind === 'training' || kind === 'work' || kind === 'competition' ? (
          <Field label={t('类别（可选）', 'Category (optional)')} {...bind('source.category')} />
        ) : null}
        <Select
          label={t('发布机构（可选）', 'Posted by (optional)')}
          name="orgId"
          value={text('source.orgId')}
          onInput={(v) => set('source.orgId', v || undefined)}
          options={[
            ['', t('不限', 'any organization')],
            ...all
              .filter((o) => o.kind !== 'recognition_center')
              .map((o): [string, string] => [o.id, o.name]),
          ]}
        />
      </fieldset>

      <fieldset>
        <legend>{t('认定为（目标课程与学分）', 'What it awards')}</legend>
        <div class="inline">
          <Field label={t('课程代码', 'Course code')} {...bind('award.courseCode')} required />
          <Field label={t('课程名称', 'Course name')} {...bind('award.courseName')} required />
        </div>
        <Select
          label={t('课程类型', 'Course type')}
          name="courseType"
          value={text('award.courseType')}
          onInput={(v) => set('award.courseType', v)}
          options={courseTypes.map((c) => [c, w(c)])}
        />
        {kind === 'training' || kind === 'work' ? (
          <Check
            label={t('按学时折算学分', 'Credits from the hours')}
            name="perHour"
            checked={perHour}
            onChange={(v) =>
              set(
                'award',
                v
                  ? { ...d.award, credits: undefined, creditsPerHour: '0.0625', rounding: 'down' }
                  : { ...d.award, creditsPerHour: undefined, rounding: undefined, credits: '' },
              )
            }
          />
        ) : null}
        {perHour ? (
          <div class="inline">
            <Field
              label={t('每学时学分', 'Credits per hour')}
              {...bind('award.creditsPerHour')}
              hint={t('16 学时 1 学分即 0.0625', '16 hours a credit is 0.0625')}
            />
            <Select
              label={t('取整', 'Rounding')}
              name="rounding"
              value={text('award.rounding')}
              onInput={(v) => set('award.rounding', v)}
              options={[
                ['down', t('向下取整', 'down')],
                ['half_up', t('四舍五入', 'half up')],
                ['down_to_half', t('向下取到 0.5', 'down to a half')],
              ]}
            />
          </div>
        ) : (
          <Field label={t('认定学分', 'Credits')} {...bind('award.credits')} required />
        )}
      </fieldset>

      <fieldset>
        <legend>{t('条件', 'Conditions')}</legend>
        <Field
          label={t('成果取得后几个月内有效（可选）', 'Within months of the outcome (optional)')}
          name="maxAgeMonths"
          type="number"
          value={text('conditions.maxAgeMonths')}
          onInput={(v) => set('conditions.maxAgeMonths', v ? Number(v) : undefined)}
        />
        <Field
          label={t('仅限这些专业代码（逗号分隔，可选）', 'Only these programs (codes, commas)')}
          name="programCodes"
          value={(d.conditions?.programCodes ?? []).join(', ')}
          onInput={(v) =>
            set(
              'conditions.programCodes',
              v
                .split(/[,，\s]+/)
                .map((x) => x.trim())
                .filter(Boolean),
            )
          }
        />
      </fieldset>

      <fieldset>
        <legend>{t('限额', 'Limits')}</legend>
        <div class="inline">
          {creditLimits.map((k) => (
            <Field key={k} label={t(...ruleLimitWords[k]!)} {...bind(`limits.${k}`)} />
          ))}
        </div>
        {flagLimits.map((k) => (
          <Check
            key={k}
            label={t(...ruleLimitWords[k]!)}
            name={k}
            checked={!!d.limits?.[k]}
            onChange={(v) => set(`limits.${k}`, v || undefined)}
          />
        ))}
      </fieldset>

      <fieldset>
        <legend>{t('审核', 'Review')}</legend>
        <Select
          label={t('审核方式', 'Decided')}
          name="mode"
          value={d.review?.mode ?? 'auto'}
          onInput={(v) =>
            set(
              'review',
              v === 'auto'
                ? { mode: 'auto' }
                : { mode: 'manual', steps: steps.length ? steps : [{ role: 'reviewer' }] },
            )
          }
          options={[
            ['auto', t('自动认定（无需人工审核）', 'Automatically (no review)')],
            ['manual', t('人工审核', 'By reviewers, step by step')],
          ]}
        />
        {d.review?.mode === 'manual' ? (
          <>
            <ol class="steps">
              {steps.map((s, i) => (
                <Step
                  key={i}
                  n={i + 1}
                  step={s}
                  orgs={all}
                  onChange={(x) => setSteps(steps.map((y, j) => (j === i ? x : y)))}
                  onRemove={
                    steps.length > 1 ? () => setSteps(steps.filter((_, j) => j !== i)) : undefined
                  }
                />
              ))}
            </ol>
            {steps.length < 10 ? (
              <button
                type="button"
                class="secondary"
                onClick={() => setSteps([...steps, { role: 'reviewer' }])}
              >
                {t('添加审核环节', 'Add a step')}
              </button>
            ) : null}
            <Field
              label={t('每个环节办理期限（天）', 'Days for each step')}
              name="dueDays"
              type="number"
              value={text('review.dueDays')}
              onInput={(v) => set('review.dueDays', v ? Number(v) : undefined)}
            />
          </>
        ) : null}
      </fieldset>
    </>
  )

  const showJson = json !== null
  return (
    <div class="rule-editor">
      <div class="rule-form">
        <fieldset class="view-switch">
          <legend class="sr-only">{t('编辑方式', 'Edit as')}</legend>
          <button
            type="button"
            class={showJson ? 'secondary' : undefined}
            aria-pressed={showJson ? 'false' : 'true'}
            onClick={() => {
              setJson(null)
              setJsonError('')
            }}
          >
            {t('表单', 'Form')}
          </button>
          <button
            type="button"
            class={showJson ? undefined : 'secondary'}
            aria-pressed={showJson ? 'true' : 'false'}
            onClick={() => setJson(JSON.stringify(body, null, 2))}
          >
            {t('JSON（专家）', 'JSON (experts)')}
          </button>
        </fieldset>
        <Form
          label={editing ? t('修改规则', 'Change the rule') : t('新建规则', 'New rule')}
          submit={editing ? t('保存为新版本', 'Save as a new version') : t('创建规则', 'Create')}
          onSubmit={async () => {
            if (jsonError) throw new ApiError({ status: 422, title: jsonError })
            await save()
          }}
        >
          {showJson ? (
            <div class="field">
              <label for={`${id}-json`}>{t('规则（JSON）', 'The rule (JSON)')}</label>
              <textarea
                id={`${id}-json`}
                name="ruleJson"
                class="mono"
                rows={24}
                spellcheck={false}
                value={json ?? ''}
                aria-invalid={jsonError ? 'true' : undefined}
                aria-describedby={jsonError ? `${id}-json-err` : `${id}-json-hint`}
                onInput={(e) => {
                  const v = (e.target as HTMLTextAreaElement).value
                  setJson(v)
                  try {
                    const parsed = JSON.parse(v)
                    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
                      throw new Error('not an object')
                    setDraft(parsed)
                    setSaved(null)
                    setJsonError('')
                  } catch (err) {
                    setJsonError(
                      /position/.test(String((err as Error).message))
                        ? jsonProblem(v, err)
                        : t(
                            '规则须是一个 JSON 对象 { … }。',
                            'The rule must be a JSON object { … }.',
                          ),
                    )
                  }
                }}
              />
              {jsonError ? (
                <small id={`${id}-json-err`} class="error-text" role="alert">
                  {jsonError}
                </small>
              ) : (
                <small id={`${id}-json-hint`} class="hint">
                  {t(
                    '字段见 API 文档；这里的修改与表单同步。',
                    'Fields as in the API; changes here are the form’s too.',
                  )}
                </small>
              )}
            </div>
          ) : (
            form
          )}
        </Form>
        {saved ? (
          <Notice>
            {t(
              `已保存：${saved.code} 第 ${saved.version} 版。`,
              `Saved: ${saved.code} version ${saved.version}.`,
            )}
          </Notice>
        ) : null}
      </div>
      <RuleSimulator draft={body} kind={kind} valid={!jsonError} />
    </div>
  )
}

/** One review step: by an organization, or by a region's recognition center (named as a place). */
function Step(props: {
  n: number
  step: Draft
  orgs: { id: string; name: string; kind: string }[]
  onChange: (s: Draft) => void
  onRemove: (() => void) | undefined
}) {
  const s = props.step
  const by = s.regionCode !== undefined ? 'region' : s.allianceId !== undefined ? 'alliance' : 'org'
  const reviewers = props.orgs.filter((o) => o.kind === 'school' || o.kind === 'recognition_center')
  return (
    <li class="step">
      <fieldset>
        <legend>{t(`第 ${props.n} 步`, `Step ${props.n}`)}</legend>
        <Select
          label={t('由谁审核', 'Reviewed by')}
          name={`stepBy${props.n}`}
          value={by}
          onInput={(v) =>
            props.onChange(
              v === 'region'
                ? { role: 'reviewer', regionCode: '410100' }
                : { role: 'reviewer', orgId: reviewers[0]?.id ?? '' },
            )
          }
          options={[
            ['org', t('指定机构', 'An organization')],
            ['region', t('所在地区的学分认证中心', 'The recognition center of a region')],
            ...(by === 'alliance'
              ? [['alliance', t('联盟成员', 'An alliance')] as [string, string]]
              : []),
          ]}
        />
        {by === 'org' ? (
          <Select
            label={t('审核机构', 'Organization')}
            name={`stepOrg${props.n}`}
            value={s.orgId ?? ''}
            onInput={(v) => props.onChange({ role: 'reviewer', orgId: v })}
            options={reviewers.map((o) => [o.id, o.name])}
          />
        ) : null}
        {by === 'region' ? (
          <Select
            label={t('地区', 'Region')}
            name={`stepRegion${props.n}`}
            value={s.regionCode ?? ''}
            onInput={(v) => props.onChange({ role: 'reviewer', regionCode: v })}
            options={[
              ...(regions.includes(s.regionCode)
                ? []
                : [[s.regionCode, regionName(s.regionCode)] as [string, string]]),
              ...regions.map((r): [string, string] => [r, regionName(r)]),
            ]}
          />
        ) : null}
        {props.onRemove ? (
          <button type="button" class="link" onClick={props.onRemove}>
            {t(`删除第 ${props.n} 步`, `Remove step ${props.n}`)}
          </button>
        ) : null}
      </fieldset>
    </li>
  )
}

/** A hypothetical outcome that the rule would take, from its source, as a starting point. */
function outcomeFor(source: Draft): Record<string, string> {
  const o: Record<string, string> = { occurredOn: today() }
  if (source.typeCode) o.typeCode = source.typeCode
  if (source.minLevel) o.level = source.minLevel
  else if (source.levels?.[0]) o.level = source.levels[0]
  if (source.code) o.code = source.code
  if (source.minHours) o.hours = String(source.minHours)
  if (source.category) o.category = source.category
  o.score = source.minScore ? String(source.minScore) : '90'
  o.credits = '4'
  return o
}

/**
 * The simulator beside the form: one outcome the rule might meet (its fields start from the rule's
 * source), asked 400 ms after each change, the answer shown for exactly the draft it was for.
 */
function RuleSimulator({ draft, kind, valid }: { draft: Draft; kind: string; valid: boolean }) {
  const [own, setOwn] = useState<Record<string, string>>({})
  const o = { ...outcomeFor(draft.source ?? {}), ...own }
  const ask = JSON.stringify({ draft, o, kind })
  const [answer, setAnswer] = useState<{ for: string; r?: SimulationResult; error?: unknown }>({
    for: '',
  })
  const a = draft.award ?? {}
  const ready =
    draft.code &&
    draft.name &&
    draft.targetOrgId &&
    a.courseCode &&
    a.courseName &&
    (a.credits || a.creditsPerHour) &&
    (kind !== 'certificate' || draft.source?.typeCode)
  useEffect(() => {
    if (!valid || !ready) return
    let live = true
    const timer = setTimeout(() => {
      const outcome: Record<string, unknown> = {
        kind,
        title: o.title || w(kind),
        occurredOn: o.occurredOn || today(),
        ...(draft.source?.orgId ? { orgId: draft.source.orgId } : {}),
      }
      if (kind === 'certificate') {
        if (o.typeCode) outcome.typeCode = o.typeCode
        if (o.level) outcome.level = o.level
      }
      if (kind === 'competition' && o.level) outcome.level = o.level
      if (kind === 'course') {
        if (o.code) outcome.code = o.code
        if (o.credits) outcome.credits = o.credits
        if (o.score) outcome.grade = { score: o.score, scale: '100' }
      }
      if ((kind === 'training' || kind === 'work') && o.hours) outcome.hours = o.hours
      if (o.category && kind !== 'certificate' && kind !== 'course') outcome.category = o.category
      api
        .post<SimulationResult>('/v1/simulations', {
          targetOrgId: draft.targetOrgId,
          programCode: draft.conditions?.programCodes?.[0] ?? 'ANY',
          outcomes: [outcome],
          rule: draft,
        })
        .then(
          (r) => live && setAnswer({ for: ask, r }),
          (error) => live && setAnswer({ for: ask, error }),
        )
    }, 400)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [ask, valid, ready])
  const current = answer.for === ask
  const field = (k: string, zh: string, en: string, type = 'text') => (
    <Field
      label={t(zh, en)}
      name={`sim-${k}`}
      type={type}
      value={o[k] ?? ''}
      onInput={(v) => setOwn({ ...own, [k]: v })}
    />
  )
  return (
    <aside class="card rule-sim" aria-labelledby="rule-sim-h" data-testid="rule-simulator">
      <h2 id="rule-sim-h">{t('模拟这条规则', 'Try this rule')}</h2>
      <p class="hint">
        {t(
          '按表单中的规则（尚未保存）试算一项成果能认定多少学分。',
          'What this rule as it stands (not yet saved) would award for one outcome.',
        )}
      </p>
      <fieldset>
        <legend>{t(`一项${w(kind)}成果`, `One ${w(kind)} outcome`)}</legend>
        {kind === 'certificate' ? field('typeCode', '证书类型代码', 'Type code') : null}
        {kind === 'certificate' || kind === 'competition' ? (
          <Select
            label={t('等级', 'Level')}
            name="sim-level"
            value={o.level ?? ''}
            onInput={(v) => setOwn({ ...own, level: v })}
            options={[
              ['', t('未定级', 'none')],
              ...(kind === 'certificate' ? CERTIFICATE_LEVELS : COMPETITION_LEVELS).map(
                (l): [string, string] => [l, w(l)],
              ),
            ]}
          />
        ) : null}
        {kind === 'course' ? field('code', '课程代码', 'Course code') : null}
        {kind === 'course' ? field('score', '成绩（百分制）', 'Grade (out of 100)') : null}
        {kind === 'course' ? field('credits', '学分', 'Credits') : null}
        {kind === 'training' || kind === 'work' ? field('hours', '学时', 'Hours') : null}
        {field('occurredOn', '取得日期', 'Date', 'date')}
      </fieldset>
      {!valid ? (
        <p class="hint">{t('JSON 改正后再试算。', 'The simulator waits for valid JSON.')}</p>
      ) : !ready ? (
        <p class="hint">
          {t(
            '填写规则代码、名称、来源、认定课程和学分后即可试算。',
            'Give the code, name, source, course and credits to try the rule.',
          )}
        </p>
      ) : !current ? (
        <p aria-live="polite" class="hint">
          {t('正在试算…', 'Working it out…')}
        </p>
      ) : answer.error ? (
        <ProblemBox error={answer.error} />
      ) : answer.r ? (
        <SimulationView r={answer.r} />
      ) : null}
    </aside>
  )
}
