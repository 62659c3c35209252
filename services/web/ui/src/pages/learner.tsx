import { useEffect, useState } from 'preact/hooks'
import QRCode from 'qrcode'
import { api, auth, newKey, organizations, type Page } from '../api'
import { t, w } from '../i18n'
import {
  errorsByPath,
  Field,
  Form,
  fmtDate,
  Loading,
  Notice,
  ProblemBox,
  Section,
  Select,
  today,
  useLoad,
} from '../ui'

export interface Entry {
  id: string
  seq: number
  entryCode: string
  kind: string
  orgId: string
  title: string
  code: string | null
  credits: string | null
  hours: string | null
  grade: { score: string; scale: string } | null
  level: string | null
  occurredOn: string
  reversesEntryId: string | null
  reason: string | null
  usedAt: { targetOrgId: string; courseCode: string; applicationId: string }[]
}

export interface Application {
  id: string
  learnerId: string
  targetOrgId: string
  programCode: string
  origin: string
  rule: { code: string; version: number } | null
  sourceEntryIds: string[]
  award: { courseCode: string; courseName: string; courseType: string; credits: string | null }
  limitsApplied: { limit: string; from: string; to: string; message: string }[]
  status: string
  step: number | null
  steps: { role: string; orgId?: string; regionCode?: string }[]
  dueAt: string | null
  overdue: boolean
  statement: string | null
  flags: string[]
  trail: { at: string; actor: string; action: string; step: number | null; reason: string | null }[]
}

const tabs: [string, string, string][] = [
  ['', '账户与账单', 'Account & statement'],
  ['timeline', '时间轴', 'Timeline'],
  ['applications', '认定申请', 'Applications'],
  ['simulate', '学分模拟', 'What if'],
  ['shares', '分享', 'Shares'],
]

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

export function LearnerPage({ path }: { path: string[] }) {
  const learnerId = auth.current?.claims.learner
  const [sub, arg] = path
  if (sub === 'claim' || !learnerId) return <Claim />
  return (
    <div>
      <Tabs base="learner" items={tabs} current={sub === 'credential' ? '' : (sub ?? '')} />
      {sub === 'timeline' ? <Timeline learnerId={learnerId} /> : null}
      {sub === 'applications' && arg ? <ApplicationDetail id={arg} learnerView /> : null}
      {sub === 'applications' && !arg ? <Applications learnerId={learnerId} /> : null}
      {sub === 'simulate' ? <Simulate learnerId={learnerId} /> : null}
      {sub === 'shares' ? <Shares /> : null}
      {sub === 'credential' && arg ? <Credential learnerId={learnerId} entryId={arg} /> : null}
      {!sub ? <Account learnerId={learnerId} /> : null}
    </div>
  )
}

function Claim() {
  const [f, setF] = useState({ nationalId: '', name: '' })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [waiting, setWaiting] = useState(false)
  const claimed = !!auth.current?.claims.learner
  return (
    <section class="card narrow">
      <h1>{t('认领学习账户', 'Claim your learning account')}</h1>
      {claimed ? <Notice>{t('您的账户已认领。', 'Your account is claimed.')}</Notice> : null}
      <p>
        {t(
          '学校或培训机构可能已为您开立账户。输入身份证号和姓名，把它与您的登录关联；如果还没有账户，会为您新开一个。身份证号只加密保存，不会出现在网址或日志中。',
          'A school may already have opened your account. Enter your national id and name to link it to your sign-in; if none exists, one is opened. The id is stored encrypted only.',
        )}
      </p>
      <Form
        label={t('认领账户', 'Claim account')}
        submit={t('认领', 'Claim')}
        onSubmit={async () => {
          setErrors({})
          try {
            await api.post(
              '/v1/learners/claim',
              { nationalId: f.nationalId.trim().toUpperCase(), name: f.name.trim() },
              newKey(),
            )
          } catch (err) {
            setErrors(errorsByPath(err))
            throw err
          }
          setWaiting(true)
          // Identity learns of the claim through an event; then a new token carries the learner.
          for (let i = 0; i < 40; i++) {
            const me = await api.get<{ learner: string | null }>('/v1/me')
            if (me.learner) break
            await new Promise((r) => setTimeout(r, 250))
          }
          if (!(await auth.refresh())) {
            auth.signOut()
            location.hash = '#/login?next=%23%2Flearner'
            return
          }
          location.hash = '#/learner'
        }}
      >
        <Field
          label={t('身份证号', 'National id number')}
          name="nationalId"
          value={f.nationalId}
          onInput={(v) => setF({ ...f, nationalId: v })}
          required
          autoComplete="off"
          error={errors.nationalId}
          hint={t('18位，末位可为X', '18 characters')}
        />
        <Field
          label={t('姓名', 'Name')}
          name="name"
          value={f.name}
          onInput={(v) => setF({ ...f, name: v })}
          required
          autoComplete="name"
          error={errors.name}
        />
      </Form>
      {waiting ? <p aria-live="polite">{t('正在关联账户…', 'Linking your account…')}</p> : null}
    </section>
  )
}

interface AccountView {
  accountNo: string
  balances: {
    total: { credits: string; hours: string }
    recognized: { credits: string }
    byKind: Record<string, { credits: string; hours: string; entryCount: number }>
  }
  entryCount: number
  headHash: string
}

function Account({ learnerId }: { learnerId: string }) {
  const [kind, setKind] = useState('')
  const state = useLoad(async () => {
    const [profile, account, entries, chain, orgs] = await Promise.all([
      api.get<{ name: string; accountNo: string; nationalIdMasked: string; category: string }>(
        `/v1/learners/${learnerId}`,
      ),
      api.get<AccountView>(`/v1/learners/${learnerId}/account`),
      api.get<Page<Entry>>(
        `/v1/learners/${learnerId}/entries?limit=100${kind ? `&kind=${kind}` : ''}`,
      ),
      api.get<{ valid: boolean; entryCount: number }>(`/v1/learners/${learnerId}/chain`),
      organizations(),
    ])
    return { profile, account, entries, chain, orgs }
  }, [learnerId, kind])
  const d = state.data
  return (
    <div>
      <h1>{t('我的学习账户', 'My learning account')}</h1>
      <Loading state={state} />
      {d ? (
        <>
          <div class="grid">
            <Section title={d.profile.name}>
              <dl>
                <dt>{t('账号', 'Account no.')}</dt>
                <dd class="mono">{d.account.accountNo}</dd>
                <dt>{t('身份证号', 'National id')}</dt>
                <dd class="mono">{d.profile.nationalIdMasked}</dd>
                <dt>{t('类别', 'Category')}</dt>
                <dd>{w(d.profile.category)}</dd>
                <dt>{t('账本校验', 'Ledger check')}</dt>
                <dd>
                  {d.chain.valid
                    ? t(
                        `哈希链完整（${d.chain.entryCount}条）`,
                        `hash chain intact (${d.chain.entryCount})`,
                      )
                    : t('哈希链异常', 'hash chain broken')}
                </dd>
              </dl>
            </Section>
            <Section title={t('余额', 'Balances')}>
              <dl>
                <dt>{t('累计学分', 'Total credits')}</dt>
                <dd class="big">{d.account.balances.total.credits}</dd>
                <dt>{t('累计学时', 'Total hours')}</dt>
                <dd>{d.account.balances.total.hours}</dd>
                <dt>{t('认定学分', 'Recognized credits')}</dt>
                <dd>{d.account.balances.recognized.credits}</dd>
                {Object.entries(d.account.balances.byKind).map(([k, b]) => (
                  <>
                    <dt>{w(k)}</dt>
                    <dd>
                      {b.credits} {t('学分', 'credits')} · {b.hours} {t('学时', 'hours')} ·{' '}
                      {b.entryCount} {t('条', 'entries')}
                    </dd>
                  </>
                ))}
              </dl>
            </Section>
          </div>
          <Section title={t('账单', 'Statement')} id="statement">
            <Select
              label={t('类别筛选', 'Filter by kind')}
              name="kind"
              value={kind}
              onInput={setKind}
              options={[
                ['', t('全部', 'All')],
                ...['course', 'training', 'competition', 'work', 'certificate', 'recognized'].map(
                  (k): [string, string] => [k, w(k)],
                ),
              ]}
            />
            <EntryTable
              entries={d.entries.items}
              orgs={d.orgs}
              action={(e) =>
                e.reversesEntryId ? null : (
                  <a href={`#/learner/credential/${e.id}`}>{t('凭证', 'Credential')}</a>
                )
              }
            />
          </Section>
        </>
      ) : null}
    </div>
  )
}

export function EntryTable({
  entries,
  orgs,
  action,
}: {
  entries: Entry[]
  orgs: Map<string, { name: string }>
  action?: (e: Entry) => preact.ComponentChildren
}) {
  if (!entries.length) return <p>{t('暂无记录。', 'No entries yet.')}</p>
  return (
    <div class="scroll">
      <table>
        <caption class="sr-only">{t('记录', 'Entries')}</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('日期', 'Date')}</th>
            <th scope="col">{t('类别', 'Kind')}</th>
            <th scope="col">{t('内容', 'Title')}</th>
            <th scope="col">{t('机构', 'Organization')}</th>
            <th scope="col">{t('学分', 'Credits')}</th>
            <th scope="col">{t('学时', 'Hours')}</th>
            <th scope="col">{t('成绩/等级', 'Grade/level')}</th>
            <th scope="col">{t('用途', 'Used at')}</th>
            {action ? <th scope="col">{t('操作', 'Action')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} class={e.reversesEntryId ? 'muted' : undefined}>
              <td>{e.seq}</td>
              <td>{e.occurredOn}</td>
              <td>
                {e.reversesEntryId
                  ? w('reversal')
                  : w(e.entryCode === 'recognition.approved' ? 'recognized' : e.kind)}
              </td>
              <td>
                {e.title}
                {e.reason ? <small class="hint"> {e.reason}</small> : null}
              </td>
              <td>{orgs.get(e.orgId)?.name ?? ''}</td>
              <td>{e.credits ?? ''}</td>
              <td>{e.hours ?? ''}</td>
              <td>{e.grade ? `${e.grade.score}/${e.grade.scale}` : w(e.level)}</td>
              <td>
                {e.usedAt
                  .map((u) => `${orgs.get(u.targetOrgId)?.name ?? ''} ${u.courseCode}`)
                  .join('; ')}
              </td>
              {action ? <td>{action(e)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

interface TimelineItem {
  id: string
  category: string
  entryId: string | null
  title: string
  at: string
  status: string
  orgName: string | null
  provenance: {
    source: string
    eventType: string
    actor: string | null
    reason: string | null
    rule: { code?: string; version?: number } | null
  }
}

function Timeline({ learnerId }: { learnerId: string }) {
  const state = useLoad(
    () => api.get<Page<TimelineItem>>(`/v1/learners/${learnerId}/timeline?limit=100`),
    [learnerId],
  )
  return (
    <div>
      <h1>{t('终身学习时间轴', 'Lifelong learning timeline')}</h1>
      <Loading state={state} />
      {state.data ? (
        <ol class="timeline">
          {state.data.items.map((i) => (
            <li key={i.id} class={i.status !== 'active' ? 'muted' : undefined}>
              <time dateTime={i.at}>{fmtDate(i.at)}</time> <span class="tag">{w(i.category)}</span>{' '}
              <strong>{i.title}</strong>
              {i.orgName ? <span> · {i.orgName}</span> : null}
              {i.status !== 'active' ? <span class="tag warn">{w(i.status)}</span> : null}
              <small class="hint">
                {' '}
                {t('来源', 'source')}: {i.provenance.source} / {i.provenance.eventType}
                {i.provenance.rule?.code
                  ? ` · ${t('规则', 'rule')} ${i.provenance.rule.code} v${i.provenance.rule.version}`
                  : ''}
                {i.provenance.reason ? ` · ${i.provenance.reason}` : ''}
              </small>
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  )
}

function Applications({ learnerId }: { learnerId: string }) {
  const state = useLoad(
    async () => ({
      page: await api.get<Page<Application>>(`/v1/applications?learnerId=${learnerId}&limit=100`),
      orgs: await organizations(),
    }),
    [learnerId],
  )
  return (
    <div>
      <h1>{t('我的认定申请', 'My applications')}</h1>
      <Loading state={state} />
      {state.data ? (
        <ApplicationTable
          items={state.data.page.items}
          orgs={state.data.orgs}
          base="#/learner/applications"
        />
      ) : null}
    </div>
  )
}

export function ApplicationTable({
  items,
  orgs,
  base,
}: {
  items: Application[]
  orgs: Map<string, { name: string }>
  base: string
}) {
  if (!items.length) return <p>{t('暂无申请。', 'No applications.')}</p>
  return (
    <div class="scroll">
      <table>
        <caption class="sr-only">{t('认定申请', 'Applications')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('认定课程', 'Course')}</th>
            <th scope="col">{t('认定学校', 'Target')}</th>
            <th scope="col">{t('学分', 'Credits')}</th>
            <th scope="col">{t('来源', 'Origin')}</th>
            <th scope="col">{t('状态', 'Status')}</th>
            <th scope="col">{t('截止', 'Due')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id}>
              <td>
                <a href={`${base}/${a.id}`}>
                  {a.award.courseName} ({a.award.courseCode})
                </a>
              </td>
              <td>{orgs.get(a.targetOrgId)?.name ?? ''}</td>
              <td>{a.award.credits}</td>
              <td>
                {a.origin === 'rule'
                  ? t(`规则 ${a.rule?.code}`, `rule ${a.rule?.code}`)
                  : t('本人申请', 'learner')}
              </td>
              <td>
                <span class={`status ${a.status}`}>{w(a.status)}</span>
                {a.step ? ` · ${t('第', 'step ')}${a.step}${t('步', '')}` : ''}
              </td>
              <td class={a.overdue ? 'overdue' : undefined}>
                {fmtDate(a.dueAt)}
                {a.overdue ? ` ${t('已逾期', 'overdue')}` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** One application with its evidence, rule, limits and full trail; the learner may appeal or withdraw. */
export function ApplicationDetail({
  id,
  learnerView,
  decide,
}: {
  id: string
  learnerView?: boolean
  decide?: (a: Application, reload: () => void) => preact.ComponentChildren
}) {
  const state = useLoad(async () => {
    const a = await api.get<Application>(`/v1/applications/${id}`)
    const [orgs, rule] = await Promise.all([
      organizations(),
      a.rule
        ? api
            .get(`/v1/rules/${encodeURIComponent(a.rule.code)}/versions/${a.rule.version}`)
            .catch(() => null)
        : Promise.resolve(null),
    ])
    let entries: Entry[] = []
    if (learnerView) {
      const page = await api
        .get<Page<Entry>>(`/v1/learners/${a.learnerId}/entries?limit=100`)
        .catch(() => ({ items: [] as Entry[], nextCursor: null }))
      entries = page.items.filter((e) => a.sourceEntryIds.includes(e.id))
    }
    return { a, orgs, rule, entries }
  }, [id])
  const [reason, setReason] = useState('')
  const d = state.data
  return (
    <div>
      <p>
        <a href={learnerView ? '#/learner/applications' : '#/reviewer'}>
          ← {t('返回列表', 'Back to the list')}
        </a>
      </p>
      <Loading state={state} />
      {d ? (
        <>
          <h1>
            {d.a.award.courseName} <span class={`status ${d.a.status}`}>{w(d.a.status)}</span>
          </h1>
          <div class="grid">
            <Section title={t('申请', 'Application')}>
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
                <dt>{t('依据规则', 'Rule')}</dt>
                <dd>
                  {d.a.rule
                    ? `${d.a.rule.code} v${d.a.rule.version}`
                    : t('本人申请（无规则）', 'learner request (no rule)')}
                </dd>
                <dt>{t('审核步骤', 'Steps')}</dt>
                <dd>
                  <ol>
                    {d.a.steps.map((s, i) => (
                      <li key={i} aria-current={d.a.step === i + 1 ? 'step' : undefined}>
                        {s.orgId
                          ? d.orgs.get(s.orgId)?.name
                          : s.regionCode
                            ? t(
                                `行政区划 ${s.regionCode} 的认证中心`,
                                `centers of region ${s.regionCode}`,
                              )
                            : s.role}
                        {d.a.step === i + 1 ? ` ← ${t('当前', 'current')}` : ''}
                      </li>
                    ))}
                  </ol>
                </dd>
                <dt>{t('截止时间', 'Due')}</dt>
                <dd class={d.a.overdue ? 'overdue' : undefined}>{fmtDate(d.a.dueAt)}</dd>
              </dl>
              {d.a.limitsApplied.length ? (
                <>
                  <h3>{t('触发的限额', 'Limits applied')}</h3>
                  <ul>
                    {d.a.limitsApplied.map((l) => (
                      <li key={l.limit}>
                        <code>{l.limit}</code> {l.from} → {l.to}：{l.message}
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
              {d.a.statement ? <p>{d.a.statement}</p> : null}
            </Section>
            <Section title={t('规则说明', 'Rule explanation')}>
              {d.rule ? (
                <RuleExplain rule={d.rule} orgs={d.orgs} />
              ) : d.a.rule ? (
                <p>
                  {t(
                    `依据规则 ${d.a.rule.code} 第 ${d.a.rule.version} 版；认定课程、学分与触发的限额见左侧，每一步的审核意见见下方办理轨迹。`,
                    `Under rule ${d.a.rule.code} version ${d.a.rule.version}; the award and limits are on the left, each decision and its reason in the trail below.`,
                  )}
                </p>
              ) : (
                <p>
                  {t(
                    '本人申请，不依据规则；由审核人员按申请说明与证据判断。',
                    'A learner’s own request, under no rule; reviewers judge it on the statement and evidence.',
                  )}
                </p>
              )}
            </Section>
          </div>
          {learnerView && d.entries.length ? (
            <Section title={t('证据（来源记录）', 'Evidence (source entries)')}>
              <EntryTable entries={d.entries} orgs={d.orgs} />
            </Section>
          ) : (
            <Section title={t('证据（来源记录）', 'Evidence (source entries)')}>
              <ul>
                {d.a.sourceEntryIds.map((e) => (
                  <li key={e} class="mono">
                    {e}
                  </li>
                ))}
              </ul>
            </Section>
          )}
          <Section title={t('办理轨迹', 'Trail')}>
            <ol class="timeline">
              {d.a.trail.map((s, i) => (
                <li key={i}>
                  <time dateTime={s.at}>{fmtDate(s.at)}</time> <strong>{s.action}</strong>
                  {s.step ? ` · ${t('第', 'step ')}${s.step}${t('步', '')}` : ''} · {s.actor}
                  {s.reason ? <p class="reason">{s.reason}</p> : null}
                </li>
              ))}
            </ol>
          </Section>
          {learnerView && ['rejected', 'open', 'in_review', 'appealed'].includes(d.a.status) ? (
            <Section
              title={d.a.status === 'rejected' ? t('申诉', 'Appeal') : t('撤回申请', 'Withdraw')}
            >
              <Form
                label={t('申诉或撤回', 'Appeal or withdraw')}
                submit={d.a.status === 'rejected' ? t('提交申诉', 'Appeal') : t('撤回', 'Withdraw')}
                onSubmit={async () => {
                  await api.post(
                    `/v1/applications/${d.a.id}/${d.a.status === 'rejected' ? 'appeal' : 'withdrawal'}`,
                    { reason: reason.trim() },
                    newKey(),
                  )
                  setReason('')
                  state.reload()
                }}
              >
                <Field
                  label={t('理由', 'Reason')}
                  name="reason"
                  value={reason}
                  onInput={setReason}
                  required
                />
              </Form>
            </Section>
          ) : null}
          {decide ? decide(d.a, state.reload) : null}
        </>
      ) : null}
    </div>
  )
}

export function RuleExplain({ rule, orgs }: { rule: any; orgs: Map<string, { name: string }> }) {
  const s = rule.source ?? {}
  const a = rule.award ?? {}
  const source =
    s.kind === 'certificate'
      ? t(
          `1+X证书 ${s.typeCode}，等级 ${(s.levels ?? [s.minLevel ? `≥${s.minLevel}` : '']).map(w).join('/')}`,
          `1+X certificate ${s.typeCode}, level ${(s.levels ?? [s.minLevel ?? '']).join('/')}`,
        )
      : s.kind === 'course'
        ? t(
            `课程 ${s.code ?? s.titlePattern ?? ''}${s.orgId ? `（${orgs.get(s.orgId)?.name ?? ''}）` : ''}${s.minScore ? `，成绩≥${s.minScore}` : ''}`,
            `course ${s.code ?? s.titlePattern ?? ''}${s.minScore ? `, score ≥ ${s.minScore}` : ''}`,
          )
        : `${w(s.kind)}${s.minHours ? t(`，不少于${s.minHours}学时`, `, at least ${s.minHours} hours`) : ''}${s.minLevel ? `，≥${w(s.minLevel)}` : ''}`
  return (
    <dl>
      <dt>{t('规则', 'Rule')}</dt>
      <dd>
        {rule.name}{' '}
        <code>
          {rule.code} v{rule.version}
        </code>
      </dd>
      <dt>{t('何种成果', 'What matches')}</dt>
      <dd>{source}</dd>
      <dt>{t('认定为', 'Awards')}</dt>
      <dd>
        {a.courseCode} {a.courseName}（{w(a.courseType)}），
        {a.credits
          ? t(`${a.credits} 学分`, `${a.credits} credits`)
          : t(
              `每学时 ${a.creditsPerHour} 学分（${a.rounding}）`,
              `${a.creditsPerHour} credits an hour (${a.rounding})`,
            )}
      </dd>
      {rule.conditions ? (
        <>
          <dt>{t('条件', 'Conditions')}</dt>
          <dd>
            {rule.conditions.maxAgeMonths
              ? t(
                  `成果取得不超过${rule.conditions.maxAgeMonths}个月；`,
                  `no older than ${rule.conditions.maxAgeMonths} months; `,
                )
              : ''}
            {rule.conditions.programCodes
              ? t(
                  `适用专业 ${rule.conditions.programCodes.join('、')}`,
                  `programs ${rule.conditions.programCodes.join(', ')}`,
                )
              : ''}
          </dd>
        </>
      ) : null}
      {rule.limits && Object.keys(rule.limits).length ? (
        <>
          <dt>{t('限额', 'Limits')}</dt>
          <dd>
            {Object.entries(rule.limits)
              .map(([k, v]) => `${k}: ${String(v)}`)
              .join('; ')}
          </dd>
        </>
      ) : null}
      <dt>{t('审核方式', 'Review')}</dt>
      <dd>
        {rule.review?.mode === 'auto'
          ? t('自动认定', 'automatic')
          : t(
              `人工审核，${rule.review?.steps?.length ?? 0}步，${rule.review?.dueDays ?? '-'}天内办结`,
              `manual, ${rule.review?.steps?.length ?? 0} steps, ${rule.review?.dueDays ?? '-'} days`,
            )}
      </dd>
      <dt>{t('有效期', 'Valid')}</dt>
      <dd>
        {rule.validFrom} – {rule.validTo ?? t('长期', 'open')}
      </dd>
    </dl>
  )
}

interface SimulationResult {
  items: {
    rule: { code: string; version: number }
    sourceRef: string
    award: { courseCode: string; courseName: string; credits: string | null }
    limitsApplied: { limit: string; message: string }[]
    refused: { limit: string; message: string } | null
    review: string
  }[]
  totalCredits: string
  remaining: { year: string | null; term: string | null; program: string | null }
  messages: string[]
}

export function SimulationView({ r }: { r: SimulationResult }) {
  return (
    <div role="status" aria-live="polite">
      <p class="big">
        {t('预计可认定', 'Would be recognized')}: {r.totalCredits} {t('学分', 'credits')}
      </p>
      {r.items.length ? (
        <table>
          <caption class="sr-only">{t('模拟结果', 'Simulation')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('规则', 'Rule')}</th>
              <th scope="col">{t('课程', 'Course')}</th>
              <th scope="col">{t('学分', 'Credits')}</th>
              <th scope="col">{t('限额/拒绝', 'Limits / refusal')}</th>
              <th scope="col">{t('审核', 'Review')}</th>
            </tr>
          </thead>
          <tbody>
            {r.items.map((i) => (
              <tr key={i.rule.code + i.sourceRef}>
                <td>
                  {i.rule.code} v{i.rule.version}
                </td>
                <td>
                  {i.award.courseCode} {i.award.courseName}
                </td>
                <td>{i.refused ? '0' : i.award.credits}</td>
                <td>
                  {[
                    ...i.limitsApplied.map((l) => l.message),
                    i.refused ? `✗ ${i.refused.message}` : '',
                  ]
                    .filter(Boolean)
                    .join('; ')}
                </td>
                <td>{i.review === 'auto' ? t('自动', 'auto') : t('人工', 'manual')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t('没有规则匹配这些成果。', 'No rule matches these outcomes.')}</p>
      )}
      <p>
        {t('剩余额度', 'Remaining')}: {t('本年', 'year')} {r.remaining.year ?? '—'} ·{' '}
        {t('本学期', 'term')} {r.remaining.term ?? '—'} · {t('本专业', 'program')}{' '}
        {r.remaining.program ?? '—'}
      </p>
      {r.messages.length ? (
        <ul>
          {r.messages.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

/** The hypothetical outcome fields shared by the learner's and the reviewer's simulators. */
export function HypotheticalFields({
  h,
  set,
}: {
  h: Record<string, string>
  set: (k: string) => (v: string) => void
}) {
  return (
    <fieldset>
      <legend>{t('假设的学习成果（可选）', 'A hypothetical outcome (optional)')}</legend>
      <Select
        label={t('类别', 'Kind')}
        name="hKind"
        value={h.kind ?? ''}
        onInput={set('kind')}
        options={[
          ['', t('不添加', 'none')],
          ...['certificate', 'course', 'training', 'competition', 'work'].map(
            (k): [string, string] => [k, w(k)],
          ),
        ]}
      />
      <Field
        label={t('名称', 'Title')}
        name="hTitle"
        value={h.title ?? ''}
        onInput={set('title')}
      />
      <Field
        label={t('证书代码（证书）', 'Type code (certificates)')}
        name="hTypeCode"
        value={h.typeCode ?? ''}
        onInput={set('typeCode')}
        placeholder="WEB-FE"
      />
      <Field
        label={t('等级', 'Level')}
        name="hLevel"
        value={h.level ?? ''}
        onInput={set('level')}
        placeholder="intermediate / provincial"
      />
      <Field
        label={t('学时', 'Hours')}
        name="hHours"
        value={h.hours ?? ''}
        onInput={set('hours')}
      />
      <Field
        label={t('学分', 'Credits')}
        name="hCredits"
        value={h.credits ?? ''}
        onInput={set('credits')}
      />
      <Field
        label={t('日期', 'Date')}
        name="hOccurredOn"
        type="date"
        value={h.occurredOn ?? today()}
        onInput={set('occurredOn')}
      />
    </fieldset>
  )
}

export function hypothetical(h: Record<string, string>) {
  if (!h.kind) return undefined
  const o: Record<string, string> = {
    kind: h.kind,
    title: h.title || w(h.kind),
    occurredOn: h.occurredOn || today(),
  }
  for (const k of ['typeCode', 'level', 'hours', 'credits']) if (h[k]) o[k] = h[k]!
  return [o]
}

function Simulate({ learnerId }: { learnerId: string }) {
  const orgs = useLoad(() => organizations())
  const [target, setTarget] = useState('')
  const [program, setProgram] = useState('')
  const [h, setH] = useState<Record<string, string>>({})
  const [result, setResult] = useState<SimulationResult | null>(null)
  const schools = [...(orgs.data?.values() ?? [])].filter(
    (o) => (o as { kind: string }).kind === 'school',
  )
  useEffect(() => {
    if (!target && schools[0]) setTarget(schools[0].id)
  }, [schools.length])
  return (
    <Section title={t('学分模拟：如果……能认定多少？', 'What if: what would be recognized?')}>
      <p>
        {t(
          '用您账户中已有的成果（以及一个假设的成果）试算目标学校按现行规则能认定的学分、触发的限额和剩余额度。不会提交任何申请。',
          'Try your existing outcomes (and a hypothetical one) against the target school’s current rules. Nothing is submitted.',
        )}
      </p>
      <Form
        label={t('学分模拟', 'Simulation')}
        submit={t('模拟', 'Simulate')}
        onSubmit={async () => {
          const outcomes = hypothetical(h)
          setResult(
            await api.post<SimulationResult>('/v1/simulations', {
              learnerId,
              targetOrgId: target,
              programCode: program.trim(),
              ...(outcomes ? { outcomes } : {}),
            }),
          )
        }}
      >
        <Select
          label={t('目标学校', 'Target school')}
          name="targetOrgId"
          value={target}
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
          placeholder="P-WEB"
        />
        <HypotheticalFields h={h} set={(k) => (v) => setH({ ...h, [k]: v })} />
      </Form>
      {result ? <SimulationView r={result} /> : null}
    </Section>
  )
}

interface Share {
  id: string
  scope: string
  label: string | null
  expiresAt: string
  active: boolean
  accessCount: number
  accesses: { at: string; userAgent: string | null }[]
  url?: string
  token?: string
}

function Shares() {
  const state = useLoad(() => api.get<Page<Share>>('/v1/shares?limit=100'))
  const [label, setLabel] = useState('')
  const [days, setDays] = useState('30')
  const [made, setMade] = useState<Share | null>(null)
  return (
    <div>
      <h1>{t('分享我的学习档案', 'Share my record')}</h1>
      <Section title={t('新建分享链接', 'New share link')}>
        <Form
          label={t('新建分享', 'New share')}
          submit={t('生成链接', 'Create link')}
          onSubmit={async () => {
            const expiresAt = new Date(Date.now() + Number(days) * 86_400_000).toISOString()
            setMade(
              await api.post<Share>(
                '/v1/shares',
                { scope: 'all', expiresAt, ...(label.trim() ? { label: label.trim() } : {}) },
                newKey(),
              ),
            )
            state.reload()
          }}
        >
          <Field
            label={t('用途说明', 'Label')}
            name="label"
            value={label}
            onInput={setLabel}
            placeholder={t('如：投递简历', 'e.g. job application')}
          />
          <Select
            label={t('有效天数', 'Valid for')}
            name="days"
            value={days}
            onInput={setDays}
            options={['7', '30', '90', '365'].map((d) => [d, t(`${d}天`, `${d} days`)])}
          />
        </Form>
        {made?.token ? <ShareLink token={made.token} /> : null}
      </Section>
      <Section title={t('我的分享', 'My shares')}>
        <Loading state={state} />
        {state.data?.items.length ? (
          <table>
            <caption class="sr-only">{t('分享', 'Shares')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('用途', 'Label')}</th>
                <th scope="col">{t('有效期至', 'Expires')}</th>
                <th scope="col">{t('访问次数', 'Accesses')}</th>
                <th scope="col">{t('最近访问', 'Last access')}</th>
                <th scope="col">{t('操作', 'Action')}</th>
              </tr>
            </thead>
            <tbody>
              {state.data.items.map((s) => (
                <tr key={s.id} class={s.active ? undefined : 'muted'}>
                  <td>{s.label}</td>
                  <td>{fmtDate(s.expiresAt)}</td>
                  <td>{s.accessCount}</td>
                  <td>{fmtDate(s.accesses[0]?.at)}</td>
                  <td>
                    {s.active ? (
                      <button
                        type="button"
                        class="link"
                        onClick={async () => {
                          await api.del(`/v1/shares/${s.id}`)
                          state.reload()
                        }}
                      >
                        {t('撤销', 'Revoke')}
                      </button>
                    ) : (
                      t('已失效', 'inactive')
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Section>
    </div>
  )
}

function ShareLink({ token }: { token: string }) {
  const url = `${location.origin}/v1/shared/${token}`
  const [qr, setQr] = useState('')
  useEffect(() => {
    QRCode.toDataURL(url, { margin: 1, width: 220 }).then(setQr, () => setQr(''))
  }, [url])
  return (
    <div class="share-link" role="status">
      <p>{t('链接只显示这一次，请立即复制：', 'The link is shown once; copy it now:')}</p>
      <p>
        <a href={`#/shared/${token}`} class="mono">
          {url}
        </a>
      </p>
      {qr ? (
        <img
          src={qr}
          width={220}
          height={220}
          alt={t('分享链接二维码', 'QR code of the share link')}
        />
      ) : null}
    </div>
  )
}

function Credential({ learnerId, entryId }: { learnerId: string; entryId: string }) {
  const state = useLoad(
    () => api.get<Record<string, any>>(`/v1/learners/${learnerId}/credentials/${entryId}`),
    [entryId],
  )
  const [share, setShare] = useState<string | null>(null)
  const [error, setError] = useState<unknown>(null)
  const vc = state.data
  const download = () => {
    const blob = new Blob([JSON.stringify(vc, null, 2)], { type: 'application/ld+json' })
    const a = document.createElement('a')
    a.href = URL.createObjectURL(blob)
    a.download = `credential-${entryId}.json`
    document.body.append(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(a.href), 1_000)
  }
  const subject = vc?.credentialSubject ?? {}
  return (
    <div>
      <h1>{t('可验证凭证', 'Verifiable credential')}</h1>
      <Loading state={state} />
      {vc ? (
        <div class="grid">
          <Section title={subject.achievement?.name ?? vc.name ?? t('凭证', 'Credential')}>
            <dl>
              <dt>{t('类型', 'Type')}</dt>
              <dd>{([] as string[]).concat(vc.type).join(', ')}</dd>
              <dt>{t('签发方', 'Issuer')}</dt>
              <dd>
                {typeof vc.issuer === 'string' ? vc.issuer : (vc.issuer?.name ?? vc.issuer?.id)}
              </dd>
              <dt>{t('签发时间', 'Valid from')}</dt>
              <dd>{fmtDate(vc.validFrom ?? vc.issuanceDate)}</dd>
              <dt>{t('证明', 'Proof')}</dt>
              <dd>
                {([] as any[])
                  .concat(vc.proof ?? [])
                  .map((p) => p.cryptosuite ?? p.type)
                  .join(', ')}
              </dd>
            </dl>
            <p class="actions">
              <button type="button" onClick={download}>
                {t('下载凭证（JSON）', 'Download credential (JSON)')}
              </button>
              <button
                type="button"
                class="secondary"
                onClick={async () => {
                  setError(null)
                  try {
                    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString()
                    const s = await api.post<Share>(
                      '/v1/shares',
                      {
                        scope: 'selected',
                        entryIds: [entryId],
                        expiresAt,
                        label: t('凭证二维码', 'Credential QR code'),
                      },
                      newKey(),
                    )
                    setShare(s.token ?? null)
                  } catch (err) {
                    setError(err)
                  }
                }}
              >
                {t('生成二维码', 'Show a QR code')}
              </button>
            </p>
            <ProblemBox error={error} />
            {share ? <ShareLink token={share} /> : null}
          </Section>
          <Section title={t('凭证内容', 'Credential document')}>
            <pre class="json">{JSON.stringify(vc, null, 2)}</pre>
          </Section>
        </div>
      ) : null}
    </div>
  )
}
