import type { Kysely } from 'kysely'
import type { CertificatesDB } from './schema.js'

export interface TypeRow {
  code: string
  name: string
  name_en: string | null
  evaluation_org_id: string
  levels: string[]
  validity_years: number
  majors: string[]
  created_at: Date
  /** level → fee, two places. */
  fees: Record<string, string>
  /** From the organization projection. */
  org_name: string
  org_region_code: string
}

export async function insertType(
  db: Kysely<CertificatesDB>,
  t: {
    code: string
    name: string
    name_en: string | null
    evaluation_org_id: string
    levels: string[]
    validity_years: number
    majors: string[]
    created_by: string
  },
  fees: Record<string, string>,
) {
  await db.insertInto('certificate_type').values(t).execute()
  await db
    .insertInto('certificate_type_fee')
    .values(Object.entries(fees).map(([level, fee]) => ({ type_code: t.code, level, fee })))
    .execute()
}

function baseQuery(db: Kysely<CertificatesDB>) {
  return db
    .selectFrom('certificate_type as t')
    .innerJoin('organization as o', 'o.id', 't.evaluation_org_id')
    .select([
      't.code',
      't.name',
      't.name_en',
      't.evaluation_org_id',
      't.levels',
      't.validity_years',
      't.majors',
      't.created_at',
      'o.name as org_name',
      'o.region_code as org_region_code',
    ])
}

async function withFees(
  db: Kysely<CertificatesDB>,
  rows: Omit<TypeRow, 'fees'>[],
): Promise<TypeRow[]> {
  if (rows.length === 0) return []
  const fees = await db
    .selectFrom('certificate_type_fee')
    .select(['type_code', 'level', 'fee'])
    .where(
      'type_code',
      'in',
      rows.map((r) => r.code),
    )
    .execute()
  return rows.map((r) => ({
    ...r,
    fees: Object.fromEntries(
      fees.filter((f) => f.type_code === r.code).map((f) => [f.level, f.fee]),
    ),
  }))
}

export async function findTypes(
  db: Kysely<CertificatesDB>,
  codes: string[],
): Promise<Map<string, TypeRow>> {
  if (codes.length === 0) return new Map()
  const rows = (await baseQuery(db).where('t.code', 'in', codes).execute()) as Omit<
    TypeRow,
    'fees'
  >[]
  return new Map((await withFees(db, rows)).map((r) => [r.code, r]))
}

export async function findType(
  db: Kysely<CertificatesDB>,
  code: string,
): Promise<TypeRow | undefined> {
  return (await findTypes(db, [code])).get(code)
}

export async function listTypes(
  db: Kysely<CertificatesDB>,
  f: { evaluationOrgId?: string; major?: string; after?: string; limit: number },
) {
  let q = baseQuery(db)
    .orderBy('t.code')
    .limit(f.limit + 1)
  if (f.evaluationOrgId) q = q.where('t.evaluation_org_id', '=', f.evaluationOrgId)
  if (f.major) q = q.where((eb) => eb(eb.val(f.major), '=', eb.fn.any('t.majors')))
  if (f.after) q = q.where('t.code', '>', f.after)
  return withFees(db, (await q.execute()) as Omit<TypeRow, 'fees'>[])
}
