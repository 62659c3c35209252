import type { AccountsEventType } from '@creditbank/contracts'
import type { Publish } from '@creditbank/events'
import { sql, type Transaction } from 'kysely'
import { uuidv7 } from 'uuidv7'
import { strangers } from '../db/enrollment.repository.js'
import { insertLearners } from '../db/learner.repository.js'
import { findLearnersByHashes } from '../db/lookup.repository.js'
import type { AccountsDB } from '../db/schema.js'
import { findByStudentNos } from '../db/student-number.repository.js'
import { accountNoFor } from './account-no.js'
import { GENESIS_HASH } from './chain.js'
import { identify } from './learners.js'
import { regionOfNationalId } from './national-id.js'
import { learnerKeys, personalOf, sealPersonal } from './personal.js'
import { giveStudentNos, normalizeStudentNo } from './student-numbers.js'

/** How a row of a batch or a spreadsheet names its learner. */
export interface PersonRef {
  learnerId?: string
  nationalId?: string
  name?: string
  studentNo?: string
  /** For an account opened by this row. */
  learnerCategory?: string
}

/** A problem with how a row names its learner: the field, a code and the English words. */
export interface PersonProblem {
  field: 'nationalId' | 'name' | 'studentNo' | 'learnerId'
  code: string
  message: string
  params?: Record<string, string | number>
}

export interface Resolved {
  id: string
  accountNo: string
  name: string
  /** Opened by this request. */
  opened: boolean
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const categories = new Set([
  'student',
  'unemployed_graduate',
  'veteran',
  'migrant_worker',
  'farmer',
  'disabled',
  'laid_off_worker',
  'employee',
  'other',
])

/**
 * Resolves the learners a batch names, set-wise (a handful of statements for any number of rows):
 * `learnerId` as it is; 身份证号 + 姓名 found by the keyed hash, and — when `open` — an account
 * opened for each person not found yet, as POST /v1/learners does (one per person however many
 * rows name them, the same 身份证号 under another name refused); 学号 at the caller's
 * organization. A row with both a 身份证号 and a 学号 must name one learner; with `giveNumbers`
 * (enrollments) the 学号 is given to them. Rows with problems are answered with them; nothing
 * is written for them, and the caller rolls back when there are any.
 */
export async function resolvePeople(
  trx: Transaction<AccountsDB>,
  piiKey: Buffer,
  refs: PersonRef[],
  o: {
    orgId: string
    actor: string
    open: boolean
    giveNumbers: boolean
    publish: Publish<AccountsEventType>
  },
): Promise<{
  resolved: (Resolved | undefined)[]
  problems: { index: number; problem: PersonProblem }[]
}> {
  const problems: { index: number; problem: PersonProblem }[] = []
  const resolved: (Resolved | undefined)[] = new Array(refs.length)
  const fail = (index: number, problem: PersonProblem) => problems.push({ index, problem })

  // 身份证号 + 姓名: validated and hashed, then one probe per distinct person.
  type Who = ReturnType<typeof identify> & { index: number[] }
  const named: { i: number; who: ReturnType<typeof identify> }[] = []
  refs.forEach((r, i) => {
    if (r.nationalId === undefined && r.name === undefined) return
    if (r.nationalId === undefined || r.name === undefined) {
      if (r.studentNo !== undefined || r.learnerId !== undefined) return
      fail(i, {
        field: r.nationalId === undefined ? 'nationalId' : 'name',
        code: 'ROW_PERSON_INCOMPLETE',
        message: 'a 身份证号 goes with the name',
      })
      return
    }
    try {
      named.push({ i, who: identify(piiKey, { nationalId: r.nationalId, name: r.name }) })
    } catch (err) {
      const e = err as { errors?: { message: string }[] }
      fail(i, {
        field: 'nationalId',
        code: 'ROW_NATIONAL_ID_INVALID',
        message: e.errors?.[0]?.message ?? 'is not a valid 身份证号',
      })
    }
  })
  const existing = new Map(
    (await findLearnersByHashes(trx, [...new Set(named.map((n) => n.who.hash))])).map((l) => [
      l.national_id_hash,
      l,
    ]),
  )
  // The name on record decides; for a new person, the first row that names them.
  const people = new Map<string, Who>()
  const whoOf: (Who | undefined)[] = []
  for (const { i, who } of named) {
    const l = existing.get(who.hash)
    if (l && l.name_hash !== who.nameHash) {
      fail(i, {
        field: 'name',
        code: 'ROW_IDENTITY_CONFLICT',
        message: 'this 身份证号 is registered under another name',
      })
      continue
    }
    const seen = people.get(who.hash)
    if (seen && seen.name !== who.name) {
      fail(i, {
        field: 'name',
        code: 'ROW_NAME_DIFFERS_IN_FILE',
        message: `the same 身份证号 has another name in item ${seen.index[0]}`,
        params: { item: seen.index[0]! },
      })
      continue
    }
    if (seen) seen.index.push(i)
    else people.set(who.hash, { ...who, index: [i] })
    whoOf[i] = people.get(who.hash)
  }
  const missing = [...people.values()].filter((who) => !existing.has(who.hash))
  const opened = new Map<string, Resolved>()
  if (missing.length && !o.open) {
    for (const who of missing)
      for (const i of who.index)
        fail(i, {
          field: 'nationalId',
          code: 'ROW_LEARNER_NOT_FOUND',
          message: 'no learner account with this 身份证号 and name',
        })
  } else if (missing.length) {
    for (const [hash, r] of await openMany(trx, piiKey, missing, refs, o)) opened.set(hash, r)
  }
  whoOf.forEach((who, i) => {
    if (!who) return
    const l = existing.get(who.hash)
    if (l && l.name_hash === who.nameHash)
      resolved[i] = { id: l.id, accountNo: l.account_no, name: who.name, opened: false }
    else if (opened.has(who.hash)) resolved[i] = opened.get(who.hash)
  })

  // 学号 at this organization.
  const nos = refs.map((r) =>
    r.studentNo === undefined ? undefined : normalizeStudentNo(r.studentNo),
  )
  const byNo = await findByStudentNos(
    trx,
    o.orgId,
    nos.filter((n): n is string => !!n),
  )
  const give: { i: number; learnerId: string; studentNo: string }[] = []
  const failed = new Set(problems.map((p) => p.index))
  nos.forEach((no, i) => {
    if (no === undefined || failed.has(i)) return
    const named = byNo.get(no)
    const r = resolved[i]
    if (r) {
      if (named && named !== r.id)
        fail(i, {
          field: 'studentNo',
          code: 'ROW_STUDENT_NO_OTHER_LEARNER',
          message: 'this 学号 names another learner at your organization',
        })
      else if (!named && o.giveNumbers) give.push({ i, learnerId: r.id, studentNo: no })
      return
    }
    if (refs[i]!.learnerId !== undefined) return
    if (!named)
      fail(i, {
        field: 'studentNo',
        code: 'ROW_STUDENT_NO_UNKNOWN',
        message: 'no learner has this 学号 at your organization',
      })
    else resolved[i] = { id: named, accountNo: '', name: '', opened: false }
  })
  if (give.length) {
    // Two rows giving one new number to two people: the second is refused.
    const ok = await giveStudentNos(trx, o.orgId, o.actor, give)
    give.forEach((g, k) => {
      if (!ok[k])
        fail(g.i, {
          field: 'studentNo',
          code: 'ROW_STUDENT_NO_OTHER_LEARNER',
          message: 'this 学号 names another learner at your organization',
        })
    })
  }
  // Machine rows by learnerId: named too, when the id is one (postRequests says when it is not)
  // and the organization knows the learner (an id alone proves nothing; decision 0613).
  const byId: number[] = []
  refs.forEach((r, i) => {
    if (resolved[i] || failed.has(i) || r.learnerId === undefined || !UUID.test(r.learnerId)) return
    if (r.nationalId === undefined && r.studentNo === undefined) {
      resolved[i] = { id: r.learnerId.toLowerCase(), accountNo: '', name: '', opened: false }
      byId.push(i)
    }
  })
  const unknown = await strangers(
    trx,
    o.orgId,
    byId.map((i) => resolved[i]!.id),
  )
  for (const i of byId)
    if (unknown.has(resolved[i]!.id)) {
      resolved[i] = undefined
      fail(i, {
        field: 'learnerId',
        code: 'ROW_LEARNER_NOT_KNOWN_HERE',
        message: 'your organization does not know this learner yet: give the 身份证号 and name',
      })
    }
  // Names and account numbers of the learners found by 学号 or id (for previews and reports).
  const bare = [...new Set(resolved.filter((r) => r && !r.accountNo).map((r) => r!.id))]
  if (bare.length) {
    const rows = await trx
      .selectFrom('learner')
      .select(['id', 'account_no', 'personal_sealed'])
      .where('id', 'in', bare)
      .execute()
    const byId = new Map(rows.map((l) => [l.id, l]))
    const personal = await personalOf(trx, piiKey, rows)
    resolved.forEach((r, i) => {
      const l = r && !r.accountNo ? byId.get(r.id) : undefined
      if (l) resolved[i] = { ...r!, accountNo: l.account_no, name: personal.get(l.id)?.name ?? '' }
    })
  }
  return { resolved, problems }
}

/**
 * Opens the accounts of people not found, in three statements: their account numbers, the
 * learners with their accounts and data keys, and the accounts.learner.opened events. A person opened meanwhile by another transaction (the
 * unique hash kept their row) is read back instead.
 */
async function openMany(
  trx: Transaction<AccountsDB>,
  piiKey: Buffer,
  people: (ReturnType<typeof identify> & { index: number[] })[],
  refs: PersonRef[],
  o: { orgId: string; publish: Publish<AccountsEventType> },
) {
  const serials = await sql<{ n: string }>`
    select nextval('accounts.account_no_seq')::text as n from generate_series(1, ${people.length})`.execute(
    trx,
  )
  const year = new Date().getUTCFullYear()
  const ids = people.map(() => uuidv7())
  // Their keys are made here and stored in the statement that inserts the learners.
  const { keys, rows: keyRows } = learnerKeys(piiKey).forNew(ids)
  const rows = people.map((p, k) => {
    const asked = p.index.map((i) => refs[i]!.learnerCategory).find((c) => c !== undefined)
    return {
      id: ids[k]!,
      account_no: accountNoFor(year, serials.rows[k]!.n),
      national_id_hash: p.hash,
      personal_sealed: sealPersonal(keys.get(ids[k]!)!, {
        name: p.name,
        nationalId: p.id,
        birthDate: p.birthDate,
      }),
      name_hash: p.nameHash,
      category: asked && categories.has(asked) ? asked : 'other',
      opened_by_org_id: o.orgId,
    }
  })
  const inserted = await insertLearners(trx, rows, keyRows, GENESIS_HASH)
  const byHash = new Map(people.map((p) => [p.hash, p]))
  if (inserted.length) {
    await o.publish(
      trx,
      inserted.map((l) => {
        const p = byHash.get(l.national_id_hash)!
        return {
          type: 'accounts.learner.opened',
          subject: l.id,
          data: {
            learnerId: l.id,
            accountNo: l.account_no,
            category: l.category,
            openedByOrgId: o.orgId,
            regionCode: regionOfNationalId(p.id),
          },
        }
      }),
    )
  }
  const out = new Map<string, Resolved>(
    inserted.map((l) => [
      l.national_id_hash,
      {
        id: l.id,
        accountNo: l.account_no,
        name: byHash.get(l.national_id_hash)!.name,
        opened: true,
      },
    ]),
  )
  // Opened meanwhile by another transaction: kept only when the name agrees.
  const raced = people.filter((p) => !out.has(p.hash)).map((p) => p.hash)
  for (const l of await findLearnersByHashes(trx, raced)) {
    const p = byHash.get(l.national_id_hash)!
    if (l.name_hash === p.nameHash)
      out.set(l.national_id_hash, {
        id: l.id,
        accountNo: l.account_no,
        name: p.name,
        opened: false,
      })
  }
  return out
}

const PERSON_FIELDS = ['nationalId', 'name', 'studentNo', 'learnerCategory'] as const

/**
 * Batch items (JSON) that name their learner as a spreadsheet row does — `nationalId` + `name`
 * (the account opened when there is none; `learnerCategory` for it), or `studentNo` — get the
 * learner's id in their place; items with `learnerId` pass as they are. Answers the items to post
 * and the problems of the ones that named nobody (their learnerId a stand-in that is never used:
 * the caller refuses the batch when there are problems).
 */
export async function itemsByPerson(
  trx: Transaction<AccountsDB>,
  piiKey: Buffer,
  items: unknown[],
  o: { orgId: string; actor: string; publish: Publish<AccountsEventType> },
): Promise<{ items: unknown[]; problems: { path: string; message: string; code: string }[] }> {
  const isObject = (x: unknown): x is Record<string, unknown> =>
    typeof x === 'object' && x !== null && !Array.isArray(x)
  const named = (x: unknown) => isObject(x) && PERSON_FIELDS.some((f) => x[f] !== undefined)
  const problems: { path: string; message: string; code: string }[] = []
  // Items by learnerId: only for learners the organization knows (an id alone proves nothing).
  const byId = items.flatMap((x, i) =>
    isObject(x) && !named(x) && typeof x.learnerId === 'string' && UUID.test(x.learnerId)
      ? [{ i, id: x.learnerId.toLowerCase() }]
      : [],
  )
  const unknown = await strangers(
    trx,
    o.orgId,
    byId.map((b) => b.id),
  )
  for (const { i, id } of byId)
    if (unknown.has(id))
      problems.push({
        path: `/items/${i}/learnerId`,
        message: 'is not known here: name the learner by nationalId + name',
        code: 'FIELD_LEARNER_NOT_KNOWN',
      })
  if (!items.some(named)) return { items, problems }
  const refs: PersonRef[] = items.map((x, i) => {
    if (!named(x)) return {}
    const r = x as Record<string, unknown>
    const ref: PersonRef = {}
    for (const f of PERSON_FIELDS) {
      const v = r[f]
      if (v === undefined) continue
      if (typeof v !== 'string' || v.length === 0 || v.length > 100)
        problems.push({ path: `/items/${i}/${f}`, message: 'is not valid', code: 'FIELD_INVALID' })
      else ref[f] = v
    }
    if (r.learnerId !== undefined)
      problems.push({
        path: `/items/${i}/learnerId`,
        message: 'name the learner one way: learnerId, nationalId + name, or studentNo',
        code: 'FIELD_INVALID',
      })
    return ref
  })
  const { resolved, problems: found } = await resolvePeople(trx, piiKey, refs, {
    ...o,
    open: true,
    giveNumbers: false,
  })
  for (const { index, problem } of found)
    problems.push({
      path: `/items/${index}/${problem.field}`,
      message: problem.message,
      code: problem.code,
    })
  const NIL = '00000000-0000-7000-8000-000000000000'
  return {
    problems,
    items: items.map((x, i) => {
      if (!named(x)) return x
      const rest = { ...(x as Record<string, unknown>) }
      for (const f of PERSON_FIELDS) delete rest[f]
      return { ...rest, learnerId: resolved[i]?.id ?? NIL }
    }),
  }
}
