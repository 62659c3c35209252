import { useState } from 'preact/hooks'
import { ApiError, api, auth } from '../api'
import { t, w } from '../i18n'
import { Field, Form, Loading, Notice, Section, Select, today, useLoad } from '../ui'

/** The registrar's school: plans and schedules are published for it only. */
const myOrg = () => auth.current?.claims.org ?? ''

const COURSE_TYPES = ['foundation', 'core', 'elective', 'practice']

interface PlanCourse {
  courseCode: string
  courseName: string
  courseType: string
  credits: string
  required: boolean
}

interface Plan {
  programCode: string
  programName: string
  basis: string | null
  version: number
  totalCredits: string
  creditsByType: Record<string, string | undefined>
  courses: PlanCourse[]
  maxCreditsPerTerm: string | null
  maxCreditsPerYear: string | null
}

interface KnownCourse {
  courseCode: string
  courseName: string
  courseType: string | null
  credits: string | null
}

const emptyPlan = {
  programCode: '',
  programName: '',
  basis: '',
  totalCredits: '',
  foundation: '',
  core: '',
  elective: '',
  practice: '',
  maxCreditsPerTerm: '',
  maxCreditsPerYear: '',
}

/** A plan as the form holds it (every field a string). */
function formOf(p: Plan): typeof emptyPlan {
  return {
    programCode: p.programCode,
    programName: p.programName,
    basis: p.basis ?? '',
    totalCredits: p.totalCredits,
    foundation: p.creditsByType.foundation ?? '',
    core: p.creditsByType.core ?? '',
    elective: p.creditsByType.elective ?? '',
    practice: p.creditsByType.practice ?? '',
    maxCreditsPerTerm: p.maxCreditsPerTerm ?? '',
    maxCreditsPerYear: p.maxCreditsPerYear ?? '',
  }
}

const optional = (v: string) => (v.trim() ? v.trim() : undefined)

/** The registrar publishes a program's requirements: totals, types and courses picked by name. */
export function PlanEditor() {
  const org = myOrg()
  const state = useLoad(
    async () => ({
      plans: (await api.get<{ items: Plan[] }>(`/v1/programs/${org}`)).items,
      courses: (await api.get<{ items: KnownCourse[] }>(`/v1/programs/${org}/courses`)).items,
    }),
    [org],
  )
  const [f, setF] = useState(emptyPlan)
  const [courses, setCourses] = useState<PlanCourse[]>([])
  const [pick, setPick] = useState('')
  const [other, setOther] = useState({ courseCode: '', courseName: '' })
  const [done, setDone] = useState<Plan | null>(null)
  const bind = (k: keyof typeof emptyPlan) => ({
    name: k,
    value: f[k],
    onInput: (v: string) => setF({ ...f, [k]: v }),
  })
  const known = state.data?.courses ?? []
  const add = (c: PlanCourse) => {
    if (!c.courseCode || courses.some((x) => x.courseCode === c.courseCode)) return
    setCourses([...courses, c])
  }
  const setCourse = (i: number, patch: Partial<PlanCourse>) =>
    setCourses(courses.map((c, j) => (j === i ? { ...c, ...patch } : c)))
  const load = (code: string) => {
    const p = state.data?.plans.find((x) => x.programCode === code)
    setF(p ? formOf(p) : emptyPlan)
    setCourses(p ? p.courses : [])
    setDone(null)
  }
  const submit = async () => {
    if (!f.programCode.trim())
      throw new ApiError({
        status: 422,
        title: t('请填写专业代码', 'Give the program code'),
        errors: [{ path: '/programCode', message: t('必填', 'is required') }],
      })
    const byType: Record<string, string> = {}
    for (const k of COURSE_TYPES) {
      const v = optional(f[k as keyof typeof emptyPlan])
      if (v) byType[k] = v
    }
    const body = {
      programName: f.programName.trim(),
      basis: optional(f.basis),
      totalCredits: f.totalCredits.trim(),
      creditsByType: byType,
      courses,
      maxCreditsPerTerm: optional(f.maxCreditsPerTerm),
      maxCreditsPerYear: optional(f.maxCreditsPerYear),
    }
    const saved = await api.put<Plan>(
      `/v1/programs/${org}/${encodeURIComponent(f.programCode.trim())}/requirements`,
      body,
    )
    setDone(saved)
    state.reload()
  }
  return (
    <div>
      <h1>{t('发布培养方案', 'Publish a program plan')}</h1>
      <Loading state={state} />
      {state.data?.plans.length ? (
        <Select
          label={t('修改已发布的方案', 'Change a published plan')}
          name="existing"
          value={f.programCode}
          onInput={load}
          options={[
            ['', t('— 新方案 —', '— a new plan —')],
            ...state.data.plans.map(
              (p) =>
                [
                  p.programCode,
                  `${p.programName}（${p.programCode}）${t(` 第${p.version}版`, ` v${p.version}`)}`,
                ] as [string, string],
            ),
          ]}
        />
      ) : null}
      {done ? (
        <Notice>
          {t(
            `已发布：${done.programName} 第 ${done.version} 版。`,
            `Published: ${done.programName}, version ${done.version}.`,
          )}
        </Notice>
      ) : null}
      <Form onSubmit={submit} submit={t('发布', 'Publish')} label={t('培养方案', 'Program plan')}>
        <Field label={t('专业代码', 'Program code')} required {...bind('programCode')} />
        <Field label={t('专业名称', 'Program name')} required {...bind('programName')} />
        <Field label={t('依据的标准', 'Standard it follows')} {...bind('basis')} />
        <Field label={t('总学分', 'Total credits')} required {...bind('totalCredits')} />
        <fieldset>
          <legend>{t('各类课程最低学分', 'Least credits by course type')}</legend>
          {COURSE_TYPES.map((k) => (
            <Field key={k} label={w(k)} {...bind(k as keyof typeof emptyPlan)} />
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('学分上限（可选）', 'Caps (optional)')}</legend>
          <Field label={t('每学期最多', 'At most a term')} {...bind('maxCreditsPerTerm')} />
          <Field label={t('每年最多', 'At most a year')} {...bind('maxCreditsPerYear')} />
        </fieldset>
        <fieldset>
          <legend>{t('课程', 'Courses')}</legend>
          {courses.length === 0 ? <p class="hint">{t('还没有课程。', 'No courses yet.')}</p> : null}
          <ul class="plan-courses">
            {courses.map((c, i) => (
              <li key={c.courseCode} class="card" data-course={c.courseName}>
                <strong>
                  {c.courseName}（{c.courseCode}）
                </strong>
                <Select
                  label={t('类别', 'Type')}
                  name="courseType"
                  value={c.courseType}
                  onInput={(v) => setCourse(i, { courseType: v })}
                  options={COURSE_TYPES.map((k) => [k, w(k)])}
                />
                <Field
                  label={t('学分', 'Credits')}
                  name="credits"
                  value={c.credits}
                  onInput={(v) => setCourse(i, { credits: v })}
                />
                <label class="check">
                  <input
                    type="checkbox"
                    name="required"
                    checked={c.required}
                    onChange={(e) =>
                      setCourse(i, { required: (e.target as HTMLInputElement).checked })
                    }
                  />
                  {t('必修', 'Required')}
                </label>
                <button
                  type="button"
                  class="link"
                  onClick={() => setCourses(courses.filter((_, j) => j !== i))}
                >
                  {t(`移除 ${c.courseName}`, `Remove ${c.courseName}`)}
                </button>
              </li>
            ))}
          </ul>
          <Select
            label={t('按名称添加课程', 'Add a course by name')}
            name="pick"
            value={pick}
            onInput={setPick}
            options={[
              ['', t('— 选择课程 —', '— choose a course —')],
              ...known
                .filter((c) => !courses.some((x) => x.courseCode === c.courseCode))
                .map(
                  (c) => [c.courseCode, `${c.courseName}（${c.courseCode}）`] as [string, string],
                ),
            ]}
          />
          <button
            type="button"
            class="secondary"
            onClick={() => {
              const c = known.find((k) => k.courseCode === pick)
              if (!c) return
              add({
                courseCode: c.courseCode,
                courseName: c.courseName,
                courseType: c.courseType ?? 'core',
                credits: c.credits ?? '',
                required: true,
              })
              setPick('')
            }}
          >
            {t('添加所选课程', 'Add the chosen course')}
          </button>
          <details>
            <summary>{t('列表里没有的课程', 'A course not in the list')}</summary>
            <Field
              label={t('课程代码', 'Course code')}
              name="newCourseCode"
              value={other.courseCode}
              onInput={(v) => setOther({ ...other, courseCode: v })}
            />
            <Field
              label={t('课程名称', 'Course name')}
              name="newCourseName"
              value={other.courseName}
              onInput={(v) => setOther({ ...other, courseName: v })}
            />
            <button
              type="button"
              class="secondary"
              onClick={() => {
                if (!other.courseCode.trim() || !other.courseName.trim()) return
                add({
                  courseCode: other.courseCode.trim(),
                  courseName: other.courseName.trim(),
                  courseType: 'core',
                  credits: '',
                  required: true,
                })
                setOther({ courseCode: '', courseName: '' })
              }}
            >
              {t('添加这门课程', 'Add this course')}
            </button>
          </details>
        </fieldset>
      </Form>
    </div>
  )
}

interface ScheduleRow {
  programCode: string
  year: string
  pricePerCredit: string
  recognizedCharge: 'exempt' | 'share'
  recognizedShare: string
}

interface Schedule {
  version: number
  items: {
    programCode: string
    year: number
    pricePerCredit: string
    recognizedCharge: 'exempt' | 'share'
    recognizedShare: string | null
  }[]
  note: string | null
}

const academicYear = () => {
  const d = today()
  return Number(d.slice(5, 7)) >= 9 ? Number(d.slice(0, 4)) : Number(d.slice(0, 4)) - 1
}

/** The registrar publishes the school's credit tuition: a price per credit per program and year. */
export function ScheduleEditor() {
  const org = myOrg()
  const [rows, setRows] = useState<ScheduleRow[] | null>(null)
  const [note, setNote] = useState('')
  const [done, setDone] = useState<Schedule | null>(null)
  const state = useLoad(async () => {
    const plans = (await api.get<{ items: Plan[] }>(`/v1/programs/${org}`)).items
    let schedule: Schedule | null = null
    try {
      schedule = await api.get<Schedule>(`/v1/organizations/${org}/tuition-schedule`)
    } catch (err) {
      if (!(err instanceof ApiError && err.problem.status === 404)) throw err
    }
    return { plans, schedule }
  }, [org])
  const data = state.data
  const current: ScheduleRow[] =
    rows ??
    (data?.schedule?.items.map((i) => ({
      programCode: i.programCode,
      year: String(i.year),
      pricePerCredit: i.pricePerCredit,
      recognizedCharge: i.recognizedCharge,
      recognizedShare: i.recognizedShare ?? '',
    })) ||
      [])
  const setRow = (i: number, patch: Partial<ScheduleRow>) =>
    setRows(current.map((r, j) => (j === i ? { ...r, ...patch } : r)))
  const programs: [string, string][] = (data?.plans ?? []).map((p) => [
    p.programCode,
    `${p.programName}（${p.programCode}）`,
  ])
  const submit = async () => {
    const saved = await api.put<Schedule>(`/v1/organizations/${org}/tuition-schedule`, {
      items: current.map((r) => ({
        programCode: r.programCode,
        year: Number(r.year),
        pricePerCredit: r.pricePerCredit.trim(),
        recognizedCharge: r.recognizedCharge,
        ...(r.recognizedCharge === 'share' ? { recognizedShare: r.recognizedShare.trim() } : {}),
      })),
      ...(note.trim() ? { note: note.trim() } : {}),
    })
    setDone(saved)
    setRows(null)
    state.reload()
  }
  return (
    <div>
      <h1>{t('学分制收费标准', 'Credit tuition schedule')}</h1>
      <Loading state={state} />
      {data?.schedule ? (
        <p class="hint">
          {t(
            `当前为第 ${data.schedule.version} 版。`,
            `Version ${data.schedule.version} is in force.`,
          )}
        </p>
      ) : null}
      {done ? (
        <Notice>
          {t(
            `已发布收费标准第 ${done.version} 版。`,
            `Published schedule version ${done.version}.`,
          )}
        </Notice>
      ) : null}
      {data && programs.length === 0 ? (
        <p>
          {t('请先发布培养方案，再为专业定价。', 'Publish a program plan first, then price it.')}
        </p>
      ) : null}
      {data && programs.length ? (
        <Form
          onSubmit={submit}
          submit={t('发布收费标准', 'Publish the schedule')}
          label={t('收费标准', 'Tuition schedule')}
        >
          {current.map((r, i) => (
            <fieldset key={i} class="card" data-row={i}>
              <legend>{t(`第 ${i + 1} 项`, `Line ${i + 1}`)}</legend>
              <Select
                label={t('专业', 'Program')}
                name="programCode"
                value={r.programCode}
                onInput={(v) => setRow(i, { programCode: v })}
                options={programs}
              />
              <Field
                label={t('学年（秋季开始的年份）', 'Academic year (the year its autumn begins)')}
                name="year"
                value={r.year}
                onInput={(v) => setRow(i, { year: v })}
              />
              <Field
                label={t('每学分价格（元）', 'Price per credit (CNY)')}
                name="pricePerCredit"
                value={r.pricePerCredit}
                onInput={(v) => setRow(i, { pricePerCredit: v })}
              />
              <Select
                label={t('认定学分', 'Recognized credits')}
                name="recognizedCharge"
                value={r.recognizedCharge}
                onInput={(v) => setRow(i, { recognizedCharge: v as 'exempt' | 'share' })}
                options={[
                  ['exempt', t('免收学费', 'Exempt')],
                  ['share', t('按比例收费', 'Charged at a share')],
                ]}
              />
              {r.recognizedCharge === 'share' ? (
                <Field
                  label={t('收费比例（如 0.3 即 30%）', 'Share (0.3 is 30%)')}
                  name="recognizedShare"
                  value={r.recognizedShare}
                  onInput={(v) => setRow(i, { recognizedShare: v })}
                />
              ) : null}
              <button
                type="button"
                class="link"
                onClick={() => setRows(current.filter((_, j) => j !== i))}
              >
                {t(`删除第 ${i + 1} 项`, `Remove line ${i + 1}`)}
              </button>
            </fieldset>
          ))}
          <button
            type="button"
            class="secondary"
            onClick={() =>
              setRows([
                ...current,
                {
                  programCode: programs[0]![0],
                  year: String(academicYear()),
                  pricePerCredit: '',
                  recognizedCharge: 'exempt',
                  recognizedShare: '',
                },
              ])
            }
          >
            {t('增加一项', 'Add a line')}
          </button>
          <Field label={t('说明', 'Note')} name="note" value={note} onInput={setNote} />
        </Form>
      ) : null}
      <Section title={t('说明', 'How it is charged')}>
        <p>
          {t(
            '学费 = 本学期修读的本校课程学分 × 每学分价格 + 本学期认定的学分 × 每学分价格 × 收费比例（免收即 0）。',
            'Tuition = credits of the school’s courses taken in the term × price + credits recognized in the term × price × share (0 when exempt).',
          )}
        </p>
      </Section>
    </div>
  )
}
