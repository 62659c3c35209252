import { createHash } from 'node:crypto'
import type { FieldError } from '@creditbank/contracts'
import { Credits, DateOnly, Hours, Id, OutcomeKind } from '@creditbank/contracts'
import type { Kysely } from 'kysely'
import Type, { type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import { findByExternalRefs, lockAccounts } from '../db/ledger.repository.js'
import { findOrganization } from '../db/organization.repository.js'
import type { AccountsDB, LedgerEntryRow } from '../db/schema.js'
import { canonicalJson } from './chain.js'
import { credits as toCredits, hours as toHours } from './decimal.js'
import { accountsErrors } from './errors.js'
import { appendEntries, draft, outcomePostedEvent, type Publish } from './ledger.js'

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
    grade: Type.Optional(Type.Object({ score: Text(20), scale: Text(20) }, { additionalProperties: false })),
    level: Type.Optional(Text(40)),
    category: Type.Optional(Text(40)),
    occurredOn: DateOnly,
    externalRef: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\x21-\\x7e]+$' })),
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

/** Today in China (UTC+8): an outcome dated today in Zhengzhou is not in the future. */
export function todayInChina(now = new Date()) {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)
}

function schemaErrors(item: unknown, base: string): FieldError[] {
  if (checkItem.Check(item)) return []
  const seen = new Set<string>()
  const out: FieldError[] = []
  for (const e of checkItem.Errors(item)) {
    if (e.keyword === 'boolean') continue
    const p = e.params as Record<string, unknown>
    let path = e.instancePath
    if (Array.isArray(p.requiredProperties) && p.requiredProperties.length) path += `/${p.requiredProperties[0]}`
    if (Array.isArray(p.additionalProperties) && p.additionalProperties.length) path += `/${p.additionalProperties[0]}`
    const full = `${base}${path}`
    if (seen.has(full)) continue
    seen.add(full)
    out.push({ path: full, message: e.keyword === 'additionalProperties' ? 'is not a known field' : (e.message ?? 'is invalid') })
  }
  return out
}

/** The rules of each kind that a schema cannot say. */
function kindErrors(o: OutcomeInput, base: string, orgKind: string | undefined, today: string): FieldError[] {
  const out: FieldError[] = []
  const allowed = orgKind === undefined ? undefined : kindsByOrganizationKind[orgKind] ?? []
  if (o.kind === 'certificate') out.push({ path: `${base}/kind`, message: 'certificate entries come only from issued 1+X certificates' })
  else if (allowed && !allowed.includes(o.kind)) out.push({ path: `${base}/kind`, message: `a ${orgKind} may not post ${o.kind} outcomes` })
  if (o.kind === 'course') {
    if (o.credits === undefined && o.hours === undefined) out.push({ path: `${base}/credits`, message: 'a course carries credits or hours' })
    if (!o.grade) out.push({ path: `${base}/grade`, message: 'a course carries a grade' })
  }
  if ((o.kind === 'training' || o.kind === 'work') && o.hours === undefined) out.push({ path: `${base}/hours`, message: `${o.kind} carries hours` })
  if (o.kind === 'competition' && !o.level) out.push({ path: `${base}/level`, message: 'a competition carries the level of the award' })
  if (o.grade && /^\d+(\.\d+)?$/.test(o.grade.score) && /^\d+(\.\d+)?$/.test(o.grade.scale) && Number(o.grade.score) > Number(o.grade.scale)) {
    out.push({ path: `${base}/grade/score`, message: 'is above the scale' })
  }
  if (o.occurredOn > today) out.push({ path: `${base}/occurredOn`, message: 'is in the future' })
  if (o.occurredOn < '1950-01-01') out.push({ path: `${base}/occurredOn`, message: 'is before 1950' })
  return out
}

/** What identifies the content of a posting, for externalRef idempotency: same content, same hash. */
export function contentHash(o: OutcomeInput) {
  const normal = { ...o, credits: toCredits(o.credits), hours: toHours(o.hours), title: o.title.normalize('NFC') }
  return createHash('sha256').update(canonicalJson(normal)).digest('hex')
}

export interface PostingResult {
  status: 200 | 201
  entries: LedgerEntryRow[]
  created: number
  existing: number
}

/**
 * Posts outcomes for the caller's organization: everything is validated first (every bad item
 * named, nothing written), then all are written in the caller's transaction. An externalRef
 * already posted with the same content answers the existing entry; with other content, 409.
 */
export async function postOutcomes(trx: Kysely<AccountsDB>, items: unknown[], orgId: string, actor: string, publish: Publish, single: boolean): Promise<PostingResult> {
  const base = (i: number) => (single ? '' : `/items/${i}`)
  const fail = (errors: FieldError[]) => (single ? accountsErrors.ACCOUNTS_OUTCOME_INVALID(undefined, errors) : accountsErrors.ACCOUNTS_BATCH_INVALID(undefined, errors))
  const org = await findOrganization(trx, orgId)
  if (!org) throw accountsErrors.ACCOUNTS_ORGANIZATION_UNKNOWN()
  const today = todayInChina()
  const errors: FieldError[] = []
  const valid: OutcomeInput[] = []
  const refs = new Map<string, number>()
  for (const [i, item] of items.entries()) {
    const se = schemaErrors(item, base(i))
    if (se.length) {
      errors.push(...se)
      continue
    }
    const o = item as OutcomeInput
    errors.push(...kindErrors(o, base(i), org.kind, today))
    if (o.externalRef !== undefined) {
      const first = refs.get(o.externalRef)
      if (first !== undefined) errors.push({ path: `${base(i)}/externalRef`, message: `repeats item ${first}` })
      else refs.set(o.externalRef, i)
    }
    valid[i] = o
  }
  // Locking writes nothing; it also says which learners exist (an account exists with its learner).
  const heads = await lockAccounts(trx, valid.filter(Boolean).map((o) => o.learnerId))
  valid.forEach((o, i) => {
    if (o && !heads.has(o.learnerId)) errors.push({ path: `${base(i)}/learnerId`, message: 'no such learner' })
  })
  if (errors.length) throw fail(errors)
  // After the lock: a concurrent posting of the same ref for the same learner has committed or waits.
  const hashes = valid.map(contentHash)
  const existingByRef = new Map((await findByExternalRefs(trx, orgId, [...refs.keys()])).map((e) => [e.external_ref!, e]))
  const conflicts: FieldError[] = []
  const out: LedgerEntryRow[] = []
  const fresh: { at: number; o: OutcomeInput; hash: string }[] = []
  for (const [i, o] of valid.entries()) {
    const existing = o.externalRef === undefined ? undefined : existingByRef.get(o.externalRef)
    if (!existing) fresh.push({ at: i, o, hash: hashes[i]! })
    else if (existing.content_hash !== hashes[i]) conflicts.push({ path: `${base(i)}/externalRef`, message: `already posted as entry ${existing.id} with other content` })
    else out[i] = existing
  }
  if (conflicts.length) throw accountsErrors.ACCOUNTS_EXTERNAL_REF_CONFLICT(undefined, conflicts)
  const rows = await appendEntries(
    trx,
    heads,
    fresh.map(({ o, hash }) =>
      draft({
        learner_id: o.learnerId,
        code: 'outcome.posted',
        kind: o.kind,
        balance_kind: o.kind,
        org_id: orgId,
        title: o.title,
        outcome_code: o.code ?? null,
        credits: toCredits(o.credits),
        hours: toHours(o.hours),
        grade_score: o.grade?.score ?? null,
        grade_scale: o.grade?.scale ?? null,
        level: o.level ?? null,
        category: o.category ?? null,
        occurred_on: o.occurredOn,
        external_ref: o.externalRef ?? null,
        content_hash: hash,
        posted_by: actor,
      }),
    ),
  )
  rows.forEach((r, j) => {
    out[fresh[j]!.at] = r
  })
  await publish(trx, rows.map(outcomePostedEvent))
  return { status: rows.length > 0 ? 201 : 200, entries: out, created: rows.length, existing: out.length - rows.length }
}
