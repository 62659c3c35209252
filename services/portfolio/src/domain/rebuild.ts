import type { EventConsumer, Transport } from '@creditbank/events'
import type { FastifyBaseLogger as Logger } from 'fastify'
import type { Kysely } from 'kysely'
import type { PortfolioDB } from '../db/schema.js'

export interface RebuildOptions {
  db: Kysely<PortfolioDB>
  transport: Transport
  groupId: string
  topics: string[]
  /** The group's projection: emptied before the replay. */
  tables: readonly (keyof PortfolioDB & string)[]
  /** A running consumer of the group: stopped first (Kafka resets only an empty group), started again after. */
  consumer?: EventConsumer
  logger: Logger
  /** Bound on waiting for the group to empty after its consumer left. */
  resetTimeoutMs?: number
}

/**
 * Drops a projection (the timeline's, or the oversight figures') and replays it from the topics. Offsets go back to the start
 * first, then the projection and the group's inbox rows are deleted in one transaction: a crash
 * between the two leaves the old projection with rewound offsets, which the inbox turns into
 * no-ops, so every point of the sequence is safe to re-run. Owned state (signing keys, status
 * lists and their bits, evidence, shares) is never touched.
 */
export async function rebuildProjection(o: RebuildOptions) {
  const log = o.logger.child({ component: 'rebuild' })
  await o.consumer?.stop()
  const until = Date.now() + (o.resetTimeoutMs ?? 60_000)
  for (const topic of o.topics) {
    for (;;) {
      try {
        await o.transport.resetOffsets(o.groupId, topic)
        break
      } catch (err) {
        // The broker refuses while the group still has members (a leaving consumer, or a running service).
        if (Date.now() > until)
          throw new Error(
            `cannot rewind ${topic} for ${o.groupId}: is the portfolio service still running? (${String(err)})`,
          )
        await new Promise((r) => setTimeout(r, 500))
      }
    }
  }
  const deleted = await o.db.transaction().execute(async (trx) => {
    let rows = 0
    for (const table of o.tables)
      rows += Number((await trx.deleteFrom(table).executeTakeFirst()).numDeletedRows)
    await trx.deleteFrom('inbox_event').where('consumer', '=', o.groupId).execute()
    return rows
  })
  log.info(
    { deleted, topics: o.topics },
    'projection dropped; replaying from the start of the topics',
  )
  await o.consumer?.start()
  return { deleted }
}
