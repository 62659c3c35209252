import { useState } from 'preact/hooks'
import { api, newKey, organizations, type Page } from '../api'
import { t, w } from '../i18n'
import { BusyButton, download, FilterForm, fileRequest, Pager, usePager } from '../staff-ui'
import {
  binder,
  CardTable,
  Field,
  Form,
  fmtDate,
  Loading,
  ProblemBox,
  Section,
  Select,
  type Tab,
  TabbedPage,
  useLoad,
} from '../ui'
import {
  type Application,
  applicationColumns,
  HypotheticalFields,
  hypothetical,
  limitText,
  RuleExplain,
  SimulationView,
  stepWho,
  trailReason,
  trailText,
} from './learner'
import { type Draft, RuleEditor } from './rule-editor'

const tabs: Tab[] = [
  ['', '审核队列', 'Queue', () => <Queue />],
  ['search', '查询与历史', 'Search & history', () => <Search />],
  ['rules', '互认标准', 'Rules', (code) => <Rules code={code} />],
  ['simulate', '规则模拟', 'Simulate', () => <SimulateRules />],
]

/** An application as the service shows it to reviewers (decisions 0540–0543). */
export interface Review extends Application {
  learner?: { name: string | null; accountNo: string; nationalIdMasked: string | null } | null
  sources?: {
    id: string
    kind: string
    title: string
    code: string | null
    orgId: string
    occurredOn: string
    credits: string | null
    hours: string | null
    grade: { score: string; scale: string | null } | null
    level: string | null
    category: string | null
    reversed: boolean
  }[]
  evidence?: {
    id: string
    filename: string | null
    mediaType: string | null
    sizeBytes: number | null
  }[]
  decision?: { allowed: boolean; code: string | null; escalated: boolean }
}

type Orgs = Map<string, { name: string }>

export function ReviewerPage({ path }: { path: string[] }) {
  return (
    <TabbedPage
      base="reviewer"
      path={path}
      tabs={tabs}
      more={{ applications: ['', (id) => (id ? <ReviewDetail id={id} /> : null)] }}
    />
  )
}

const pending = (a: Application) => ['open', 'in_review', 'appealed'].includes(a.status)

/** The learner as reviewers name them: name, account number, 身份证号 masked. */
function learnerLine(a: Review) {
  if (!a.learner) return t('（学习者信息未同步）', '(learner not known yet)')
  return [a.learner.name ?? '', a.learner.accountNo, a.learner.nationalIdMasked ?? '']
    .filter(Boolean)
    .join(' · ')
}

/** Applications as cards on a phone: who, what, under which rule, where it stands, when due. */
function ReviewTable({ items, orgs }: { items: Review[]; orgs: Orgs }) {
  if (!items.length) return <p>{t('没有符合条件的申请。', 'No applications match.')}</p>
  const c = applicationColumns<Review>(
    orgs,
    '#/reviewer/applications',
    (a) => !!a.decision?.escalated,
  )
  return (
    <CardTable
      caption={t('认定申请', 'Applications')}
      rows={items}
      rowKey={(a) => a.id}
      columns={[
        {
          label: t('学习者', 'Learner'),
          cell: (a) => (
            <>
              {a.learner?.name ?? '—'}
              {a.learner ? <small class="hint"> {a.learner.accountNo}</small> : null}
            </>
          ),
        },
        c.course,
        c.target,
        {
          label: t('依据', 'Under'),
          cell: (a) =>
            a.rule ? `${a.rule.code} v${a.rule.version}` : t('本人申请', 'learner request'),
        },
        c.status,
        c.due,
      ]}
    />
  )
}

function Queue() {
  const state = useLoad(async () => ({
    page: await api.get<Page<Review>>('/v1/applications?queue=mine&limit=100'),
    orgs: await organizations(),
  }))
  return (
    <div>
      <h1>{t('待我审核（按截止时间）', 'My queue (by due date)')}</h1>
      <p>
        {t(
          '逾期的排在最前；下级中心逾期未办的环节上报本中心，也列在这里。点击课程名查看学习者、证据和规则并作出审核意见。',
          'Overdue first; steps a sub-center let pass their due date come up to your center and are listed too. Open one to see the learner, evidence and rule, and decide.',
        )}
      </p>
      <button type="button" class="secondary" onClick={state.reload}>
        {t('刷新', 'Refresh')}
      </button>
      <Loading state={state} />
      {state.data ? <ReviewTable items={state.data.page.items} orgs={state.data.orgs} /> : null}
    </div>
  )
}

/** Search and history: everything in the reviewer's scope, the ones they decided included. */
function Search() {
  const [form, setForm] = useState({ learner: '', status: '', rule: '', from: '', to: '' })
  const [mine, setMine] = useState(false)
  const [query, setQuery] = useState({ ...form, mine: false })
  const pager = usePager([JSON.stringify(query)])
  const rules = useLoad(() => api.get<Page<Rule>>('/v1/rules?limit=100'))
  const state = useLoad(async () => {
    const q = new URLSearchParams({ limit: '20' })
    if (query.learner.trim()) q.set('learner', query.learner.trim())
    if (query.status) q.set('status', query.status)
    if (query.rule) q.set('rule', query.rule)
    if (query.from) q.set('from', query.from)
    if (query.to) q.set('to', query.to)
    if (query.mine) q.set('decidedByMe', 'true')
    if (pager.cursor) q.set('cursor', pager.cursor)
    return {
      page: await api.get<Page<Review>>(`/v1/applications?${q}`),
      orgs: await organizations(),
    }
  }, [JSON.stringify(query), pager.cursor])
  const bind = binder(form, setForm)
  return (
    <div>
      <h1>{t('查询与历史', 'Search and history')}</h1>
      <p>
        {t(
          '本中心职责范围内的全部申请，包括您已审核过的。按学习者姓名或账号、状态、规则和提交日期查找。',
          'Every application in your center’s scope, the ones you decided included. Find them by the learner’s name or account number, status, rule and date.',
        )}
      </p>
      <FilterForm
        label={t('查询申请', 'Search applications')}
        submit={t('查询', 'Search')}
        onSubmit={() => setQuery({ ...form, mine })}
      >
        <Field
          label={t('学习者（姓名或账号）', 'Learner (name or account number)')}
          {...bind('learner')}
        />
        <Select
          label={t('状态', 'Status')}
          {...bind('status')}
          options={[
            ['', t('全部', 'Any')],
            ...['in_review', 'open', 'appealed', 'approved', 'rejected', 'withdrawn'].map(
              (s) => [s, w(s)] as [string, string],
            ),
          ]}
        />
        <Select
          label={t('规则', 'Rule')}
          {...bind('rule')}
          options={[
            ['', t('全部', 'Any')],
            ...(rules.data?.items ?? []).map(
              (r) => [r.code, `${r.name}（${r.code}）`] as [string, string],
            ),
          ]}
        />
        <Field label={t('提交日期自', 'Opened from')} type="date" {...bind('from')} />
        <Field label={t('至', 'to')} type="date" {...bind('to')} />
        <label class="check">
          <input
            type="checkbox"
            name="decidedByMe"
            checked={mine}
            onChange={(e) => setMine((e.target as HTMLInputElement).checked)}
          />{' '}
          {t('只看我审核过的', 'Only the ones I decided')}
        </label>
      </FilterForm>
      <Loading state={state} />
      {state.data ? (
        <>
          <ReviewTable items={state.data.page.items} orgs={state.data.orgs} />
          <Pager pager={pager} nextCursor={state.data.page.nextCursor} />
        </>
      ) : null}
    </div>
  )
}

/** Why the caller may not decide, in their language (the service's `decision.code`). */
function whyNot(code: string | null) {
  switch (code) {
    case 'RECOGNITION_OWN_APPLICATION':
      return t(
        '这是您本人作为学习者的申请，不能由您审核，请由同事办理。',
        'You are the learner of this application, so you may not decide it; a colleague will.',
      )
    case 'RECOGNITION_ALREADY_DECIDED':
      return t(
        '您已审核过这份申请的一个环节。同一人只能审核一个环节，本环节须由其他审核员办理。',
        'You decided a step of this application already. One person decides at most one step; another reviewer decides this one.',
      )
    case 'RECOGNITION_OUT_OF_SCOPE':
      return t(
        '当前环节不属于本中心（或本校）办理，您只能查看。',
        'The current step is not your center’s (or school’s); you can only read it.',
      )
    case 'RECOGNITION_NOT_REVIEWER':
      return t('只有审核员可以作出审核意见。', 'Only reviewers decide applications.')
    default:
      return null
  }
}

function sourceWords(s: NonNullable<Review['sources']>[number], orgs: Orgs) {
  const what = `${s.title}${s.code ? `（${s.code}）` : ''}`
  const amount = [
    s.credits && Number(s.credits) ? t(`${s.credits} 学分`, `${s.credits} credits`) : '',
    s.hours && Number(s.hours) ? t(`${s.hours} 学时`, `${s.hours} hours`) : '',
    s.grade
      ? t(
          `成绩 ${s.grade.score}${s.grade.scale ? `/${s.grade.scale}` : ''}`,
          `grade ${s.grade.score}${s.grade.scale ? `/${s.grade.scale}` : ''}`,
        )
      : '',
    s.level ? w(s.level) : '',
  ].filter(Boolean)
  return { what, kind: w(s.kind), where: orgs.get(s.orgId)?.name ?? '', amount }
}

/** A trail line in the reviewer's voice: the learner is "the learner", not "you". */
function reviewTrailText(s: Application['trail'][number], a: Application, orgs: Orgs) {
  const byLearner = (s.by?.role ?? (s.actor === 'system' ? 'system' : 'learner')) === 'learner'
  if (s.action === 'opened')
    return byLearner
      ? t('学习者提交了认定申请', 'The learner applied for recognition')
      : t('学分银行按互认标准自动开立了申请', 'Opened automatically under a recognition standard')
  if (s.action === 'appealed') return t('学习者提出了申诉', 'The learner appealed')
  if (byLearner && s.action === 'withdrawn')
    return t('学习者撤回了申请', 'The learner withdrew the application')
  if (s.action === 'recognized')
    return t(
      `${a.award.credits ?? ''} 学分已记入学习者账户`,
      `${a.award.credits ?? ''} credits were posted to the learner’s account`,
    )
  return trailText(s, a, orgs)
}

/** Each limit of the rule as a sentence a reviewer can check the award against. */
function ruleLimits(limits: Record<string, unknown> | undefined) {
  const out: string[] = []
  for (const [k, v] of Object.entries(limits ?? {})) {
    const n = String(v)
    switch (k) {
      case 'maxCreditsPerSource':
        out.push(
          t(`每项来源成果最多认定 ${n} 学分`, `at most ${n} credits from one source outcome`),
        )
        break
      case 'maxCreditsPerSourceOrg':
        out.push(
          t(`同一来源机构最多认定 ${n} 学分`, `at most ${n} credits from one source organization`),
        )
        break
      case 'maxCreditsPerProgram':
        out.push(t(`本专业最多认定 ${n} 学分`, `at most ${n} credits in the program`))
        break
      case 'maxCreditsPerTerm':
        out.push(t(`每学期最多认定 ${n} 学分`, `at most ${n} credits a term`))
        break
      case 'maxCreditsPerYear':
        out.push(t(`每年最多认定 ${n} 学分`, `at most ${n} credits a year`))
        break
      case 'oneSourcePerCourse':
        if (v) out.push(t('每门课程只认定一项来源成果', 'one source outcome per course'))
        break
      case 'oneCoursePerSource':
        if (v) out.push(t('每项成果只替代一门课程', 'one course per source outcome'))
        break
      case 'capToSourceCredits':
        if (v)
          out.push(
            t(
              '认定学分不超过来源成果本身的学分',
              'never more than the credits the source outcome carries',
            ),
          )
        break
      default:
        out.push(`${k}: ${n}`)
    }
  }
  return out
}

/** Opens an evidence file: portfolio serves it once recognition grants (and logs) the read. */
async function openEvidence(applicationId: string, f: NonNullable<Review['evidence']>[number]) {
  const res = await fileRequest(
    'GET',
    `/v1/evidence/${f.id}?application=${encodeURIComponent(applicationId)}`,
  )
  download(f.filename ?? `evidence-${f.id.slice(0, 8)}`, await res.blob())
}

interface EvidenceRead {
  evidenceId: string
  filename: string | null
  readAt: string
  reader: { userId: string; username: string | null; orgId: string | null; you: boolean }
}

/** Who opened which file when (decision 0545): the log every opening writes, shown to reviewers. */
function EvidenceReads({ id, tick, orgs }: { id: string; tick: number; orgs: Orgs }) {
  const state = useLoad(
    () => api.get<{ items: EvidenceRead[] }>(`/v1/applications/${id}/evidence-reads`),
    [id, tick],
  )
  const who = (r: EvidenceRead['reader']) => {
    const org = r.orgId ? orgs.get(r.orgId)?.name : undefined
    const person = r.you ? t('您', 'you') : (r.username ?? t('审核员', 'a reviewer'))
    return org ? `${person}（${org}）` : person
  }
  return (
    <div class="evidence-reads" data-testid="evidence-reads">
      <h3>{t('查看记录', 'Who opened the files')}</h3>
      <Loading state={state} />
      {state.data && !state.data.items.length ? (
        <p class="hint">{t('尚无人查看这些文件。', 'Nobody has opened these files yet.')}</p>
      ) : null}
      {state.data?.items.length ? (
        <CardTable
          caption={t('证明材料的查看记录', 'Who opened the evidence files')}
          scroll={false}
          rows={state.data.items}
          rowKey={(r) => `${r.readAt}-${r.reader.userId}-${r.evidenceId}`}
          columns={[
            { label: t('时间', 'When'), cell: (r) => fmtDate(r.readAt) },
            { label: t('查看人', 'Who'), cell: (r) => who(r.reader) },
            {
              label: t('文件', 'File'),
              cell: (r) => r.filename ?? t('未命名文件', 'unnamed file'),
            },
          ]}
        />
      ) : null}
    </div>
  )
}

function EvidenceList({ app, orgs }: { app: Review; orgs: Orgs }) {
  const [error, setError] = useState<unknown>(null)
  const [tick, setTick] = useState(0)
  if (!app.evidence?.length)
    return <p>{t('申请未附证明材料。', 'No evidence files were attached.')}</p>
  return (
    <>
      <ul>
        {app.evidence.map((f) => (
          <li key={f.id}>
            {f.filename ?? t('未命名文件', 'unnamed file')}{' '}
            <small class="hint">
              {f.mediaType === 'application/pdf' ? 'PDF' : (f.mediaType ?? '')}{' '}
              {fileSize(f.sizeBytes)}
            </small>{' '}
            <BusyButton
              class="secondary"
              onClick={async () => {
                setError(null)
                await openEvidence(app.id, f).catch(setError)
                setTick((n) => n + 1)
              }}
            >
              {t('查看', 'Open')}
            </BusyButton>
          </li>
        ))}
      </ul>
      <p class="hint">
        {t(
          '每次查看都会记录查看人和时间。',
          'Every time a file is opened, who opened it and when is recorded.',
        )}
      </p>
      <ProblemBox error={error} />
      <EvidenceReads id={app.id} tick={tick} orgs={orgs} />
    </>
  )
}

function fileSize(n: number | null) {
  if (n === null) return ''
  return n >= 1_048_576
    ? `${(n / 1_048_576).toFixed(1)} MB`
    : `${Math.max(1, Math.round(n / 1024))} KB`
}

/** One application as a reviewer decides it: who, what, which files, the rule and limits in words. */
function ReviewDetail({ id }: { id: string }) {
  const state = useLoad(async () => {
    const a = await api.get<Review>(`/v1/applications/${id}`)
    const [orgs, rule] = await Promise.all([
      organizations(),
      a.rule
        ? api
            .get(`/v1/rules/${encodeURIComponent(a.rule.code)}/versions/${a.rule.version}`)
            .catch(() => null)
        : Promise.resolve(null),
    ])
    return { a, orgs, rule }
  }, [id])
  const d = state.data
  return (
    <div>
      <p>
        <a href="#/reviewer">← {t('返回队列', 'Back to the queue')}</a>
      </p>
      <Loading state={state} />
      {d ? (
        <>
          <h1>
            {d.a.award.courseName} <span class={`status ${d.a.status}`}>{w(d.a.status)}</span>
          </h1>
          <div class="grid">
            <Section title={t('学习者', 'Learner')} id="learner">
              <dl>
                <dt>{t('姓名', 'Name')}</dt>
                <dd class="big">{d.a.learner?.name ?? '—'}</dd>
                <dt>{t('学习账号', 'Account number')}</dt>
                <dd>{d.a.learner?.accountNo ?? '—'}</dd>
                <dt>{t('身份证号', 'National ID')}</dt>
                <dd>{d.a.learner?.nationalIdMasked ?? '—'}</dd>
              </dl>
              {!d.a.learner ? <p class="hint">{learnerLine(d.a)}</p> : null}
            </Section>
            <Section title={t('申请认定', 'Asked for')} id="award">
              <dl>
                <dt>{t('认定学校', 'Target')}</dt>
                <dd>{d.orgs.get(d.a.targetOrgId)?.name}</dd>
                <dt>{t('专业', 'Program')}</dt>
                <dd>{d.a.programCode}</dd>
                <dt>{t('课程', 'Course')}</dt>
                <dd>
                  {d.a.award.courseCode} {d.a.award.courseName}（{w(d.a.award.courseType)}）
                </dd>
                <dt>{t('认定学分', 'Credits')}</dt>
                <dd class="big">{d.a.award.credits}</dd>
                <dt>{t('截止时间', 'Due')}</dt>
                <dd class={d.a.overdue && pending(d.a) ? 'overdue' : undefined}>
                  {pending(d.a) ? fmtDate(d.a.dueAt) : '—'}
                  {d.a.overdue && pending(d.a) ? ` ${t('已逾期', 'overdue')}` : ''}
                </dd>
              </dl>
              {d.a.statement ? (
                <>
                  <h3>{t('申请说明', 'Statement')}</h3>
                  <p>{d.a.statement}</p>
                </>
              ) : null}
            </Section>
          </div>
          <Section title={t('来源成果', 'Source outcomes')} id="sources">
            {d.a.sources?.length ? (
              <ul class="sources">
                {d.a.sources.map((s) => {
                  const x = sourceWords(s, d.orgs)
                  return (
                    <li key={s.id}>
                      <strong>{x.what}</strong> <span class="hint">{x.kind}</span>
                      {s.reversed ? (
                        <strong class="overdue"> {t('已冲正', 'reversed')}</strong>
                      ) : null}
                      <br />
                      {t(`${x.where} · ${s.occurredOn}`, `${x.where} · ${s.occurredOn}`)}
                      {x.amount.length ? <> · {x.amount.join(' · ')}</> : null}
                    </li>
                  )
                })}
              </ul>
            ) : (
              <p>{t('来源记录尚未同步。', 'The source entries are not known yet.')}</p>
            )}
            <h3>{t('证明材料', 'Evidence files')}</h3>
            <EvidenceList app={d.a} orgs={d.orgs} />
          </Section>
          <div class="grid">
            <Section title={t('规则说明', 'The rule')} id="rule">
              {d.rule ? (
                <>
                  <p class="hint">{d.a.rule ? `${d.a.rule.code} v${d.a.rule.version}` : ''}</p>
                  <RuleExplain rule={d.rule} orgs={d.orgs} />
                </>
              ) : (
                <p>
                  {t(
                    '本人申请，不依据规则；请按申请说明与证明材料判断。',
                    'A learner’s own request, under no rule; judge it on the statement and the evidence.',
                  )}
                </p>
              )}
            </Section>
            <Section title={t('限额', 'Limits')} id="limits">
              {d.rule &&
              ruleLimits((d.rule as { limits?: Record<string, unknown> }).limits).length ? (
                <>
                  <p>{t('这条规则规定：', 'The rule says:')}</p>
                  <ul class="rule-limits">
                    {ruleLimits((d.rule as { limits?: Record<string, unknown> }).limits).map(
                      (x) => (
                        <li key={x}>{x}</li>
                      ),
                    )}
                  </ul>
                  <p>{t('本申请：', 'For this application:')}</p>
                </>
              ) : null}
              {d.a.limitsApplied.length ? (
                <ul>
                  {d.a.limitsApplied.map((l) => (
                    <li key={l.limit}>{limitText(l)}</li>
                  ))}
                </ul>
              ) : (
                <p>
                  {t(
                    '未触发任何限额：按规则的全部学分认定。',
                    'No limit applied: the rule’s full award.',
                  )}
                </p>
              )}
              <h3>{t('审核步骤', 'Review steps')}</h3>
              <ol>
                {d.a.steps.map((s, i) => (
                  <li
                    key={i}
                    aria-current={d.a.step === i + 1 && pending(d.a) ? 'step' : undefined}
                  >
                    {stepWho(s, d.orgs)}
                    {d.a.step === i + 1 && pending(d.a) ? ` ← ${t('当前', 'current')}` : ''}
                  </li>
                ))}
              </ol>
            </Section>
          </div>
          <Section title={t('办理轨迹', 'Trail')} id="trail">
            <ol class="timeline">
              {d.a.trail.map((s, i) => (
                <li key={i} data-action={s.action}>
                  <time dateTime={s.at}>{fmtDate(s.at)}</time>{' '}
                  <strong>{reviewTrailText(s, d.a, d.orgs)}</strong>
                  {trailReason(s) ? <p class="reason">{trailReason(s)}</p> : null}
                </li>
              ))}
            </ol>
          </Section>
          {pending(d.a) ? (
            d.a.decision?.allowed ? (
              <Decide app={d.a} reload={state.reload} />
            ) : whyNot(d.a.decision?.code ?? null) ? (
              <Section title={t('审核意见', 'Decision')} id="decision">
                <p class="why-not" role="note">
                  {whyNot(d.a.decision?.code ?? null)}
                </p>
              </Section>
            ) : null
          ) : null}
        </>
      ) : null}
    </div>
  )
}

function Decide({ app, reload }: { app: Review; reload: () => void }) {
  const [decision, setDecision] = useState('approve')
  const [reason, setReason] = useState('')
  return (
    <Section title={t('审核意见', 'Decision')} id="decision">
      {app.decision?.escalated ? (
        <p class="why-not" role="note">
          {t(
            '此环节已逾期，已上报本中心办理。',
            'This step is overdue and has come up to your center.',
          )}
        </p>
      ) : null}
      <Form
        label={t('审核意见', 'Decision')}
        submit={t('提交审核意见', 'Submit decision')}
        onSubmit={async () => {
          await api.post(
            `/v1/applications/${app.id}/decisions`,
            { decision, reason: reason.trim() },
            newKey(),
          )
          setReason('')
          reload()
        }}
      >
        <fieldset>
          <legend>{t('结论', 'Decision')}</legend>
          <label class="radio">
            <input
              type="radio"
              name="decision"
              value="approve"
              checked={decision === 'approve'}
              onChange={() => setDecision('approve')}
            />{' '}
            {t('同意认定', 'Approve')}
          </label>
          <label class="radio">
            <input
              type="radio"
              name="decision"
              value="reject"
              checked={decision === 'reject'}
              onChange={() => setDecision('reject')}
            />{' '}
            {t('不同意', 'Reject')}
          </label>
        </fieldset>
        <Field
          label={t('理由（学习者可见）', 'Reason (the learner sees it)')}
          name="reason"
          value={reason}
          onInput={setReason}
          required
        />
      </Form>
    </Section>
  )
}

interface Rule {
  code: string
  name: string
  version: number
  targetOrgId: string
  validFrom: string
  validTo: string | null
  review: { mode: string }
  [k: string]: unknown
}

/** A rule as the form edits it: what the API takes, without what the service adds. */
function editable(rule: Rule): Draft {
  const {
    version: _v,
    createdAt: _c,
    createdBy: _b,
    ...body
  } = rule as Rule & { createdAt?: string; createdBy?: string }
  return body
}

function Rules({ code }: { code?: string | undefined }) {
  const state = useLoad(
    async () => ({
      page: await api.get<Page<Rule>>('/v1/rules?limit=100'),
      orgs: await organizations(),
    }),
    [code],
  )
  const rule = code ? state.data?.page.items.find((r) => r.code === code) : undefined
  const versions = useLoad(
    async () =>
      rule
        ? Promise.all(
            Array.from({ length: rule.version }, (_, i) =>
              api.get<Rule>(`/v1/rules/${encodeURIComponent(rule.code)}/versions/${i + 1}`),
            ),
          )
        : [],
    [rule?.code, rule?.version],
  )
  if (code === 'new') {
    return (
      <div>
        <p>
          <a href="#/reviewer/rules">← {t('全部标准', 'All rules')}</a>
        </p>
        <h1>{t('新建互认标准', 'New rule')}</h1>
        <RuleEditor
          onSaved={(r) => {
            location.hash = `#/reviewer/rules/${encodeURIComponent(r.code)}`
          }}
        />
      </div>
    )
  }
  if (code && rule) {
    return (
      <div>
        <p>
          <a href="#/reviewer/rules">← {t('全部标准', 'All rules')}</a>
        </p>
        <h1>
          {rule.name} <code>{rule.code}</code>
        </h1>
        <div class="grid">
          <Section title={t(`当前版本 v${rule.version}`, `Current version v${rule.version}`)}>
            <RuleExplain rule={rule} orgs={state.data!.orgs} />
          </Section>
        </div>
        <Section title={t('修改为新版本', 'Change as a new version')}>
          <p>
            {t(
              '修改不会覆盖旧版本：保存后生成新版本，已开启的申请仍按原版本办理。',
              'A change never overwrites: it makes a new version; open applications keep theirs.',
            )}
          </p>
          <RuleEditor
            key={`${rule.code}-${rule.version}`}
            rule={editable(rule)}
            onSaved={() => state.reload()}
          />
        </Section>
        <Section title={t('历史版本', 'Versions')}>
          <Loading state={versions} />
          <ol>
            {(versions.data ?? []).map((v) => (
              <li key={v.version}>
                v{v.version} · {v.validFrom} – {v.validTo ?? '…'} ·{' '}
                {String((v as { createdAt?: string }).createdAt ?? '')}
              </li>
            ))}
          </ol>
        </Section>
      </div>
    )
  }
  return (
    <div>
      <h1>{t('互认标准（转换规则）', 'Recognition rules')}</h1>
      <Loading state={state} />
      {state.data ? (
        <CardTable
          caption={t('规则', 'Rules')}
          rows={state.data.page.items}
          rowKey={(r) => r.code}
          columns={[
            {
              label: t('代码', 'Code'),
              cell: (r) => <a href={`#/reviewer/rules/${encodeURIComponent(r.code)}`}>{r.code}</a>,
            },
            { label: t('名称', 'Name'), cell: (r) => r.name },
            {
              label: t('认定学校', 'Target'),
              cell: (r) => state.data!.orgs.get(r.targetOrgId)?.name,
            },
            { label: t('版本', 'Version'), cell: (r) => `v${r.version}` },
            {
              label: t('审核', 'Review'),
              cell: (r) => (r.review.mode === 'auto' ? t('自动', 'auto') : t('人工', 'manual')),
            },
          ]}
        />
      ) : null}
      <p>
        <a class="button" href="#/reviewer/rules/new">
          {t('新建互认标准', 'New rule')}
        </a>
      </p>
    </div>
  )
}

function SimulateRules() {
  const orgs = useLoad(() => organizations())
  const [target, setTarget] = useState('')
  const [program, setProgram] = useState('')
  const [learnerId, setLearnerId] = useState('')
  const [h, setH] = useState<Record<string, string>>({
    kind: 'training',
    title: '职业技能培训',
    hours: '64',
  })
  const [result, setResult] = useState<any>(null)
  const schools = [...(orgs.data?.values() ?? [])].filter((o) => o.kind === 'school')
  const targetId = target || schools[0]?.id || ''
  return (
    <Section title={t('规则模拟', 'Simulate rules')}>
      <p>
        {t(
          '用某位学习者已有的成果或假设的成果，试算目标学校现行规则的认定结果。',
          'Try a learner’s outcomes or a hypothetical one against a target’s current rules.',
        )}
      </p>
      <Form
        label={t('规则模拟', 'Simulation')}
        submit={t('模拟', 'Simulate')}
        onSubmit={async () => {
          const outcomes = hypothetical(h)
          setResult(
            await api.post('/v1/simulations', {
              targetOrgId: targetId,
              programCode: program.trim(),
              ...(learnerId.trim() ? { learnerId: learnerId.trim() } : {}),
              ...(outcomes ? { outcomes } : {}),
            }),
          )
        }}
      >
        <Select
          label={t('目标学校', 'Target school')}
          name="targetOrgId"
          value={targetId}
          onInput={setTarget}
          options={schools.map((o) => [o.id, o.name])}
          required
        />
        <Field
          label={t('专业代码', 'Program code')}
          name="programCode"
          value={program}
          onInput={setProgram}
          required
          placeholder="P-RAIL"
        />
        <Field
          label={t('学习者编号（可选）', 'Learner id (optional)')}
          name="learnerId"
          value={learnerId}
          onInput={setLearnerId}
        />
        <HypotheticalFields h={h} set={(k) => (v) => setH({ ...h, [k]: v })} />
      </Form>
      {result ? <SimulationView r={result} /> : null}
    </Section>
  )
}
