import { type LearnerKeys, sealAtStart, sealBytesFor, sealFor } from '@creditbank/service-kit'
import type { FastifyBaseLogger } from 'fastify'
import { type Kysely, sql } from 'kysely'
import { type PortfolioDB, SCHEMA } from '../db/schema.js'

/**
 * portfolio's part of the migration to per-learner keys (decision 0730), run before the service
 * serves: what the code before kept in the clear is sealed under each learner's key and the clear
 * copy cleared. A row that cannot be sealed (its learner erased, its file's bytes missing) is set
 * aside, left as it was and named in the log; the next start tries it again.
 */
export async function sealAtStartAll(
  db: Kysely<PortfolioDB>,
  keys: LearnerKeys,
  log: FastifyBaseLogger,
) {
  const steps = { learners: sealLearnerNames, 'evidence files': sealEvidence }
  for (const [what, step] of Object.entries(steps)) {
    const { sealed, setAside } = await step(db, keys)
    if (sealed > 0) log.info({ sealed }, `${what} moved to per-learner keys`)
    if (setAside.length > 0)
      log.error(
        { count: setAside.length, ids: setAside.slice(0, 20) },
        `${what} set aside: not sealed under per-learner keys (left as they were until the next start)`,
      )
  }
  // The bytes of files stored before, shared by sha256, once no row waits for them.
  await sql`delete from ${sql.table(`${SCHEMA}.evidence_blob`)} b where not exists (
    select 1 from ${sql.table(`${SCHEMA}.evidence`)} e
    where e.sha256 = b.sha256 and e.content_sealed is null)`.execute(db)
}

/** The learners' names, kept clear before (`learner.name`). */
export function sealLearnerNames(db: Kysely<PortfolioDB>, keys: LearnerKeys) {
  return sealAtStart(db, {
    take: (trx, setAside, limit) => {
      let q = trx
        .selectFrom('learner')
        .select(['learner_id as id', 'name'])
        .where('name', 'is not', null)
      if (setAside.length > 0) q = q.where('learner_id', 'not in', setAside)
      return q.orderBy('learner_id').limit(limit).forUpdate().skipLocked().execute()
    },
    seal: async (trx, rows) => {
      const byId = await keys.ensureMany(
        trx,
        rows.map((r) => r.id),
      )
      const done = rows.flatMap((r) => {
        const key = byId.get(r.id)
        return key && r.name !== null ? [{ id: r.id, sealed: sealFor(key, r.name) }] : []
      })
      await sql`update ${sql.table(`${SCHEMA}.learner`)} l set name_sealed = v.sealed, name = null
        from unnest(${done.map((d) => d.id)}::uuid[], ${done.map((d) => d.sealed)}::text[]) v(id, sealed)
        where l.learner_id = v.id`.execute(trx)
      return rows.filter((r) => !byId.has(r.id)).map((r) => r.id)
    },
  })
}

/**
 * The evidence files: their names (clear in `evidence.filename`) and their bytes (in
 * `evidence_blob`, shared by sha256 between learners), sealed into each learner's own row. The
 * bytes are read one file at a time (up to 10 MB each): a batch of rows is never in memory at once.
 */
export function sealEvidence(db: Kysely<PortfolioDB>, keys: LearnerKeys) {
  return sealAtStart(db, {
    take: (trx, setAside, limit) => {
      let q = trx
        .selectFrom('evidence')
        .select(['id', 'learner_id', 'sha256', 'filename'])
        .where('content_sealed', 'is', null)
      if (setAside.length > 0) q = q.where('id', 'not in', setAside)
      return q.orderBy('id').limit(limit).forUpdate().skipLocked().execute()
    },
    seal: async (trx, rows) => {
      const byId = await keys.ensureMany(
        trx,
        rows.map((r) => r.learner_id),
      )
      const failed: string[] = []
      for (const r of rows) {
        const key = byId.get(r.learner_id)
        const blob = await trx
          .selectFrom('evidence_blob')
          .select('content')
          .where('sha256', '=', r.sha256)
          .executeTakeFirst()
        if (!key || !blob) {
          failed.push(r.id)
          continue
        }
        await trx
          .updateTable('evidence')
          .set({
            content_sealed: sealBytesFor(key, blob.content),
            filename_sealed: r.filename === null ? null : sealFor(key, r.filename),
            filename: null,
          })
          .where('id', '=', r.id)
          .execute()
      }
      return failed
    },
  })
}
