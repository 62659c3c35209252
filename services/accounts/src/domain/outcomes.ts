import { createHash } from 'node:crypto'
import type { AppError, FieldError } from '@creditbank/contracts'
import {
  CREDITS_SCALE,
  Credits,
  chinaDate,
  DateOnly,
  fixedScale,
  HOURS_SCALE,
  Hours,
  Id,
  OutcomeKind,
} from '@creditbank/contracts'
import { outboxInsert } from '@creditbank/events'
import type { Transaction } from 'kysely'
import Type, { type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import { type AlsoInsert, findByExternalRefs, lockAccounts } from '../db/ledger.repository.js'
import { findOrganizations } from '../db/organization.repository.js'
import type { AccountsDB, LedgerEntryRow } from '../db/schema.js'
import { canonicalJson } from './chain.js'
import { accountsErrors } from './errors.js'
import { appendEntries, draft, outcomePostedEvent } from './ledger.js'

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max })

/** One outcome as posted (single, batch item, or CSV row). */
export const OutcomeItem = Type.Object(
  {
    learnerId: Id,
    kind: OutcomeKind,
    title: Text(200),
    code: Type.Optional(Text(40)),
    credits: Type.Optional(Credits),
    hours: Type.Optional(Hours),
    grade: Type.Optional(
      Type.Object({ score: Text(20), scale: Text(20) }, { additionalProperties: false }),
    ),
    level: Type.Optional(Text(40)),
    category: Type.Optional(Text(40)),
    occurredOn: DateOnly,
    externalRef: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\x21-\\x7e]+$' }),
    ),
  },
  { additionalProperties: false },
)
export type OutcomeInput = Static<typeof OutcomeItem>

export const MAX_BATCH = 1_000

/**
 * Which organization kinds post which outcome kinds. Certificates come only from the
 * certificates service's events; evaluation organizations and recognition centers post nothing here.
 */
export const kindsByOrganizationKind: Record<string, readonly string[]> = {
  school: ['course', 'training', 'competition', 'work'],
  enterprise: ['training', 'work', 'competition'],
  training_body: ['training', 'competition'],
  evaluation_org: [],
  recognition_center: [],
}

const checkItem = Compile(OutcomeItem)

function schemaErrors(item: unknown, base: string): FieldError[] {
  if (checkItem.Check(item)) return []
  const seen = new Set<string>()
  const out: FieldError[] = []
  for (const e of checkItem.Errors(item)) {
    if (e.keyword === 'boolean') continue
    const p = e.params as Record<string, unknown>
    let path = e.instancePath
    if (Array.isArray(p.requiredProperties) && p.requiredProperties.length)
      path += `/${p.requiredProperties[0]}`
    if (Array.isArray(p.additionalProperties) && p.additionalProperties.length)
      path += `/${p.additionalProperties[0]}`
    const full = `${base}${path}`
    if (seen.has(full)) continue
    seen.add(full)
    out.push({
      path: full,
      message:
        e.keyword === 'additionalProperties' ? 'is not a known field' : (e.message ?? 'is invalid'),
    })
  }
  return out
}

/** The rules of each kind that a schema cannot say. */
function kindErrors(
  o: OutcomeInput,
  base: string,
  orgKind: string | undefined,
  today: string,
): FieldError[] {
  const out: FieldError[] = []
  const allowed = orgKind === undefined ? undefined : (kindsByOrganizationKind[orgKind] ?? [])
  if (o.kind === 'certificate')
    out.push({
      path: `${base}/kind`,
      message: 'certificate entries come only from issued 1+X certificates',
    })
  else if (allowed && !allowed.includes(o.kind))
    out.push({ path: `${base}/kind`, message: `a ${orgKind} may not post ${o.kind} outcomes` })
  if (o.kind === 'course') {
    if (o.credits === undefined && o.hours === undefined)
      out.push({ path: `${base}/credits`, message: 'a course carries credits or hours' })
    if (!o.grade) out.push({ path: `${base}/grade`, message: 'a course carries a grade' })
  }
  if ((o.kind === 'training' || o.kind === 'work') && o.hours === undefined)
    out.push({ path: `${base}/hours`, message: `${o.kind} carries hours` })
  if (o.kind === 'competition' && !o.level)
    out.push({ path: `${base}/level`, message: 'a competition carries the level of the award' })
  if (
    o.grade &&
    /^\d+(\.\d+)?$/.test(o.grade.score) &&
    /^\d+(\.\d+)?$/.test(o.grade.scale) &&
    Number(o.grade.score) > Number(o.grade.scale)
  ) {
    out.push({ path: `${base}/grade/score`, message: 'is above the scale' })
  }
  if (o.occurredOn > today) out.push({ path: `${base}/occurredOn`, message: 'is in the future' })
  if (o.occurredOn < '1950-01-01')
    out.push({ path: `${base}/occurredOn`, message: 'is before 1950' })
  return out
}

/** OutcomeItem's fields in canonical (sorted) order, each with its `"key":` prefix. */
const CONTENT_KEYS = Object.keys(OutcomeItem.properties)
  .sort()
  .map((k) => [k as keyof OutcomeInput, `${JSON.stringify(k)}:`] as const)

/**
 * What identifies the content of a posting, for externalRef idempotency: same content, same hash.
 * sha256 of canonicalJson of the item with credits and hours at their scale (absent ones as null)
 * and the title in NFC — built field by field in sorted order rather than through a copy and a sort.
 */
export function contentHash(o: OutcomeInput) {
  let out = ''
  for (const [k, prefix] of CONTENT_KEYS) {
    const v =
      k === 'credits'
        ? fixedScale(o.credits, CREDITS_SCALE)
        : k === 'hours'
          ? fixedScale(o.hours, HOURS_SCALE)
          : k === 'title'
            ? o.title.normalize('NFC')
            : o[k]
    if (v === undefined) continue
    out += `${out ? ',' : ''}${prefix}${canonicalJson(v)}`
  }
  return createHash('sha256').update(`{${out}}`).digest('hex')
}

export interface PostingResult {
  status: 200 | 201
  entries: LedgerEntryRow[]
  created: number
  existing: number
}

/** One caller's posting: a single outcome or a batch, all or nothing. */
export interface PostingRequest {
  orgId: string
  actor: string
  items: unknown[]
  single: boolean
}

/**
 * Posts outcomes for the caller's organization: everything is validated first (every bad item
 * named, nothing written), then all are written in the caller's transaction. An externalRef
 * already posted with the same content answers the existing entry; with other content, 409.
 */
export async function postOutcomes(
  trx: Transaction<AccountsDB>,
  items: unknown[],
  orgId: string,
  actor: string,
  source: string,
  single: boolean,
): Promise<PostingResult> {
  const [res] = await postRequests(trx, [{ orgId, actor, items, single }], { source })
  if (res instanceof Error) throw res
  return res!
}

/**
 * Several independent postings in one transaction (the combined single postings of
 * PostingCombiner): each is validated and answered on its own — a bad one is answered with its
 * error and writes nothing — while the reads and writes of all are set-wise, a handful of
 * statements for the lot. Two requests of one call must not share an externalRef of the same
 * organization (the combiner keeps them apart).
 */
/** Where postings' events go (the service's CloudEvents source) and what else their statement inserts. */
export interface PostingOutput {
  source: string
  /** Inserts built from the answers (remembered Idempotency-Keys), sent with the entries. */
  also?: (results: (PostingResult | AppError)[]) => (AlsoInsert | undefined)[]
}

export async function postRequests(
  trx: Transaction<AccountsDB>,
  requests: PostingRequest[],
  out: PostingOutput,
): Promise<(PostingResult | AppError)[]> {
  if (requests.length === 0) return []
  const orgs = new Map(
    (await findOrganizations(trx, [...new Set(requests.map((r) => r.orgId))])).map((o) => [
      o.id,
      o,
    ]),
  )
  const today = chinaDate()
  const results: (PostingResult | AppError)[] = []
  const checked = requests.map((r, n) => {
    const org = orgs.get(r.orgId)
    if (!org) results[n] = accountsErrors.ACCOUNTS_ORGANIZATION_UNKNOWN()
    return org ? checkItems(r, org.kind, today) : undefined
  })
  // Locking writes nothing; it also says which learners exist (an account exists with its learner).
  const heads = await lockAccounts(
    trx,
    checked.flatMap((c) => (c ? c.valid.filter(Boolean).map((o) => o.learnerId) : [])),
  )
  const refs = checked.flatMap((c, n) =>
    c ? [...c.refs.keys()].map((ref) => ({ org: requests[n]!.orgId, ref })) : [],
  )
  // After the lock: a concurrent posting of the same ref for the same learner has committed or waits.
  const existingByRef = new Map(
    (await findByExternalRefs(trx, refs)).map((e) => [`${e.org_id} ${e.external_ref}`, e]),
  )
  const fresh: { n: number; at: number; o: OutcomeInput; hash: string }[] = []
  checked.forEach((c, n) => {
    if (!c) return
    const r = requests[n]!
    const base = (i: number) => (r.single ? '' : `/items/${i}`)
    const fail = (errors: FieldError[]) =>
      r.single
        ? accountsErrors.ACCOUNTS_OUTCOME_INVALID(undefined, errors)
        : accountsErrors.ACCOUNTS_BATCH_INVALID(undefined, errors)
    c.valid.forEach((o, i) => {
      if (o && !heads.has(o.learnerId))
        c.errors.push({ path: `${base(i)}/learnerId`, message: 'no such learner' })
    })
    if (c.errors.length) {
      results[n] = fail(c.errors)
      return
    }
    const conflicts: FieldError[] = []
    const entries: LedgerEntryRow[] = []
    const mine: typeof fresh = []
    for (const [i, o] of c.valid.entries()) {
      const hash = contentHash(o)
      const existing =
        o.externalRef === undefined ? undefined : existingByRef.get(`${r.orgId} ${o.externalRef}`)
      if (!existing) mine.push({ n, at: i, o, hash })
      else if (existing.content_hash !== hash)
        conflicts.push({
          path: `${base(i)}/externalRef`,
          message: `already posted as entry ${existing.id} with other content`,
        })
      else entries[i] = existing
    }
    if (conflicts.length) {
      results[n] = accountsErrors.ACCOUNTS_EXTERNAL_REF_CONFLICT(undefined, conflicts)
      return
    }
    fresh.push(...mine)
    results[n] = {
      status: mine.length > 0 ? 201 : 200,
      entries,
      created: mine.length,
      existing: entries.filter(Boolean).length,
    }
  })
  // The entries, their events and the caller's own inserts (remembered answers) in one statement.
  await appendEntries(
    trx,
    heads,
    fresh.map(({ n, o, hash }) =>
      draft({
        learner_id: o.learnerId,
        code: 'outcome.posted',
        kind: o.kind,
        balance_kind: o.kind,
        org_id: requests[n]!.orgId,
        title: o.title,
        outcome_code: o.code ?? null,
        credits: fixedScale(o.credits, CREDITS_SCALE),
        hours: fixedScale(o.hours, HOURS_SCALE),
        grade_score: o.grade?.score ?? null,
        grade_scale: o.grade?.scale ?? null,
        level: o.level ?? null,
        category: o.category ?? null,
        occurred_on: o.occurredOn,
        external_ref: o.externalRef ?? null,
        content_hash: hash,
        posted_by: requests[n]!.actor,
      }),
    ),
    (rows) => {
      rows.forEach((row, j) => {
        const { n, at } = fresh[j]!
        ;(results[n] as PostingResult).entries[at] = row
      })
      return [
        outboxInsert(trx, out.source, rows.map(outcomePostedEvent)).query,
        ...(out.also?.(results) ?? []),
      ]
    },
  )
  return results
}

/** A request's items checked on their own (schema, kind rules, refs repeated within it). */
function checkItems(r: PostingRequest, orgKind: string, today: string) {
  const base = (i: number) => (r.single ? '' : `/items/${i}`)
  const errors: FieldError[] = []
  const valid: OutcomeInput[] = []
  const refs = new Map<string, number>()
  for (const [i, item] of r.items.entries()) {
    const se = schemaErrors(item, base(i))
    if (se.length) {
      errors.push(...se)
      continue
    }
    const o = item as OutcomeInput
    errors.push(...kindErrors(o, base(i), orgKind, today))
    if (o.externalRef !== undefined) {
      const first = refs.get(o.externalRef)
      if (first !== undefined)
        errors.push({ path: `${base(i)}/externalRef`, message: `repeats item ${first}` })
      else refs.set(o.externalRef, i)
    }
    valid[i] = o
  }
  return { errors, valid, refs }
}
