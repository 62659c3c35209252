import type { Kysely, Transaction } from 'kysely'

/** Rows sealed per transaction: a replica starting beside another takes the rows it does not lock. */
export const SEAL_AT_START_BATCH = 500

/** Rows set aside before the sealing stops for this start: that many failing means a wrong key, not bad rows. */
const MAX_SET_ASIDE = 1_000

/**
 * The migration to per-learner keys that runs at start (decision 0730), one batch a transaction
 * until no unsealed row is left. Idempotent: a sealed row is not taken again. A row that cannot be
 * sealed is set aside and named, and the others go on: one bad row must not keep a service from
 * starting; it is tried again at the next start.
 */
export async function sealAtStart<DB, R extends { id: string }>(
  db: Kysely<DB>,
  step: {
    take(trx: Transaction<DB>, setAside: string[], limit: number): Promise<R[]>
    seal(trx: Transaction<DB>, rows: R[]): Promise<string[]>
  },
) {
  const setAside: string[] = []
  let sealed = 0
  while (setAside.length < MAX_SET_ASIDE) {
    const taken = await db.transaction().execute(async (trx) => {
      const rows = await step.take(trx, setAside, SEAL_AT_START_BATCH)
      if (rows.length === 0) return 0
      const failed = await step.seal(trx, rows)
      setAside.push(...failed)
      sealed += rows.length - failed.length
      return rows.length
    })
    if (taken < SEAL_AT_START_BATCH) break
  }
  return { sealed, setAside }
}
