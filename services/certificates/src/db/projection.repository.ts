import { type Kysely, sql } from 'kysely'
import { type CertificatesDB, SCHEMA } from './schema.js'

/** Raw SQL is not rewritten by `withSchema`: it names the schema itself. */
const learnerTable = sql.table(`${SCHEMA}.learner`)

export interface OrganizationRow {
  id: string
  code: string
  name: string
  kind: string
  region_code: string
}

/** identity.organization.registered: the latest name and region win (replays are no-ops). */
export async function upsertOrganization(db: Kysely<CertificatesDB>, o: OrganizationRow) {
  await db
    .insertInto('organization')
    .values(o)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        code: o.code,
        name: o.name,
        kind: o.kind,
        region_code: o.region_code,
        updated_at: new Date(),
      }),
    )
    .execute()
}

export function findOrganization(db: Kysely<CertificatesDB>, id: string) {
  return db
    .selectFrom('organization')
    .select(['id', 'code', 'name', 'kind', 'region_code'])
    .where('id', '=', id)
    .executeTakeFirst() as Promise<OrganizationRow | undefined>
}

export async function insertLearner(db: Kysely<CertificatesDB>, id: string) {
  await db
    .insertInto('learner')
    .values({ id })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute()
}

/**
 * Which of these learners exist. One array parameter, however many ids (a batch names up to
 * 1,000), joined so that each id is one primary-key probe: `id = any($1)` over 1,000 ids is
 * planned as a (parallel) scan of the whole projection, tens of milliseconds at 200,000 learners.
 */
export async function existingLearners(
  db: Kysely<CertificatesDB>,
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await sql<{
    id: string
  }>`select l.id from unnest(${ids}::uuid[]) as k(id) join ${learnerTable} l on l.id = k.id`.execute(
    db,
  )
  return new Set(rows.rows.map((r) => r.id))
}
