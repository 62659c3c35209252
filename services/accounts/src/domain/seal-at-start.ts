import { decrypt } from '@creditbank/service-kit'
import type { Kysely } from 'kysely'
import type { AccountsDB } from '../db/schema.js'
import { learnerKeys, nameHashOf, sealPersonal } from './personal.js'

/** Rows sealed per transaction: a replica starting beside another takes the rows it does not lock. */
const BATCH = 500

/** Rows set aside before the sealing stops for this start: that many failing means a wrong key, not bad rows. */
const MAX_SET_ASIDE = 1_000

/**
 * The migration to per-learner keys that runs at start (decision 0730): each learner opened
 * before it gets a key, their name, 身份证号 (opened from its service-key copy) and birth date are
 * sealed under it, the name's keyed hash is written, and the four clear columns are cleared.
 * Idempotent: a sealed row is not taken again.
 *
 * A row that cannot be sealed (its 身份证号 does not open under this key, a clear field is missing)
 * is set aside and named, and the others go on: one bad row must not keep the service from
 * starting. It stays as it was, unreadable through the API, and is tried again at the next start.
 */
export async function sealLearnersAtStart(db: Kysely<AccountsDB>, piiKey: Buffer) {
  const keys = learnerKeys(piiKey)
  const setAside: string[] = []
  let sealed = 0
  while (setAside.length < MAX_SET_ASIDE) {
    const n = await db.transaction().execute(async (trx) => {
      let q = trx
        .selectFrom('learner')
        .select(['id', 'name', 'national_id_sealed', 'birth_date'])
        .where('personal_sealed', 'is', null)
        .where('erased_at', 'is', null)
      if (setAside.length > 0) q = q.where('id', 'not in', setAside)
      const rows = await q.orderBy('id').limit(BATCH).forUpdate().skipLocked().execute()
      if (rows.length === 0) return 0
      const byId = await keys.ensureMany(
        trx,
        rows.map((r) => r.id),
      )
      for (const r of rows) {
        const key = byId.get(r.id)
        const personal = openLegacy(piiKey, r)
        if (!key || !personal) {
          setAside.push(r.id)
          continue
        }
        await trx
          .updateTable('learner')
          .set({
            personal_sealed: sealPersonal(key, personal),
            name_hash: nameHashOf(piiKey, personal.name, personal.birthDate),
            name: null,
            national_id_sealed: null,
            national_id_masked: null,
            birth_date: null,
          })
          .where('id', '=', r.id)
          .execute()
        sealed += 1
      }
      return rows.length
    })
    if (n < BATCH) break
  }
  return { sealed, setAside }
}

/** A row's clear fields as the code before per-learner keys kept them, or undefined if they do not open. */
function openLegacy(
  piiKey: Buffer,
  r: { name: string | null; national_id_sealed: string | null; birth_date: unknown },
) {
  if (r.name === null || r.national_id_sealed === null || r.birth_date === null) return undefined
  try {
    return {
      name: r.name,
      nationalId: decrypt(piiKey, r.national_id_sealed),
      birthDate: String(r.birth_date),
    }
  } catch {
    return undefined
  }
}
