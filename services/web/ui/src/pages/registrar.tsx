import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { ApiError, api, auth, newKey, type Page } from '../api'
import { t, w } from '../i18n'
import { BusyButton, Confirm, ConfirmButton, csvBlob, download, fileRequest } from '../staff-ui'
import {
  binder,
  CardTable,
  errorsByPath,
  Field,
  Form,
  Loading,
  Notice,
  ProblemBox,
  Section,
  Select,
  type Tab,
  TabbedPage,
  today,
  useLoad,
} from '../ui'
import { CorrectIdentity } from './correction'
import type { Entry } from './learner'
import { PlanEditor, ScheduleEditor } from './programs'
import { ProgressAndTuition } from './progress'

const tabs: Tab[] = [
  ['', '开户与登记专业', 'Enroll', () => <Enroll />],
  ['outcome', '录入学习成果', 'Post an outcome', () => <PostOutcome />],
  ['batch', '批量导入成果', 'Import outcomes', () => <SheetImport kind="outcomes" />],
  ['enroll-batch', '批量登记学籍', 'Enroll from a sheet', () => <SheetImport kind="enrollments" />],
  ['reverse', '冲正', 'Reverse', () => <Reverse />],
  ['plans', '培养方案', 'Program plans', () => <PlanEditor />],
  ['tuition', '学分收费标准', 'Tuition schedule', () => <ScheduleEditor />],
  ['progress', '学生培养进度', 'Learner progress', () => <LearnerProgress />],
]

export function RegistrarPage({ path }: { path: string[] }) {
  return <TabbedPage base="registrar" path={path} tabs={tabs} />
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
  const bind = binder(f, setF, errors)
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
                  // Proof that the school knows the person, for an account opened elsewhere.
                  nationalId: f.nationalId.trim().toUpperCase(),
                  name: f.name.trim(),
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
          {...bind('nationalId')}
          required
          autoComplete="off"
        />
        <Field label={t('姓名', 'Name')} {...bind('name')} required />
        <Select
          label={t('学习者类别', 'Category')}
          {...bind('category')}
          options={categories.map((c) => [c, w(c)])}
        />
        <Field
          label={t('专业代码', 'Program code')}
          {...bind('programCode')}
          placeholder="P-RAIL"
        />
        <Field label={t('专业名称', 'Program name')} {...bind('programName')} />
        <Field
          label={t('学号', 'Student no.')}
          {...bind('studentNo')}
          hint={t(
            '本校学号，之后可按学号查找和导入',
            'your school’s number: find and import by it later',
          )}
        />
        <Field label={t('入学日期', 'Started on')} {...bind('startedOn')} type="date" />
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
  /** The 身份证号 and name the registrar found them by: what acting on them first takes. */
  proof?: { nationalId: string; name: string }
}

type RegEntry = Entry & {
  reversedBy?: { entryId: string; reason: string | null; at: string } | null
}

type Way = 'nationalId' | 'studentNo' | 'accountNo' | 'birth'

/**
 * Finds a learner as the school names them: 身份证号 and name, 学号, account number, or name and
 * birth date. Not found by 身份证号: the account can be opened here (as the enroll tab does).
 */
/**
 * Finds a learner by what the registrar has in hand. `current` is the learner as the page now
 * knows them: a list of several found shows a correction made since (the name, the masked number).
 */
function LearnerFinder({
  onFound,
  current,
}: {
  onFound: (l: Found | null) => void
  current?: Found | null
}) {
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
          const asked = body()
          const r = await api.post<{ items: Found[] }>('/v1/learners/find', asked)
          const proof =
            way === 'nationalId' ? (asked as { nationalId: string; name: string }) : undefined
          const items = r.items.map((l) => (proof ? { ...l, proof } : l))
          setResults(items)
          setAsked({ ...f })
          if (items.length === 1) onFound(items[0]!)
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
                  const opened = {
                    ...l,
                    studentNo: null,
                    knownHere: false,
                    proof: {
                      nationalId: asked.nationalId.trim().toUpperCase(),
                      name: asked.name.trim(),
                    },
                  }
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
          {results
            .map((l) => (current && l.id === current.id ? { ...l, ...current } : l))
            .map((l) => (
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

/** A learner's progress and tuition at this school, found by 身份证号 and name or by 学号. */
function LearnerProgress() {
  const [learner, setLearner] = useState<Found | null>(null)
  const org = auth.current?.claims.org
  const state = useLoad(async () => {
    if (!learner) return null
    const page = await api.get<Page<{ orgId: string; programCode: string; programName: string }>>(
      `/v1/learners/${learner.id}/enrollments?limit=100`,
    )
    return page.items
      .filter((e) => e.orgId === org)
      .map((e) => ({ orgId: e.orgId, programCode: e.programCode, label: e.programName }))
  }, [learner?.id])
  return (
    <div>
      <h1>{t('学生培养进度', 'Learner progress')}</h1>
      <LearnerFinder onFound={setLearner} />
      {learner ? (
        <section class="card" aria-label={t('培养进度', 'Progress')}>
          <h2 data-testid="progress-name">{learner.name}</h2>
          <Loading state={state} />
          {state.data ? <ProgressAndTuition learnerId={learner.id} programs={state.data} /> : null}
        </section>
      ) : null}
    </div>
  )
}

/** Who the learner is, and what this organization has posted for them (with a reversal action). */
function LearnerCard({
  learner,
  version,
  reverse,
  onCorrected,
}: {
  learner: Found
  version: number
  /** The confirmation that reverses an entry, when this card offers reversal. */
  reverse?: (e: RegEntry, close: () => void) => ComponentChildren
  /** The learner as corrected (name or 身份证号), when this card offers correction. */
  onCorrected?: (l: Found) => void
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
      {onCorrected ? <CorrectIdentity learner={learner} onCorrected={onCorrected} /> : null}
      <h4>{t('本机构录入的记录', 'Entries your organization posted')}</h4>
      <Loading state={state} />
      {state.data && state.data.length === 0 ? (
        <p class="hint">
          {t('本机构尚无这位学习者的记录。', 'No entries from your organization yet.')}
        </p>
      ) : null}
      {state.data && state.data.length > 0 ? (
        <CardTable
          class="entries"
          caption={t('本机构录入的记录', 'Entries your organization posted')}
          rows={state.data}
          rowKey={(e) => e.id}
          rowProps={(e) => ({
            class: e.reversesEntryId ? 'muted' : undefined,
            'data-entry': e.title,
          })}
          columns={[
            { label: t('日期', 'Date'), cell: (e) => e.occurredOn },
            {
              label: t('类别', 'Kind'),
              cell: (e) => (e.reversesEntryId ? w('reversal') : w(e.kind)),
            },
            {
              label: t('内容', 'Title'),
              cell: (e) => (
                <>
                  {e.title}
                  {e.reason ? <small class="hint"> {e.reason}</small> : null}
                </>
              ),
            },
            { label: t('学分', 'Credits'), cell: (e) => e.credits ?? '' },
            { label: t('学时', 'Hours'), cell: (e) => e.hours ?? '' },
            {
              label: t('状态', 'Status'),
              cell: (e) =>
                e.reversedBy ? (
                  <span class="status rejected">{t('已冲正', 'Reversed')}</span>
                ) : e.reversesEntryId ? null : reverse && e.entryCode === 'outcome.posted' ? (
                  <ConfirmButton class="link" label={t('冲正', 'Reverse')}>
                    {(close) => reverse(e, close)}
                  </ConfirmButton>
                ) : (
                  <span class="status approved">{t('有效', 'Valid')}</span>
                ),
            },
          ]}
        />
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
  const [proof, setProof] = useState({ nationalId: '', name: '' })
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v })
  const bind = binder(f, setF, errors)
  // A learner this organization has not posted for, found without their 身份证号: ask for it.
  const askProof = learner !== null && !learner.knownHere && !learner.proof
  return (
    <Section title={t('录入学习成果', 'Post an outcome')}>
      <LearnerFinder
        current={learner}
        onFound={(l) => {
          setLearner(l)
          setPosted(null)
        }}
      />
      {learner ? (
        <LearnerCard learner={learner} version={version} onCorrected={setLearner} />
      ) : null}
      {learner ? (
        <Form
          label={t('录入学习成果', 'Post an outcome')}
          submit={t('录入', 'Post')}
          onSubmit={async () => {
            setErrors({})
            setPosted(null)
            const body: Record<string, unknown> = {
              learnerId: learner.id,
              ...(learner.knownHere
                ? {}
                : (learner.proof ?? {
                    nationalId: proof.nationalId.trim().toUpperCase(),
                    name: proof.name.trim(),
                  })),
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
          {askProof ? (
            <fieldset>
              <legend>
                {t(
                  '首次为这位学习者录入，请填写其身份证号和姓名以核实身份',
                  'Your first entry for this learner: give their 身份证号 and name to confirm who they are',
                )}
              </legend>
              <Field
                label={t('身份证号', 'National id number')}
                name="proofNationalId"
                value={proof.nationalId}
                onInput={(v) => setProof({ ...proof, nationalId: v })}
                required
                autoComplete="off"
                error={errors.nationalId}
              />
              <Field
                label={t('姓名', 'Name')}
                name="proofName"
                value={proof.name}
                onInput={(v) => setProof({ ...proof, name: v })}
                required
                error={errors.name}
              />
            </fieldset>
          ) : null}
          <Select
            label={t('类别', 'Kind')}
            {...bind('kind')}
            options={['course', 'training', 'competition', 'work'].map((k) => [k, w(k)])}
          />
          <Field label={t('名称', 'Title')} {...bind('title')} required />
          <Field label={t('课程代码', 'Code')} {...bind('code')} />
          <div class="inline">
            <Field
              label={t('学分', 'Credits')}
              {...bind('credits')}
              hint={t('如 3 或 2.5', 'e.g. 3 or 2.5')}
            />
            <Field label={t('学时', 'Hours')} {...bind('hours')} />
          </div>
          <div class="inline">
            <Field
              label={t('成绩', 'Score')}
              {...bind('score')}
              error={errors['grade/score'] ?? errors.grade}
            />
            <Field label={t('满分', 'Scale')} name="scale" value={f.scale} onInput={set('scale')} />
          </div>
          {f.kind === 'competition' ? (
            <Select
              label={t('获奖等级', 'Award level')}
              {...bind('level')}
              options={[
                ['', t('请选择', 'Choose')],
                ...['school', 'city', 'provincial', 'national', 'international'].map(
                  (k): [string, string] => [k, k === 'school' ? t('校级', 'School') : w(k)],
                ),
              ]}
            />
          ) : null}
          {f.kind === 'training' ? (
            <Field label={t('培训类别', 'Training category')} {...bind('category')} />
          ) : null}
          <Field
            label={t('取得日期', 'Occurred on')}
            {...bind('occurredOn')}
            type="date"
            required
          />
          <Field
            label={t('本机构业务编号（防重复）', 'Your reference (prevents duplicates)')}
            {...bind('externalRef')}
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

/** What an import answers, row by row (see accounts' POST /v1/{outcomes,enrollments}/import). */
interface ImportRow {
  row: number
  name: string
  accountNo: string
  newLearner: boolean
  status: 'created' | 'existing'
  kind?: string
  title?: string
  credits?: string | null
  hours?: string | null
  grade?: string | null
  occurredOn?: string
  studentNo?: string | null
  programCode?: string
  programName?: string
  startedOn?: string
}
interface ImportAnswer {
  dryRun: boolean
  format: 'xlsx' | 'csv'
  ignoredColumns: string[]
  rowCount: number
  created: number
  existing: number
  openedLearners: number
  /** The latest import of the same file (or the same rows) by this organization (0545). */
  earlierImport?: {
    importId: string
    committedAt: string
    rowCount: number
    created: number
  } | null
  rows: ImportRow[]
}
interface RowProblem {
  path: string
  row?: number
  column?: string
  letter?: string
  code?: string
  message: string
}

/** Rows shown on the page; the report has them all. */
const SHOWN = 100

const kinds = {
  outcomes: {
    title: ['批量导入学习成果', 'Import outcomes from a spreadsheet'],
    template: '学习成果导入模板.xlsx',
    columns: '身份证号、姓名（或学号）、课程名称、学分或学时、成绩、日期',
    columnsEn: '身份证号 and 姓名 (or 学号), title, credits or hours, grade, date',
  },
  enrollments: {
    title: ['批量登记学籍', 'Enroll from a spreadsheet'],
    template: '学籍注册导入模板.xlsx',
    columns: '身份证号、姓名、学号、专业代码、专业名称、入学日期',
    columnsEn: '身份证号, 姓名, 学号, program code and name, start date',
  },
} as const

/**
 * The registrar's own spreadsheet in: a template to start from, the file checked and previewed
 * (nothing written), then written all at once; every bad row and cell named by row and column;
 * the result, preview or problems to download.
 */
function SheetImport({ kind }: { kind: 'outcomes' | 'enrollments' }) {
  const k = kinds[kind]
  const [file, setFile] = useState<File | null>(null)
  const [key, setKey] = useState(newKey())
  const [preview, setPreview] = useState<ImportAnswer | null>(null)
  const [done, setDone] = useState<ImportAnswer | null>(null)
  const [problems, setProblems] = useState<RowProblem[] | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [repeat, setRepeat] = useState(false)
  const url = `/v1/${kind}/import`
  const reset = () => {
    setRepeat(false)
    setPreview(null)
    setDone(null)
    setProblems(null)
    setError(null)
  }
  /** Row problems are listed; a file refused as a whole (or anything else) goes to the ProblemBox. */
  const catching = async (run: () => Promise<void>) => {
    setError(null)
    try {
      await run()
    } catch (err) {
      const rows =
        err instanceof ApiError ? (err.problem.errors as RowProblem[] | undefined) : undefined
      if (rows?.length && rows[0]!.row !== undefined) setProblems(rows)
      else setError(err)
    }
  }
  const stem = file?.name.replace(/\.[^.]+$/, '') ?? kind
  return (
    <Section title={t(k.title[0], k.title[1])}>
      <p>
        {t(
          `用贵校已有的 Excel（.xlsx）或 CSV 表格导入，表头可用中文或英文。每行须有：${k.columns}。先检查并预览，确认后一次写入；任何一行有错都不会写入。每个文件最多 10000 行。`,
          `Import the Excel (.xlsx) or CSV sheet you keep, with Chinese or English headers. Each row needs: ${k.columnsEn}. Check and preview first, then write it all at once; any bad row and nothing is written. Up to 10,000 rows a file.`,
        )}
        {kind === 'outcomes'
          ? t(
              '身份证号对应的学习者还没有账户时，会按身份证号和姓名为其开户。',
              'A person without an account yet gets one, from the 身份证号 and name.',
            )
          : null}
      </p>
      <div class="actions">
        <BusyButton
          class="secondary"
          onError={setError}
          onClick={async () => {
            const res = await fileRequest('GET', `/v1/imports/templates/${kind}`)
            download(k.template, await res.blob())
          }}
        >
          {t('下载模板（Excel）', 'Download the template (Excel)')}
        </BusyButton>
      </div>
      <div class="field file-input">
        <label for={`${kind}-file`}>
          {t('选择表格文件（.xlsx 或 .csv）', 'Choose the sheet (.xlsx or .csv)')}
        </label>
        <input
          id={`${kind}-file`}
          name="file"
          type="file"
          accept=".xlsx,.csv,.txt,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
          onChange={(e) => {
            setFile((e.target as HTMLInputElement).files?.[0] ?? null)
            setKey(newKey())
            reset()
          }}
        />
      </div>
      <div class="actions">
        <BusyButton
          onError={setError}
          onClick={() =>
            catching(async () => {
              reset()
              if (!file) throw new Error(t('请先选择文件', 'Choose a file first'))
              const res = await fileRequest('POST', `${url}?dryRun=true`, file)
              setPreview((await res.json()) as ImportAnswer)
            })
          }
        >
          {t('检查并预览', 'Check and preview')}
        </BusyButton>
      </div>
      <ProblemBox error={error} />

      {problems ? (
        <div class="problem" role="alert" data-testid="import-problems">
          <strong>
            {t(
              `${new Set(problems.map((p) => p.row)).size} 行有问题，未写入任何记录。请在表格中改正后重新上传：`,
              `${new Set(problems.map((p) => p.row)).size} row(s) have problems; nothing was written. Correct them in the sheet and upload again:`,
            )}
          </strong>
          <CardTable
            class="bad-rows"
            caption={t('错误明细', 'Problems')}
            rows={problems.slice(0, SHOWN * 2)}
            rowKey={(p) => p.path}
            rowProps={(p) => ({ 'data-row': String(p.row) })}
            columns={[
              { label: t('行号', 'Row'), cell: (p) => p.row },
              {
                label: t('列', 'Column'),
                cell: (p) => (
                  <>
                    {p.column}
                    {p.letter ? <span class="hint">（{p.letter}）</span> : null}
                  </>
                ),
              },
              { label: t('问题', 'Problem'), cell: (p) => p.message },
            ]}
          />
          {problems.length > SHOWN * 2 ? (
            <p>
              {t(
                `另有 ${problems.length - SHOWN * 2} 处问题见错误明细。`,
                `${problems.length - SHOWN * 2} more in the report.`,
              )}
            </p>
          ) : null}
          <button
            type="button"
            class="secondary"
            onClick={() =>
              download(
                t(`${stem}-错误明细.csv`, `${stem}-problems.csv`),
                csvBlob([
                  [t('行号', 'Row'), t('列', 'Column'), t('问题', 'Problem')],
                  ...problems.map((p) => [
                    p.row,
                    `${p.column ?? ''}${p.letter ? `（${p.letter}）` : ''}`,
                    p.message,
                  ]),
                ]),
              )
            }
          >
            {t('下载错误明细', 'Download the problems')}
          </button>
        </div>
      ) : null}

      {preview && !done ? (
        <div class="card" data-testid="import-preview">
          <h3>{t('预览：尚未写入', 'Preview: nothing written yet')}</h3>
          <p data-testid="import-summary">
            {t(
              `共 ${preview.rowCount} 行：将新增 ${preview.created} 条，已存在 ${preview.existing} 条（不会重复写入）；将为 ${preview.openedLearners} 位学习者新开账户。`,
              `${preview.rowCount} row(s): ${preview.created} to write, ${preview.existing} already there (not written again); ${preview.openedLearners} new account(s) to open.`,
            )}
          </p>
          {preview.ignoredColumns.length ? (
            <p class="hint">
              {t('未使用的列：', 'Columns not used: ')}
              {preview.ignoredColumns.join(t('、', ', '))}
            </p>
          ) : null}
          <ImportRows kind={kind} rows={preview.rows} />
          {preview.earlierImport && preview.created > 0 ? (
            <Repeated
              earlier={preview.earlierImport}
              created={preview.created}
              repeat={repeat}
              onRepeat={setRepeat}
            />
          ) : null}
          <div class="actions">
            <BusyButton
              onError={setError}
              disabled={!!preview.earlierImport && preview.created > 0 && !repeat}
              onClick={() =>
                catching(async () => {
                  if (!file) return
                  const res = await fileRequest(
                    'POST',
                    repeat ? `${url}?repeat=true` : url,
                    file,
                    key,
                  )
                  setDone((await res.json()) as ImportAnswer)
                  setPreview(null)
                })
              }
            >
              {t(`确认导入 ${preview.rowCount} 行`, `Import ${preview.rowCount} row(s)`)}
            </BusyButton>
            <BusyButton
              class="secondary"
              onError={setError}
              onClick={async () => {
                if (!file) return
                const res = await fileRequest('POST', `${url}?dryRun=true&report=xlsx`, file)
                download(t(`${stem}-导入预览.xlsx`, `${stem}-preview.xlsx`), await res.blob())
              }}
            >
              {t('下载预览（Excel）', 'Download the preview (Excel)')}
            </BusyButton>
          </div>
        </div>
      ) : null}

      {done ? (
        <div class="notice" role="status" data-testid="import-done">
          <p>
            <strong>
              {t(
                `导入成功：新增 ${done.created} 条，已存在 ${done.existing} 条，新开账户 ${done.openedLearners} 个。`,
                `Imported: ${done.created} new, ${done.existing} already there, ${done.openedLearners} accounts opened.`,
              )}
            </strong>
          </p>
          <BusyButton
            class="secondary"
            onError={setError}
            onClick={async () => {
              if (!file) return
              // The same file and key again: the first answer, as a spreadsheet; nothing is written.
              const res = await fileRequest('POST', `${url}?report=xlsx`, file, key)
              download(t(`${stem}-导入结果.xlsx`, `${stem}-result.xlsx`), await res.blob())
            }}
          >
            {t('下载导入结果（Excel）', 'Download the result (Excel)')}
          </BusyButton>
          <ImportRows kind={kind} rows={done.rows} />
        </div>
      ) : null}
    </Section>
  )
}

function ImportRows({ kind, rows }: { kind: 'outcomes' | 'enrollments'; rows: ImportRow[] }) {
  return (
    <>
      <CardTable
        class="import-rows"
        caption={t('逐行结果', 'Row by row')}
        rows={rows.slice(0, SHOWN)}
        rowKey={(r) => String(r.row)}
        rowProps={(r) => ({ 'data-row': String(r.row) })}
        columns={[
          { label: t('行号', 'Row'), cell: (r) => r.row },
          {
            label: t('姓名', 'Name'),
            cell: (r) => (
              <>
                {r.name}
                {r.newLearner ? <span class="tag ok">{t('新开户', 'new account')}</span> : null}
              </>
            ),
          },
          {
            label: t('学习账号', 'Account no.'),
            cell: (r) =>
              r.accountNo ? (
                <span class="mono">{r.accountNo}</span>
              ) : (
                <span class="hint">{t('（开户时生成）', '(given on opening)')}</span>
              ),
          },
          ...(kind === 'outcomes'
            ? [
                { label: t('内容', 'Title'), cell: (r: ImportRow) => `${w(r.kind)} · ${r.title}` },
                { label: t('学分', 'Credits'), cell: (r: ImportRow) => r.credits ?? '' },
                { label: t('学时', 'Hours'), cell: (r: ImportRow) => r.hours ?? '' },
                { label: t('日期', 'Date'), cell: (r: ImportRow) => r.occurredOn },
              ]
            : [
                { label: t('学号', 'Student no.'), cell: (r: ImportRow) => r.studentNo ?? '' },
                {
                  label: t('专业', 'Program'),
                  cell: (r: ImportRow) => `${r.programCode} ${r.programName}`,
                },
                { label: t('入学日期', 'Start date'), cell: (r: ImportRow) => r.startedOn },
              ]),
          {
            label: t('结果', 'Result'),
            cell: (r) => (r.status === 'created' ? t('新增', 'new') : t('已存在', 'already there')),
          },
        ]}
      />
      {rows.length > SHOWN ? (
        <p class="hint">
          {t(
            `仅显示前 ${SHOWN} 行，全部 ${rows.length} 行见下载的表格。`,
            `The first ${SHOWN} rows; all ${rows.length} are in the download.`,
          )}
        </p>
      ) : null}
    </>
  )
}

/** Reversal: find the learner, pick the entry, confirm with what it is; a reversed entry says so. */
function Reverse() {
  const [learner, setLearner] = useState<Found | null>(null)
  const [version, setVersion] = useState(0)
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
        current={learner}
        onFound={(l) => {
          setLearner(l)
          setDone(null)
        }}
      />
      {learner ? (
        <LearnerCard
          learner={learner}
          version={version}
          onCorrected={setLearner}
          reverse={(entry, close) => (
            <ReverseDialog
              learner={learner}
              entry={entry}
              onClose={close}
              onDone={() => {
                setDone({ title: entry.title, name: learner.name })
                setVersion((n) => n + 1)
              }}
            />
          )}
        />
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

/** Asks before reversing, showing the entry as the learner would know it; a reason is required. */
function ReverseDialog(props: {
  learner: Found
  entry: RegEntry
  onClose: () => void
  onDone: () => void
}) {
  const { learner, entry } = props
  const [reason, setReason] = useState('')
  return (
    <Confirm
      title={t('确认冲正这条记录？', 'Reverse this entry?')}
      confirm={t('确认冲正', 'Reverse it')}
      ready={reason.trim() !== ''}
      onClose={props.onClose}
      onConfirm={async () => {
        await api.post<Entry>(
          `/v1/entries/${entry.id}/reversal`,
          { reason: reason.trim() },
          newKey(),
        )
        props.onDone()
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
  )
}

/** China's time of day, as the registrar knows it: 2026-12-06 18:32. */
const chinaTime = (iso: string) =>
  new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')

/**
 * The same file (or the same rows) was imported before: rows without 外部编号 would be written a
 * second time, so the import waits for the registrar to say they mean it (decision 0545).
 */
function Repeated(props: {
  earlier: NonNullable<ImportAnswer['earlierImport']>
  created: number
  repeat: boolean
  onRepeat: (v: boolean) => void
}) {
  const { earlier, created } = props
  const when = chinaTime(earlier.committedAt)
  return (
    <div class="why-not" role="alert" data-testid="import-repeated">
      <p>
        <strong>
          {t(
            `这个文件（或内容相同的表格）已于 ${when} 导入过：共 ${earlier.rowCount} 行，新增 ${earlier.created} 条。`,
            `This file (or a sheet with the same rows) was imported on ${when} (China time): ${earlier.rowCount} row(s), ${earlier.created} written.`,
          )}
        </strong>{' '}
        {t(
          `再次导入会把其中 ${created} 条没有外部编号的记录重复记入学习者的账户。若只是想下载上次的结果，请不要再次导入。`,
          `Importing it again writes its ${created} row(s) without 外部编号 (external reference) a second time. If you only want last time's result, do not import it again.`,
        )}
      </p>
      <label class="check">
        <input
          type="checkbox"
          name="repeat"
          checked={props.repeat}
          onChange={(e) => props.onRepeat((e.target as HTMLInputElement).checked)}
        />{' '}
        {t('我确认这些是新的记录，需要再次导入', 'These are new records: import them again')}
      </label>
    </div>
  )
}
