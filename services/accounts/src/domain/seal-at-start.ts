import { decrypt, sealAtStart } from '@creditbank/service-kit'
import type { Kysely } from 'kysely'
import type { AccountsDB } from '../db/schema.js'
import { learnerKeys, nameHashOf, sealPersonal } from './personal.js'

/**
 * accounts' part of the migration to per-learner keys (decision 0730): each learner opened before
 * it gets a key, their name, 身份证号 (opened from its service-key copy) and birth date are sealed
 * under it, the name's keyed hash is written, and the four clear columns are cleared. A row whose
 * 身份证号 does not open under this key, or with a clear field missing, is set aside.
 */
export async function sealLearnersAtStart(db: Kysely<AccountsDB>, piiKey: Buffer) {
  const keys = learnerKeys(piiKey)
  return sealAtStart(db, {
    take: (trx, setAside, limit) => {
      let q = trx
        .selectFrom('learner')
        .select(['id', 'name', 'national_id_sealed', 'birth_date'])
        .where('personal_sealed', 'is', null)
        .where('erased_at', 'is', null)
      if (setAside.length > 0) q = q.where('id', 'not in', setAside)
      return q.orderBy('id').limit(limit).forUpdate().skipLocked().execute()
    },
    seal: async (trx, rows) => {
      const failed: string[] = []
      const byId = await keys.ensureMany(
        trx,
        rows.map((r) => r.id),
      )
      for (const r of rows) {
        const key = byId.get(r.id)
        const personal = openLegacy(piiKey, r)
        if (!key || !personal) {
          failed.push(r.id)
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
      }
      return failed
    },
  })
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
