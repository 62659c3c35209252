import { useEffect, useId, useState } from 'preact/hooks'
import QRCode from 'qrcode'
import { ApiError, api, auth, download, newKey, organizations, type Page, request } from '../api'
import { nameIn, t, w } from '../i18n'
import { regionCenters } from '../regions'
import {
  CardTable,
  type Column,
  errorsByPath,
  Field,
  Form,
  fmtDate,
  Loading,
  Notice,
  ProblemBox,
  Section,
  Select,
  Tabs,
  TextArea,
  today,
  useLoad,
} from '../ui'
import { fieldWords } from './my-corrections'
import { MyData } from './my-data'
import { certificateNames, ProgressAndTuition } from './progress'
import { WhoLooked } from './who-looked'

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
  postedAt?: string
  reversesEntryId: string | null
  reason: string | null
  /** For a 1+X certificate's entry: the certificate behind it. */
  certificateId?: string | null
  usedAt: { targetOrgId: string; courseCode: string; applicationId: string }[]
  /** Set when the entry was reversed (a certificate's when it was revoked): it no longer counts. */
  reversedBy?: { entryId: string; reason: string | null; at: string } | null
}

export interface Application {
  id: string
  learnerId: string
  targetOrgId: string
  programCode: string
  origin: string
  rule: { code: string; version: number } | null
  sourceEntryIds: string[]
  evidenceIds?: string[]
  award: { courseCode: string; courseName: string; courseType: string; credits: string | null }
  limitsApplied: { limit: string; from: string; to: string; message: string }[]
  status: string
  step: number | null
  steps: ReviewStep[]
  dueAt: string | null
  overdue: boolean
  statement: string | null
  flags: string[]
  recognizedEntryId?: string | null
  trail: {
    at: string
    actor: string
    /** Who took the step, for showing: never a person's id. */
    by?: { role: 'learner' | 'reviewer' | 'system'; orgId: string | null }
    action: string
    step: number | null
    reason: string | null
  }[]
}

const tabs: [string, string, string][] = [
  ['', '账户与账单', 'Account & statement'],
  ['timeline', '时间轴', 'Timeline'],
  ['apply', '申请认定', 'Apply'],
  ['applications', '我的申请', 'My applications'],
  ['simulate', '学分模拟', 'What if'],
  ['progress', '我的培养方案进度', 'My program progress'],
  ['shares', '分享与证明', 'Share & print'],
  ['notifications', '消息', 'Messages'],
  ['who-looked', '谁查看了我的信息', 'Who looked'],
]

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
      {sub === 'apply' ? <Apply learnerId={learnerId} /> : null}
      {sub === 'simulate' ? <Simulate learnerId={learnerId} /> : null}
      {sub === 'progress' ? <MyProgress learnerId={learnerId} /> : null}
      {sub === 'shares' ? <Shares learnerId={learnerId} /> : null}
      {sub === 'notifications' ? <Notifications learnerId={learnerId} /> : null}
      {sub === 'who-looked' ? <WhoLooked learnerId={learnerId} /> : null}
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
      {/* Claimed already: nothing to fill in again, the way on is the account. */}
      {claimed && !waiting ? (
        <p>
          <a class="button" href="#/learner">
            {t('查看我的学习账户', 'Open my learning account')}
          </a>
        </p>
      ) : (
        <>
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
        </>
      )}
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
  const [pdfError, setPdfError] = useState<unknown>(null)
  const [pdfBusy, setPdfBusy] = useState(false)
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
    await withRevocationReasons(entries.items)
    return { profile, account, entries, chain, orgs }
  }, [learnerId, kind])
  const d = state.data
  const b = d?.account.balances
  return (
    <div>
      <h1>{t('我的学习账户', 'My learning account')}</h1>
      <Loading state={state} />
      {d && b ? (
        <>
          <section class="card" aria-labelledby="total-h">
            <h2 id="total-h">{t('累计', 'In total')}</h2>
            <div class="grid">
              <div>
                <p class="total">
                  <span class="big" data-testid="total-credits">
                    {b.total.credits}
                  </span>
                  <span>{t('学分', 'credits')}</span>
                  <span>
                    {b.total.hours} {t('学时', 'hours')}
                  </span>
                </p>
                <p class="hint">
                  {t(
                    `含认定学分 ${b.recognized.credits}`,
                    `including ${b.recognized.credits} recognized credits`,
                  )}
                </p>
              </div>
              <dl aria-label={t('按类别', 'By kind')}>
                {Object.entries(b.byKind).map(([k, v]) => (
                  <>
                    <dt>{w(k)}</dt>
                    <dd>
                      {t(`${v.credits} 学分`, `${v.credits} credits`)}
                      {Number(v.hours) ? ` · ${t(`${v.hours} 学时`, `${v.hours} hours`)}` : ''} ·{' '}
                      {t(
                        `${v.entryCount} 条`,
                        `${v.entryCount} ${v.entryCount === 1 ? 'entry' : 'entries'}`,
                      )}
                    </dd>
                  </>
                ))}
              </dl>
            </div>
          </section>
          <div class="grid">
            <Section
              title={
                d.profile.name ??
                t(
                  '匿名学分记录（个人信息已删除）',
                  'Anonymous record (personal information erased)',
                )
              }
            >
              <dl>
                <dt>{t('账号', 'Account no.')}</dt>
                <dd class="mono">{d.account.accountNo}</dd>
                <dt>{t('身份证号', 'National id')}</dt>
                <dd class="mono">{d.profile.nationalIdMasked ?? '—'}</dd>
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
            <Section title={t('学习成果证明', 'Printable record')}>
              <p>
                {t(
                  '一份可打印的PDF“学习成果证明”：列出全部有效记录、发放机构和日期，附查验二维码和校验码，任何人都可在本站核对。',
                  'A printable PDF of every active entry with issuers and dates, a QR code and a verification code anyone can check here.',
                )}
              </p>
              <p class="actions">
                <button
                  type="button"
                  disabled={pdfBusy}
                  onClick={async () => {
                    setPdfError(null)
                    setPdfBusy(true)
                    try {
                      await download(
                        `/v1/learners/${learnerId}/record.pdf`,
                        `${t('学习成果证明', 'learning-record')}-${today()}.pdf`,
                      )
                    } catch (err) {
                      setPdfError(err)
                    } finally {
                      setPdfBusy(false)
                    }
                  }}
                >
                  {pdfBusy
                    ? t('正在生成…', 'Preparing…')
                    : t('下载学习成果证明（PDF）', 'Download the record (PDF)')}
                </button>
                <a class="button secondary" href="#/learner/shares">
                  {t('分享给他人', 'Share it')}
                </a>
              </p>
              <ProblemBox error={pdfError} />
            </Section>
          </div>
          <MyData learnerId={learnerId} />
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
                e.reversesEntryId || e.reversedBy ? null : (
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

/** A reversed entry (a revoked certificate's) no longer counts; the mark says which. */
/**
 * A revoked certificate's entry says why: the issuer's reason is kept with the certificate, under
 * the holder's key, and the ledger's copy has none (decision 0730). One read per revoked
 * certificate on the page (there are few); without an answer the entry just says it was revoked.
 */
async function withRevocationReasons(entries: Entry[]) {
  const revoked = entries.filter((e) => e.reversedBy && !e.reversedBy.reason && e.certificateId)
  await Promise.all(
    revoked.map(async (e) => {
      const c = await api
        .get<{ revocationReason: string | null }>(`/v1/certificates/${e.certificateId}`)
        .catch(() => null)
      if (c?.revocationReason) e.reversedBy = { ...e.reversedBy!, reason: c.revocationReason }
    }),
  )
}

function ReversedMark({ e }: { e: Entry }) {
  if (!e.reversedBy) return null
  return (
    <span class="stamp">
      {e.kind === 'certificate' ? t('证书已撤销', 'certificate revoked') : t('已冲正', 'reversed')}
    </span>
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
    <CardTable
      class="entries"
      caption={t('记录', 'Entries')}
      rows={entries}
      rowKey={(e) => e.id}
      rowProps={(e) => ({
        class: e.reversesEntryId || e.reversedBy ? 'muted' : undefined,
        'data-entry': e.id,
      })}
      columns={[
        {
          label: t('日期', 'Date'),
          cell: (e) => (
            <span>
              <time dateTime={e.occurredOn}>{e.occurredOn}</time>
              {e.postedAt ? (
                <small class="hint posted">
                  {t('记账', 'posted')} {fmtDate(e.postedAt)}
                </small>
              ) : null}
            </span>
          ),
        },
        {
          label: t('类别', 'Kind'),
          class: 'nowrap',
          cell: (e) =>
            e.reversesEntryId
              ? w('reversal')
              : w(e.entryCode === 'recognition.approved' ? 'recognized' : e.kind),
        },
        {
          label: t('内容', 'Title'),
          cell: (e) => (
            <span>
              {e.title} <ReversedMark e={e} />
              {e.reversedBy?.reason ? (
                <small class="hint"> {e.reversedBy.reason}</small>
              ) : e.reason ? (
                <small class="hint"> {e.reason}</small>
              ) : null}
            </span>
          ),
        },
        { label: t('机构', 'Organization'), cell: (e) => orgs.get(e.orgId)?.name ?? '' },
        { label: t('学分', 'Credits'), class: 'num', cell: (e) => e.credits ?? '' },
        { label: t('学时', 'Hours'), class: 'num', cell: (e) => e.hours ?? '' },
        {
          label: t('成绩/等级', 'Grade/level'),
          cell: (e) => (e.grade ? `${e.grade.score}/${e.grade.scale}` : w(e.level)),
        },
        {
          label: t('用途', 'Used at'),
          cell: (e) =>
            e.usedAt
              .map((u) => `${orgs.get(u.targetOrgId)?.name ?? ''} ${u.courseCode}`)
              .join('; '),
        },
        action && { label: t('操作', 'Action'), class: 'nowrap', cell: action },
      ]}
    />
  )
}

interface TimelineItem {
  id: string
  type?: string
  category: string
  entryId: string | null
  title: string
  at: string
  occurredOn?: string
  status: string
  orgName: string | null
  data?: Record<string, unknown>
  provenance: {
    source: string
    eventType: string
    actor: string | null
    reason: string | null
    rule: { code?: string; version?: number } | null
  }
}

const categoryWords: Record<string, [string, string]> = {
  account: ['账户', 'Account'],
  enrollment: ['入学', 'Enrollment'],
  outcome: ['学习成果', 'Outcome'],
  reversal: ['冲正', 'Reversal'],
  recognized: ['认定学分', 'Recognized'],
  certificate: ['证书', 'Certificate'],
  revocation: ['证书撤销', 'Revocation'],
  application: ['认定申请', 'Application'],
  decision: ['审核', 'Review'],
  other: ['其他', 'Other'],
}

/** What the timeline's items refer to by id: applications' courses, certificates by name. */
interface Named {
  courses: Map<string, string>
  certificates: Map<string, string>
}

/** One timeline item in words, from its event type and data (the service's title is a mix of both languages). */
function timelineText(i: TimelineItem, { courses, certificates }: Named) {
  const d = (i.data ?? {}) as Record<string, any>
  // Decisions, rejections, appeals and withdrawals carry no course: it is the one their opening named.
  const name = String(d.award?.courseName ?? d.courseName ?? courses.get(d.applicationId) ?? '')
  // A certificate in the reader's language (the service titles it in Chinese), its ledger copy too.
  const certificate = certificates.get(d.certificateId) ?? i.title
  const course = name ? t(`：${name}`, `: ${name}`) : ''
  const type = i.type ?? i.provenance.eventType
  switch (type) {
    case 'accounts.learner.opened':
      return t(`开立学习账户 ${d.accountNo ?? ''}`, `Account ${d.accountNo ?? ''} opened`)
    case 'accounts.learner.claimed':
      return t('认领了学习账户', 'You claimed the account')
    case 'accounts.enrollment.created':
      return t(`入学：${d.programName ?? i.title}`, `Enrolled: ${d.programName ?? i.title}`)
    case 'accounts.outcome.posted':
      return `${w(String(d.kind ?? 'outcome'))}${t('：', ': ')}${certificates.get(d.certificateId) ?? d.title ?? i.title}`
    case 'accounts.credit.recognized':
      return t(
        `认定学分：${d.title ?? d.courseName ?? ''} ${d.credits ?? ''} 学分`,
        `Recognized: ${d.title ?? d.courseName ?? ''}, ${d.credits ?? ''} credits`,
      )
    case 'accounts.entry.reversed':
      return t(`记录被冲正：${i.title}`, `Entry reversed: ${i.title}`)
    case 'certificates.certificate.issued':
      return t(`获得证书：${certificate}`, `Certificate issued: ${certificate}`)
    case 'certificates.certificate.revoked':
      return t(`证书被撤销：${certificate}`, `Certificate revoked: ${certificate}`)
    case 'recognition.application.opened':
      return t(`认定申请开立${course}`, `Application opened${course}`)
    case 'recognition.application.decided':
      return d.decision === 'reject'
        ? t(`第${d.step ?? ''}步未予认定${course}`, `Step ${d.step ?? ''} rejected${course}`)
        : t(`第${d.step ?? ''}步审核通过${course}`, `Step ${d.step ?? ''} approved${course}`)
    case 'recognition.application.approved':
      return t(`认定申请通过${course}`, `Application approved${course}`)
    case 'recognition.application.rejected':
      return t(`认定申请未通过${course}`, `Application rejected${course}`)
    case 'recognition.application.withdrawn':
      return t(`认定申请已撤回${course}`, `Application withdrawn${course}`)
    case 'recognition.application.appealed':
      return t(`提出申诉${course}`, `Appealed${course}`)
    default:
      return i.title
  }
}

/** The course each application in the list is for, from the events that name it. */
function coursesOf(items: TimelineItem[]) {
  const courses = new Map<string, string>()
  for (const i of items) {
    const d = (i.data ?? {}) as Record<string, any>
    const name = d.award?.courseName ?? d.courseName
    if (typeof d.applicationId === 'string' && typeof name === 'string')
      courses.set(d.applicationId, name)
  }
  return courses
}

type CertificateTypes = Awaited<ReturnType<typeof certificateNames>>

/** The 1+X catalog by code; without it (it failed to load) the service's own Chinese titles show. */
const certificateTypes = (): Promise<CertificateTypes> => certificateNames().catch(() => new Map())

/** A certificate's name with its level in words: Web前端开发（中级）, Web Front-End Development (Intermediate). */
function withLevel(name: string, level: unknown) {
  if (!level) return name
  const word = w(String(level))
  return t(`${name}（${word}）`, `${name} (${word})`)
}

/** Each certificate issued on the timeline by its type's name in the reader's language and level. */
function certificatesOf(items: TimelineItem[], byCode: CertificateTypes) {
  const names = new Map<string, string>()
  for (const i of items) {
    const d = (i.data ?? {}) as Record<string, any>
    if (i.provenance.eventType !== 'certificates.certificate.issued') continue
    const type = byCode.get(String(d.typeCode))
    names.set(
      String(d.certificateId),
      withLevel(type ? nameIn(type) : String(d.typeName ?? i.title), d.level),
    )
  }
  return names
}

function Timeline({ learnerId }: { learnerId: string }) {
  const state = useLoad(async () => {
    const [page, types] = await Promise.all([
      api.get<Page<TimelineItem>>(`/v1/learners/${learnerId}/timeline?limit=100`),
      certificateTypes(),
    ])
    return { ...page, types }
  }, [learnerId])
  const items = state.data?.items ?? []
  const named = {
    courses: coursesOf(items),
    certificates: certificatesOf(items, state.data?.types ?? new Map()),
  }
  return (
    <div>
      <h1>{t('终身学习时间轴', 'Lifelong learning timeline')}</h1>
      <p class="hint">
        {t(
          '按学习发生的日期排列；每条下方是记入账户的时间。',
          'In the order the learning happened; under each, when it was posted.',
        )}
      </p>
      <Loading state={state} />
      {state.data ? (
        <ol class="timeline">
          {state.data.items.map((i) => {
            const d = (i.data ?? {}) as Record<string, any>
            const appId = typeof d.applicationId === 'string' ? d.applicationId : null
            const cat = categoryWords[i.category]
            return (
              <li key={i.id} class={i.status !== 'active' ? 'muted' : undefined}>
                <time dateTime={i.occurredOn ?? i.at}>{i.occurredOn ?? fmtDate(i.at)}</time>{' '}
                <span class="tag">{cat ? t(cat[0], cat[1]) : i.category}</span>{' '}
                <strong>
                  {appId ? (
                    <a href={`#/learner/applications/${appId}`}>{timelineText(i, named)}</a>
                  ) : (
                    timelineText(i, named)
                  )}
                </strong>
                {i.orgName ? <span> · {i.orgName}</span> : null}
                {i.status === 'reversed' ? (
                  <span class="stamp">{t('已冲正', 'reversed')}</span>
                ) : i.status === 'revoked' ? (
                  <span class="stamp">{t('已撤销', 'revoked')}</span>
                ) : null}
                <small class="hint posted">
                  {t('记账', 'posted')} {fmtDate(i.at)}
                  {i.provenance.rule?.code
                    ? ` · ${t('依据互认标准', 'under standard')} ${i.provenance.rule.code}`
                    : ''}
                </small>
              </li>
            )
          })}
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
  const c = applicationColumns<Application>(orgs, base)
  return (
    <CardTable
      caption={t('认定申请', 'Applications')}
      rows={items}
      rowKey={(a) => a.id}
      columns={[
        c.course,
        c.target,
        { label: t('学分', 'Credits'), class: 'num', cell: (a) => a.award.credits },
        {
          label: t('来源', 'Origin'),
          cell: (a) =>
            a.origin === 'rule'
              ? t(`按互认标准 ${a.rule?.code}`, `standard ${a.rule?.code}`)
              : t('本人申请', 'your own'),
        },
        c.status,
        c.due,
      ]}
    />
  )
}

const pending = (a: Application) => ['open', 'in_review', 'appealed'].includes(a.status)

/**
 * The columns an application has wherever it is listed: the course (a link to it), the school,
 * where it stands, when it is due (and, for reviewers, whether it came up to their center).
 */
export function applicationColumns<A extends Application>(
  orgs: Map<string, { name: string }>,
  base: string,
  escalated: (a: A) => boolean = () => false,
) {
  return {
    course: {
      label: t('认定课程', 'Course'),
      cell: (a: A) => (
        <a href={`${base}/${a.id}`}>
          {a.award.courseName} ({a.award.courseCode})
        </a>
      ),
    },
    target: { label: t('认定学校', 'Target'), cell: (a: A) => orgs.get(a.targetOrgId)?.name ?? '' },
    status: {
      label: t('状态', 'Status'),
      cell: (a: A) => (
        <span>
          <span class={`status ${a.status}`}>{w(a.status)}</span>
          {a.step && pending(a)
            ? ` · ${t(`第${a.step}步：`, `step ${a.step}: `)}${stepWho(a.steps[a.step - 1], orgs)}`
            : ''}
        </span>
      ),
    },
    due: {
      label: t('截止', 'Due'),
      cell: (a: A) =>
        pending(a) ? (
          <span class={a.overdue ? 'overdue' : undefined}>
            {fmtDate(a.dueAt)}
            {a.overdue ? ` ${t('已逾期', 'overdue')}` : ''}
            {escalated(a) ? (
              <strong class="escalated"> {t('已上报本中心', 'escalated to your center')}</strong>
            ) : null}
          </span>
        ) : null,
    },
  } satisfies Record<string, Column<A>>
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
    let files: Evidence[] = []
    let program: string | undefined
    if (learnerView) {
      const [page, evidence, enrollments] = await Promise.all([
        api
          .get<Page<Entry>>(`/v1/learners/${a.learnerId}/entries?limit=100`)
          .catch(() => ({ items: [] as Entry[], nextCursor: null })),
        a.evidenceIds?.length
          ? api
              .get<Page<Evidence>>(`/v1/learners/${a.learnerId}/evidence?limit=100`)
              .catch(() => ({ items: [] as Evidence[], nextCursor: null }))
          : Promise.resolve({ items: [] as Evidence[], nextCursor: null }),
        enrollmentsOf(a.learnerId).catch(() => [] as Enrollment[]),
      ])
      // The learner knows their program by its name, not its code.
      program = enrollments.find(
        (e) => e.orgId === a.targetOrgId && e.programCode === a.programCode,
      )?.programName
      entries = page.items.filter((e) => a.sourceEntryIds.includes(e.id))
      files = evidence.items.filter((f) => a.evidenceIds?.includes(f.id))
    }
    return { a, orgs, rule, entries, files, program }
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
                <dd>
                  {d.program
                    ? t(`${d.program}（${d.a.programCode}）`, `${d.program} (${d.a.programCode})`)
                    : d.a.programCode}
                </dd>
                <dt>{t('课程', 'Course')}</dt>
                <dd>
                  {d.a.award.courseCode} {d.a.award.courseName}
                  {t(`（${w(d.a.award.courseType)}）`, ` (${w(d.a.award.courseType)})`)}
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
                        {stepWho(s, d.orgs)}
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
                      <li key={l.limit}>{limitText(l)}</li>
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
                    `依据规则 ${d.a.rule.code} 第 ${d.a.rule.version} 版；认定课程、学分与触发的限额见“申请”一栏，每一步的审核意见见办理轨迹。`,
                    `Under rule ${d.a.rule.code} version ${d.a.rule.version}; the award and limits are under Application, each decision and its reason in the trail.`,
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
              {d.files.length ? (
                <>
                  <h3>{t('证明材料', 'Evidence files')}</h3>
                  <ul>
                    {d.files.map((f) => (
                      <li key={f.id}>
                        {f.filename ?? t('未命名文件', 'unnamed file')}{' '}
                        <small class="hint">{fileSize(f.sizeBytes)}</small>
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
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
                <li key={i} data-action={s.action}>
                  <time dateTime={s.at}>{fmtDate(s.at)}</time>{' '}
                  <strong>{trailText(s, d.a, d.orgs)}</strong>
                  {trailReason(s) ? <p class="reason">{trailReason(s)}</p> : null}
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

/** A rule's limits in words, by their API names (the rule form and the rule's explanation). */
export const ruleLimitWords: Record<string, [string, string]> = {
  maxCreditsPerSource: ['每项来源成果最多认定学分', 'At most, credits from one source outcome'],
  maxCreditsPerYear: ['每人每年最多认定学分', 'At most, credits a year for one learner'],
  maxCreditsPerTerm: ['每人每学期最多认定学分', 'At most, credits a term for one learner'],
  maxCreditsPerSourceOrg: [
    '来自同一机构的成果最多认定学分',
    'At most, credits from one source organization',
  ],
  maxCreditsPerProgram: ['每个专业最多认定学分', 'At most, credits in one program'],
  oneSourcePerCourse: ['一门课程只认定一项成果', 'One source outcome per course'],
  oneCoursePerSource: ['一项成果只认定一门课程', 'One course per source outcome'],
  capToSourceCredits: ['认定学分不超过成果本身的学分', 'Never more than the outcome’s own credits'],
}

export function RuleExplain({ rule, orgs }: { rule: any; orgs: Map<string, { name: string }> }) {
  const s = rule.source ?? {}
  const a = rule.award ?? {}
  const levels = s.levels
    ? (s.levels as string[]).map(w).join('/')
    : s.minLevel
      ? t(`${w(s.minLevel)}及以上`, `${w(s.minLevel)} or above`)
      : t('不限', 'any')
  const steps: ReviewStep[] = rule.review?.steps ?? []
  const source =
    s.kind === 'certificate'
      ? t(`1+X证书 ${s.typeCode}，等级 ${levels}`, `1+X certificate ${s.typeCode}, level ${levels}`)
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
              .map(([k, v]) => {
                const words = ruleLimitWords[k]
                if (!words) return `${k}: ${String(v)}`
                return v === true ? t(...words) : `${t(...words)}${t('：', ': ')}${String(v)}`
              })
              .join(t('；', '; '))}
          </dd>
        </>
      ) : null}
      <dt>{t('审核方式', 'Review')}</dt>
      <dd>
        {rule.review?.mode === 'auto' ? (
          t('自动认定', 'automatic')
        ) : (
          <>
            {t(`人工审核，${steps.length}步`, `by reviewers, ${steps.length} step(s)`)}
            {rule.review?.dueDays
              ? t(`，每步 ${rule.review.dueDays} 天内办结`, `, ${rule.review.dueDays} days a step`)
              : ''}
            {steps.length ? (
              <ol class="rule-steps">
                {steps.map((x, i) => (
                  <li key={i}>{stepWho(x, orgs)}</li>
                ))}
              </ol>
            ) : null}
          </>
        )}
      </dd>
      <dt>{t('有效期', 'Valid')}</dt>
      <dd>
        {rule.validFrom} – {rule.validTo ?? t('长期', 'open')}
      </dd>
    </dl>
  )
}

export interface SimulationResult {
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

export function SimulationView({
  r,
  titles,
}: {
  r: SimulationResult
  /** Entry titles by id, to say which outcome each line is about. */
  titles?: Map<string, string>
}) {
  return (
    <div role="status" aria-live="polite">
      <p class="big">
        {t('预计可认定', 'Would be recognized')}: {r.totalCredits} {t('学分', 'credits')}
      </p>
      {r.items.length ? (
        <CardTable
          caption={t('模拟结果', 'Simulation')}
          scroll={false}
          rows={r.items}
          rowKey={(i) => i.rule.code + i.sourceRef}
          columns={[
            titles && {
              label: t('成果', 'Outcome'),
              cell: (i) =>
                titles.get(i.sourceRef) ??
                (i.sourceRef.startsWith('hypothetical')
                  ? t('假设的成果', 'the hypothetical outcome')
                  : ''),
            },
            { label: t('规则', 'Rule'), cell: (i) => `${i.rule.code} v${i.rule.version}` },
            {
              label: t('课程', 'Course'),
              cell: (i) => `${i.award.courseCode} ${i.award.courseName}`,
            },
            { label: t('学分', 'Credits'), cell: (i) => (i.refused ? '0' : i.award.credits) },
            {
              label: t('限额/拒绝', 'Limits / refusal'),
              cell: (i) =>
                [...i.limitsApplied.map(limitText), i.refused ? `✗ ${refusalText(i.refused)}` : '']
                  .filter(Boolean)
                  .join('; '),
            },
            {
              label: t('审核', 'Review'),
              cell: (i) => (i.review === 'auto' ? t('自动', 'auto') : t('人工', 'manual')),
            },
          ]}
        />
      ) : (
        <p>{t('没有规则匹配这些成果。', 'No rule matches these outcomes.')}</p>
      )}
      <RemainingWords r={r} />
    </div>
  )
}

export const CERTIFICATE_LEVELS = ['junior', 'intermediate', 'senior']
export const COMPETITION_LEVELS = ['school', 'city', 'provincial', 'national', 'international']

/** The hypothetical outcome fields shared by the learner's and the reviewer's simulators. */
export function HypotheticalFields({
  h,
  set,
}: {
  h: Record<string, string>
  set: (k: string) => (v: string) => void
}) {
  // Certificates are picked by name from the public 1+X catalog, levels by word: never a code typed.
  const types = useLoad(
    () =>
      api.get<Page<{ code: string; name: string; nameEn: string | null }>>(
        '/v1/certificate-types?limit=100',
      ),
    [],
  )
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
      {h.kind === 'certificate' ? (
        <Select
          label={t('证书', 'Certificate')}
          name="hTypeCode"
          value={h.typeCode ?? ''}
          onInput={set('typeCode')}
          options={[
            ['', t('请选择', 'choose one')],
            ...(types.data?.items ?? []).map((c): [string, string] => [c.code, nameIn(c)]),
          ]}
        />
      ) : null}
      {h.kind === 'certificate' || h.kind === 'competition' ? (
        <Select
          label={t('等级', 'Level')}
          name="hLevel"
          value={h.level ?? ''}
          onInput={set('level')}
          options={[
            ['', t('未定级', 'none')],
            ...(h.kind === 'certificate' ? CERTIFICATE_LEVELS : COMPETITION_LEVELS).map(
              (l): [string, string] => [l, w(l)],
            ),
          ]}
        />
      ) : null}
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
  const state = useLoad(async () => {
    const [orgs, enrollments, entries] = await Promise.all([
      organizations(),
      enrollmentsOf(learnerId),
      api.get<Page<Entry>>(`/v1/learners/${learnerId}/entries?limit=100`),
    ])
    return { orgs, enrollments, entries: entries.items }
  }, [learnerId])
  const d = state.data
  // The learner's own schools and programs first; another school by its program code.
  const [choice, setChoice] = useState('')
  const [target, setTarget] = useState('')
  const [program, setProgram] = useState('')
  const [h, setH] = useState<Record<string, string>>({})
  const [result, setResult] = useState<SimulationResult | null>(null)
  const schools = [...(d?.orgs.values() ?? [])].filter((o) => o.kind === 'school')
  const current = choice || d?.enrollments[0]?.id || 'other'
  const enrollment = d?.enrollments.find((e) => e.id === current)
  const titles = new Map(d?.entries.map((e) => [e.id, e.title]) ?? [])
  return (
    <div>
      <h1>{t('学分模拟：如果……能认定多少？', 'What if: what would be recognized?')}</h1>
      <p>
        {t(
          '用您账户中已有的成果（以及一个假设的成果）试算目标学校按现行规则能认定的学分、触发的限额和剩余额度。不会提交任何申请。',
          'Try your existing outcomes (and a hypothetical one) against the target school’s current rules. Nothing is submitted.',
        )}
      </p>
      <Loading state={state} />
      {d ? (
        <section class="card">
          <Form
            label={t('学分模拟', 'Simulation')}
            submit={t('模拟', 'Simulate')}
            onSubmit={async () => {
              const outcomes = hypothetical(h)
              const targetOrgId = enrollment?.orgId ?? (target || schools[0]?.id || '')
              setResult(
                await api.post<SimulationResult>('/v1/simulations', {
                  learnerId,
                  targetOrgId,
                  programCode: enrollment?.programCode ?? program.trim(),
                  ...(outcomes ? { outcomes } : {}),
                }),
              )
            }}
          >
            <Select
              label={t('认定到（学校 · 专业）', 'Recognized at (school · program)')}
              name="choice"
              value={current}
              onInput={setChoice}
              options={[
                ...d.enrollments.map((e): [string, string] => [
                  e.id,
                  `${d.orgs.get(e.orgId)?.name ?? ''} · ${e.programName}`,
                ]),
                ['other', t('其他学校…', 'Another school…')],
              ]}
              required
            />
            {enrollment ? null : (
              <>
                <Select
                  label={t('目标学校', 'Target school')}
                  name="targetOrgId"
                  value={target || schools[0]?.id || ''}
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
              </>
            )}
            <HypotheticalFields h={h} set={(k) => (v) => setH({ ...h, [k]: v })} />
          </Form>
          {result ? <SimulationView r={result} titles={titles} /> : null}
        </section>
      ) : null}
    </div>
  )
}

interface Share {
  id: string
  scope: 'all' | 'selected'
  entryIds: string[]
  label: string | null
  expiresAt: string
  revokedAt: string | null
  active: boolean
  accessCount: number
  accesses: { at: string; userAgent: string | null }[]
  url?: string
  token?: string
  pageUrl?: string
}

interface ShareLinkData {
  token: string
  pageUrl: string
}

/** The link of an existing share again (no new share): for the QR code and the copy button. */
const linkCache = new Map<string, Promise<ShareLinkData>>()
function linkOf(shareId: string) {
  let p = linkCache.get(shareId)
  if (!p) {
    p = api.get<ShareLinkData>(`/v1/shares/${shareId}/link`)
    p.catch(() => linkCache.delete(shareId))
    linkCache.set(shareId, p)
  }
  return p
}

function shareState(s: Share) {
  if (s.revokedAt) return t('已撤销', 'revoked')
  if (!s.active) return t('已过期', 'expired')
  return t('有效', 'active')
}

function Shares({ learnerId }: { learnerId: string }) {
  const state = useLoad(async () => {
    const [shares, entries, orgs] = await Promise.all([
      api.get<Page<Share>>('/v1/shares?limit=100'),
      api.get<Page<Entry>>(`/v1/learners/${learnerId}/entries?limit=100`),
      organizations(),
    ])
    return {
      shares: shares.items,
      entries: entries.items.filter((e) => !e.reversesEntryId && !e.reversedBy),
      orgs,
    }
  }, [learnerId])
  const [label, setLabel] = useState('')
  const [days, setDays] = useState('30')
  const [scope, setScope] = useState<'all' | 'selected'>('all')
  const [chosen, setChosen] = useState<string[]>([])
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [made, setMade] = useState<{ id: string; link: ShareLinkData } | null>(null)
  const [open, setOpen] = useState<string | null>(null)
  const [confirming, setConfirming] = useState<string | null>(null)
  const [error, setError] = useState<unknown>(null)
  const d = state.data
  return (
    <div>
      <h1>{t('分享我的学习档案', 'Share my record')}</h1>
      <Section title={t('新建分享链接', 'New share link')}>
        <Form
          label={t('新建分享', 'New share')}
          submit={t('生成链接', 'Create link')}
          onSubmit={async () => {
            setErrors({})
            if (scope === 'selected' && !chosen.length) {
              setErrors({ entryIds: t('请至少选择一条记录', 'Choose at least one entry') })
              throw pageProblem(t('请至少选择一条记录。', 'Choose at least one entry.'))
            }
            const expiresAt = new Date(Date.now() + Number(days) * 86_400_000).toISOString()
            try {
              const s = await api.post<Share>(
                '/v1/shares',
                {
                  scope,
                  ...(scope === 'selected' ? { entryIds: chosen } : {}),
                  expiresAt,
                  ...(label.trim() ? { label: label.trim() } : {}),
                },
                newKey(),
              )
              if (s.token && s.pageUrl) {
                linkCache.set(s.id, Promise.resolve({ token: s.token, pageUrl: s.pageUrl }))
                setMade({ id: s.id, link: { token: s.token, pageUrl: s.pageUrl } })
              }
            } catch (err) {
              setErrors(errorsByPath(err))
              throw err
            }
            setChosen([])
            setLabel('')
            state.reload()
          }}
        >
          <fieldset>
            <legend>{t('分享哪些记录', 'What to share')}</legend>
            <label class="radio">
              <input
                type="radio"
                name="scope"
                value="all"
                checked={scope === 'all'}
                onChange={() => setScope('all')}
              />
              {t('全部有效记录', 'Every active entry')}
            </label>
            <label class="radio">
              <input
                type="radio"
                name="scope"
                value="selected"
                checked={scope === 'selected'}
                onChange={() => setScope('selected')}
              />
              {t('只分享选中的记录', 'Only the entries I choose')}
            </label>
            {scope === 'selected' && d ? (
              <>
                {errors.entryIds ? <p class="error-text">{errors.entryIds}</p> : null}
                <ul class="picks">
                  {d.entries.map((e) => (
                    <li key={e.id}>
                      <label class="pick">
                        <input
                          type="checkbox"
                          name="entryIds"
                          value={e.id}
                          checked={chosen.includes(e.id)}
                          onChange={() =>
                            setChosen(
                              chosen.includes(e.id)
                                ? chosen.filter((x) => x !== e.id)
                                : [...chosen, e.id],
                            )
                          }
                        />
                        <span>
                          <strong>{e.title}</strong>{' '}
                          <span class="tag">
                            {w(e.entryCode === 'recognition.approved' ? 'recognized' : e.kind)}
                          </span>
                          <br />
                          <small>
                            {d.orgs.get(e.orgId)?.name ?? ''} · {e.occurredOn}
                          </small>
                        </span>
                      </label>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </fieldset>
          <Field
            label={t('用途说明', 'Label')}
            name="label"
            value={label}
            onInput={setLabel}
            placeholder={t('如：投递简历', 'e.g. job application')}
            error={errors.label}
          />
          <Select
            label={t('有效天数', 'Valid for')}
            name="days"
            value={days}
            onInput={setDays}
            options={['7', '30', '90', '365'].map((d) => [d, t(`${d}天`, `${d} days`)])}
          />
        </Form>
        {made ? <ShareLink link={made.link} /> : null}
      </Section>
      <Section title={t('我的分享', 'My shares')}>
        <Loading state={state} />
        <ProblemBox error={error} />
        {d && !d.shares.length ? <p>{t('还没有分享。', 'No shares yet.')}</p> : null}
        {d?.shares.length ? (
          <ul class="shares">
            {d.shares.map((s) => (
              <li key={s.id} class={s.active ? 'card' : 'card muted-card'} data-share={s.id}>
                <p>
                  <strong>{s.label ?? t('未命名分享', 'Unnamed share')}</strong>{' '}
                  <span class={`tag ${s.active ? 'ok' : 'warn'}`}>{shareState(s)}</span>
                </p>
                <p class="hint">
                  {s.scope === 'all'
                    ? t('全部有效记录', 'every active entry')
                    : t(
                        `选中的 ${s.entryIds.length} 条记录`,
                        `${s.entryIds.length} chosen entries`,
                      )}{' '}
                  · {t('有效期至', 'until')} {fmtDate(s.expiresAt)} ·{' '}
                  {t(`访问 ${s.accessCount} 次`, `${s.accessCount} visits`)}
                  {s.accesses[0] ? ` · ${t('最近', 'last')} ${fmtDate(s.accesses[0].at)}` : ''}
                </p>
                {s.active ? (
                  <p class="actions">
                    <button
                      type="button"
                      class="secondary"
                      aria-expanded={open === s.id}
                      onClick={() => setOpen(open === s.id ? null : s.id)}
                    >
                      {open === s.id
                        ? t('收起链接', 'Hide the link')
                        : t('链接与二维码', 'Link and QR code')}
                    </button>
                    {confirming === s.id ? null : (
                      <button type="button" class="link" onClick={() => setConfirming(s.id)}>
                        {t('撤销', 'Revoke')}
                      </button>
                    )}
                  </p>
                ) : null}
                {confirming === s.id ? (
                  <div class="confirm" role="alertdialog" aria-label={t('确认撤销', 'Confirm')}>
                    <p>
                      {t(
                        '撤销后这个链接和二维码立即失效，无法恢复。确定撤销吗？',
                        'The link and QR code stop working at once, for good. Revoke it?',
                      )}
                    </p>
                    <p class="actions">
                      <button
                        type="button"
                        onClick={async () => {
                          setError(null)
                          try {
                            await api.del(`/v1/shares/${s.id}`)
                            linkCache.delete(s.id)
                            if (made?.id === s.id) setMade(null)
                            setConfirming(null)
                            setOpen(null)
                            state.reload()
                          } catch (err) {
                            setError(err)
                          }
                        }}
                      >
                        {t('确定撤销', 'Revoke')}
                      </button>
                      <button type="button" class="secondary" onClick={() => setConfirming(null)}>
                        {t('取消', 'Cancel')}
                      </button>
                    </p>
                  </div>
                ) : null}
                {open === s.id && s.active ? <StoredShareLink shareId={s.id} /> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </Section>
    </div>
  )
}

function StoredShareLink({ shareId }: { shareId: string }) {
  const state = useLoad(() => linkOf(shareId), [shareId])
  return (
    <>
      <Loading state={state} />
      {state.data ? <ShareLink link={state.data} /> : null}
    </>
  )
}

/** A share's page link with a copy button, its QR code, and its printable record. */
function ShareLink({ link }: { link: ShareLinkData }) {
  const [qr, setQr] = useState('')
  const [copied, setCopied] = useState<boolean | null>(null)
  const inputId = useId()
  useEffect(() => {
    QRCode.toDataURL(link.pageUrl, { margin: 1, width: 220 }).then(setQr, () => setQr(''))
  }, [link.pageUrl])
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link.pageUrl)
      setCopied(true)
    } catch {
      // No clipboard (an older browser, no permission): select the text for a manual copy.
      const input = document.getElementById(inputId) as HTMLInputElement | null
      input?.select()
      setCopied(document.execCommand?.('copy') ?? false)
    }
  }
  return (
    <div class="share-link">
      <div class="field">
        <label for={inputId}>{t('分享链接', 'Share link')}</label>
        <div class="copy-row">
          <input id={inputId} class="mono grow" readOnly value={link.pageUrl} />
          <button type="button" onClick={copy}>
            {t('复制链接', 'Copy link')}
          </button>
        </div>
        <small class="hint" role="status" aria-live="polite">
          {copied === true
            ? t('已复制到剪贴板', 'Copied')
            : copied === false
              ? t('请长按或右键手动复制', 'Copy it by hand (long press or right click)')
              : ''}
        </small>
      </div>
      {qr ? (
        <img
          src={qr}
          width={220}
          height={220}
          alt={t('分享链接二维码', 'QR code of the share link')}
        />
      ) : null}
      <p class="actions">
        <a href={link.pageUrl.slice(link.pageUrl.indexOf('#'))}>
          {t('打开分享页面', 'Open the shared page')}
        </a>
        <a href={`/v1/shared/${link.token}/record.pdf`} download>
          {t('这份分享的学习成果证明（PDF）', 'Printable record of this share (PDF)')}
        </a>
      </p>
    </div>
  )
}

/** The QR code of one credential: its active share of that entry alone if there is one, else a new one. */
async function credentialShare(entryId: string): Promise<ShareLinkData> {
  const page = await api.get<Page<Share>>('/v1/shares?limit=100')
  const kept = page.items.find(
    (s) =>
      s.active && s.scope === 'selected' && s.entryIds.length === 1 && s.entryIds[0] === entryId,
  )
  if (kept) {
    try {
      return await linkOf(kept.id)
    } catch {
      // Made before links were kept: a new share below.
    }
  }
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
  return { token: s.token ?? '', pageUrl: s.pageUrl ?? '' }
}

function Credential({ learnerId, entryId }: { learnerId: string; entryId: string }) {
  const state = useLoad(
    () => api.get<Record<string, any>>(`/v1/learners/${learnerId}/credentials/${entryId}`),
    [entryId],
  )
  const [share, setShare] = useState<ShareLinkData | null>(null)
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
                    setShare(await credentialShare(entryId))
                  } catch (err) {
                    setError(err)
                  }
                }}
              >
                {t('生成二维码', 'Show a QR code')}
              </button>
            </p>
            <ProblemBox error={error} />
            {share ? <ShareLink link={share} /> : null}
          </Section>
          <Section title={t('凭证内容', 'Credential document')}>
            <section
              class="json"
              aria-label={t('凭证内容（JSON）', 'The credential document (JSON)')}
              // biome-ignore lint/a11y/noNoninteractiveTabindex: it scrolls (wider and taller than a phone), so it must be reachable by keyboard (WCAG 2.1.1, axe scrollable-region-focusable)
              tabIndex={0}
            >
              <pre>{JSON.stringify(vc, null, 2)}</pre>
            </section>
          </Section>
        </div>
      ) : null}
    </div>
  )
}

// -- words for what the services record ---------------------------------------------------------

const limitNames: Record<string, [string, string]> = {
  capToSourceCredits: ['成果本身的学分', 'the credits the outcome carries'],
  maxCreditsPerSource: ['每个来源的认定上限', 'the limit per source'],
  maxCreditsPerSourceOrg: ['同一来源机构的认定上限', 'the limit per source organization'],
  maxCreditsPerProgram: ['本专业的认定上限', 'the program’s limit'],
  maxCreditsPerTerm: ['每学期的认定上限', 'the limit per term'],
  maxCreditsPerYear: ['每年的认定上限', 'the yearly limit'],
}

/** A limit that lowered an award, in the reader's language (the service's message is English). */
export function limitText(l: { limit: string; from?: string; to?: string }) {
  const [zh, en] = limitNames[l.limit] ?? [l.limit, l.limit]
  return t(
    `受${zh}限制，学分由 ${l.from} 调整为 ${l.to}`,
    `capped from ${l.from} to ${l.to} by ${en}`,
  )
}

/** Why a limit refused an award, in the reader's language. */
export function refusalText(r: { limit: string }) {
  if (r.limit === 'duplicate')
    return t(
      '这条成果已用于认定同一门课程，不能重复认定',
      'this outcome is already used for the same course',
    )
  if (r.limit === 'oneSourcePerCourse')
    return t(
      '这门课程已由其他成果认定，每门课程只认定一个来源',
      'this course is already recognized from another outcome (one source per course)',
    )
  if (r.limit === 'oneCoursePerSource')
    return t(
      '这条成果已认定过另一门课程，每条成果只认定一门课程',
      'this outcome already replaces another course (one course per outcome)',
    )
  const [zh, en] = limitNames[r.limit] ?? [r.limit, r.limit]
  return t(`${zh}已用完`, `${en} is used up`)
}

export interface ReviewStep {
  role: string
  orgId?: string
  regionCode?: string
  allianceId?: string
}

/** Who reviews a step, in words: the organization, the recognition center of a place, or an alliance's members. */
export function stepWho(s: ReviewStep | undefined, orgs: Map<string, { name: string }>) {
  if (s?.orgId) return orgs.get(s.orgId)?.name ?? t('审核机构', 'the reviewing organization')
  if (s?.regionCode) return regionCenters(s.regionCode)
  if (s?.allianceId) return t('互认联盟成员机构', 'a member of the recognition alliance')
  return t('审核机构', 'the reviewing organization')
}

/** One line of an application's trail as a person reads it: who (an organization, never a person's id) did what. */
export function trailText(
  s: Application['trail'][number],
  a: Application,
  orgs: Map<string, { name: string }>,
) {
  const role = s.by?.role ?? (s.actor === 'system' ? 'system' : 'learner')
  // The organization that decided; else the one the step names (a region's center, not the school).
  const org =
    (s.by?.orgId ? orgs.get(s.by.orgId)?.name : undefined) ??
    (s.step && a.steps[s.step - 1] ? stepWho(a.steps[s.step - 1], orgs) : undefined) ??
    orgs.get(a.targetOrgId)?.name ??
    t('审核机构', 'the reviewing organization')
  const step = s.step ? t(`第${s.step}步：`, `Step ${s.step}: `) : ''
  switch (s.action) {
    case 'opened':
      return role === 'system'
        ? t(
            '学分银行按互认标准为您自动开立了申请',
            'Opened for you automatically under a recognition standard',
          )
        : t('您提交了认定申请', 'You applied for recognition')
    case 'step_approved':
      return t(`${step}${org} 审核通过`, `${step}approved by ${org}`)
    case 'approved':
      return role === 'system'
        ? t('符合互认标准，自动认定', 'Approved automatically under the standard')
        : t(`${step}${org} 同意认定`, `${step}approved by ${org}`)
    case 'rejected':
      return role === 'system'
        ? t('未予认定', 'Rejected')
        : t(`${step}${org} 未予认定`, `${step}rejected by ${org}`)
    case 'appealed':
      return t('您提出了申诉', 'You appealed')
    case 'withdrawn':
      return role === 'system'
        ? t(
            '一条来源记录被发布机构冲正，申请已关闭',
            'Closed: a source entry was reversed by the organization that posted it',
          )
        : t('您撤回了申请', 'You withdrew the application')
    case 'source_reversed':
      return t(
        '认定后，一条来源记录被发布机构冲正',
        'A source entry was reversed after the approval',
      )
    case 'recognized':
      return t(
        `${a.award.credits ?? ''} 学分已记入您的学习账户`,
        `${a.award.credits ?? ''} credits were posted to the account`,
      )
    default:
      return t('办理记录', 'A step')
  }
}

/** The reason a person wrote (a reviewer's, the learner's); the system's own notes are English and say nothing more than the line. */
export function trailReason(s: Application['trail'][number]) {
  const role = s.by?.role ?? (s.actor === 'system' ? 'system' : 'learner')
  // Opening and posting lines carry the service's own note (English), never a person's words.
  if (role === 'system' || !s.reason || s.action === 'opened' || s.action === 'recognized')
    return null
  return s.action === 'rejected' ? t(`理由：${s.reason}`, `Because: ${s.reason}`) : s.reason
}

/** An entry in words: what, where, when. */
export function entryWords(e: Entry, orgs: Map<string, { name: string }>) {
  return [e.title, orgs.get(e.orgId)?.name ?? '', e.occurredOn].filter(Boolean).join(' · ')
}

export function entryAmount(e: Entry) {
  const parts: string[] = []
  if (e.credits && Number(e.credits) !== 0)
    parts.push(t(`${e.credits} 学分`, `${e.credits} credits`))
  if (e.hours && Number(e.hours) !== 0) parts.push(t(`${e.hours} 学时`, `${e.hours} hours`))
  if (e.grade)
    parts.push(
      t(`成绩 ${e.grade.score}/${e.grade.scale}`, `grade ${e.grade.score}/${e.grade.scale}`),
    )
  if (e.level) parts.push(w(e.level))
  return parts.join(' · ')
}

// -- applying for recognition ---------------------------------------------------------------------

interface Enrollment {
  id: string
  orgId: string
  programCode: string
  programName: string
  startedOn: string
}

interface Evidence {
  id: string
  filename: string | null
  mediaType: string
  sizeBytes: number
  createdAt: string
}

/** "My program progress": each program the learner is enrolled in, against its school's plan. */
function MyProgress({ learnerId }: { learnerId: string }) {
  const state = useLoad(async () => {
    const [enrollments, orgs] = await Promise.all([enrollmentsOf(learnerId), organizations()])
    return enrollments.map((e) => ({
      orgId: e.orgId,
      programCode: e.programCode,
      label: t(
        `${e.programName}（${orgs.get(e.orgId)?.name ?? ''}）`,
        `${e.programName} (${orgs.get(e.orgId)?.name ?? ''})`,
      ),
    }))
  }, [learnerId])
  return (
    <div>
      <h1>{t('我的培养方案进度', 'My program progress')}</h1>
      <Loading state={state} />
      {state.data ? <ProgressAndTuition learnerId={learnerId} programs={state.data} /> : null}
    </div>
  )
}

/** The learner's own schools and programs: the default target of the simulator and the form. */
function enrollmentsOf(learnerId: string) {
  return api
    .get<Page<Enrollment>>(`/v1/learners/${learnerId}/enrollments?limit=100`)
    .then((p) => p.items)
}

/** Entries a learner can still use as a source: not reversed, not a reversal, not itself a recognized credit. */
function usable(e: Entry) {
  return !e.reversesEntryId && !e.reversedBy && e.entryCode !== 'recognition.approved'
}

function fileSize(n: number) {
  return n >= 1_048_576
    ? `${(n / 1_048_576).toFixed(1)} MB`
    : `${Math.max(1, Math.round(n / 1024))} KB`
}

/** The file's name as the service takes it: no slashes or control characters, at most 200. */
function safeName(name: string) {
  const kept = [...name].filter((c) => c >= ' ' && c !== '/' && c !== '\\').join('')
  return (kept || 'file').slice(0, 200)
}

/** A problem the page itself finds before asking a service, shown by ProblemBox like a service's. */
function pageProblem(title: string) {
  return new ApiError({ status: 422, title })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function Apply({ learnerId }: { learnerId: string }) {
  const state = useLoad(async () => {
    const [enrollments, entries, evidence, orgs] = await Promise.all([
      enrollmentsOf(learnerId),
      api.get<Page<Entry>>(`/v1/learners/${learnerId}/entries?limit=100`),
      api.get<Page<Evidence>>(`/v1/learners/${learnerId}/evidence?limit=100`),
      organizations(),
    ])
    return { enrollments, entries: entries.items.filter(usable), evidence: evidence.items, orgs }
  }, [learnerId])
  const d = state.data
  const [target, setTarget] = useState('')
  const [chosen, setChosen] = useState<string[]>([])
  const [statement, setStatement] = useState('')
  const [files, setFiles] = useState<Evidence[]>([])
  const [picked, setPicked] = useState<string[]>([])
  const [uploading, setUploading] = useState(false)
  const [uploadError, setUploadError] = useState<unknown>(null)
  const [award, setAward] = useState({
    courseCode: '',
    courseName: '',
    courseType: 'elective',
    credits: '',
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [sim, setSim] = useState<{ key: string; r?: SimulationResult; error?: unknown } | null>(
    null,
  )
  const enrollment = d?.enrollments.find((e) => e.id === target) ?? d?.enrollments[0]
  const key = enrollment ? `${enrollment.id}|${chosen.join(',')}` : ''
  useEffect(() => {
    if (d && !target && d.enrollments[0]) setTarget(d.enrollments[0].id)
    if (d && !files.length && d.evidence.length) setFiles(d.evidence)
  }, [d])
  // The simulator's answer for exactly the chosen entries and target, asked again on each change.
  useEffect(() => {
    if (!enrollment || !chosen.length) {
      setSim(null)
      return
    }
    let live = true
    const timer = setTimeout(() => {
      api
        .post<SimulationResult>('/v1/simulations', {
          targetOrgId: enrollment.orgId,
          programCode: enrollment.programCode,
          sourceEntryIds: chosen,
        })
        .then(
          (r) => live && setSim({ key, r }),
          (error) => live && setSim({ key, error }),
        )
    }, 250)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [key])
  const current = sim?.key === key ? sim : null
  const matched = current?.r?.items.filter((i) => !i.refused) ?? []
  const needsAward = !!current?.r && matched.length === 0
  const toggle = (id: string) =>
    setChosen(chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id])
  const upload = async (list: FileList | null) => {
    if (!list?.length) return
    setUploadError(null)
    setUploading(true)
    try {
      for (const file of [...list]) {
        const ev = await request<Evidence>(
          'POST',
          `/v1/learners/${learnerId}/evidence?filename=${encodeURIComponent(safeName(file.name))}`,
          file,
          { contentType: file.type || 'application/octet-stream' },
        )
        setFiles((f) => [ev, ...f.filter((x) => x.id !== ev.id)])
        setPicked((p) => (p.includes(ev.id) ? p : [...p, ev.id]))
      }
    } catch (err) {
      setUploadError(err)
    } finally {
      setUploading(false)
    }
  }
  return (
    <div>
      <h1>{t('申请学分认定', 'Apply for recognition')}</h1>
      <p>
        {t(
          '选择要认定到的学校和专业、用来申请的学习成果，写明理由并附上证明材料。提交前会先显示按现行互认标准的预计结果。',
          'Choose the school and program, the outcomes you apply with, a statement and evidence files. Before you send it you see what the current standards would give.',
        )}
      </p>
      <Loading state={state} />
      {d && !d.enrollments.length ? (
        <Notice>
          {t(
            '您还没有在任何学校登记专业。只有在您就读的学校和专业才能申请认定；请先联系学校教务处登记。',
            'You are not enrolled in any program yet. You can apply only where you study; ask your school to enroll you first.',
          )}
        </Notice>
      ) : null}
      {d?.enrollments.length ? (
        <Form
          label={t('认定申请', 'Application')}
          submit={t('提交申请', 'Send the application')}
          class="apply"
          onSubmit={async () => {
            setErrors({})
            if (!enrollment) return
            if (!chosen.length) {
              setErrors({
                sourceEntryIds: t('请至少选择一条学习成果', 'Choose at least one outcome'),
              })
              throw pageProblem(t('请至少选择一条学习成果。', 'Choose at least one outcome.'))
            }
            if (!current?.r)
              throw pageProblem(
                t('请等待预计结果显示后再提交。', 'Wait for the expected result before sending.'),
              )
            // The entry a rule matched goes first: the application is matched on its first entry.
            const first = matched[0]?.sourceRef
            const ordered = first ? [first, ...chosen.filter((x) => x !== first)] : chosen
            const body = {
              targetOrgId: enrollment.orgId,
              programCode: enrollment.programCode,
              sourceEntryIds: ordered,
              ...(statement.trim() ? { statement: statement.trim() } : {}),
              ...(picked.length ? { evidenceIds: picked } : {}),
              ...(needsAward
                ? {
                    award: {
                      courseCode: award.courseCode.trim(),
                      courseName: award.courseName.trim(),
                      courseType: award.courseType,
                      credits: award.credits.trim(),
                    },
                  }
                : {}),
            }
            const idem = newKey()
            let made: Application | null = null
            for (let attempt = 0; !made; attempt++) {
              try {
                made = await api.post<Application>('/v1/applications', body, idem)
              } catch (err) {
                // A file uploaded a moment ago reaches recognition through an event: wait for it.
                if (
                  attempt < 8 &&
                  err instanceof ApiError &&
                  err.problem.code === 'RECOGNITION_EVIDENCE_NOT_YOURS'
                ) {
                  await sleep(500)
                  continue
                }
                setErrors(errorsByPath(err))
                throw err
              }
            }
            location.hash = `#/learner/applications/${made.id}`
          }}
        >
          <Select
            label={t('认定到（学校 · 专业）', 'Recognized at (school · program)')}
            name="target"
            value={enrollment?.id ?? ''}
            onInput={setTarget}
            options={d.enrollments.map((e) => [
              e.id,
              `${d.orgs.get(e.orgId)?.name ?? ''} · ${e.programName}`,
            ])}
            required
            error={errors.programCode ?? errors.targetOrgId}
          />
          <fieldset aria-describedby="pick-hint">
            <legend>{t('用哪些学习成果申请', 'The outcomes you apply with')}</legend>
            <small id="pick-hint" class="hint">
              {t('最多选择10条。', 'Up to 10.')}
            </small>
            {errors.sourceEntryIds ? <p class="error-text">{errors.sourceEntryIds}</p> : null}
            {d.entries.length ? (
              <ul class="picks">
                {d.entries.map((e) => (
                  <li key={e.id}>
                    <label class="pick">
                      <input
                        type="checkbox"
                        name="sourceEntryIds"
                        value={e.id}
                        checked={chosen.includes(e.id)}
                        disabled={!chosen.includes(e.id) && chosen.length >= 10}
                        onChange={() => toggle(e.id)}
                      />
                      <span>
                        <strong>{e.title}</strong> <span class="tag">{w(e.kind)}</span>
                        <br />
                        <small>
                          {d.orgs.get(e.orgId)?.name ?? ''} · {e.occurredOn}
                          {entryAmount(e) ? ` · ${entryAmount(e)}` : ''}
                        </small>
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
            ) : (
              <p>{t('账户中还没有可用的学习成果。', 'No usable outcomes in your account yet.')}</p>
            )}
          </fieldset>
          <section class="expected" aria-live="polite" aria-labelledby="expected-h">
            <h2 id="expected-h">{t('预计结果', 'What to expect')}</h2>
            {!chosen.length ? (
              <p class="hint">
                {t(
                  '选择学习成果后，这里显示按现行互认标准的预计结果。',
                  'Choose outcomes to see what the current standards would give.',
                )}
              </p>
            ) : !current ? (
              <p>{t('正在试算…', 'Working it out…')}</p>
            ) : current.error ? (
              <ProblemBox error={current.error} />
            ) : current.r ? (
              <ExpectedResult r={current.r} entries={d.entries} />
            ) : null}
          </section>
          {needsAward ? (
            <fieldset>
              <legend>{t('您申请认定的课程', 'The course you ask to be recognized')}</legend>
              <p class="hint">
                {t(
                  '没有互认标准匹配这些成果，由学校审核员按您的说明和材料判断。请写明想替代的课程。',
                  'No standard matches these outcomes; the school’s reviewers judge on your statement and evidence. Name the course you ask for.',
                )}
              </p>
              <Field
                label={t('课程代码', 'Course code')}
                name="courseCode"
                value={award.courseCode}
                onInput={(v) => setAward({ ...award, courseCode: v })}
                required
                error={errors['award/courseCode']}
              />
              <Field
                label={t('课程名称', 'Course name')}
                name="courseName"
                value={award.courseName}
                onInput={(v) => setAward({ ...award, courseName: v })}
                required
                error={errors['award/courseName']}
              />
              <Select
                label={t('课程类型', 'Course type')}
                name="courseType"
                value={award.courseType}
                onInput={(v) => setAward({ ...award, courseType: v })}
                options={['foundation', 'core', 'elective'].map((k) => [k, w(k)])}
              />
              <Field
                label={t('申请学分', 'Credits asked for')}
                name="credits"
                value={award.credits}
                onInput={(v) => setAward({ ...award, credits: v })}
                required
                hint={t('如 2 或 1.5', 'e.g. 2 or 1.5')}
                error={errors['award/credits'] ?? errors.award}
              />
            </fieldset>
          ) : null}
          <TextArea
            label={t('申请说明', 'Statement')}
            name="statement"
            value={statement}
            onInput={setStatement}
            rows={4}
            hint={t(
              '写明这些成果与课程的关系，最多2000字。',
              'How these outcomes cover the course; up to 2,000 characters.',
            )}
          />
          <fieldset>
            <legend>{t('证明材料', 'Evidence files')}</legend>
            <div class="field">
              <label for="evidence-file">
                {t(
                  '上传文件（PDF、PNG或JPEG，每个不超过10MB）',
                  'Upload files (PDF, PNG or JPEG, up to 10 MB each)',
                )}
              </label>
              <input
                id="evidence-file"
                type="file"
                multiple
                accept="application/pdf,image/png,image/jpeg"
                disabled={uploading}
                onChange={async (e) => {
                  const input = e.target as HTMLInputElement
                  await upload(input.files)
                  input.value = ''
                }}
              />
            </div>
            {uploading ? <p aria-live="polite">{t('正在上传…', 'Uploading…')}</p> : null}
            <ProblemBox error={uploadError} />
            {errors.evidenceIds ? <p class="error-text">{errors.evidenceIds}</p> : null}
            {files.length ? (
              <ul class="picks">
                {files.map((f) => (
                  <li key={f.id}>
                    <label class="pick">
                      <input
                        type="checkbox"
                        name="evidenceIds"
                        value={f.id}
                        checked={picked.includes(f.id)}
                        onChange={() =>
                          setPicked(
                            picked.includes(f.id)
                              ? picked.filter((x) => x !== f.id)
                              : [...picked, f.id],
                          )
                        }
                      />
                      <span>
                        {f.filename ?? t('未命名文件', 'unnamed file')}{' '}
                        <small class="hint">
                          {fileSize(f.sizeBytes)} · {fmtDate(f.createdAt)}
                        </small>
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
            ) : null}
          </fieldset>
        </Form>
      ) : null}
    </div>
  )
}

/** The simulator's answer for the chosen entries, in words. */
function ExpectedResult({ r, entries }: { r: SimulationResult; entries: Entry[] }) {
  const titleOf = (ref: string) => entries.find((e) => e.id === ref)?.title ?? ''
  const ok = r.items.filter((i) => !i.refused)
  return (
    <div>
      {ok.length ? (
        <p class="big">
          {t(`预计可认定 ${r.totalCredits} 学分`, `Expected: ${r.totalCredits} credits`)}
        </p>
      ) : (
        <p class="big">{t('没有互认标准匹配', 'No standard matches')}</p>
      )}
      {r.items.length ? (
        <ul>
          {r.items.map((i) => (
            <li key={i.rule.code + i.sourceRef}>
              {i.refused
                ? t(
                    `“${titleOf(i.sourceRef)}”不能认定为 ${i.award.courseName}：${refusalText(i.refused)}`,
                    `“${titleOf(i.sourceRef)}” cannot replace ${i.award.courseName}: ${refusalText(i.refused)}`,
                  )
                : t(
                    `“${titleOf(i.sourceRef)}”可认定为 ${i.award.courseName}（${i.award.courseCode}）${i.award.credits} 学分，${i.review === 'auto' ? '自动认定' : '需人工审核'}`,
                    `“${titleOf(i.sourceRef)}” would replace ${i.award.courseName} (${i.award.courseCode}) for ${i.award.credits} credits, ${i.review === 'auto' ? 'automatically' : 'after review'}`,
                  )}
              {i.limitsApplied.length ? (
                <small class="hint"> {i.limitsApplied.map(limitText).join('；')}</small>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      <RemainingWords r={r} />
    </div>
  )
}

function RemainingWords({ r }: { r: SimulationResult }) {
  const parts = (
    [
      ['year', '本年', 'this year'],
      ['term', '本学期', 'this term'],
      ['program', '本专业', 'in this program'],
    ] as const
  )
    .filter(([k]) => r.remaining[k] !== null)
    .map(([k, zh, en]) =>
      t(`${zh}还可认定 ${r.remaining[k]} 学分`, `${r.remaining[k]} credits left ${en}`),
    )
  return parts.length ? <p class="hint">{parts.join('；')}</p> : null
}

// -- notifications --------------------------------------------------------------------------------

interface Notification {
  id: string
  kind: string
  at: string
  read: boolean
  refId: string | null
  orgId: string | null
  orgName: string | null
  data: Record<string, unknown>
}

/** What a notification says, in the reader's language (a certificate by the catalog's name). */
export function notificationText(n: Notification, types: CertificateTypes = new Map()) {
  const org = n.orgName ?? ''
  const d = n.data as Record<string, string | number | undefined>
  const type = types.get(String(d.typeCode))
  const title = type ? nameIn(type) : String(d.title ?? d.courseName ?? d.typeName ?? '')
  switch (n.kind) {
    case 'outcome_posted':
      return t(`${org} 为您记入了学习成果“${title}”`, `${org} posted “${title}” to your account`)
    case 'entry_reversed':
      return t(`${org} 冲正了记录“${title}”`, `${org} reversed “${title}”`)
    case 'learner_corrected': {
      const what = fieldWords((d.fields as unknown as string[] | undefined) ?? [])
      return org
        ? t(`${org} 更正了您的${what}`, `${org} corrected your ${what}`)
        : t(`平台管理员更正了您的${what}`, `A platform administrator corrected your ${what}`)
    }
    case 'certificate_issued': {
      const named = withLevel(title, d.level)
      return t(`${org} 为您颁发了证书“${named}”`, `${org} issued you the certificate “${named}”`)
    }
    case 'certificate_revoked': {
      // The service's title already holds the level in Chinese; the catalog's name does not.
      const named = type ? withLevel(title, d.level) : title
      return t(`${org} 撤销了证书“${named}”`, `${org} revoked the certificate “${named}”`)
    }
    case 'application_opened':
      return t(
        // The organization is where the credits are recognized; the reviewers may be a region's center.
        `认定申请“${title}”已开立，认定到 ${org}`,
        `The application “${title}” was opened, for ${org}`,
      )
    case 'application_step_approved':
      return t(
        `认定申请“${title}”第${d.step ?? ''}步审核通过`,
        `Step ${d.step ?? ''} of the application “${title}” was approved`,
      )
    case 'application_approved':
      return t(
        `认定申请“${title}”已通过，${d.credits ?? ''} 学分`,
        `The application “${title}” was approved: ${d.credits ?? ''} credits`,
      )
    case 'application_rejected':
      // The reason is in the application's trail (the message links there), not in the message.
      return t(
        `认定申请“${title}”未予认定，理由见申请详情`,
        `The application “${title}” was rejected; the reason is in the application`,
      )
    case 'application_closed':
      return t(`认定申请“${title}”已关闭`, `The application “${title}” was closed`)
    case 'application_due':
      return t(
        `认定申请“${title}”已超过办理期限，仍在等待审核`,
        `The application “${title}” is past its due date and still waiting`,
      )
    default:
      return t('您有一条新消息', 'A new message')
  }
}

function notificationLink(n: Notification) {
  if (n.kind.startsWith('application_') && n.refId) return `#/learner/applications/${n.refId}`
  if (n.kind === 'outcome_posted' || n.kind === 'entry_reversed') return '#/learner'
  if (n.kind === 'learner_corrected') return '#/learner/who-looked'
  return '#/learner/timeline'
}

/** Unread messages of the signed-in learner: the header's mark reads it, the list page changes it. */
const unreadListeners = new Set<(n: number) => void>()
export function onUnread(f: (n: number) => void) {
  unreadListeners.add(f)
  return () => unreadListeners.delete(f)
}
function tellUnread(n: number) {
  for (const f of unreadListeners) f(n)
}
export async function unreadCount(learnerId: string) {
  const page = await api.get<{ unread: number }>(`/v1/learners/${learnerId}/notifications?limit=1`)
  tellUnread(page.unread)
  return page.unread
}

function Notifications({ learnerId }: { learnerId: string }) {
  const state = useLoad(async () => {
    const [page, types] = await Promise.all([
      api.get<Page<Notification> & { unread: number }>(
        `/v1/learners/${learnerId}/notifications?limit=100`,
      ),
      certificateTypes(),
    ])
    tellUnread(page.unread)
    return { ...page, types }
  }, [learnerId])
  const [error, setError] = useState<unknown>(null)
  const mark = async (body: { ids: string[] } | { all: true }) => {
    setError(null)
    try {
      const r = await api.post<{ unread: number }>(
        `/v1/learners/${learnerId}/notifications/read`,
        body,
      )
      tellUnread(r.unread)
      state.reload()
    } catch (err) {
      setError(err)
    }
  }
  const items = state.data?.items ?? []
  return (
    <div>
      <h1>{t('我的消息', 'My messages')}</h1>
      <Loading state={state} />
      <ProblemBox error={error} />
      {state.data ? (
        <>
          <p class="actions">
            <span>
              {state.data.unread
                ? t(`${state.data.unread} 条未读`, `${state.data.unread} unread`)
                : t('没有未读消息', 'Nothing unread')}
            </span>
            {state.data.unread ? (
              <button type="button" class="secondary" onClick={() => mark({ all: true })}>
                {t('全部标为已读', 'Mark all read')}
              </button>
            ) : null}
          </p>
          {items.length ? (
            <ul class="notifications">
              {items.map((n) => (
                <li key={n.id} class={n.read ? 'read' : 'unread'}>
                  {n.read ? null : <span class="dot" aria-hidden="true" />}
                  <div>
                    <a
                      href={notificationLink(n)}
                      onClick={() => {
                        if (!n.read) void mark({ ids: [n.id] })
                      }}
                    >
                      {notificationText(n, state.data?.types)}
                    </a>
                    <br />
                    <small class="hint">
                      {n.read ? '' : `${t('未读', 'Unread')} · `}
                      <time dateTime={n.at}>{fmtDate(n.at)}</time>
                    </small>
                  </div>
                  {n.read ? null : (
                    <button type="button" class="link" onClick={() => mark({ ids: [n.id] })}>
                      {t('标为已读', 'Mark read')}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <p>{t('还没有消息。', 'No messages yet.')}</p>
          )}
        </>
      ) : null}
    </div>
  )
}
