import { jsonRows } from '@creditbank/db'
import { type Kysely, sql, type Transaction } from 'kysely'
import type { AccountsDB, LedgerEntryRow, LedgerEntryTable } from './schema.js'

const ledgerEntryTable = sql.table('accounts.ledger_entry')

export interface AccountHead {
  learner_id: string
  last_seq: string
  head_hash: string
}

/** Locks the accounts (in id order, so two writers never deadlock) and returns their heads. */
export async function lockAccounts(
  trx: Transaction<AccountsDB>,
  learnerIds: string[],
): Promise<Map<string, AccountHead>> {
  if (learnerIds.length === 0) return new Map()
  const sorted = [...new Set(learnerIds)].sort()
  const rows = await trx
    .selectFrom('account')
    .select(['learner_id', 'last_seq', 'head_hash'])
    .where('learner_id', 'in', sorted)
    .orderBy('learner_id')
    .forUpdate()
    .execute()
  return new Map(rows.map((r) => [r.learner_id, { ...r, last_seq: String(r.last_seq) }]))
}

export type NewEntryRow = Omit<LedgerEntryTable, 'seq' | 'posted_at'> & {
  seq: string
  posted_at: Date
}

/** Every ledger_entry column with its Postgres type, for inserting through `jsonRows`. */
const entryColumns = {
  id: 'uuid',
  learner_id: 'uuid',
  seq: 'bigint',
  code: 'text',
  kind: 'text',
  balance_kind: 'text',
  org_id: 'uuid',
  title: 'text',
  outcome_code: 'text',
  credits: 'numeric',
  hours: 'numeric',
  grade_score: 'text',
  grade_scale: 'text',
  level: 'text',
  category: 'text',
  occurred_on: 'date',
  external_ref: 'text',
  content_hash: 'text',
  certificate_id: 'uuid',
  type_code: 'text',
  application_id: 'uuid',
  reverses_entry_id: 'uuid',
  reason: 'text',
  posted_by: 'text',
  posted_at: 'timestamptz',
  prev_hash: 'text',
  hash: 'text',
  reason_sealed: 'text',
  reason_digest: 'text',
} satisfies Record<keyof NewEntryRow, string>

/** An insert built elsewhere (outbox events, remembered answers) to send in the same statement. */
export type AlsoInsert = { execute(): Promise<unknown> }

/**
 * Inserts entries and moves each account's head and balances by them, in one statement (data-
 * modifying CTEs: one round trip) inside the caller's transaction, together with `also` — other
 * inserts of the same transaction (the outbox events, remembered answers), as more CTEs. The rows
 * travel as one JSON parameter (`jsonRows`), whatever their number. The sums are done by
 * Postgres on numeric, never in JavaScript.
 */
export async function appendRows(
  db: Kysely<AccountsDB>,
  rows: NewEntryRow[],
  also: (AlsoInsert | undefined)[] = [],
) {
  const extra = also.filter((q): q is AlsoInsert => q !== undefined)
  if (rows.length === 0) {
    for (const q of extra) await q.execute()
    return
  }
  const values = jsonRows(rows, entryColumns)
  let q = db.with('ins', (q) =>
    q
      .insertInto('ledger_entry')
      .columns(values.names)
      .expression(values.select)
      .returning(['learner_id', 'seq', 'hash', 'credits', 'hours', 'balance_kind']),
  )
  extra.forEach((insert, i) => {
    q = q.with(`also${i}` as 'ins', () => insert as never) as unknown as typeof q
  })
  await q
    .with('upd', (q) =>
      q
        .updateTable('account as a')
        .from(
          q
            .selectFrom('ins')
            .select([
              'ins.learner_id',
              sql<string>`max(seq)`.as('last_seq'),
              sql<string>`(array_agg(hash order by seq desc))[1]`.as('head_hash'),
              sql<string>`coalesce(sum(credits) filter (where balance_kind <> 'recognized'), 0)`.as(
                'credits',
              ),
              sql<string>`coalesce(sum(hours) filter (where balance_kind <> 'recognized'), 0)`.as(
                'hours',
              ),
              sql<string>`coalesce(sum(credits) filter (where balance_kind = 'recognized'), 0)`.as(
                'recognized',
              ),
            ])
            .groupBy('ins.learner_id')
            .as('s'),
        )
        .set({
          last_seq: sql`s.last_seq`,
          head_hash: sql`s.head_hash`,
          total_credits: sql`a.total_credits + s.credits`,
          total_hours: sql`a.total_hours + s.hours`,
          recognized_credits: sql`a.recognized_credits + s.recognized`,
          updated_at: sql`now()`,
        })
        .whereRef('a.learner_id', '=', 's.learner_id')
        // Said again as a list so the planner probes account's key for each (it cannot count the
        // rows of `ins` and would otherwise scan every account to hash-join them).
        .where(
          sql<boolean>`a.learner_id = any(${[...new Set(rows.map((r) => r.learner_id))]}::uuid[])`,
        ),
    )
    .insertInto('balance')
    .columns(['learner_id', 'kind', 'credits', 'hours', 'entry_count'])
    .expression((eb) =>
      eb
        .selectFrom('ins')
        .select([
          'ins.learner_id',
          'ins.balance_kind',
          sql<string>`coalesce(sum(credits), 0)`.as('credits'),
          sql<string>`coalesce(sum(hours), 0)`.as('hours'),
          sql<string>`count(*)`.as('entry_count'),
        ])
        .groupBy(['ins.learner_id', 'ins.balance_kind']),
    )
    .onConflict((oc) =>
      oc.columns(['learner_id', 'kind']).doUpdateSet({
        credits: sql`balance.credits + excluded.credits`,
        hours: sql`balance.hours + excluded.hours`,
        entry_count: sql`balance.entry_count + excluded.entry_count`,
      }),
    )
    .execute()
}

export function findEntry(db: Kysely<AccountsDB>, id: string) {
  return db
    .selectFrom('ledger_entry')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst() as Promise<LedgerEntryRow | undefined>
}

export function findEntries(db: Kysely<AccountsDB>, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as LedgerEntryRow[])
  return db.selectFrom('ledger_entry').selectAll().where('id', 'in', ids).execute() as Promise<
    LedgerEntryRow[]
  >
}

/**
 * Entries posted under these (organization, externalRef) pairs: one probe of
 * ledger_entry_external_ref per pair. The `limit 1` (the pair is unique) keeps the sub-select from
 * being flattened into a semi-join, which the planner answered by walking the whole partial index
 * whenever its statistics said few entries carry a ref (bulk imports and certificates carry none).
 */
export async function findByExternalRefs(
  db: Kysely<AccountsDB>,
  refs: { org: string; ref: string }[],
) {
  if (refs.length === 0) return [] as LedgerEntryRow[]
  const rows = await sql<LedgerEntryRow>`
    select e.* from unnest(${refs.map((r) => r.org)}::uuid[], ${refs.map((r) => r.ref)}::text[]) as k(org_id, external_ref)
    cross join lateral (
      select * from ${ledgerEntryTable} e
      where e.org_id = k.org_id and e.external_ref = k.external_ref and e.external_ref is not null
      limit 1
    ) e`.execute(db)
  return rows.rows
}

export async function findReversalOf(db: Kysely<AccountsDB>, entryId: string) {
  return (await db
    .selectFrom('ledger_entry')
    .selectAll()
    .where('reverses_entry_id', '=', entryId)
    .executeTakeFirst()) as LedgerEntryRow | undefined
}

export function findByCertificate(db: Kysely<AccountsDB>, certificateId: string) {
  return db
    .selectFrom('ledger_entry')
    .selectAll()
    .where('certificate_id', '=', certificateId)
    .where('code', '=', 'certificate.issued')
    .executeTakeFirst() as Promise<LedgerEntryRow | undefined>
}

export function findByApplication(db: Kysely<AccountsDB>, applicationId: string) {
  return db
    .selectFrom('ledger_entry')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('code', '=', 'recognition.approved')
    .executeTakeFirst() as Promise<LedgerEntryRow | undefined>
}

export interface StatementFilter {
  learnerId: string
  kind?: string
  from?: string
  to?: string
  /** Organization readers see only what they posted. */
  orgId?: string
  after?: { occurredOn: string; seq: string }
  limit: number
}

/** The statement query, newest first; served by ledger_entry_statement (learner_id, occurred_on desc, seq desc). */
export function statementQuery(db: Kysely<AccountsDB>, f: StatementFilter) {
  let q = db.selectFrom('ledger_entry').selectAll().where('learner_id', '=', f.learnerId)
  if (f.kind) q = q.where('kind', '=', f.kind)
  if (f.from) q = q.where('occurred_on', '>=', f.from)
  if (f.to) q = q.where('occurred_on', '<=', f.to)
  if (f.orgId) q = q.where('org_id', '=', f.orgId)
  if (f.after)
    q = q.where(
      sql<boolean>`(occurred_on, seq) < (${f.after.occurredOn}::date, ${f.after.seq}::bigint)`,
    )
  return q
    .orderBy('occurred_on', 'desc')
    .orderBy('seq', 'desc')
    .limit(f.limit + 1)
}

/** A slice of an account's chain, in order, for verification. */
export function chainSlice(
  db: Kysely<AccountsDB>,
  learnerId: string,
  afterSeq: string,
  limit: number,
) {
  return db
    .selectFrom('ledger_entry')
    .selectAll()
    .where('learner_id', '=', learnerId)
    .where('seq', '>', afterSeq as never)
    .orderBy('seq')
    .limit(limit)
    .execute() as Promise<LedgerEntryRow[]>
}

export function entryUses(db: Kysely<AccountsDB>, entryIds: string[]) {
  if (entryIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('entry_use')
    .select(['entry_id', 'target_org_id', 'course_code', 'application_id', 'recognized_entry_id'])
    .where('entry_id', 'in', entryIds)
    .execute()
}

/** The reversals of the given entries (at most one each). */
export function reversalsOf(db: Kysely<AccountsDB>, learnerId: string, entryIds: string[]) {
  if (entryIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('ledger_entry')
    .select(['id', 'learner_id', 'reverses_entry_id', 'reason', 'reason_sealed', 'posted_at'])
    .where('learner_id', '=', learnerId)
    .where('reverses_entry_id', 'in', entryIds)
    .execute()
}

export async function insertEntryUses(
  db: Kysely<AccountsDB>,
  rows: {
    entry_id: string
    target_org_id: string
    course_code: string
    application_id: string
    recognized_entry_id: string
  }[],
) {
  if (rows.length === 0) return 0
  const r = await db
    .insertInto('entry_use')
    .values(rows)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0)
}

export function findAccount(db: Kysely<AccountsDB>, learnerId: string) {
  return db.selectFrom('account').selectAll().where('learner_id', '=', learnerId).executeTakeFirst()
}

/**
 * The account's totals: the sum of every entry's credits and hours, recognized credits included
 * (a reversal cancels its original, so what remains is the sum of the active entries). Summed over
 * the per-kind balances, so the total always equals the kinds shown beside it.
 */
export function totalsOf(db: Kysely<AccountsDB>, learnerId: string) {
  return db
    .selectFrom('balance')
    .select([
      sql<string>`coalesce(sum(credits), 0)::numeric(14, 2)::text`.as('credits'),
      sql<string>`coalesce(sum(hours), 0)::numeric(14, 1)::text`.as('hours'),
    ])
    .where('learner_id', '=', learnerId)
    .executeTakeFirstOrThrow()
}

export function balancesOf(db: Kysely<AccountsDB>, learnerId: string) {
  return db
    .selectFrom('balance')
    .select(['kind', 'credits', 'hours', 'entry_count'])
    .where('learner_id', '=', learnerId)
    .orderBy('kind')
    .execute()
}
