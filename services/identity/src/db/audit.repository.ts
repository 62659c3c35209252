import { type Kysely, sql } from 'kysely'
import type { AuditEventTable, IdentityDB } from './schema.js'

export interface AuditRow extends Omit<AuditEventTable, 'at' | 'detail'> {
  at: Date
  detail: Record<string, unknown>
}

export async function insertAuditEvent(
  db: Kysely<IdentityDB>,
  row: Omit<AuditRow, 'at' | 'detail'> & { detail: Record<string, unknown> },
) {
  await db
    .insertInto('audit_event')
    .values({ ...row, detail: JSON.stringify(row.detail) })
    .execute()
}

export interface AuditFilter {
  /** Only entries concerning one of these organizations; undefined: all (platform admins). */
  orgIds?: string[]
  action?: string
  actorId?: string
  targetId?: string
  from?: Date
  to?: Date
  /** The id of the last entry of the previous page (newest first). */
  before?: string
  limit: number
}

/** Newest first; ids are UUIDv7, so their order is the order of the actions. */
export function listAuditEvents(db: Kysely<IdentityDB>, f: AuditFilter) {
  let q = db
    .selectFrom('audit_event')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
  if (f.orgIds) q = q.where(sql<boolean>`org_ids && ${f.orgIds}::uuid[]`)
  if (f.action) q = q.where('action', '=', f.action)
  if (f.actorId) q = q.where('actor_id', '=', f.actorId)
  if (f.targetId) q = q.where('target_id', '=', f.targetId)
  if (f.from) q = q.where('at', '>=', f.from)
  if (f.to) q = q.where('at', '<', f.to)
  if (f.before) q = q.where('id', '<', f.before)
  return q.execute() as Promise<AuditRow[]>
}
