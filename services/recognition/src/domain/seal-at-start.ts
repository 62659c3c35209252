import { sealAtStart } from '@creditbank/service-kit'
import { type Kysely, sql, type Transaction } from 'kysely'
import { type RecognitionDB, SCHEMA } from '../db/schema.js'
import { type RecognitionPersonal, sealLearner, sealOrNull } from './personal.js'

type Trx = Transaction<RecognitionDB>

/** Trail lines whose reason a person wrote (a reviewer's decision, the learner's appeal or withdrawal). */
export const PEOPLE_REASON_ACTIONS = [
  'step_approved',
  'approved',
  'rejected',
  'appealed',
  'withdrawn',
] as const

/**
 * recognition's part of the migration to per-learner keys (decision 0730), run before serving:
 * the values the code before it wrote in the clear — learners' names and masked numbers,
 * statements, evidence files' names, the reasons people wrote in trails — are sealed under each
 * learner's key (the names get their search tokens) and the clear columns emptied, a batch a
 * transaction (`sealAtStart`), one statement per batch for the keys and one for the rows.
 *
 * A learner erased before this version has no key row: a tombstone is written for them first, so
 * no key is ever made for them, and a value of theirs written after their erasure (the code before
 * did not refuse one) is cleared, as the erasure would have. A learner whose key row does not open
 * under RECOGNITION_SECRET_KEY is set aside with their rows, left as they are, and named.
 */
export async function sealRecognitionAtStart(
  db: Kysely<RecognitionDB>,
  personal: RecognitionPersonal,
) {
  await sql`insert into ${sql.table(`${SCHEMA}.learner_key`)} (learner_id, key_sealed, destroyed_at)
    select id, null, erased_at from ${sql.table(`${SCHEMA}.learner`)} where erased_at is not null
    on conflict (learner_id) do nothing`.execute(db)
  const results = [
    await sealAtStart(db, learners(personal)),
    await sealAtStart(db, statements(personal)),
    await sealAtStart(db, fileNames(personal)),
    await sealAtStart(db, reasons(personal)),
  ]
  return {
    sealed: results.reduce((n, r) => n + r.sealed, 0),
    setAside: results.flatMap((r) => r.setAside),
  }
}

/** The learners' keys; a learner whose key does not open is named in `failed` (their rows are set aside). */
async function keysFor(trx: Trx, personal: RecognitionPersonal, learnerIds: string[]) {
  try {
    return { keys: await personal.keys.ensureMany(trx, learnerIds), failed: new Set<string>() }
  } catch {
    // One at a time to find which: only on this rare path.
    const keys = new Map<string, Buffer>()
    const failed = new Set<string>()
    for (const id of new Set(learnerIds.map((i) => i.toLowerCase()))) {
      try {
        const key = await personal.keys.ensure(trx, id)
        if (key) keys.set(id, key)
      } catch {
        failed.add(id)
      }
    }
    return { keys, failed }
  }
}

/** Seals one column of a batch: each row's value under its learner's key (null when erased). */
async function sealRows<R extends { id: string; learner_id: string; value: string }>(
  trx: Trx,
  personal: RecognitionPersonal,
  rows: R[],
  write: (trx: Trx, ids: string[], sealed: (string | null)[]) => Promise<unknown>,
) {
  const { keys, failed } = await keysFor(
    trx,
    personal,
    rows.map((r) => r.learner_id),
  )
  const ok = rows.filter((r) => !failed.has(r.learner_id.toLowerCase()))
  if (ok.length)
    await write(
      trx,
      ok.map((r) => r.id),
      ok.map((r) => sealOrNull(keys.get(r.learner_id.toLowerCase()), r.value)),
    )
  return rows.filter((r) => failed.has(r.learner_id.toLowerCase())).map((r) => r.id)
}

const table = (name: string) => sql.table(`${SCHEMA}.${name}`)

function learners(personal: RecognitionPersonal) {
  return {
    take: (trx: Trx, setAside: string[], limit: number) => {
      let q = trx
        .selectFrom('learner')
        .select(['id', 'name', 'national_id_masked'])
        .where((eb) =>
          eb.or([eb('name', 'is not', null), eb('national_id_masked', 'is not', null)]),
        )
      if (setAside.length > 0) q = q.where('id', 'not in', setAside)
      return q.orderBy('id').limit(limit).forUpdate().skipLocked().execute()
    },
    seal: async (
      trx: Trx,
      rows: { id: string; name: string | null; national_id_masked: string | null }[],
    ) => {
      const { keys, failed } = await keysFor(
        trx,
        personal,
        rows.map((r) => r.id),
      )
      const ok = rows.filter((r) => !failed.has(r.id.toLowerCase()))
      const sealed = ok.map((r) => {
        const key = keys.get(r.id.toLowerCase())
        return key
          ? sealLearner(key, { name: r.name, nationalIdMasked: r.national_id_masked })
          : null
      })
      const tokens = ok.map((r, k) =>
        sealed[k] && r.name ? `{${personal.nameTokens(r.name).join(',')}}` : '{}',
      )
      if (ok.length)
        await sql`update ${table('learner')} l
          set personal_sealed = v.sealed, name_tokens = v.tokens::text[],
            name = null, national_id_masked = null
          from unnest(${ok.map((r) => r.id)}::uuid[], ${sealed}::text[], ${tokens}::text[])
            v(id, sealed, tokens)
          where l.id = v.id`.execute(trx)
      return [...failed]
    },
  }
}

function statements(personal: RecognitionPersonal) {
  return {
    take: (trx: Trx, setAside: string[], limit: number) => {
      let q = trx
        .selectFrom('application')
        .select(['id', 'learner_id', 'statement as value'])
        .where('statement', 'is not', null)
      if (setAside.length > 0) q = q.where('id', 'not in', setAside)
      return q.orderBy('id').limit(limit).forUpdate().skipLocked().execute() as Promise<
        { id: string; learner_id: string; value: string }[]
      >
    },
    seal: (trx: Trx, rows: { id: string; learner_id: string; value: string }[]) =>
      sealRows(trx, personal, rows, (trx, ids, sealed) =>
        sql`update ${table('application')} a set statement_sealed = v.sealed, statement = null
          from unnest(${ids}::uuid[], ${sealed}::text[]) v(id, sealed)
          where a.id = v.id`.execute(trx),
      ),
  }
}

function fileNames(personal: RecognitionPersonal) {
  return {
    take: (trx: Trx, setAside: string[], limit: number) => {
      let q = trx
        .selectFrom('evidence')
        .select(['id', 'learner_id', 'filename as value'])
        .where('filename', 'is not', null)
      if (setAside.length > 0) q = q.where('id', 'not in', setAside)
      return q.orderBy('id').limit(limit).forUpdate().skipLocked().execute() as Promise<
        { id: string; learner_id: string; value: string }[]
      >
    },
    seal: (trx: Trx, rows: { id: string; learner_id: string; value: string }[]) =>
      sealRows(trx, personal, rows, (trx, ids, sealed) =>
        sql`update ${table('evidence')} e set filename_sealed = v.sealed, filename = null
          from unnest(${ids}::uuid[], ${sealed}::text[]) v(id, sealed)
          where e.id = v.id`.execute(trx),
      ),
  }
}

function reasons(personal: RecognitionPersonal) {
  return {
    take: async (trx: Trx, setAside: string[], limit: number) => {
      const r = await sql<{ id: string; learner_id: string; value: string }>`
        select t.seq::text as id, a.learner_id, t.reason as value
        from ${table('application_trail')} t
        join ${table('application')} a on a.id = t.application_id
        where t.reason is not null and t.actor <> 'system'
          and t.action in (${sql.join([...PEOPLE_REASON_ACTIONS])})
          and not (t.seq::text = any(${setAside}::text[]))
        order by t.seq limit ${limit}
        for update of t skip locked`.execute(trx)
      return r.rows
    },
    seal: (trx: Trx, rows: { id: string; learner_id: string; value: string }[]) =>
      sealRows(trx, personal, rows, (trx, ids, sealed) =>
        sql`update ${table('application_trail')} t set reason_sealed = v.sealed, reason = null
          from unnest(${ids}::bigint[], ${sealed}::text[]) v(seq, sealed)
          where t.seq = v.seq`.execute(trx),
      ),
  }
}
