import { now } from '@creditbank/contracts'
import type { FastifyInstance } from 'fastify'
import { type Kysely, sql, type Transaction } from 'kysely'

/**
 * One kind of data kept no longer than needed (PIPL Art. 19; the schedules and their reasons are
 * in decision 0727). `sweep` removes at most `limit` rows that had expired at `at`, in the given
 * transaction, and answers how many it removed. It selects them `FOR UPDATE SKIP LOCKED`, so a row
 * a request holds is left for the next run instead of waiting for it.
 */
export interface RetentionRule<DB> {
  name: string
  sweep(trx: Transaction<DB>, at: Date, limit: number): Promise<number>
}

export interface RetentionOptions {
  /** Rows per transaction: a run never holds many locks or a long transaction. */
  batch?: number
  /** Batches per rule per run: a large backlog is worked off over several runs. */
  maxBatches?: number
}

/** Removed rows per rule; a rule another replica was sweeping is absent. */
export type RetentionCounts = Record<string, number>

/**
 * Runs each rule in bounded batches, one transaction a batch. A batch first takes a
 * transaction-scoped advisory lock named by the service and the rule, without waiting: with two
 * replicas, one sweeps a rule and the other skips it (it is not an error, nothing is lost — the
 * rows are there at the next run). The clock is the one of @creditbank/contracts, so tests move it.
 */
export async function runRetention<DB>(
  db: Kysely<DB>,
  service: string,
  rules: readonly RetentionRule<DB>[],
  o: RetentionOptions = {},
): Promise<RetentionCounts> {
  const batch = o.batch ?? 500
  const maxBatches = o.maxBatches ?? 20
  const counts: RetentionCounts = {}
  for (const rule of rules) {
    const at = now()
    let total = 0
    for (let i = 0; i < maxBatches; i++) {
      const removed = await db.transaction().execute(async (trx) => {
        const { rows } = await sql<{
          locked: boolean
        }>`select pg_try_advisory_xact_lock(hashtext(${`retention:${service}:${rule.name}`})) as locked`.execute(
          trx,
        )
        if (!rows[0]?.locked) return null
        return rule.sweep(trx, at, batch)
      })
      if (removed === null) break
      total += removed
      if (removed < batch) {
        counts[rule.name] = total
        break
      }
      counts[rule.name] = total
    }
  }
  return counts
}

/** `years` calendar years before `at` (a 3-year log kept from 7 March is removed after 7 March). */
export function yearsBefore(at: Date, years: number): Date {
  const d = new Date(at.getTime())
  d.setUTCFullYear(d.getUTCFullYear() - years)
  return d
}

export function daysBefore(at: Date, days: number): Date {
  return new Date(at.getTime() - days * 86_400_000)
}

/**
 * Runs the rules every `everyMs` (default hourly) while the service is up, first soon after it is
 * ready; the timer does not keep the process alive. A failed run is logged and tried again at the
 * next tick. Answers the run itself, for tests and operators.
 */
export function scheduleRetention<DB>(
  app: FastifyInstance,
  db: Kysely<DB>,
  service: string,
  rules: readonly RetentionRule<DB>[],
  o: RetentionOptions & { everyMs?: number; start?: boolean } = {},
): () => Promise<RetentionCounts> {
  const run = () => runRetention(db, service, rules, o)
  if (o.start === false) return run
  let timer: NodeJS.Timeout | undefined
  let first: NodeJS.Timeout | undefined
  let running: Promise<unknown> | undefined
  const tick = () => {
    if (running) return
    running = run()
      .then((counts) => {
        if (Object.values(counts).some((n) => n > 0))
          app.log.info({ retention: counts }, 'expired rows removed')
      })
      .catch((err) => app.log.warn({ err }, 'retention run failed; tried again at the next tick'))
      .finally(() => {
        running = undefined
      })
  }
  app.addHook('onReady', async () => {
    timer = setInterval(tick, o.everyMs ?? 3_600_000)
    timer.unref()
    first = setTimeout(tick, 30_000)
    first.unref()
  })
  app.addHook('onClose', async () => {
    clearInterval(timer)
    clearTimeout(first)
    await running
  })
  return run
}
