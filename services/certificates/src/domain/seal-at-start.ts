import { decrypt, sealAtStart, sealFor } from '@creditbank/service-kit'
import { type Kysely, sql } from 'kysely'
import { type CertificatesDB, SCHEMA } from '../db/schema.js'
import { type HolderNameKeys, sealHolderName } from './holder-name.js'

const certificateTable = sql.table(`${SCHEMA}.certificate`)

/**
 * certificates' part of the migration to per-learner keys (decision 0730): each certificate
 * written before it has its holder's name (sealed under the service key) and its revocation
 * reason (clear) moved to the legacy columns by the migration; here they are sealed under the
 * holder's key, one batch of rows a transaction, and the legacy columns cleared. A holder erased
 * before has no key: their values are cleared, not sealed. A name that does not open under this
 * key sets its certificate aside, left as it was.
 */
export async function sealCertificatesAtStart(db: Kysely<CertificatesDB>, keys: HolderNameKeys) {
  return sealAtStart(db, {
    take: (trx, setAside, limit) => {
      let q = trx
        .selectFrom('certificate')
        .select(['id', 'learner_id', 'holder_name_legacy', 'revocation_reason_legacy'])
        .where((eb) =>
          eb.or([
            eb('holder_name_legacy', 'is not', null),
            eb('revocation_reason_legacy', 'is not', null),
          ]),
        )
      if (setAside.length > 0) q = q.where('id', 'not in', setAside)
      return q.orderBy('id').limit(limit).forUpdate().skipLocked().execute()
    },
    seal: async (trx, rows) => {
      const byLearner = await keys.learners.ensureMany(trx, rows.map((r) => r.learner_id).sort())
      const failed: string[] = []
      const done: { id: string; name: string | null; reason: string | null }[] = []
      for (const r of rows) {
        const key = byLearner.get(r.learner_id)
        if (!key) {
          done.push({ id: r.id, name: null, reason: null })
          continue
        }
        const name = openLegacy(keys.sealKey, r.holder_name_legacy)
        if (name === undefined) {
          failed.push(r.id)
          continue
        }
        done.push({
          id: r.id,
          name: name === null ? null : sealHolderName(key, name),
          reason:
            r.revocation_reason_legacy === null ? null : sealFor(key, r.revocation_reason_legacy),
        })
      }
      if (done.length > 0)
        await sql`update ${certificateTable} c set holder_name_sealed = v.name,
            revocation_reason = v.reason, holder_name_legacy = null, revocation_reason_legacy = null
          from unnest(${done.map((d) => d.id)}::uuid[], ${done.map((d) => d.name)}::text[],
            ${done.map((d) => d.reason)}::text[]) as v(id, name, reason)
          where c.id = v.id`.execute(trx)
      return failed
    },
  })
}

/** A name as the code before per-learner keys sealed it: null if none, undefined if it does not open. */
function openLegacy(sealKey: Buffer, sealed: string | null) {
  if (sealed === null) return null
  try {
    return decrypt(sealKey, sealed)
  } catch {
    return undefined
  }
}
