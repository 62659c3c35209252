import { keyedHash, LearnerKeys, openFor, sealFor } from '@creditbank/service-kit'
import type { Kysely } from 'kysely'
import type { AccountsDB } from '../db/schema.js'
import { maskNationalId } from './national-id.js'

/** What accounts holds about a person, sealed as one value under their key (decision 0730). */
export interface Personal {
  name: string
  nationalId: string
  birthDate: string
}

export function learnerKeys(piiKey: Buffer) {
  return new LearnerKeys(piiKey, 'accounts')
}

/**
 * The keyed hash a name is compared by: with the birth date, so a search by name and birth date
 * and a check of the name given with a 身份证号 use the same column.
 */
export function nameHashOf(piiKey: Buffer, name: string, birthDate: string) {
  return keyedHash(piiKey, `name\u0000${birthDate}\u0000${name}`)
}

export function sealPersonal(key: Buffer, p: Personal) {
  return sealFor(
    key,
    JSON.stringify({ name: p.name, nationalId: p.nationalId, birthDate: p.birthDate }),
  )
}

export function openPersonal(key: Buffer | null | undefined, sealed: string | null) {
  const text = openFor(key, sealed)
  return text === null ? null : (JSON.parse(text) as Personal)
}

/** The personal data of these learners, opened under their keys; erased learners are absent. */
export async function personalOf(
  db: Kysely<AccountsDB>,
  piiKey: Buffer,
  rows: { id: string; personal_sealed: string | null }[],
) {
  const keys = await learnerKeys(piiKey).getMany(
    db,
    rows.filter((r) => r.personal_sealed !== null).map((r) => r.id),
  )
  const out = new Map<string, Personal>()
  for (const r of rows) {
    const p = openPersonal(keys.get(r.id), r.personal_sealed)
    if (p) out.set(r.id, p)
  }
  return out
}

/** What another service may show of a learner: the name and masked number, or nulls once erased. */
export interface PersonalView {
  learnerId: string
  name: string | null
  nationalIdMasked: string | null
  erased: boolean
}

/**
 * The name and masked 身份证号 of these learners, for the platform's own services that show them
 * (portfolio, recognition; decision 0730). An erased learner and an unknown id answer nulls, so a
 * replay after an erasure cannot bring a name back. A machine read for a projection: not written
 * to the learner's "who looked" log.
 */
export async function personalViews(
  db: Kysely<AccountsDB>,
  piiKey: Buffer,
  ids: readonly string[],
): Promise<PersonalView[]> {
  const unique = [...new Set(ids)]
  const rows = unique.length
    ? await db
        .selectFrom('learner')
        .select(['id', 'personal_sealed', 'erased_at'])
        .where('id', 'in', unique)
        .execute()
    : []
  const opened = await personalOf(db, piiKey, rows)
  const erased = new Set(rows.filter((r) => r.erased_at !== null).map((r) => r.id))
  return unique.map((id) => {
    const p = erased.has(id) ? undefined : opened.get(id)
    return {
      learnerId: id,
      name: p?.name ?? null,
      nationalIdMasked: p ? maskNationalId(p.nationalId) : null,
      erased: erased.has(id),
    }
  })
}
