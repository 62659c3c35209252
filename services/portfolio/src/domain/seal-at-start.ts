import {
  decrypt,
  type LearnerKeys,
  sealAtStart,
  sealBytesFor,
  sealFor,
} from '@creditbank/service-kit'
import type { FastifyBaseLogger } from 'fastify'
import { type Kysely, sql, type Transaction } from 'kysely'
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
  serviceKey: Buffer,
  log: FastifyBaseLogger,
) {
  const steps = {
    learners: () => sealLearnerNames(db, keys),
    'evidence files': () => sealEvidence(db, keys),
    shares: () => sealShares(db, keys, serviceKey),
    'printed records': () => sealRecords(db, keys),
    'share accesses': () => sealShareAccesses(db, keys),
  }
  for (const [what, step] of Object.entries(steps)) {
    const { sealed, setAside } = await step()
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
        .select(['learner_id as id', 'learner_id', 'name'])
        .where('name', 'is not', null)
      if (setAside.length > 0) q = q.where('learner_id', 'not in', setAside)
      return q.orderBy('learner_id').limit(limit).forUpdate().skipLocked().execute()
    },
    seal: (trx, rows) =>
      sealRows(
        trx,
        keys,
        rows,
        (r) => r.name ?? undefined,
        (done) =>
          sql`update ${sql.table(`${SCHEMA}.learner`)} l set name_sealed = v.sealed, name = null
            from unnest(${done.map((d) => d.id)}::uuid[], ${done.map((d) => d.sealed)}::text[]) v(id, sealed)
            where l.learner_id = v.id`.execute(trx),
      ),
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

/** Rows of one learner each whose values are sealed as one text per row. */
async function sealRows<R extends { id: string; learner_id: string }>(
  trx: Transaction<PortfolioDB>,
  keys: LearnerKeys,
  rows: R[],
  value: (r: R) => string | undefined,
  write: (done: { id: string; sealed: string }[]) => Promise<unknown>,
) {
  const byId = await keys.ensureMany(
    trx,
    rows.map((r) => r.learner_id),
  )
  const done: { id: string; sealed: string }[] = []
  const failed: string[] = []
  for (const r of rows) {
    const key = byId.get(r.learner_id)
    const v = key ? value(r) : undefined
    if (key && v !== undefined) done.push({ id: r.id, sealed: sealFor(key, v) })
    else failed.push(r.id)
  }
  if (done.length) await write(done)
  return failed
}

/**
 * The shares: the label (clear before) and the token (under the service key before) sealed
 * together under the learner's key. A token that does not open under the service key is set aside.
 */
export function sealShares(db: Kysely<PortfolioDB>, keys: LearnerKeys, serviceKey: Buffer) {
  return sealAtStart(db, {
    take: (trx, setAside, limit) => {
      let q = trx
        .selectFrom('share')
        .select(['id', 'learner_id', 'label', 'token_sealed'])
        .where('personal_sealed', 'is', null)
      if (setAside.length > 0) q = q.where('id', 'not in', setAside)
      return q.orderBy('id').limit(limit).forUpdate().skipLocked().execute()
    },
    seal: (trx, rows) =>
      sealRows(
        trx,
        keys,
        rows,
        (r) => {
          try {
            const token = r.token_sealed === null ? null : decrypt(serviceKey, r.token_sealed)
            return JSON.stringify({ label: r.label, token })
          } catch {
            return undefined
          }
        },
        (done) =>
          sql`update ${sql.table(`${SCHEMA}.share`)} s
            set personal_sealed = v.sealed, label = null, token_sealed = null
            from unnest(${done.map((d) => d.id)}::uuid[], ${done.map((d) => d.sealed)}::text[]) v(id, sealed)
            where s.id = v.id`.execute(trx),
      ),
  })
}

/** The printed records (each holds the learner's name as printed), clear before. */
export function sealRecords(db: Kysely<PortfolioDB>, keys: LearnerKeys) {
  return sealAtStart(db, {
    take: (trx, setAside, limit) => {
      let q = trx
        .selectFrom('record')
        .select(['digest as id', 'learner_id', 'canonical'])
        .where('canonical', 'is not', null)
      if (setAside.length > 0) q = q.where('digest', 'not in', setAside)
      return q.orderBy('digest').limit(limit).forUpdate().skipLocked().execute()
    },
    seal: (trx, rows) =>
      sealRows(
        trx,
        keys,
        rows,
        (r) => r.canonical ?? undefined,
        (done) =>
          sql`update ${sql.table(`${SCHEMA}.record`)} r
            set canonical_sealed = v.sealed, canonical = null
            from unnest(${done.map((d) => d.id)}::text[], ${done.map((d) => d.sealed)}::text[]) v(id, sealed)
            where r.digest = v.id`.execute(trx),
      ),
  })
}

/** Who opened each share (browser, network), clear before, under the share's learner's key. */
export function sealShareAccesses(db: Kysely<PortfolioDB>, keys: LearnerKeys) {
  return sealAtStart(db, {
    take: (trx, setAside, limit) => {
      let q = trx
        .selectFrom('share_access as a')
        .innerJoin('share as s', 's.id', 'a.share_id')
        .select(['a.id', 's.learner_id', 'a.user_agent', 'a.client_ip'])
        .where('a.visitor_sealed', 'is', null)
        .where((eb) =>
          eb.or([eb('a.user_agent', 'is not', null), eb('a.client_ip', 'is not', null)]),
        )
      if (setAside.length > 0) q = q.where('a.id', 'not in', setAside)
      return q.orderBy('a.id').limit(limit).forUpdate(['a']).skipLocked().execute()
    },
    seal: (trx, rows) =>
      sealRows(
        trx,
        keys,
        rows,
        (r) => JSON.stringify({ userAgent: r.user_agent, clientIp: r.client_ip }),
        (done) =>
          sql`update ${sql.table(`${SCHEMA}.share_access`)} a
            set visitor_sealed = v.sealed, user_agent = null, client_ip = null
            from unnest(${done.map((d) => d.id)}::uuid[], ${done.map((d) => d.sealed)}::text[]) v(id, sealed)
            where a.id = v.id`.execute(trx),
      ),
  })
}
