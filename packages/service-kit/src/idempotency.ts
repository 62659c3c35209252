import { createHash } from 'node:crypto'
import { defineErrors } from '@creditbank/contracts'
import type { SchemaColumns } from '@creditbank/db'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { type ColumnType, type Kysely, sql, type Transaction } from 'kysely'
import type { RetentionRule } from './retention.js'

/** The table, version 1; services put these statements in one of their own migrations. */
export const idempotencyTablesV1: readonly string[] = [
  `create table idempotency_key (
    actor text not null,
    key text not null,
    request_hash text not null,
    status int not null,
    body text not null,
    created_at timestamptz not null default now(),
    primary key (actor, key)
  )`,
]

/** The table as idempotencyTablesV1 makes it; each service's database type extends this. */
export interface IdempotencyTables {
  idempotency_key: {
    actor: string
    key: string
    request_hash: string
    status: number
    body: string
    created_at: ColumnType<Date, Date | string | undefined, Date | string>
  }
}

/** Its columns, for each service's SchemaColumns. */
export const idempotencyTableColumns: SchemaColumns<IdempotencyTables> = {
  idempotency_key: {
    actor: ['text', false],
    key: ['text', false],
    request_hash: ['text', false],
    status: ['integer', false],
    body: ['text', false],
    created_at: ['timestamptz', false],
  },
}

export const idempotencyErrors = defineErrors({
  IDEMPOTENCY_KEY_REUSED: [
    'invalid',
    'This Idempotency-Key was used with another request',
    '这个请求编号已用于另一个请求',
  ],
  IDEMPOTENCY_KEY_MALFORMED: [
    'bad_request',
    'The Idempotency-Key header must be 1 to 200 visible characters',
    '请求编号须为 1 到 200 个可见字符',
  ],
})

export interface Outcome<T> {
  status: number
  body: T
}

/** What identifies a request for its Idempotency-Key: method, path and body. */
export function requestHash(request: FastifyRequest) {
  const h = createHash('sha256')
    .update(request.method)
    .update(' ')
    .update(request.url.split('?')[0] ?? '')
  const body = request.body
  h.update(typeof body === 'string' ? body : JSON.stringify(body ?? null))
  return h.digest('hex')
}

/** The request's Idempotency-Key, checked; undefined when it has none. */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const key = request.headers['idempotency-key']
  if (key === undefined) return undefined
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key))
    throw idempotencyErrors.IDEMPOTENCY_KEY_MALFORMED()
  return key
}

/** One caller's key for one request. */
export interface KeyClaim {
  actor: string
  key: string
  hash: string
}

/** What a key already answered: a replay of the first answer, or a refusal (another request). */
export type KeySeen = { replay: Outcome<unknown> } | { reused: true }

const claimId = (c: { actor: string; key: string }) => JSON.stringify([c.actor, c.key])

/**
 * Locks the keys in the caller's transaction (in one order, so two transactions never deadlock)
 * and says which were seen before. A key not in the answer is fresh: its effect runs now and is
 * remembered with `rememberKeys` in the same transaction. Two round trips, whatever the number.
 */
export async function lockKeys<DB>(
  trx: Transaction<DB>,
  claims: KeyClaim[],
): Promise<Map<string, KeySeen>> {
  if (claims.length === 0) return new Map()
  // The lock names are as before this function existed, so replicas of two versions still agree.
  const locks = [...new Set(claims.map((c) => `${c.actor}:${c.key}`))].sort()
  await sql`select pg_advisory_xact_lock(hashtext(k)) from unnest(${locks}::text[]) as k`.execute(
    trx,
  )
  return readKeys(trx, claims)
}

/**
 * Which keys were seen before, without waiting for a request holding the same key: for callers
 * that retry on a unique violation of idempotency_key (the request that loses the race fails on
 * the primary key when it remembers its key, and its retry with `lockKeys` sees the winner's answer).
 */
export async function readKeys(
  trx: Kysely<any>,
  claims: KeyClaim[],
): Promise<Map<string, KeySeen>> {
  const seen = new Map<string, KeySeen>()
  if (claims.length === 0) return seen
  // One probe of the primary key per claim: the lateral `limit 1` keeps the planner from hashing
  // the whole table, which it may when it cannot count the claims.
  const rows = (await trx
    .selectFrom(
      sql`(select * from unnest(${claims.map((c) => c.actor)}::text[], ${claims.map((c) => c.key)}::text[]) as k(actor, key))`.as(
        'k',
      ),
    )
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('idempotency_key as i')
          .select(['i.actor', 'i.key', 'i.request_hash', 'i.status', 'i.body'])
          .whereRef('i.actor', '=', 'k.actor')
          .whereRef('i.key', '=', 'k.key')
          .limit(1)
          .as('i'),
      (join) => join.onTrue(),
    )
    .selectAll('i')
    .execute()) as {
    actor: string
    key: string
    request_hash: string
    status: number
    body: string
  }[]
  const byId = new Map(rows.map((r) => [claimId(r), r]))
  for (const c of claims) {
    const row = byId.get(claimId(c))
    if (!row) continue
    seen.set(
      claimId(c),
      row.request_hash === c.hash
        ? { replay: { status: row.status, body: JSON.parse(row.body) } }
        : { reused: true },
    )
  }
  return seen
}

/** What `lockKeys` said of one claim, if anything. */
export const seenFor = (seen: Map<string, KeySeen>, c: { actor: string; key: string }) =>
  seen.get(claimId(c))

/** The insert that remembers fresh keys' answers, not run: for a caller that sends it inside a larger statement. */
export function rememberInsert(trx: Kysely<any>, rows: (KeyClaim & Outcome<unknown>)[]) {
  if (rows.length === 0) return undefined
  return trx.insertInto('idempotency_key').values(
    rows.map((r) => ({
      actor: r.actor,
      key: r.key,
      request_hash: r.hash,
      status: r.status,
      body: JSON.stringify(r.body),
    })),
  )
}

/** Remembers fresh keys' answers, in the transaction of their effects. */
export async function rememberKeys(trx: Kysely<any>, rows: (KeyClaim & Outcome<unknown>)[]) {
  await rememberInsert(trx, rows)?.execute()
}

/**
 * Runs a creating write once per `Idempotency-Key` (per caller): the effect and the remembered
 * answer commit in one transaction, a replay with the same body answers the first result again
 * with `Idempotency-Replayed: true`, and the same key with another body is refused. Without the
 * header the write runs as is (its natural key protects it).
 */
export async function idempotent<DB, T>(
  db: Kysely<DB>,
  request: FastifyRequest,
  reply: FastifyReply,
  actor: string,
  run: (trx: Transaction<DB>) => Promise<Outcome<T>>,
  /** What to remember for replays: what was shown only once left out, or a large answer kept small. */
  remember: (body: T) => unknown = (body) => body,
  /** Turns what was remembered back into the answer, when `remember` kept it small. */
  recall: (remembered: unknown, trx: Transaction<DB>) => Promise<T> | T = (remembered) =>
    remembered as T,
): Promise<T> {
  const key = idempotencyKeyOf(request)
  if (key === undefined) {
    const out = await db.transaction().execute(run)
    reply.code(out.status)
    return out.body
  }
  const claim = { actor, key, hash: requestHash(request) }
  const out = await db.transaction().execute(async (trx) => {
    const seen = seenFor(await lockKeys(trx, [claim]), claim)
    if (seen && 'reused' in seen) throw idempotencyErrors.IDEMPOTENCY_KEY_REUSED()
    if (seen)
      return {
        status: seen.replay.status,
        body: await recall(seen.replay.body, trx),
        replayed: true,
      }
    const fresh = await run(trx)
    await rememberKeys(trx, [{ ...claim, status: fresh.status, body: remember(fresh.body) }])
    return { ...fresh, replayed: false }
  })
  if (out.replayed) reply.header('idempotency-replayed', 'true')
  reply.code(out.status)
  return out.body
}

/**
 * How long a remembered answer is kept: a client retries within minutes or hours, not days, and
 * some answers name learners (an import lists whom it found), so they are not kept for good
 * (decision 0727).
 */
export const REMEMBERED_ANSWER_HOURS = 24

/** The retention rule that removes remembered answers older than a day, in bounded batches. */
export function idempotencyRetention<DB extends IdempotencyTables>(): RetentionRule<DB> {
  return {
    name: 'idempotency_key',
    async sweep(trx, at, limit) {
      const t = trx as unknown as Transaction<IdempotencyTables>
      const cutoff = new Date(at.getTime() - REMEMBERED_ANSWER_HOURS * 3_600_000)
      const r = await t
        .deleteFrom('idempotency_key')
        .where(
          sql<boolean>`(actor, key) in (${t
            .selectFrom('idempotency_key')
            .select(['actor', 'key'])
            .where('created_at', '<', cutoff)
            .orderBy('created_at')
            .limit(limit)
            .forUpdate()
            .skipLocked()})`,
        )
        .executeTakeFirst()
      return Number(r.numDeletedRows)
    },
  }
}

/**
 * Erasure (decision 0730): remembered answers that name the learner are forgotten at once rather
 * than at the end of their day: those holding their id, or another of their identifiers (an
 * import's answer lists learners by account number and name). Answers how many.
 */
export async function forgetAnswersAbout<DB extends IdempotencyTables>(
  trx: Kysely<DB> | Transaction<DB>,
  learnerId: string,
  alsoNamedBy: string[] = [],
) {
  const t = trx as unknown as Kysely<IdempotencyTables>
  const needles = [learnerId.toLowerCase(), ...alsoNamedBy.filter((n) => n.length >= 6)]
  const r = await t
    .deleteFrom('idempotency_key')
    .where(
      sql<boolean>`exists (select 1 from unnest(${needles}::text[]) n where strpos(body, n) > 0)`,
    )
    .executeTakeFirst()
  return Number(r.numDeletedRows)
}
