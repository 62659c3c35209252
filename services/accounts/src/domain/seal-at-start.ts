import { decrypt } from '@creditbank/service-kit'
import type { Kysely } from 'kysely'
import type { AccountsDB } from '../db/schema.js'
import { learnerKeys, nameHashOf, sealPersonal } from './personal.js'

/** Rows sealed per transaction: a replica starting beside another takes the rows it does not lock. */
const BATCH = 500

/**
 * The migration to per-learner keys that runs at start (decision 0730): each learner opened
 * before it gets a key, their name, 身份证号 (opened from its service-key copy) and birth date are
 * sealed under it, the name's keyed hash is written, and the four clear columns are cleared.
 * Idempotent: a sealed row is not taken again. Returns how many rows it sealed.
 */
export async function sealLearnersAtStart(db: Kysely<AccountsDB>, piiKey: Buffer) {
  const keys = learnerKeys(piiKey)
  let sealed = 0
  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('learner')
        .select(['id', 'name', 'national_id_sealed', 'birth_date'])
        .where('personal_sealed', 'is', null)
        .where('erased_at', 'is', null)
        .orderBy('id')
        .limit(BATCH)
        .forUpdate()
        .skipLocked()
        .execute()
      if (rows.length === 0) return 0
      const byId = await keys.ensureMany(
        trx,
        rows.map((r) => r.id),
      )
      for (const r of rows) {
        const key = byId.get(r.id)
        if (!key || r.name === null || r.national_id_sealed === null || r.birth_date === null)
          throw new Error(`learner ${r.id} cannot be sealed: its key or clear fields are missing`)
        const birthDate = String(r.birth_date)
        await trx
          .updateTable('learner')
          .set({
            personal_sealed: sealPersonal(key, {
              name: r.name,
              nationalId: decrypt(piiKey, r.national_id_sealed),
              birthDate,
            }),
            name_hash: nameHashOf(piiKey, r.name, birthDate),
            name: null,
            national_id_sealed: null,
            national_id_masked: null,
            birth_date: null,
          })
          .where('id', '=', r.id)
          .execute()
      }
      return rows.length
    })
    sealed += n
    if (n < BATCH) return sealed
  }
}
