import type { Principal } from '@creditbank/auth'
import type { FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import { uuidv7 } from 'uuidv7'
import { type AuditRow, insertAuditEvent } from '../db/audit.repository.js'
import type { IdentityDB } from '../db/schema.js'
import { findUser } from '../db/user.repository.js'

/** The administrative actions identity records. */
export const auditActions = [
  'organization.registered',
  'organization.updated',
  'user.created',
  'user.disabled',
  'user.enabled',
  'user.password_reset',
  'user.password_changed',
  'client.created',
  'client.revoked',
  'signing_key.rotated',
] as const
export type AuditAction = (typeof auditActions)[number]

/** Who acts and from where: the caller, the address the request came from, its user agent. */
export interface AuditActor {
  id: string
  name: string
  ip: string | null
  userAgent: string | null
}

export interface AuditEntry {
  action: AuditAction
  target: { kind: 'organization' | 'user' | 'client' | 'signing_key'; id: string; label: string }
  /** The organizations concerned: their admins see the entry. */
  orgIds: string[]
  detail?: Record<string, unknown>
}

/**
 * The acting person, named as they are now (the name is copied into each entry, so a later rename
 * does not rewrite history). The address is the client's as the server sees it: behind the gateway
 * that needs TRUST_PROXY, as for the rate limits.
 */
export async function auditActor(
  db: Kysely<IdentityDB>,
  request: FastifyRequest,
  p: Principal,
): Promise<AuditActor> {
  const user = p.kind === 'user' ? await findUser(db, p.subject) : undefined
  return actorAt(request, p.subject, user?.username ?? p.subject)
}

/** An actor named by the caller: the request says from where. */
export function actorAt(request: FastifyRequest, id: string, name: string): AuditActor {
  const agent = request.headers['user-agent']
  return {
    id,
    name,
    ip: request.ip ?? null,
    userAgent: typeof agent === 'string' ? agent.slice(0, 300) : null,
  }
}

/** Written in the transaction of the action itself: an action without its entry cannot commit. */
export async function recordAudit(trx: Kysely<IdentityDB>, actor: AuditActor, e: AuditEntry) {
  await insertAuditEvent(trx, {
    id: uuidv7(),
    actor_id: actor.id,
    actor_name: actor.name,
    action: e.action,
    target_kind: e.target.kind,
    target_id: e.target.id,
    target_label: e.target.label,
    org_ids: [...new Set(e.orgIds)],
    ip: actor.ip,
    user_agent: actor.userAgent,
    detail: e.detail ?? {},
  })
}

export function auditView(r: AuditRow) {
  return {
    id: r.id,
    at: r.at.toISOString(),
    actor: { id: r.actor_id, name: r.actor_name },
    action: r.action,
    target: { kind: r.target_kind, id: r.target_id, label: r.target_label },
    orgIds: r.org_ids,
    ip: r.ip,
    userAgent: r.user_agent,
    detail: r.detail,
  }
}
