import type { Kysely } from 'kysely'
import type { AccountsDB } from './schema.js'

export function findOrganization(db: Kysely<AccountsDB>, id: string) {
  return db
    .selectFrom('organization')
    .select(['id', 'kind', 'name'])
    .where('id', '=', id)
    .executeTakeFirst()
}

type OrganizationRow = { id: string; kind: string; name: string }

/**
 * Organizations seen in the last few seconds, for the posting path (one round trip fewer a
 * group). Only found rows are kept, so a newly registered organization is seen at once; a change
 * of kind or name reaches this replica within ORGANIZATION_TTL_MS (at once when this replica
 * applied it). Keyed by id: ids are UUIDs, unique across databases.
 */
const recent = new Map<string, { row: OrganizationRow; at: number }>()
const ORGANIZATION_TTL_MS = 5_000

export async function findOrganizations(
  db: Kysely<AccountsDB>,
  ids: string[],
): Promise<OrganizationRow[]> {
  const now = Date.now()
  const found: OrganizationRow[] = []
  const missing: string[] = []
  for (const id of ids) {
    const hit = recent.get(id)
    if (hit && now - hit.at < ORGANIZATION_TTL_MS) found.push(hit.row)
    else missing.push(id)
  }
  if (missing.length === 0) return found
  const rows = await db
    .selectFrom('organization')
    .select(['id', 'kind', 'name'])
    .where('id', 'in', missing)
    .execute()
  if (recent.size > 10_000) recent.clear()
  for (const row of rows) recent.set(row.id, { row, at: now })
  return [...found, ...rows]
}

/** The projection keeps the latest registration; a replay changes nothing. */
export async function upsertOrganization(
  db: Kysely<AccountsDB>,
  o: { id: string; kind: string; name: string; code: string },
) {
  recent.delete(o.id)
  await db
    .insertInto('organization')
    .values(o)
    .onConflict((oc) => oc.column('id').doUpdateSet({ kind: o.kind, name: o.name, code: o.code }))
    .execute()
}
