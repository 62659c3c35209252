import { useId, useState } from 'preact/hooks'
import { ApiError, api, newKey, organizations, type Page, request } from '../api'
import { t, w } from '../i18n'
import {
  errorsByPath,
  Field,
  Form,
  Loading,
  Notice,
  ProblemBox,
  Section,
  Select,
  today,
  useLoad,
} from '../ui'
import { type Entry, EntryTable, Tabs } from './learner'

const tabs: [string, string, string][] = [
  ['', '开户与登记专业', 'Enroll'],
  ['outcome', '录入学习成果', 'Post an outcome'],
  ['batch', 'CSV批量导入', 'CSV batch'],
  ['reverse', '冲正', 'Reverse'],
]

export function RegistrarPage({ path }: { path: string[] }) {
  const sub = path[0] ?? ''
  return (
    <div>
      <Tabs base="registrar" items={tabs} current={sub} />
      {sub === '' ? <Enroll /> : null}
      {sub === 'outcome' ? <PostOutcome /> : null}
      {sub === 'batch' ? <Batch /> : null}
      {sub === 'reverse' ? <Reverse /> : null}
    </div>
  )
}

const categories = [
  'student',
  'unemployed_graduate',
  'veteran',
  'migrant_worker',
  'farmer',
  'disabled',
  'laid_off_worker',
  'employee',
  'other',
]

function Enroll() {
  const [f, setF] = useState({
    nationalId: '',
    name: '',
    category: 'student',
    programCode: '',
    programName: '',
    startedOn: today(),
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [done, setDone] = useState<{
    accountNo: string
    learnerId: string
    enrolled: boolean
  } | null>(null)
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v })
  return (
    <Section title={t('为学习者开户并登记专业', 'Open an account and enroll')}>
      <p>
        {t(
          '同一人再次开户会返回同一个账户。不填专业则只开户。',
          'The same person again answers the same account. Leave the program empty to only open the account.',
        )}
      </p>
      <Form
        label={t('开户与登记', 'Enroll')}
        submit={t('提交', 'Submit')}
        onSubmit={async () => {
          setErrors({})
          setDone(null)
          try {
            const l = await api.post<{ id: string; accountNo: string }>(
              '/v1/learners',
              {
                nationalId: f.nationalId.trim().toUpperCase(),
                name: f.name.trim(),
                category: f.category,
              },
              newKey(),
            )
            let enrolled = false
            if (f.programCode.trim()) {
              await api.post(
                '/v1/enrollments',
                {
                  learnerId: l.id,
                  programCode: f.programCode.trim(),
                  programName: f.programName.trim() || f.programCode.trim(),
                  startedOn: f.startedOn,
                },
                newKey(),
              )
              enrolled = true
            }
            setDone({ accountNo: l.accountNo, learnerId: l.id, enrolled })
          } catch (err) {
            setErrors(errorsByPath(err))
            throw err
          }
        }}
      >
        <Field
          label={t('身份证号', 'National id number')}
          name="nationalId"
          value={f.nationalId}
          onInput={set('nationalId')}
          required
          autoComplete="off"
          error={errors.nationalId}
        />
        <Field
          label={t('姓名', 'Name')}
          name="name"
          value={f.name}
          onInput={set('name')}
          required
          error={errors.name}
        />
        <Select
          label={t('学习者类别', 'Category')}
          name="category"
          value={f.category}
          onInput={set('category')}
          options={categories.map((c) => [c, w(c)])}
        />
        <Field
          label={t('专业代码', 'Program code')}
          name="programCode"
          value={f.programCode}
          onInput={set('programCode')}
          placeholder="P-RAIL"
          error={errors.programCode}
        />
        <Field
          label={t('专业名称', 'Program name')}
          name="programName"
          value={f.programName}
          onInput={set('programName')}
          error={errors.programName}
        />
        <Field
          label={t('入学日期', 'Started on')}
          name="startedOn"
          type="date"
          value={f.startedOn}
          onInput={set('startedOn')}
          error={errors.startedOn}
        />
      </Form>
      {done ? (
        <Notice>
          {t('已开户', 'Account')} <span class="mono">{done.accountNo}</span>
          {done.enrolled ? t('，并已登记专业。', ', enrolled.') : '。'}{' '}
          {t('学习者编号', 'Learner id')}:{' '}
          <span class="mono" data-testid="learner-id">
            {done.learnerId}
          </span>
        </Notice>
      ) : null}
    </Section>
  )
}

/** Finds a learner's id from the national id and name (never put in a URL). */
function LearnerPicker({ value, onChange }: { value: string; onChange: (id: string) => void }) {
  const [nationalId, setNationalId] = useState('')
  const [name, setName] = useState('')
  const [error, setError] = useState<unknown>(null)
  return (
    <fieldset>
      <legend>{t('学习者', 'Learner')}</legend>
      <Field
        label={t('学习者编号', 'Learner id')}
        name="learnerId"
        value={value}
        onInput={onChange}
        required
        hint={t('或用身份证号和姓名查找', 'or look it up by national id and name')}
      />
      <div class="inline">
        <Field
          label={t('身份证号', 'National id')}
          name="lookupNationalId"
          value={nationalId}
          onInput={setNationalId}
          autoComplete="off"
        />
        <Field label={t('姓名', 'Name')} name="lookupName" value={name} onInput={setName} />
        <button
          type="button"
          class="secondary"
          onClick={async () => {
            setError(null)
            try {
              const r = await api.post<{ id: string }>('/v1/learners/lookup', {
                nationalId: nationalId.trim().toUpperCase(),
                name: name.trim(),
              })
              onChange(r.id)
            } catch (err) {
              setError(err)
            }
          }}
        >
          {t('查找', 'Look up')}
        </button>
      </div>
      <ProblemBox error={error} />
    </fieldset>
  )
}

function PostOutcome() {
  const [learnerId, setLearnerId] = useState('')
  const [f, setF] = useState({
    kind: 'course',
    title: '',
    code: '',
    credits: '',
    hours: '',
    score: '',
    scale: '100',
    level: '',
    category: '',
    occurredOn: today(),
    externalRef: '',
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [posted, setPosted] = useState<Entry | null>(null)
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v })
  return (
    <Section title={t('录入学习成果', 'Post an outcome')}>
      <Form
        label={t('录入学习成果', 'Post an outcome')}
        submit={t('录入', 'Post')}
        onSubmit={async () => {
          setErrors({})
          setPosted(null)
          const body: Record<string, unknown> = {
            learnerId: learnerId.trim(),
            kind: f.kind,
            title: f.title.trim(),
            occurredOn: f.occurredOn,
          }
          for (const k of ['code', 'credits', 'hours', 'level', 'category', 'externalRef'] as const)
            if (f[k].trim()) body[k] = f[k].trim()
          if (f.score.trim()) body.grade = { score: f.score.trim(), scale: f.scale.trim() || '100' }
          try {
            setPosted(await api.post<Entry>('/v1/outcomes', body, newKey()))
          } catch (err) {
            setErrors(errorsByPath(err))
            throw err
          }
        }}
      >
        <LearnerPicker value={learnerId} onChange={setLearnerId} />
        <Select
          label={t('类别', 'Kind')}
          name="kind"
          value={f.kind}
          onInput={set('kind')}
          options={['course', 'training', 'competition', 'work'].map((k) => [k, w(k)])}
        />
        <Field
          label={t('名称', 'Title')}
          name="title"
          value={f.title}
          onInput={set('title')}
          required
          error={errors.title}
        />
        <Field
          label={t('课程代码', 'Code')}
          name="code"
          value={f.code}
          onInput={set('code')}
          error={errors.code}
        />
        <Field
          label={t('学分', 'Credits')}
          name="credits"
          value={f.credits}
          onInput={set('credits')}
          error={errors.credits}
          hint={t('如 3 或 2.5', 'e.g. 3 or 2.5')}
        />
        <Field
          label={t('学时', 'Hours')}
          name="hours"
          value={f.hours}
          onInput={set('hours')}
          error={errors.hours}
        />
        <Field
          label={t('成绩', 'Score')}
          name="score"
          value={f.score}
          onInput={set('score')}
          error={errors['grade/score'] ?? errors.grade}
        />
        <Field label={t('满分', 'Scale')} name="scale" value={f.scale} onInput={set('scale')} />
        <Field
          label={t(
            '等级（竞赛：school/city/provincial/national）',
            'Level (competitions: school/city/provincial/national)',
          )}
          name="level"
          value={f.level}
          onInput={set('level')}
          error={errors.level}
        />
        <Field
          label={t('培训对象类别', 'Training category')}
          name="category"
          value={f.category}
          onInput={set('category')}
          error={errors.category}
        />
        <Field
          label={t('取得日期', 'Occurred on')}
          name="occurredOn"
          type="date"
          value={f.occurredOn}
          onInput={set('occurredOn')}
          required
          error={errors.occurredOn}
        />
        <Field
          label={t('本机构业务编号（防重复）', 'External reference (natural key)')}
          name="externalRef"
          value={f.externalRef}
          onInput={set('externalRef')}
          error={errors.externalRef}
        />
      </Form>
      {posted ? (
        <Notice>
          {t('已入账：第', 'Posted: entry #')}
          {posted.seq}
          {t('条记录', '')} ·{' '}
          <span class="mono" data-testid="entry-id">
            {posted.id}
          </span>
        </Notice>
      ) : null}
    </Section>
  )
}

const csvHelp =
  'learnerId,kind,title,code,credits,hours,gradeScore,gradeScale,level,category,occurredOn,externalRef'

/** Item n of the batch is CSV line n + 2 (line 1 is the header). */
function rowOf(path: string) {
  const m = /^\/?items\/(\d+)(\/.*)?$/.exec(path)
  return m ? { line: Number(m[1]) + 2, field: (m[2] ?? '').replace(/^\//, '') } : null
}

function Batch() {
  const fileId = useId()
  const [csv, setCsv] = useState('')
  const [result, setResult] = useState<{ created: number; existing: number } | null>(null)
  const [problem, setProblem] = useState<ApiError | null>(null)
  const [other, setOther] = useState<unknown>(null)
  const lines = csv.split(/\r?\n/)
  const rows =
    problem?.problem.errors?.map((e) => ({ ...rowOf(e.path), message: e.message, path: e.path })) ??
    []
  const byLine = new Map<number, { field: string; message: string }[]>()
  for (const r of rows)
    if (r.line)
      byLine.set(r.line, [
        ...(byLine.get(r.line) ?? []),
        { field: r.field ?? '', message: r.message },
      ])
  const submit = async () => {
    setResult(null)
    setProblem(null)
    setOther(null)
    try {
      setResult(
        await request('POST', '/v1/outcomes/batch', csv, {
          contentType: 'text/csv',
          key: newKey(),
        }),
      )
    } catch (err) {
      if (err instanceof ApiError && err.problem.errors?.length) setProblem(err)
      else setOther(err)
    }
  }
  return (
    <Section title={t('CSV批量导入学习成果', 'Upload a CSV batch')}>
      <p>
        {t('第一行为表头，列：', 'A header row, columns: ')}
        <code>{csvHelp}</code>
        {t(
          '。全部有效才会一次写入；有任何一行错误则一条也不写，并逐行说明原因。最多1000行。',
          '. All rows valid → all written at once; any bad row → nothing written and every bad row explained. Up to 1,000 rows.',
        )}
      </p>
      <div class="field">
        <label for={fileId}>{t('选择CSV文件', 'Choose a CSV file')}</label>
        <input
          id={fileId}
          name="csvFile"
          type="file"
          accept=".csv,text/csv"
          onChange={async (e) => {
            const file = (e.target as HTMLInputElement).files?.[0]
            if (file) setCsv(await file.text())
          }}
        />
      </div>
      <div class="field">
        <label for={`${fileId}-text`}>{t('或直接粘贴CSV内容', 'Or paste the CSV')}</label>
        <textarea
          id={`${fileId}-text`}
          name="csv"
          rows={8}
          class="mono"
          value={csv}
          onInput={(e) => setCsv((e.target as HTMLTextAreaElement).value)}
        />
      </div>
      <button type="button" onClick={submit} disabled={!csv.trim()}>
        {t('上传并校验', 'Upload')}
      </button>
      <ProblemBox error={other} />
      {result ? (
        <Notice>
          {t(
            `导入成功：新增 ${result.created} 条，已存在 ${result.existing} 条。`,
            `Imported: ${result.created} new, ${result.existing} already there.`,
          )}
        </Notice>
      ) : null}
      {problem ? (
        <div class="problem" role="alert">
          <strong>
            {t(
              `有 ${byLine.size} 行有误，未写入任何记录。`,
              `${byLine.size} bad rows; nothing was written.`,
            )}{' '}
            <code>{problem.problem.code}</code>
          </strong>
          <table class="bad-rows">
            <caption>{t('错误行', 'Bad rows')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('行号', 'Line')}</th>
                <th scope="col">{t('内容', 'Row')}</th>
                <th scope="col">{t('问题', 'Problems')}</th>
              </tr>
            </thead>
            <tbody>
              {[...byLine.entries()]
                .sort((a, b) => a[0] - b[0])
                .map(([line, errs]) => (
                  <tr key={line} data-line={line}>
                    <td>{line}</td>
                    <td class="mono">{lines[line - 1] ?? ''}</td>
                    <td>
                      <ul>
                        {errs.map((e) => (
                          <li key={e.field + e.message}>
                            {e.field ? <code>{e.field}</code> : null} {e.message}
                          </li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Section>
  )
}

function Reverse() {
  const [learnerId, setLearnerId] = useState('')
  const [shown, setShown] = useState('')
  const [entryId, setEntryId] = useState('')
  const [reason, setReason] = useState('')
  const [done, setDone] = useState<Entry | null>(null)
  const state = useLoad(
    async () =>
      shown
        ? {
            page: await api.get<Page<Entry>>(`/v1/learners/${shown}/entries?limit=100`),
            orgs: await organizations(),
          }
        : null,
    [shown, done?.id],
  )
  return (
    <div>
      <Section title={t('查看本机构录入的记录', 'Entries your organization posted')}>
        <LearnerPicker value={learnerId} onChange={setLearnerId} />
        <button
          type="button"
          onClick={() => setShown(learnerId.trim())}
          disabled={!learnerId.trim()}
        >
          {t('显示记录', 'Show entries')}
        </button>
        <Loading state={state} />
        {state.data ? (
          <EntryTable
            entries={state.data.page.items}
            orgs={state.data.orgs}
            action={(e) =>
              e.reversesEntryId || e.entryCode !== 'outcome.posted' ? null : (
                <button type="button" class="link" onClick={() => setEntryId(e.id)}>
                  {t('冲正此条', 'Reverse this')}
                </button>
              )
            }
          />
        ) : null}
      </Section>
      <Section title={t('冲正一条记录', 'Reverse an entry')}>
        <p>
          {t(
            '记录不会被修改或删除：冲正会追加一条抵消记录，原记录保留。',
            'Nothing is edited or deleted: a reversing entry is appended and the original stays.',
          )}
        </p>
        <Form
          label={t('冲正', 'Reverse')}
          submit={t('冲正', 'Reverse')}
          onSubmit={async () => {
            setDone(
              await api.post<Entry>(
                `/v1/entries/${entryId.trim()}/reversal`,
                { reason: reason.trim() },
                newKey(),
              ),
            )
          }}
        >
          <Field
            label={t('记录编号', 'Entry id')}
            name="entryId"
            value={entryId}
            onInput={setEntryId}
            required
          />
          <Field
            label={t('冲正原因', 'Reason')}
            name="reason"
            value={reason}
            onInput={setReason}
            required
          />
        </Form>
        {done ? (
          <Notice>
            {t(
              `已冲正，冲正记录为第 ${done.seq} 条。`,
              `Reversed; the reversing entry is #${done.seq}.`,
            )}
          </Notice>
        ) : null}
      </Section>
    </div>
  )
}
