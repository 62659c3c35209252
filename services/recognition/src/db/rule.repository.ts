import { chinaDate } from '@creditbank/contracts'
import type { Kysely, Transaction } from 'kysely'
import type { RecognitionDB } from './schema.js'

type Db = Kysely<RecognitionDB>

export interface RuleVersionRow {
  id: string
  code: string
  version: number
  name: string
  target_org_id: string
  source_kind: string
  spec: unknown
  valid_from: string
  valid_to: string | null
  created_at: Date
  created_by: string
}

export async function findRuleHeader(db: Db, code: string) {
  return db.selectFrom('rule').selectAll().where('code', '=', code).executeTakeFirst()
}

/** The rule's header, its row locked until the transaction ends (versions are numbered under it). */
export async function findRuleHeaderForUpdate(trx: Transaction<RecognitionDB>, code: string) {
  return trx.selectFrom('rule').selectAll().where('code', '=', code).forUpdate().executeTakeFirst()
}

export async function insertRuleHeader(db: Db, code: string, ownerOrgId: string | null) {
  return db
    .insertInto('rule')
    .values({ code, owner_org_id: ownerOrgId, latest_version: 1 })
    .onConflict((oc) => oc.doNothing())
    .returning('code')
    .executeTakeFirst()
}

export async function setLatestVersion(db: Db, code: string, version: number) {
  await db.updateTable('rule').set({ latest_version: version }).where('code', '=', code).execute()
}

export async function insertRuleVersion(
  db: Db,
  row: Omit<RuleVersionRow, 'created_at' | 'spec'> & { spec: string },
) {
  return (await db
    .insertInto('rule_version')
    .values(row)
    .returningAll()
    .executeTakeFirstOrThrow()) as RuleVersionRow
}

export async function findRuleVersion(db: Db, code: string, version: number) {
  return (await db
    .selectFrom('rule_version')
    .selectAll()
    .where('code', '=', code)
    .where('version', '=', version)
    .executeTakeFirst()) as RuleVersionRow | undefined
}

/** The matcher index in SQL: only the latest version of a rule is filed. */
export async function replaceMatchKey(
  db: Db,
  code: string,
  key: { source_kind: string; target_org_id: string; match_key: string; rule_version_id: string },
) {
  await db
    .deleteFrom('rule_match_key')
    .where('rule_version_id', 'in', (eb) =>
      eb.selectFrom('rule_version').select('id').where('code', '=', code),
    )
    .execute()
  await db.insertInto('rule_match_key').values(key).execute()
  await bumpGeneration(db)
}

export async function bumpGeneration(db: Db) {
  await db
    .updateTable('rule_generation')
    .set((eb) => ({ n: eb('n', '+', '1') as never }))
    .where('id', '=', 1)
    .execute()
}

export async function currentGeneration(db: Db): Promise<string> {
  const row = await db
    .selectFrom('rule_generation')
    .select('n')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow()
  return String(row.n)
}

/** Latest versions, newest code first; filters by target and source kind. */
export async function listLatestRules(
  db: Db,
  f: { targetOrgId?: string; sourceKind?: string; after?: string; limit: number },
) {
  let q = db
    .selectFrom('rule_version as v')
    .innerJoin('rule as r', (j) =>
      j.onRef('r.code', '=', 'v.code').onRef('r.latest_version', '=', 'v.version'),
    )
    .selectAll('v')
    .orderBy('v.code')
    .limit(f.limit + 1)
  if (f.targetOrgId) q = q.where('v.target_org_id', '=', f.targetOrgId)
  if (f.sourceKind) q = q.where('v.source_kind', '=', f.sourceKind)
  if (f.after) q = q.where('v.code', '>', f.after)
  return (await q.execute()) as RuleVersionRow[]
}

/** What the matcher is built from: every filed (latest) version valid today (in China) or later, and alliance members. */
export async function loadActive(db: Db) {
  const rules = (await db
    .selectFrom('rule_match_key as k')
    .innerJoin('rule_version as v', 'v.id', 'k.rule_version_id')
    .select(['v.id', 'v.code', 'v.version', 'v.spec'])
    .where((eb) => eb.or([eb('v.valid_to', 'is', null), eb('v.valid_to', '>=', chinaDate())]))
    .execute()) as { id: string; code: string; version: number; spec: unknown }[]
  const members = await db.selectFrom('alliance_member').select(['alliance_id', 'org_id']).execute()
  return { rules, members }
}
