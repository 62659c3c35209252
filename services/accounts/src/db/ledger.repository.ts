import { type Kysely, sql } from 'kysely'
import type { AccountsDB, LedgerEntryRow, LedgerEntryTable } from './schema.js'

export interface AccountHead {
  learner_id: string
  last_seq: string
  head_hash: string
}

/** Locks the accounts (in id order, so two writers never deadlock) and returns their heads. */
export async function lockAccounts(db: Kysely<AccountsDB>, learnerIds: string[]): Promise<Map<string, AccountHead>> {
  if (learnerIds.length === 0) return new Map()
  const sorted = [...new Set(learnerIds)].sort()
  const rows = await db
    .selectFrom('account')
    .select(['learner_id', 'last_seq', 'head_hash'])
    .where('learner_id', 'in', sorted)
    .orderBy('learner_id')
    .forUpdate()
    .execute()
  return new Map(rows.map((r) => [r.learner_id, { ...r, last_seq: String(r.last_seq) }]))
}

export type NewEntryRow = Omit<LedgerEntryTable, 'seq' | 'posted_at'> & { seq: string; posted_at: Date }

/**
 * Inserts entries and moves each account's head and balances by them, in one statement (data-
 * modifying CTEs: one round trip) inside the caller's transaction. The sums are done by Postgres
 * on numeric, never in JavaScript. 27 columns a row: 1,000 rows stay under Postgres' 65,535
 * parameters, so larger inputs go in slices.
 */
export async function appendRows(db: Kysely<AccountsDB>, rows: NewEntryRow[]) {
  for (let i = 0; i < rows.length; i += 1_000) await appendSlice(db, rows.slice(i, i + 1_000))
}

async function appendSlice(db: Kysely<AccountsDB>, rows: NewEntryRow[]) {
  await db
    .with('ins', (q) => q.insertInto('ledger_entry').values(rows).returning(['learner_id', 'seq', 'hash', 'credits', 'hours', 'balance_kind']))
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
              sql<string>`coalesce(sum(credits) filter (where balance_kind <> 'recognized'), 0)`.as('credits'),
              sql<string>`coalesce(sum(hours) filter (where balance_kind <> 'recognized'), 0)`.as('hours'),
              sql<string>`coalesce(sum(credits) filter (where balance_kind = 'recognized'), 0)`.as('recognized'),
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
        .whereRef('a.learner_id', '=', 's.learner_id'),
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
  return db.selectFrom('ledger_entry').selectAll().where('id', '=', id).executeTakeFirst() as Promise<LedgerEntryRow | undefined>
}

export function findEntries(db: Kysely<AccountsDB>, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as LedgerEntryRow[])
  return db.selectFrom('ledger_entry').selectAll().where('id', 'in', ids).execute() as Promise<LedgerEntryRow[]>
}

export function findByExternalRefs(db: Kysely<AccountsDB>, orgId: string, refs: string[]) {
  if (refs.length === 0) return Promise.resolve([] as LedgerEntryRow[])
  return db.selectFrom('ledger_entry').selectAll().where('org_id', '=', orgId).where('external_ref', 'in', refs).execute() as Promise<LedgerEntryRow[]>
}

export async function findReversalOf(db: Kysely<AccountsDB>, entryId: string) {
  return (await db.selectFrom('ledger_entry').selectAll().where('reverses_entry_id', '=', entryId).executeTakeFirst()) as LedgerEntryRow | undefined
}

export function findByCertificate(db: Kysely<AccountsDB>, certificateId: string) {
  return db.selectFrom('ledger_entry').selectAll().where('certificate_id', '=', certificateId).where('code', '=', 'certificate.issued').executeTakeFirst() as Promise<LedgerEntryRow | undefined>
}

export function findByApplication(db: Kysely<AccountsDB>, applicationId: string) {
  return db.selectFrom('ledger_entry').selectAll().where('application_id', '=', applicationId).where('code', '=', 'recognition.approved').executeTakeFirst() as Promise<LedgerEntryRow | undefined>
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
  if (f.after) q = q.where(sql<boolean>`(occurred_on, seq) < (${f.after.occurredOn}::date, ${f.after.seq}::bigint)`)
  return q.orderBy('occurred_on', 'desc').orderBy('seq', 'desc').limit(f.limit + 1)
}

/** A slice of an account's chain, in order, for verification. */
export function chainSlice(db: Kysely<AccountsDB>, learnerId: string, afterSeq: string, limit: number) {
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
  return db.selectFrom('entry_use').select(['entry_id', 'target_org_id', 'course_code', 'application_id', 'recognized_entry_id']).where('entry_id', 'in', entryIds).execute()
}

export async function insertEntryUses(
  db: Kysely<AccountsDB>,
  rows: { entry_id: string; target_org_id: string; course_code: string; application_id: string; recognized_entry_id: string }[],
) {
  if (rows.length === 0) return 0
  const r = await db.insertInto('entry_use').values(rows).onConflict((oc) => oc.doNothing()).executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0)
}

export function findAccount(db: Kysely<AccountsDB>, learnerId: string) {
  return db.selectFrom('account').selectAll().where('learner_id', '=', learnerId).executeTakeFirst()
}

export function balancesOf(db: Kysely<AccountsDB>, learnerId: string) {
  return db.selectFrom('balance').select(['kind', 'credits', 'hours', 'entry_count']).where('learner_id', '=', learnerId).orderBy('kind').execute()
}
