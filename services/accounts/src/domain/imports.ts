import { type AccountsEventType, AppError, type FieldError } from '@creditbank/contracts'
import { jsonRows } from '@creditbank/db'
import type { Publish } from '@creditbank/events'
import type { SheetRead, SheetSpec } from '@creditbank/spreadsheet'
import type { Lang, Params } from '@creditbank/spreadsheet/messages'
import type { Transaction } from 'kysely'
import { sql } from 'kysely'
import { uuidv7 } from 'uuidv7'
import { findOrganization } from '../db/organization.repository.js'
import type { AccountsDB } from '../db/schema.js'
import { accountsErrors } from './errors.js'
import { codeOf, problemMessage } from './import-messages.js'
import { birthDateOf, normalizeNationalId } from './national-id.js'
import { MAX_BATCH, postRequests } from './outcomes.js'
import { type PersonRef, type Resolved, resolvePeople } from './people.js'

/** A problem of an imported file, named as the person sees it: row number, column header and letter. */
export interface ImportProblem {
  path: string
  row: number
  column: string
  letter: string
  code: string
  params?: Params
  message: string
}

export interface ImportContext {
  orgId: string
  actor: string
  piiKey: Buffer
  source: string
  publish: Publish<AccountsEventType>
  lang: Lang
}

/** Who a row names, as the preview and report show them. */
interface RowLearner {
  name: string
  accountNo: string
  newLearner: boolean
}

export interface OutcomeRowAnswer extends RowLearner {
  row: number
  kind: string
  title: string
  credits: string | null
  hours: string | null
  grade: string | null
  occurredOn: string
  status: 'created' | 'existing'
  entryId: string | null
}

export interface EnrollmentRowAnswer extends RowLearner {
  row: number
  studentNo: string | null
  programCode: string
  programName: string
  startedOn: string
  status: 'created' | 'existing'
}

export interface ImportAnswer<R> {
  dryRun: boolean
  format: 'xlsx' | 'csv'
  encoding: string | null
  ignoredColumns: string[]
  rowCount: number
  created: number
  existing: number
  openedLearners: number
  rows: R[]
}

/**
 * An import's answer, and the learners it names who were already there (found by 身份证号, 学号 or
 * id, not opened by the file): their names come from the ledger, so showing them is a staff read
 * (decision 0725), recorded by the route and never sent.
 */
export interface Answered<A> {
  answer: A
  shown: string[]
}

/** Collects problems by row and field, in the language asked, each cell named once. */
class Problems {
  readonly list: ImportProblem[] = []
  private readonly seen = new Set<string>()
  constructor(
    private readonly read: SheetRead,
    private readonly spec: SheetSpec,
    private readonly lang: Lang,
  ) {}

  /** The column of a field as the file names it, or its template header when the file lacks it. */
  private column(key: string) {
    const c = this.read.columns.find((x) => x.key === key)
    if (c) return { column: c.header, letter: c.letter }
    const s = this.spec.columns.find((x) => x.key === key)
    return { column: s?.headers[0] ?? key, letter: '' }
  }

  has(i: number, key?: string) {
    return key === undefined ? this.rows.has(i) : this.seen.has(`${i} ${key}`)
  }
  private readonly rows = new Set<number>()

  add(i: number, key: string, code: string, params?: Params) {
    if (this.seen.has(`${i} ${key}`)) return
    this.seen.add(`${i} ${key}`)
    this.rows.add(i)
    // Row references inside messages are the file's row numbers, not item indexes.
    const p =
      params && typeof params.item === 'number'
        ? { ...params, row: this.read.rows[params.item]?.row ?? params.item }
        : params
    this.list.push({
      path: `/items/${i}/${key}`,
      row: this.read.rows[i]!.row,
      ...this.column(key),
      code,
      ...(p ? { params: p } : {}),
      message: problemMessage(code, p ?? {}, this.lang),
    })
  }

  /** Refuses the import (422) when any row has a problem: the caller's transaction rolls back. */
  throwIfAny() {
    if (this.list.length === 0) return
    this.list.sort((a, b) => a.row - b.row || a.letter.localeCompare(b.letter))
    const rows = this.rows.size
    throw accountsErrors.ACCOUNTS_IMPORT_INVALID(
      `${rows} ${rows === 1 ? 'row has' : 'rows have'} problems; nothing was written`,
      this.list as unknown as FieldError[],
    )
  }
}

/** Cells the reader could not read (a bad date, an id stored as a number…), as problems. */
function cellProblems(read: SheetRead, problems: Problems) {
  read.rows.forEach((r, i) => {
    for (const issue of r.issues) problems.add(i, issue.key, issue.code, issue.params)
  })
}

/** How a row names its learner, and a problem when it names nobody. */
function personOf(v: Record<string, string>): PersonRef | undefined {
  const ref: PersonRef = {}
  if (v.learnerId) ref.learnerId = v.learnerId
  if (v.nationalId) ref.nationalId = v.nationalId
  if (v.name) ref.name = v.name
  if (v.studentNo) ref.studentNo = v.studentNo
  if (v.learnerCategory) ref.learnerCategory = v.learnerCategory
  return ref.learnerId || ref.nationalId || ref.name || ref.studentNo ? ref : undefined
}

/** The column a learner problem belongs to, for rows that name nobody. */
function learnerKey(read: SheetRead) {
  const keys = new Set(read.columns.map((c) => c.key))
  return keys.has('nationalId') ? 'nationalId' : keys.has('studentNo') ? 'studentNo' : 'learnerId'
}

const FIVE_LEVEL = new Set(['优秀', '良好', '中等', '及格', '不及格', '优', '良', '中', '差'])
const TWO_LEVEL = new Set(['合格', '不合格', '通过', '不通过'])

/** A competition's level from the words schools write (`省级一等奖` → provincial). */
export function competitionLevel(text: string) {
  if (/^(school|city|provincial|national|international)$/.test(text)) return text
  if (text.includes('国际')) return 'international'
  if (/国家|全国|国赛/.test(text)) return 'national'
  if (/省/.test(text)) return 'provincial'
  if (/市/.test(text)) return 'city'
  if (/校|院级/.test(text)) return 'school'
  return text
}

/** A row of the outcomes sheet as the batch item it stands for (without its learner). */
function outcomeItem(v: Record<string, string>, i: number, problems: Problems) {
  const item: Record<string, unknown> = {
    kind: v.kind ?? 'course',
    ...(v.title !== undefined ? { title: v.title } : {}),
    ...(v.occurredOn !== undefined ? { occurredOn: v.occurredOn } : {}),
  }
  for (const k of ['code', 'credits', 'hours', 'category', 'externalRef'] as const)
    if (v[k] !== undefined) item[k] = v[k]
  if (v.level !== undefined)
    item.level = item.kind === 'competition' ? competitionLevel(v.level) : v.level
  if (v.gradeScore !== undefined) {
    const score = v.gradeScore
    const scale =
      v.gradeScale ??
      (/^\d+(\.\d+)?$/.test(score)
        ? '100'
        : FIVE_LEVEL.has(score)
          ? '五级制'
          : TWO_LEVEL.has(score)
            ? '二级制'
            : undefined)
    if (scale === undefined) problems.add(i, 'gradeScale', 'ROW_SCALE_MISSING')
    else item.grade = { score, scale }
  }
  return item
}

/** The field of a batch error path (`/items/3/grade/score`) as the sheet's column key. */
function keyOfField(field: string, fallback: string) {
  if (field === 'grade' || field === 'grade/score') return 'gradeScore'
  if (field === 'grade/scale') return 'gradeScale'
  if (field === 'learnerId' || field === '') return fallback
  return field.split('/')[0]!
}

const NIL = '00000000-0000-7000-8000-000000000000'

/**
 * Imports an outcomes sheet for the caller's organization inside the caller's transaction: each
 * row's learner found (or their account opened) by 身份证号 + 姓名, or found by 学号; then the
 * outcomes posted through the batch's own checks and writes (`postRequests`) in chunks of the
 * batch size, all in this one transaction. Any problem in any row throws ACCOUNTS_IMPORT_INVALID
 * naming every bad cell, and the caller's transaction writes nothing.
 */
export async function importOutcomes(
  trx: Transaction<AccountsDB>,
  ctx: ImportContext,
  read: SheetRead,
  spec: SheetSpec,
  dryRun: boolean,
): Promise<Answered<ImportAnswer<OutcomeRowAnswer>>> {
  const problems = new Problems(read, spec, ctx.lang)
  cellProblems(read, problems)
  const fallback = learnerKey(read)
  const refs: PersonRef[] = []
  const items: Record<string, unknown>[] = []
  const firstRef = new Map<string, number>()
  read.rows.forEach((r, i) => {
    const ref = personOf(r.values)
    if (!ref && !problems.has(i, fallback)) problems.add(i, fallback, 'ROW_NO_LEARNER')
    refs.push(ref ?? {})
    items.push(outcomeItem(r.values, i, problems))
    const ext = r.values.externalRef
    if (ext !== undefined) {
      const first = firstRef.get(ext)
      if (first !== undefined) problems.add(i, 'externalRef', 'ROW_REF_REPEATED', { item: first })
      else firstRef.set(ext, i)
    }
  })
  const people = await resolvePeople(trx, ctx.piiKey, refs, {
    orgId: ctx.orgId,
    actor: ctx.actor,
    open: true,
    giveNumbers: false,
    publish: ctx.publish,
  })
  for (const { index, problem } of people.problems)
    problems.add(index, problem.field, problem.code, problem.params)
  const noLearner = new Set(refs.map((_, i) => i).filter((i) => !people.resolved[i]))
  for (const [i, item] of items.entries())
    item.learnerId = people.resolved[i]?.id ?? refs[i]!.learnerId ?? NIL

  const startedAt = Date.now()
  const entries: { id: string; posted_at: Date; credits: string | null; hours: string | null }[] =
    []
  for (let at = 0; at < items.length; at += MAX_BATCH) {
    const chunk = items.slice(at, at + MAX_BATCH)
    const [res] = await postRequests(
      trx,
      [{ orgId: ctx.orgId, actor: ctx.actor, items: chunk, single: false }],
      { source: ctx.source },
    )
    if (res instanceof AppError) {
      if (!res.errors?.length) throw res
      for (const e of res.errors) {
        const m = /^\/items\/(\d+)(?:\/(.*))?$/.exec(e.path)
        if (!m) continue
        const i = at + Number(m[1])
        const field = m[2] ?? ''
        // A row whose learner was not found already says so; its learnerId is a stand-in.
        if (field === 'learnerId' && noLearner.has(i) && !refs[i]!.learnerId) continue
        const { code, params } = codeOf(field, e.message)
        if (code === 'ROW_REF_REPEATED') continue
        problems.add(
          i,
          keyOfField(field, fallback),
          code,
          code === 'CELL_DATE_INVALID' ? { value: String(items[i]![field] ?? '') } : params,
        )
      }
    } else if (res)
      // Only what the answer shows is kept: 10,000 whole entry rows weigh on a small heap.
      for (const e of res.entries)
        entries.push({ id: e.id, posted_at: e.posted_at, credits: e.credits, hours: e.hours })
  }
  problems.throwIfAny()

  const rows = read.rows.map((r, i): OutcomeRowAnswer => {
    const e = entries[i]!
    const item = items[i] as { kind: string; title: string; occurredOn: string }
    const grade = (items[i]!.grade as { score: string; scale: string } | undefined) ?? undefined
    // Entries this transaction wrote are new; the others were found by their externalRef.
    const created = e.posted_at.getTime() >= startedAt
    return {
      row: r.row,
      ...learnerOf(people.resolved[i], dryRun),
      kind: item.kind,
      title: item.title,
      credits: e.credits,
      hours: e.hours,
      grade: grade ? `${grade.score}/${grade.scale}` : null,
      occurredOn: item.occurredOn,
      status: created ? 'created' : 'existing',
      entryId: dryRun && created ? null : e.id,
    }
  })
  return answerOf(read, dryRun, rows, people.resolved)
}

/** A dry run's new accounts have no number yet: the one drawn for them is not kept. */
function learnerOf(r: Resolved | undefined, dryRun: boolean): RowLearner {
  return {
    name: r?.name ?? '',
    accountNo: r && !(dryRun && r.opened) ? r.accountNo : '',
    newLearner: r?.opened ?? false,
  }
}

function answerOf<R extends { status: string }>(
  read: SheetRead,
  dryRun: boolean,
  rows: R[],
  resolved: (Resolved | undefined)[],
): Answered<ImportAnswer<R>> {
  const created = rows.filter((r) => r.status === 'created').length
  const shown = [...new Set(resolved.filter((r) => r && !r.opened).map((r) => r!.id))]
  const answer = {
    dryRun,
    format: read.format,
    encoding: read.encoding ?? null,
    ignoredColumns: read.ignored,
    rowCount: rows.length,
    created,
    existing: rows.length - created,
    openedLearners: new Set(resolved.filter((r) => r?.opened).map((r) => r!.id)).size,
    rows,
  }
  return { answer, shown }
}

const PROGRAM_CODE = /^[\x21-\x7e]{1,40}$/

/**
 * Imports an enrollments sheet (schools only): learners found or opened as for outcomes, each
 * given the row's 学号 at this school, and enrolled set-wise; an enrollment already there with the
 * same details is `existing`, with other details a problem of its row.
 */
export async function importEnrollments(
  trx: Transaction<AccountsDB>,
  ctx: ImportContext,
  read: SheetRead,
  spec: SheetSpec,
  dryRun: boolean,
): Promise<Answered<ImportAnswer<EnrollmentRowAnswer>>> {
  const org = await findOrganization(trx, ctx.orgId)
  if (!org) throw accountsErrors.ACCOUNTS_ORGANIZATION_UNKNOWN()
  if (org.kind !== 'school') throw accountsErrors.ACCOUNTS_NOT_A_SCHOOL()
  const problems = new Problems(read, spec, ctx.lang)
  cellProblems(read, problems)
  const fallback = learnerKey(read)
  const refs: PersonRef[] = []
  read.rows.forEach((r, i) => {
    const v = r.values
    const ref = personOf(v)
    if (!ref && !problems.has(i, fallback)) problems.add(i, fallback, 'ROW_NO_LEARNER')
    refs.push(ref ?? {})
    if (v.programCode !== undefined && !PROGRAM_CODE.test(v.programCode))
      problems.add(i, 'programCode', 'ROW_CODE_FORMAT')
    if (v.birthDate && v.nationalId) {
      const id = normalizeNationalId(v.nationalId)
      if (/^\d{17}[\dX]$/.test(id) && birthDateOf(id) !== v.birthDate)
        problems.add(i, 'birthDate', 'ROW_BIRTH_DATE_MISMATCH')
    }
  })
  const people = await resolvePeople(trx, ctx.piiKey, refs, {
    orgId: ctx.orgId,
    actor: ctx.actor,
    open: true,
    giveNumbers: true,
    publish: ctx.publish,
  })
  for (const { index, problem } of people.problems)
    problems.add(index, problem.field, problem.code, problem.params)

  // One enrollment per (learner, program); the file may repeat it with the same details.
  type Want = { i: number; learnerId: string; code: string; name: string; startedOn: string }
  const wants: Want[] = []
  const byKey = new Map<string, Want>()
  read.rows.forEach((r, i) => {
    const l = people.resolved[i]
    const v = r.values
    if (!l || problems.has(i) || !v.programCode || !v.programName || !v.startedOn) return
    const w = {
      i,
      learnerId: l.id,
      code: v.programCode,
      name: v.programName,
      startedOn: v.startedOn,
    }
    const key = `${l.id} ${w.code}`
    const first = byKey.get(key)
    if (first && (first.name !== w.name || first.startedOn !== w.startedOn))
      problems.add(i, 'programName', 'ROW_ENROLLMENT_CONFLICT')
    else if (!first) {
      byKey.set(key, w)
      wants.push(w)
    }
  })
  const rowsIn = wants.map((w) => ({
    id: uuidv7(),
    learner_id: w.learnerId,
    org_id: ctx.orgId,
    program_code: w.code,
    program_name: w.name,
    started_on: w.startedOn,
    created_by: ctx.actor,
  }))
  const inserted = new Map<string, { id: string }>()
  if (rowsIn.length) {
    const values = jsonRows(rowsIn, {
      id: 'uuid',
      learner_id: 'uuid',
      org_id: 'uuid',
      program_code: 'text',
      program_name: 'text',
      started_on: 'date',
      created_by: 'text',
    })
    const out = await trx
      .insertInto('enrollment')
      .columns(values.names)
      .expression(values.select)
      .onConflict((oc) => oc.columns(['learner_id', 'org_id', 'program_code']).doNothing())
      .returning(['id', 'learner_id', 'program_code'])
      .execute()
    for (const e of out) inserted.set(`${e.learner_id} ${e.program_code}`, e)
  }
  const others = wants.filter((w) => !inserted.has(`${w.learnerId} ${w.code}`))
  if (others.length) {
    const found = await sql<{
      learner_id: string
      program_code: string
      program_name: string
      started_on: string
    }>`
      select e.learner_id, e.program_code, e.program_name, e.started_on::text as started_on
      from unnest(${others.map((w) => w.learnerId)}::uuid[], ${others.map((w) => w.code)}::text[]) as k(learner_id, program_code)
      join accounts.enrollment e
        on e.learner_id = k.learner_id and e.org_id = ${ctx.orgId} and e.program_code = k.program_code`.execute(
      trx,
    )
    const existing = new Map(found.rows.map((e) => [`${e.learner_id} ${e.program_code}`, e]))
    for (const w of others) {
      const e = existing.get(`${w.learnerId} ${w.code}`)
      if (!e || e.program_name !== w.name || e.started_on !== w.startedOn)
        problems.add(w.i, 'programName', 'ROW_ENROLLMENT_CONFLICT')
    }
  }
  problems.throwIfAny()
  if (inserted.size)
    await ctx.publish(
      trx,
      wants
        .filter((w) => inserted.has(`${w.learnerId} ${w.code}`))
        .map((w) => {
          const e = inserted.get(`${w.learnerId} ${w.code}`)!
          return {
            type: 'accounts.enrollment.created',
            subject: w.learnerId,
            data: {
              enrollmentId: e.id,
              learnerId: w.learnerId,
              orgId: ctx.orgId,
              programCode: w.code,
              programName: w.name,
              startedOn: w.startedOn,
            },
          }
        }),
    )
  const createdRow = new Set(
    wants.filter((w) => inserted.has(`${w.learnerId} ${w.code}`)).map((w) => w.i),
  )
  const rows = read.rows.map(
    (r, i): EnrollmentRowAnswer => ({
      row: r.row,
      ...learnerOf(people.resolved[i], dryRun),
      studentNo: r.values.studentNo ?? null,
      programCode: r.values.programCode ?? '',
      programName: r.values.programName ?? '',
      startedOn: r.values.startedOn ?? '',
      status: createdRow.has(i) ? 'created' : 'existing',
    }),
  )
  return answerOf(read, dryRun, rows, people.resolved)
}
