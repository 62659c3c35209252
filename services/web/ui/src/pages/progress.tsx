import { useState } from 'preact/hooks'
import { api, type Page } from '../api'
import { nameIn, t, w } from '../i18n'
import { CardTable, Loading, Notice, Section, Select, today, useLoad } from '../ui'

/** A learner's progress in a program, as GET /v1/learners/{id}/progress answers (decision 0810). */
export interface Progress {
  programCode: string
  programName: string
  asOf: string
  plan: { version: number; basis: string | null; createdAt: string }
  complete: boolean
  total: { required: string; done: string; missing: string }
  byType: { courseType: string; required: string; done: string; missing: string }[]
  requiredCourses: {
    courseCode: string
    courseName: string
    courseType: string
    credits: string
    done: boolean
  }[]
  missingCredits: string
  counted: {
    source: 'earned' | 'recognized'
    entryId: string | null
    applicationId: string | null
    rule: { code: string; version: number } | null
    courseCode: string | null
    courseName: string
    courseType: string | null
    credits: string
    countedOn: string
    countsTowards: { courseType: string | null; requiredCourse: string | null } | null
  }[]
  pending: { applicationId: string; courseName: string; credits: string | null; status: string }[]
  notCounted: { entryId: string; kind: string; title: string; occurredOn: string }[]
  caps: {
    term: { credits: string; from: string[] } | null
    year: { credits: string; from: string[] } | null
  }
  earliestTerm: { term: string; start: string } | null
  schedule: { term: string; credits: string }[]
  certificates: {
    typeCode: string
    level: string
    courseCode: string
    courseName: string
    credits: string
    rule: { code: string; version: number }
    limitsApplied: { limit: string; from: string; to: string }[]
    refused: { limit: string } | null
  }[]
}

export interface Tuition {
  term: { key: string; start: string; end: string; academicYear: number }
  schedule: {
    version: number
    pricePerCredit: string
    recognizedCharge: 'exempt' | 'share'
    recognizedShare: string | null
  }
  creditsEnrolled: string
  creditsRecognized: string
  tuitionDue: string
  lines: {
    kind: 'course' | 'recognized'
    entryId: string | null
    applicationId: string | null
    courseCode: string | null
    courseName: string
    on: string
    credits: string
    share: string
    amount: string
  }[]
}

/** `2026-autumn` in words: 2026年秋季学期 / Autumn 2026. */
export function termName(key: string) {
  const [y, season] = key.split('-')
  return season === 'autumn'
    ? t(`${y}年秋季学期`, `Autumn ${y}`)
    : t(`${y}年春季学期`, `Spring ${y}`)
}

/** The term a China date falls in (half-years from 1 March and 1 September). */
export function termOfDate(d: string) {
  const y = Number(d.slice(0, 4))
  const m = Number(d.slice(5, 7))
  return m >= 9 ? `${y}-autumn` : m >= 3 ? `${y}-spring` : `${y - 1}-autumn`
}

/** The current term and the ones around it, newest first, for a term picker. */
export function termChoices(around = today()): [string, string][] {
  const keys: string[] = []
  let k = termOfDate(around)
  const next = (key: string) => {
    const y = Number(key.slice(0, 4))
    return key.endsWith('autumn') ? `${y}-spring` : `${y - 1}-autumn`
  }
  for (let i = 0; i < 8; i++, k = next(k)) keys.push(k)
  return keys.map((key) => [key, termName(key)])
}

const limitWords: Record<string, [string, string]> = {
  maxCreditsPerSource: ['单证书上限', 'per-certificate limit'],
  maxCreditsPerSourceOrg: ['单来源机构上限', 'per-source-organization limit'],
  maxCreditsPerProgram: ['专业上限', 'program limit'],
  maxCreditsPerTerm: ['学期上限', 'term limit'],
  maxCreditsPerYear: ['年度上限', 'yearly limit'],
  capToSourceCredits: ['不超过证书学分', 'the credits the source carries'],
  oneSourcePerCourse: ['一门课程只能由一项成果替代', 'one source per course'],
  oneCoursePerSource: ['一项成果只能替代一门课程', 'one course per source'],
  duplicate: ['已用于这门课程', 'already used for this course'],
}
const limitWord = (l: string) => {
  const p = limitWords[l]
  return p ? t(p[0], p[1]) : l
}
const capFrom = (from: string[]) =>
  from.map((f) => (f === 'plan' ? t('培养方案', 'the plan') : f)).join(t('、', ', '))

/** What a counted line counts towards, in words. */
function towards(l: Progress['counted'][number]) {
  if (!l.countsTowards) return t('不重复计入（该课程已计入）', 'not again (the course is counted)')
  const parts = [t('总学分', 'total')]
  if (l.countsTowards.courseType) parts.push(w(l.countsTowards.courseType))
  if (l.countsTowards.requiredCourse)
    parts.push(t(`必修课 ${l.courseName}`, `required course ${l.courseName}`))
  return parts.join(' · ')
}

/** A learner's progress in words and tables: used by the learner's page and the registrar's. */
export function ProgressView({
  p,
  certNames,
}: {
  p: Progress
  certNames: Map<string, { name: string; nameEn: string | null }>
}) {
  const certName = (code: string) => {
    const type = certNames.get(code)
    return type ? nameIn(type) : code
  }
  return (
    <div class="progress">
      <p class="hint">
        {t(
          `培养方案第 ${p.plan.version} 版${p.plan.basis ? `（${p.plan.basis}）` : ''}，截至 ${p.asOf}`,
          `Plan version ${p.plan.version}${p.plan.basis ? ` (${p.plan.basis})` : ''}, as of ${p.asOf}`,
        )}
      </p>
      <dl class="figures">
        <div>
          <dt>{t('已修学分', 'Credits done')}</dt>
          <dd>
            <strong>{p.total.done}</strong> / {p.total.required}
          </dd>
        </div>
        <div>
          <dt>{t('还差', 'Still missing')}</dt>
          <dd>
            <strong>{p.missingCredits}</strong> {t('学分', 'credits')}
          </dd>
        </div>
        <div>
          <dt>{t('最早可完成', 'Earliest finish')}</dt>
          <dd>
            <strong>
              {p.complete
                ? t('已达到要求', 'Requirements met')
                : p.earliestTerm
                  ? termName(p.earliestTerm.term)
                  : t('按现行上限无法算出', 'beyond the caps’ horizon')}
            </strong>
          </dd>
        </div>
      </dl>
      {!p.complete ? (
        <Notice>
          {p.caps.term || p.caps.year
            ? t(
                `按上限计算：${p.caps.term ? `每学期最多 ${p.caps.term.credits} 学分（${capFrom(p.caps.term.from)}）` : ''}${p.caps.term && p.caps.year ? '，' : ''}${p.caps.year ? `每年最多 ${p.caps.year.credits} 学分（${capFrom(p.caps.year.from)}）` : ''}。安排：${p.schedule.map((s) => `${termName(s.term)} ${s.credits} 学分`).join('，')}。`,
                `Under the caps: ${p.caps.term ? `at most ${p.caps.term.credits} credits a term (${capFrom(p.caps.term.from)})` : ''}${p.caps.term && p.caps.year ? ', ' : ''}${p.caps.year ? `at most ${p.caps.year.credits} a year (${capFrom(p.caps.year.from)})` : ''}. Plan: ${p.schedule.map((s) => `${termName(s.term)} ${s.credits} credits`).join(', ')}.`,
              )
            : t(
                '培养方案和认定规则都没有学期或年度上限。',
                'Neither the plan nor the rules cap credits a term or a year.',
              )}
        </Notice>
      ) : null}
      <CardTable
        caption={t('按课程类别', 'By course type')}
        showCaption
        rows={p.byType}
        rowKey={(r) => r.courseType}
        columns={[
          { label: t('类别', 'Type'), cell: (r) => w(r.courseType) },
          { label: t('要求', 'Required'), cell: (r) => r.required },
          { label: t('已修', 'Done'), cell: (r) => r.done },
          { label: t('还差', 'Missing'), cell: (r) => r.missing },
        ]}
      />
      <CardTable
        caption={t('必修课程', 'Required courses')}
        showCaption
        rows={p.requiredCourses}
        rowKey={(r) => r.courseCode}
        columns={[
          {
            label: t('课程', 'Course'),
            cell: (r) =>
              t(`${r.courseName}（${r.courseCode}）`, `${r.courseName} (${r.courseCode})`),
          },
          { label: t('类别', 'Type'), cell: (r) => w(r.courseType) },
          { label: t('学分', 'Credits'), cell: (r) => r.credits },
          {
            label: t('状态', 'Status'),
            cell: (r) => (r.done ? t('已完成', 'Done') : t('未完成', 'Missing')),
          },
        ]}
      />
      <CardTable
        caption={t('每条记录计入什么', 'What each entry counts towards')}
        showCaption
        rows={p.counted}
        rowKey={(r) => `${r.entryId ?? r.applicationId}-${r.source}`}
        columns={[
          {
            label: t('来源', 'Source'),
            cell: (r) =>
              r.source === 'earned'
                ? t('本校修读', 'Taken here')
                : t(
                    `认定（${r.rule?.code ?? '人工'}）`,
                    `Recognized (${r.rule?.code ?? 'by review'})`,
                  ),
          },
          { label: t('课程', 'Course'), cell: (r) => r.courseName },
          { label: t('学分', 'Credits'), cell: (r) => r.credits },
          { label: t('日期', 'Date'), cell: (r) => r.countedOn },
          { label: t('计入', 'Counts towards'), cell: towards },
        ]}
      />
      {p.pending.length ? (
        <p>
          {t('审核中（尚未计入）：', 'In review (not counted yet): ')}
          {p.pending
            .map((a) => `${a.courseName} ${a.credits ?? ''}${t('学分', ' credits')}`)
            .join(t('；', '; '))}
        </p>
      ) : null}
      <Section
        title={t(
          '可替代未修课程的 1+X 证书',
          '1+X certificates that would replace missing courses',
        )}
      >
        {p.certificates.filter((c) => !c.refused).length === 0 ? (
          <p>
            {t(
              '现行规则下没有可替代未修课程的证书。',
              'Under the published rules no certificate replaces a missing course.',
            )}
          </p>
        ) : (
          <ul data-testid="certificate-options">
            {p.certificates
              .filter((c) => !c.refused)
              .map((c) => (
                <li key={`${c.typeCode}-${c.level}-${c.courseCode}`}>
                  {certName(c.typeCode)} {w(c.level)} →{' '}
                  {t(`${c.courseName} ${c.credits} 学分`, `${c.courseName}, ${c.credits} credits`)}
                  {c.limitsApplied.map((l) => (
                    <small class="hint" key={l.limit}>
                      {' '}
                      {t(
                        `（${limitWord(l.limit)}：${l.from} → ${l.to}）`,
                        `(${limitWord(l.limit)}: ${l.from} → ${l.to})`,
                      )}
                    </small>
                  ))}
                  <small class="hint"> · {c.rule.code}</small>
                </li>
              ))}
          </ul>
        )}
        {p.certificates.some((c) => c.refused) ? (
          <p class="hint">
            {t('不能替代的：', 'Would not count: ')}
            {p.certificates
              .filter((c) => c.refused)
              .map(
                (c) =>
                  `${certName(c.typeCode)} ${w(c.level)} → ${c.courseName}（${limitWord(c.refused!.limit)}）`,
              )
              .join(t('；', '; '))}
          </p>
        ) : null}
      </Section>
    </div>
  )
}

export function TuitionView({ b }: { b: Tuition }) {
  const charge =
    b.schedule.recognizedCharge === 'exempt'
      ? t('认定学分免收学费', 'recognized credits are exempt')
      : t(
          `认定学分按 ${Number(b.schedule.recognizedShare) * 100}% 收费`,
          `recognized credits are charged at ${Number(b.schedule.recognizedShare) * 100}%`,
        )
  return (
    <div>
      <dl class="figures">
        <div>
          <dt>{t('修读学分', 'Credits enrolled')}</dt>
          <dd>{b.creditsEnrolled}</dd>
        </div>
        <div>
          <dt>{t('其中认定学分', 'Of which recognized')}</dt>
          <dd>{b.creditsRecognized}</dd>
        </div>
        <div>
          <dt>{t('应缴学费', 'Tuition due')}</dt>
          <dd>
            <strong>¥{b.tuitionDue}</strong>
          </dd>
        </div>
      </dl>
      <p class="hint">
        {t(
          `${termName(b.term.key)}（${b.term.academicYear} 学年），收费标准第 ${b.schedule.version} 版：每学分 ¥${b.schedule.pricePerCredit}，${charge}。`,
          `${termName(b.term.key)} (academic year ${b.term.academicYear}), schedule version ${b.schedule.version}: ¥${b.schedule.pricePerCredit} a credit; ${charge}.`,
        )}
      </p>
      <CardTable
        caption={t('学费明细', 'Tuition lines')}
        showCaption
        rows={b.lines}
        rowKey={(l) => `${l.kind}-${l.entryId ?? l.applicationId}`}
        columns={[
          {
            label: t('项目', 'Line'),
            cell: (l) =>
              l.kind === 'course' ? t('本校修读', 'Taken here') : t('认定学分', 'Recognized'),
          },
          { label: t('课程', 'Course'), cell: (l) => l.courseName },
          { label: t('日期', 'Date'), cell: (l) => l.on },
          { label: t('学分', 'Credits'), cell: (l) => l.credits },
          {
            label: t('计费比例', 'Share'),
            cell: (l) => `${Math.round(Number(l.share) * 100)}%`,
          },
          { label: t('金额', 'Amount'), cell: (l) => `¥${l.amount}` },
        ]}
      />
      {b.lines.length === 0 ? (
        <p>{t('本学期没有计费的学分。', 'No credits are charged this term.')}</p>
      ) : null}
    </div>
  )
}

/** The 1+X catalog's names by type code, for showing certificates in words. */
export async function certificateNames() {
  const page = await api.get<Page<{ code: string; name: string; nameEn: string | null }>>(
    '/v1/certificate-types?limit=100',
  )
  return new Map(page.items.map((c) => [c.code, c]))
}

/** A learner's progress and tuition for one enrollment: the learner's tab and the registrar's look-up. */
export function ProgressAndTuition(props: {
  learnerId: string
  programs: { orgId: string; programCode: string; label: string }[]
}) {
  const [pick, setPick] = useState(0)
  const [term, setTerm] = useState(termOfDate(today()))
  const chosen = props.programs[pick]
  const q = chosen
    ? `programCode=${encodeURIComponent(chosen.programCode)}&orgId=${chosen.orgId}`
    : ''
  const progress = useLoad(
    async () =>
      chosen
        ? {
            p: await api.get<Progress>(`/v1/learners/${props.learnerId}/progress?${q}`),
            names: await certificateNames(),
          }
        : null,
    [props.learnerId, pick],
  )
  const tuition = useLoad(
    async () =>
      chosen ? api.get<Tuition>(`/v1/learners/${props.learnerId}/tuition?term=${term}&${q}`) : null,
    [props.learnerId, pick, term],
  )
  if (!chosen) return <p>{t('还没有登记专业。', 'Not enrolled in a program yet.')}</p>
  return (
    <div>
      {props.programs.length > 1 ? (
        <Select
          label={t('专业', 'Program')}
          name="program"
          value={String(pick)}
          onInput={(v) => setPick(Number(v))}
          options={props.programs.map((p, i) => [String(i), p.label])}
        />
      ) : null}
      <div id="progress">
        <Section
          title={t(`培养方案进度：${chosen.label}`, `Program progress: ${chosen.label}`)}
          id="progress-section"
        >
          <Loading state={progress} />
          {progress.data ? (
            <ProgressView p={progress.data.p} certNames={progress.data.names} />
          ) : null}
        </Section>
      </div>
      <div id="tuition">
        <Section title={t('学分制学费', 'Credit tuition')} id="tuition-section">
          <Select
            label={t('学期', 'Term')}
            name="term"
            value={term}
            onInput={setTerm}
            options={termChoices()}
          />
          <Loading state={tuition} />
          {tuition.data ? <TuitionView b={tuition.data} /> : null}
        </Section>
      </div>
    </div>
  )
}
