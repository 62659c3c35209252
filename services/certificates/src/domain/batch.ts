import type { Kysely, Transaction } from 'kysely'
import { holderNamesOf } from '../db/certificate.repository.js'
import type { CertificatesDB } from '../db/schema.js'
import { type HolderNameKeys, unsealHolderName } from './holder-name.js'
import type { Issued } from './issuance.js'

/** A batch's answer: each row, with the account number where the learner was found by 身份证号. */
export function batchAnswer(issued: Issued[], accountNos: (string | null)[]) {
  const created = issued.filter((i) => i.created).length
  return {
    status: created > 0 ? 201 : 200,
    body: {
      items: issued.map((i) => ({ ...i, accountNo: accountNos[i.index] ?? null })),
      created,
      existing: issued.length - created,
      dryRun: false,
    },
  }
}

class Rollback<T> extends Error {
  constructor(readonly value: T) {
    super('dry run: rolled back')
  }
}

/**
 * Runs `work` exactly as a real request would, in a transaction that is then rolled back: the
 * preview is what would be written at that moment (every check, conflicts included), and nothing
 * is. It takes the same counter locks as a real batch, for as long as the batch takes.
 */
export async function dryRun<T>(
  db: Kysely<CertificatesDB>,
  work: (trx: Transaction<CertificatesDB>) => Promise<T>,
): Promise<T> {
  try {
    await db.transaction().execute(async (trx) => {
      throw new Rollback(await work(trx))
    })
  } catch (err) {
    if (err instanceof Rollback) return err.value as T
    throw err
  }
  throw new Error('a dry run cannot commit')
}

/** New certificates have no id or number until they are issued for real: the preview says null. */
export function previewOf(out: ReturnType<typeof batchAnswer>) {
  return {
    ...out.body,
    dryRun: true,
    items: out.body.items.map((i) => (i.created ? { ...i, id: null, number: null } : i)),
  }
}

type Rows = { items: { id: string; holderName: string }[] }

/**
 * What a batch's Idempotency-Key remembers: its rows without the holders' names, which are kept
 * only sealed under the holders' keys (decision 0730).
 */
export function rememberRows<B extends Rows>(body: B) {
  return { ...body, items: body.items.map(({ holderName: _n, ...rest }) => rest) }
}

/** A remembered batch as answered: each row's name read again and opened (all holders' keys at once). */
export const recallRows =
  (keys: HolderNameKeys) =>
  async <B extends Rows>(remembered: unknown, trx: Transaction<CertificatesDB>): Promise<B> => {
    const body = remembered as B
    const rows = await holderNamesOf(
      trx,
      body.items.map((i) => i.id),
    )
    const byLearner = await keys.learners.getMany(
      trx,
      rows.map((r) => r.learner_id),
    )
    const names = new Map(
      rows.map((r) => [r.id, unsealHolderName(byLearner.get(r.learner_id), r.holder_name_sealed)]),
    )
    return { ...body, items: body.items.map((i) => ({ ...i, holderName: names.get(i.id) ?? '' })) }
  }
