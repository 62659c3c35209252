import { useId, useState } from 'preact/hooks'
import { ApiError, api, newKey, type Page, request } from '../api'
import { t, w } from '../i18n'
import { BusyButton, Confirm } from '../staff-ui'
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
import { type Entry, Tabs } from './learner'

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
    studentNo: '',
    startedOn: today(),
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [done, setDone] = useState<{
    accountNo: string
    name: string
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
            const l = await api.post<{ id: string; accountNo: string; name: string }>(
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
                  ...(f.studentNo.trim() ? { studentNo: f.studentNo.trim() } : {}),
                },
                newKey(),
              )
              enrolled = true
            }
            setDone({
              accountNo: l.accountNo,
              name: l.name,
              enrolled,
            })
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
          label={t('学号', 'Student no.')}
          name="studentNo"
          value={f.studentNo}
          onInput={set('studentNo')}
          error={errors.studentNo}
          hint={t(
            '本校学号，之后可按学号查找和导入',
            'your school’s number: find and import by it later',
          )}
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
          <span data-testid="enrolled">
            {done.name} · {t('学习账号', 'account')} <span class="mono">{done.accountNo}</span>
            {done.enrolled
              ? t('，已登记专业。', ', enrolled.')
              : t('（已开户）。', ' (account open).')}
          </span>
        </Notice>
      ) : null}
    </Section>
  )
}

/** A learner as the registrar found them: never named by our internal id on the page. */
export interface Found {
  id: string
  accountNo: string
  name: string
  nationalIdMasked: string
  birthDate: string
  category: string
  studentNo: string | null
  knownHere: boolean
}

type RegEntry = Entry & {
  reversedBy?: { entryId: string; reason: string | null; at: string } | null
}

type Way = 'nationalId' | 'studentNo' | 'accountNo' | 'birth'

/**
 * Finds a learner as the school names them: 身份证号 and name, 学号, account number, or name and
 * birth date. Not found by 身份证号: the account can be opened here (as the enroll tab does).
 */
function LearnerFinder({ onFound }: { onFound: (l: Found | null) => void }) {
  const [way, setWay] = useState<Way>('nationalId')
  const [f, setF] = useState({
    nationalId: '',
    name: '',
    studentNo: '',
    accountNo: '',
    birthDate: '',
    category: 'student',
  })
  const [results, setResults] = useState<Found[] | null>(null)
  const [asked, setAsked] = useState<typeof f | null>(null)
  const [openError, setOpenError] = useState<unknown>(null)
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v })
  const ways: [Way, string][] = [
    ['nationalId', t('身份证号 + 姓名', '身份证号 + name')],
    ['studentNo', t('学号', 'Student no.')],
    ['accountNo', t('学习账号', 'Account no.')],
    ['birth', t('姓名 + 出生日期', 'Name + birth date')],
  ]
  const body = () => {
    if (way === 'nationalId')
      return { nationalId: f.nationalId.trim().toUpperCase(), name: f.name.trim() }
    if (way === 'studentNo') return { studentNo: f.studentNo.trim() }
    if (way === 'accountNo') return { accountNo: f.accountNo.trim().toUpperCase() }
    return { name: f.name.trim(), birthDate: f.birthDate }
  }
  return (
    <div class="finder">
      <Form
        label={t('查找学习者', 'Find the learner')}
        submit={t('查找', 'Find')}
        onSubmit={async () => {
          setResults(null)
          setOpenError(null)
          onFound(null)
          const r = await api.post<{ items: Found[] }>('/v1/learners/find', body())
          setResults(r.items)
          setAsked({ ...f })
          if (r.items.length === 1) onFound(r.items[0]!)
        }}
      >
        <fieldset>
          <legend>{t('查找方式', 'Find by')}</legend>
          {ways.map(([v, label]) => (
            <label class="radio" key={v}>
              <input
                type="radio"
                name="way"
                value={v}
                checked={way === v}
                onChange={() => {
                  setWay(v)
                  setResults(null)
                }}
              />
              {label}
            </label>
          ))}
        </fieldset>
        <div class="inline">
          {way === 'nationalId' ? (
            <Field
              label={t('身份证号', 'National id number')}
              name="findNationalId"
              value={f.nationalId}
              onInput={set('nationalId')}
              required
              autoComplete="off"
            />
          ) : null}
          {way === 'nationalId' || way === 'birth' ? (
            <Field
              label={t('姓名', 'Name')}
              name="findName"
              value={f.name}
              onInput={set('name')}
              required
            />
          ) : null}
          {way === 'birth' ? (
            <Field
              label={t('出生日期', 'Birth date')}
              name="findBirthDate"
              type="date"
              value={f.birthDate}
              onInput={set('birthDate')}
              required
            />
          ) : null}
          {way === 'studentNo' ? (
            <Field
              label={t('学号', 'Student no.')}
              name="findStudentNo"
              value={f.studentNo}
              onInput={set('studentNo')}
              required
              hint={t('本校登记专业时填写的学号', 'as given when enrolled at this school')}
            />
          ) : null}
          {way === 'accountNo' ? (
            <Field
              label={t('学习账号', 'Account number')}
              name="findAccountNo"
              value={f.accountNo}
              onInput={set('accountNo')}
              required
              placeholder="CB2026…"
            />
          ) : null}
        </div>
      </Form>
      {results && results.length === 0 ? (
        <div class="notice" role="status">
          <p>{t('未找到这位学习者。', 'No learner found.')}</p>
          {way === 'nationalId' && asked?.nationalId && asked.name ? (
            <div class="inline">
              <Select
                label={t('学习者类别', 'Category')}
                name="openCategory"
                value={f.category}
                onInput={set('category')}
                options={categories.map((c) => [c, w(c)])}
              />
              <BusyButton
                class="secondary"
                onError={setOpenError}
                onClick={async () => {
                  const l = await api.post<Found>(
                    '/v1/learners',
                    {
                      nationalId: asked.nationalId.trim().toUpperCase(),
                      name: asked.name.trim(),
                      category: f.category,
                    },
                    newKey(),
                  )
                  const opened = { ...l, studentNo: null, knownHere: false }
                  setResults([opened])
                  onFound(opened)
                }}
              >
                {t('为其开立学习账户', 'Open an account for them')}
              </BusyButton>
            </div>
          ) : null}
          <ProblemBox error={openError} />
        </div>
      ) : null}
      {results && results.length > 1 ? (
        <fieldset>
          <legend>{t('找到多位学习者，请选择', 'Several learners found: choose one')}</legend>
          {results.map((l) => (
            <label class="radio" key={l.id}>
              <input type="radio" name="pick" onChange={() => onFound(l)} />
              {l.name} · {l.nationalIdMasked} · <span class="mono">{l.accountNo}</span>
            </label>
          ))}
        </fieldset>
      ) : null}
    </div>
  )
}

/** Who the learner is, and what this organization has posted for them (with a reversal action). */
function LearnerCard({
  learner,
  version,
  onReverse,
}: {
  learner: Found
  version: number
  onReverse?: (e: RegEntry) => void
}) {
  const state = useLoad(
    async () =>
      learner.knownHere
        ? (await api.get<Page<RegEntry>>(`/v1/learners/${learner.id}/entries?limit=100`)).items
        : [],
    [learner.id, learner.knownHere, version],
  )
  return (
    <section class="card learner-card" aria-label={t('学习者', 'Learner')}>
      <h3 data-testid="found-name">{learner.name}</h3>
      <dl>
        <dt>{t('身份证号', 'National id')}</dt>
        <dd class="mono">{learner.nationalIdMasked}</dd>
        <dt>{t('学习账号', 'Account no.')}</dt>
        <dd class="mono">{learner.accountNo}</dd>
        {learner.studentNo ? (
          <>
            <dt>{t('学号', 'Student no.')}</dt>
            <dd class="mono">{learner.studentNo}</dd>
          </>
        ) : null}
      </dl>
      <h4>{t('本机构录入的记录', 'Entries your organization posted')}</h4>
      <Loading state={state} />
      {state.data && state.data.length === 0 ? (
        <p class="hint">
          {t('本机构尚无这位学习者的记录。', 'No entries from your organization yet.')}
        </p>
      ) : null}
      {state.data && state.data.length > 0 ? (
        <div class="scroll">
          <table class="entries cards">
            <caption class="sr-only">
              {t('本机构录入的记录', 'Entries your organization posted')}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('日期', 'Date')}</th>
                <th scope="col">{t('类别', 'Kind')}</th>
                <th scope="col">{t('内容', 'Title')}</th>
                <th scope="col">{t('学分', 'Credits')}</th>
                <th scope="col">{t('学时', 'Hours')}</th>
                <th scope="col">{t('状态', 'Status')}</th>
              </tr>
            </thead>
            <tbody>
              {state.data.map((e) => (
                <tr key={e.id} class={e.reversesEntryId ? 'muted' : undefined} data-entry={e.title}>
                  <td data-label={t('日期', 'Date')}>{e.occurredOn}</td>
                  <td data-label={t('类别', 'Kind')}>
                    {e.reversesEntryId ? w('reversal') : w(e.kind)}
                  </td>
                  <td data-label={t('内容', 'Title')}>
                    {e.title}
                    {e.reason ? <small class="hint"> {e.reason}</small> : null}
                  </td>
                  <td data-label={t('学分', 'Credits')}>{e.credits ?? ''}</td>
                  <td data-label={t('学时', 'Hours')}>{e.hours ?? ''}</td>
                  <td data-label={t('状态', 'Status')}>
                    {e.reversedBy ? (
                      <span class="status rejected">{t('已冲正', 'Reversed')}</span>
                    ) : e.reversesEntryId ? null : onReverse && e.entryCode === 'outcome.posted' ? (
                      <button type="button" class="link" onClick={() => onReverse(e)}>
                        {t('冲正', 'Reverse')}
                      </button>
                    ) : (
                      <span class="status approved">{t('有效', 'Valid')}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  )
}

function PostOutcome() {
  const [learner, setLearner] = useState<Found | null>(null)
  const [version, setVersion] = useState(0)
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
      <LearnerFinder
        onFound={(l) => {
          setLearner(l)
          setPosted(null)
        }}
      />
      {learner ? <LearnerCard learner={learner} version={version} /> : null}
      {learner ? (
        <Form
          label={t('录入学习成果', 'Post an outcome')}
          submit={t('录入', 'Post')}
          onSubmit={async () => {
            setErrors({})
            setPosted(null)
            const body: Record<string, unknown> = {
              learnerId: learner.id,
              kind: f.kind,
              title: f.title.trim(),
              occurredOn: f.occurredOn,
            }
            for (const k of [
              'code',
              'credits',
              'hours',
              'level',
              'category',
              'externalRef',
            ] as const)
              if (f[k].trim()) body[k] = f[k].trim()
            if (f.score.trim())
              body.grade = { score: f.score.trim(), scale: f.scale.trim() || '100' }
            try {
              setPosted(await api.post<Entry>('/v1/outcomes', body, newKey()))
              setLearner({ ...learner, knownHere: true })
              setVersion((n) => n + 1)
            } catch (err) {
              setErrors(errorsByPath(err))
              throw err
            }
          }}
        >
          <p>
            {t('为', 'For ')}
            <strong>{learner.name}</strong>
            {t('录入：', ':')}
          </p>
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
          <div class="inline">
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
          </div>
          <div class="inline">
            <Field
              label={t('成绩', 'Score')}
              name="score"
              value={f.score}
              onInput={set('score')}
              error={errors['grade/score'] ?? errors.grade}
            />
            <Field label={t('满分', 'Scale')} name="scale" value={f.scale} onInput={set('scale')} />
          </div>
          {f.kind === 'competition' ? (
            <Select
              label={t('获奖等级', 'Award level')}
              name="level"
              value={f.level}
              onInput={set('level')}
              error={errors.level}
              options={[
                ['', t('请选择', 'Choose')],
                ...['school', 'city', 'provincial', 'national', 'international'].map(
                  (k): [string, string] => [k, k === 'school' ? t('校级', 'School') : w(k)],
                ),
              ]}
            />
          ) : null}
          {f.kind === 'training' ? (
            <Field
              label={t('培训类别', 'Training category')}
              name="category"
              value={f.category}
              onInput={set('category')}
              error={errors.category}
            />
          ) : null}
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
            label={t('本机构业务编号（防重复）', 'Your reference (prevents duplicates)')}
            name="externalRef"
            value={f.externalRef}
            onInput={set('externalRef')}
            error={errors.externalRef}
          />
        </Form>
      ) : null}
      {posted && learner ? (
        <Notice>
          <span data-testid="posted">
            {t(
              `已为 ${learner.name} 录入“${posted.title}”（第 ${posted.seq} 条记录）。`,
              `Posted “${posted.title}” for ${learner.name} (entry #${posted.seq}).`,
            )}
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

/** Reversal: find the learner, pick the entry, confirm with what it is; a reversed entry says so. */
function Reverse() {
  const [learner, setLearner] = useState<Found | null>(null)
  const [version, setVersion] = useState(0)
  const [entry, setEntry] = useState<RegEntry | null>(null)
  const [reason, setReason] = useState('')
  const [done, setDone] = useState<{ title: string; name: string } | null>(null)
  return (
    <Section title={t('冲正一条记录', 'Reverse an entry')}>
      <p>
        {t(
          '记录不会被修改或删除：冲正会追加一条抵消记录，原记录保留并标为已冲正。',
          'Nothing is edited or deleted: a reversing entry is appended and the original stays, marked reversed.',
        )}
      </p>
      <LearnerFinder
        onFound={(l) => {
          setLearner(l)
          setEntry(null)
          setDone(null)
        }}
      />
      {learner ? (
        <LearnerCard
          learner={learner}
          version={version}
          onReverse={(e) => {
            setEntry(e)
            setDone(null)
            setReason('')
          }}
        />
      ) : null}
      {entry && learner ? (
        <Confirm
          title={t('确认冲正这条记录？', 'Reverse this entry?')}
          confirm={t('确认冲正', 'Reverse it')}
          ready={reason.trim() !== ''}
          onClose={() => setEntry(null)}
          onConfirm={async () => {
            await api.post<Entry>(
              `/v1/entries/${entry.id}/reversal`,
              { reason: reason.trim() },
              newKey(),
            )
            setDone({ title: entry.title, name: learner.name })
            setVersion((n) => n + 1)
          }}
        >
          <dl data-testid="confirm-entry">
            <dt>{t('学习者', 'Learner')}</dt>
            <dd>{learner.name}</dd>
            <dt>{t('内容', 'Title')}</dt>
            <dd>
              {w(entry.kind)} · {entry.title}
            </dd>
            <dt>{t('学分', 'Credits')}</dt>
            <dd>{entry.credits ?? '—'}</dd>
            <dt>{t('学时', 'Hours')}</dt>
            <dd>{entry.hours ?? '—'}</dd>
            <dt>{t('日期', 'Date')}</dt>
            <dd>{entry.occurredOn}</dd>
          </dl>
          <p class="hint">
            {t(
              '冲正后这条记录不再计入学分，且不能再次冲正。',
              'Once reversed, the entry no longer counts and cannot be reversed again.',
            )}
          </p>
          <Field
            label={t('冲正原因', 'Reason')}
            name="reason"
            value={reason}
            onInput={setReason}
            required
          />
        </Confirm>
      ) : null}
      {done ? (
        <Notice>
          {t(
            `已冲正 ${done.name} 的“${done.title}”。`,
            `Reversed “${done.title}” for ${done.name}.`,
          )}
        </Notice>
      ) : null}
    </Section>
  )
}
