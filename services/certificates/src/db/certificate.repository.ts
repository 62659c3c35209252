import type { CertificateLevel } from '@creditbank/contracts'
import { type Kysely, sql, type Transaction } from 'kysely'
import { type CertificatesDB, type CertificateTable, SCHEMA } from './schema.js'

/** Raw SQL is not rewritten by `withSchema`: it names the schema itself. */
const certificateTable = sql.table(`${SCHEMA}.certificate`)

export type NewCertificateRow = Omit<
  CertificateTable,
  | 'created_at'
  | 'revoked_at'
  | 'revocation_reason'
  | 'revoked_by'
  | 'holder_name_legacy'
  | 'revocation_reason_legacy'
>

export interface CertificateRow extends Omit<CertificateTable, 'created_at'> {
  created_at: Date
  type_name: string
  org_name: string
}

/**
 * Locks the number counters of these (type, year) pairs, creating missing ones, in a fixed order
 * so two batches touching the same pairs cannot deadlock. Held to the end of the transaction:
 * the numbers handed out under the lock are contiguous, and a rollback returns them.
 */
export async function lockCounters(
  trx: Transaction<CertificatesDB>,
  pairs: { typeCode: string; year: number }[],
): Promise<Map<string, number>> {
  const sorted = [...pairs].sort((a, b) =>
    a.typeCode === b.typeCode ? a.year - b.year : a.typeCode < b.typeCode ? -1 : 1,
  )
  const out = new Map<string, number>()
  for (const p of sorted) {
    await trx
      .insertInto('certificate_number_counter')
      .values({ type_code: p.typeCode, year: p.year })
      .onConflict((oc) => oc.columns(['type_code', 'year']).doNothing())
      .execute()
    const row = await trx
      .selectFrom('certificate_number_counter')
      .select('last_seq')
      .where('type_code', '=', p.typeCode)
      .where('year', '=', p.year)
      .forUpdate()
      .executeTakeFirstOrThrow()
    out.set(counterKey(p.typeCode, p.year), row.last_seq)
  }
  return out
}

export function counterKey(typeCode: string, year: number) {
  return `${typeCode}\u0000${year}`
}

export async function setCounter(
  db: Kysely<CertificatesDB>,
  typeCode: string,
  year: number,
  lastSeq: number,
) {
  await db
    .updateTable('certificate_number_counter')
    .set({ last_seq: lastSeq })
    .where('type_code', '=', typeCode)
    .where('year', '=', year)
    .execute()
}

export interface NaturalKey {
  typeCode: string
  learnerId: string
  level: string
  issuedOn: string
}

/**
 * Certificates that already exist under these natural keys (type, learner, level, date): one probe
 * of the natural-key index per key. The `limit 1` (the key is unique, so it drops nothing) keeps
 * the sub-select from being flattened into a join, which the planner would otherwise answer with
 * a hash of the whole registry.
 */
export async function findByNaturalKeys(db: Kysely<CertificatesDB>, keys: NaturalKey[]) {
  if (keys.length === 0) return []
  const col = <K extends keyof NaturalKey>(k: K) => keys.map((x) => x[k])
  const rows = await sql<CertificateTable & { created_at: Date }>`
    select c.* from unnest(${col('typeCode')}::text[], ${col('learnerId')}::uuid[], ${col('level')}::text[], ${col('issuedOn')}::date[]) as k(type_code, learner_id, level, issued_on)
    cross join lateral (
      select * from ${certificateTable} c
      where c.type_code = k.type_code and c.learner_id = k.learner_id and c.level = k.level and c.issued_on = k.issued_on
      limit 1
    ) c`.execute(db)
  return rows.rows
}

/**
 * One statement per call, whatever the batch size: a column of values per array parameter
 * (18 parameters) instead of 18 per row, which keeps parsing and planning flat for 1,000 rows.
 */
export async function insertCertificates(db: Kysely<CertificatesDB>, rows: NewCertificateRow[]) {
  if (rows.length === 0) return
  const col = <K extends keyof NewCertificateRow>(k: K) => rows.map((r) => r[k])
  await sql`
    insert into ${certificateTable} (id, number, type_code, level, learner_id, holder_name_hash, holder_name_sealed, score, issued_on, expires_on, evaluation_org_id, region_code, fee_charged, issued_by)
    select * from unnest(
      ${col('id')}::uuid[], ${col('number')}::text[], ${col('type_code')}::text[], ${col('level')}::text[], ${col('learner_id')}::uuid[],
      ${col('holder_name_hash')}::text[], ${col('holder_name_sealed')}::text[], ${col('score')}::numeric[], ${col('issued_on')}::date[], ${col('expires_on')}::date[],
      ${col('evaluation_org_id')}::uuid[], ${col('region_code')}::text[], ${col('fee_charged')}::numeric[], ${col('issued_by')}::text[]
    )`.execute(db)
}

function withNames(db: Kysely<CertificatesDB>) {
  return db
    .selectFrom('certificate as c')
    .innerJoin('certificate_type as t', 't.code', 'c.type_code')
    .innerJoin('organization as o', 'o.id', 'c.evaluation_org_id')
    .selectAll('c')
    .select(['t.name as type_name', 'o.name as org_name'])
}

export function findCertificate(db: Kysely<CertificatesDB>, id: string) {
  return withNames(db).where('c.id', '=', id).executeTakeFirst() as Promise<
    CertificateRow | undefined
  >
}

/** The holders and sealed names of these certificates (a remembered batch's rows, up to 10,000). */
export function holderNamesOf(db: Kysely<CertificatesDB>, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([])
  return db
    .selectFrom('certificate')
    .select(['id', 'learner_id', 'holder_name_sealed'])
    .where('id', 'in', ids)
    .execute()
}

export function findCertificateForUpdate(trx: Transaction<CertificatesDB>, id: string) {
  return trx
    .selectFrom('certificate')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
}

export async function markRevoked(
  db: Kysely<CertificatesDB>,
  id: string,
  /** Sealed under the holder's key; null when they were erased. */
  reason: string | null,
  actor: string,
  at: Date,
) {
  const r = await db
    .updateTable('certificate')
    .set({ revoked_at: at, revocation_reason: reason, revoked_by: actor })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** One probe of the unique index on number, and the issuer's name: all verification needs. */
export function findForVerification(db: Kysely<CertificatesDB>, number: string) {
  return db
    .selectFrom('certificate as c')
    .innerJoin('organization as o', 'o.id', 'c.evaluation_org_id')
    .select([
      'c.learner_id',
      'c.holder_name_hash',
      'c.type_code',
      'c.level',
      'c.issued_on',
      'c.expires_on',
      'c.revoked_at',
      'o.name as org_name',
    ])
    .where('c.number', '=', number)
    .executeTakeFirst()
}

/** The SQL twin of domain/status.ts `certificateStatus`, with `today` from `chinaDate`. */
export function statusSql(today: string) {
  return sql<string>`case when c.revoked_at is not null then 'revoked' when c.expires_on <= ${today}::date then 'expired' else 'valid' end`
}

export const groupColumns = {
  type: sql<string>`c.type_code`,
  level: sql<string>`c.level`,
  region: sql<string>`c.region_code`,
  month: sql<string>`to_char(c.issued_on, 'YYYY-MM')`,
  org: sql<string>`c.evaluation_org_id::text`,
} as const

export type GroupDimension = keyof typeof groupColumns | 'status'

export interface OversightFilter {
  from?: string
  to?: string
  typeCode?: string
  regionCode?: string
}

/** Counts and fees by the asked dimensions; at most `maxGroups + 1` rows come back. */
export async function oversightCounts(
  db: Kysely<CertificatesDB>,
  dims: GroupDimension[],
  f: OversightFilter,
  today: string,
  maxGroups: number,
) {
  const exprs = dims.map((d) => (d === 'status' ? statusSql(today) : groupColumns[d]))
  const selected = exprs.map((e, i) => sql`${e} as ${sql.ref(`g${i}`)}`)
  const conditions = [sql`true`]
  if (f.from) conditions.push(sql`c.issued_on >= ${f.from}::date`)
  if (f.to) conditions.push(sql`c.issued_on <= ${f.to}::date`)
  if (f.typeCode) conditions.push(sql`c.type_code = ${f.typeCode}`)
  if (f.regionCode) conditions.push(sql`c.region_code = ${f.regionCode}`)
  const where = sql.join(conditions, sql` and `)
  const groupBy = dims.length
    ? sql`group by ${sql.join(exprs.map((_, i) => sql.lit(i + 1)))} order by ${sql.join(exprs.map((_, i) => sql.lit(i + 1)))}`
    : sql``
  const head = selected.length ? sql`${sql.join(selected)},` : sql``
  const rows = await sql<
    Record<string, string> & { count: string; revoked: string; fees: string | null }
  >`
    select ${head}
      count(*)::int8 as count,
      count(*) filter (where c.revoked_at is not null)::int8 as revoked,
      coalesce(sum(c.fee_charged), 0)::numeric(14, 2) as fees
    from ${certificateTable} c
    where ${where}
    ${groupBy}
    limit ${maxGroups + 1}`.execute(db)
  return rows.rows
}

export interface CertificateFilter {
  /** The issuing organization; undefined for admins looking across all. */
  orgId?: string
  number?: string
  learnerId?: string
  holderNameHash?: string
  typeCode?: string
  level?: CertificateLevel
  status?: 'valid' | 'revoked' | 'expired'
  issuedFrom?: string
  issuedTo?: string
  /** The (issuedOn, id) of the last certificate of the previous page. */
  before?: [string, string]
  limit: number
}

/**
 * A page of certificates, latest issue date first, `limit + 1` rows. An organization's list walks
 * `certificate_org_issued` backwards; a learner's `certificate_learner`; a number is one probe.
 */
export function listCertificates(db: Kysely<CertificatesDB>, f: CertificateFilter, today: string) {
  let q = withNames(db)
    .orderBy('c.issued_on', 'desc')
    .orderBy('c.id', 'desc')
    .limit(f.limit + 1)
  if (f.orgId) q = q.where('c.evaluation_org_id', '=', f.orgId)
  if (f.number) q = q.where('c.number', '=', f.number)
  if (f.learnerId) q = q.where('c.learner_id', '=', f.learnerId)
  if (f.holderNameHash) q = q.where('c.holder_name_hash', '=', f.holderNameHash)
  if (f.typeCode) q = q.where('c.type_code', '=', f.typeCode)
  if (f.level) q = q.where('c.level', '=', f.level)
  if (f.issuedFrom) q = q.where('c.issued_on', '>=', f.issuedFrom)
  if (f.issuedTo) q = q.where('c.issued_on', '<=', f.issuedTo)
  if (f.status === 'revoked') q = q.where('c.revoked_at', 'is not', null)
  else if (f.status) {
    q = q
      .where('c.revoked_at', 'is', null)
      .where('c.expires_on', f.status === 'expired' ? '<=' : '>', today)
  }
  if (f.before) {
    const [issuedOn, id] = f.before
    q = q.where(sql<boolean>`(c.issued_on, c.id) < (${issuedOn}::date, ${id}::uuid)`)
  }
  return q.execute() as Promise<CertificateRow[]>
}

/** By id or by number (numbers are upper case; people type them in any case). */
export function findCertificateByRef(db: Kysely<CertificatesDB>, ref: CertificateRef) {
  const q = withNames(db)
  return (
    'id' in ref ? q.where('c.id', '=', ref.id) : q.where('c.number', '=', ref.number)
  ).executeTakeFirst() as Promise<CertificateRow | undefined>
}

export type CertificateRef = { id: string } | { number: string }
