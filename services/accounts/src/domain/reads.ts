import { type Principal, principalOf } from '@creditbank/auth'
import { now } from '@creditbank/contracts'
import { cursorKey, toPage } from '@creditbank/service-kit'
import type { FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import { uuidv7 } from 'uuidv7'
import type { AccountsDB } from '../db/schema.js'

/** What a read was, in a word the pages translate; the route itself is kept as well. */
const whatOf: Record<string, string> = {
  'GET /v1/learners/:id': 'profile',
  'POST /v1/learners': 'open',
  'GET /v1/learners/:id/enrollments': 'enrollments',
  'GET /v1/learners/:id/entries': 'entries',
  'GET /v1/learners/:id/account': 'account',
  'GET /v1/learners/:id/chain': 'chain',
  'POST /v1/learners/find': 'find',
  'POST /v1/learners/lookup': 'lookup',
  'POST /v1/learners/lookup/batch': 'lookup',
}

/** The role a read was made in: a client is a system; a user's strongest staff role. */
function roleOf(p: Principal): string {
  if (p.kind === 'client') return 'client'
  for (const r of ['admin', 'registrar', 'issuer', 'reviewer'] as const)
    if (p.roles.includes(r)) return r
  return p.roles[0] ?? 'none'
}

/**
 * Records that the caller read these learners' data, in one insert, before the answer goes out:
 * a failed write fails the request, so no read goes unrecorded (decision 0720). The learner's own
 * reads are not recorded.
 */
export async function recordReads(
  db: Kysely<AccountsDB>,
  request: FastifyRequest,
  learnerIds: readonly string[],
) {
  const p = principalOf(request)
  const ids = [...new Set(learnerIds)].filter((id) => id !== p.learner)
  if (!ids.length) return
  const at = now()
  const route = `${request.method} ${request.routeOptions.url ?? request.url}`
  const who = { actor_kind: p.kind, actor_id: p.subject, role: roleOf(p), org_id: p.org }
  await db
    .insertInto('learner_read')
    .values(
      ids.map((id) => ({
        id: uuidv7(),
        learner_id: id,
        ...who,
        route,
        ip: request.ip,
        read_at: at,
      })),
    )
    .execute()
}

export interface ReadFilter {
  learnerId?: string
  orgId?: string
  actorId?: string
  cursor?: string
  limit?: number
}

/**
 * Reads, newest first, with the organization's name. `full` (admins) adds who exactly and from
 * where; the learner sees the organization, the role, when and what.
 */
export async function listReads(db: Kysely<AccountsDB>, f: ReadFilter, full: boolean) {
  const limit = f.limit ?? 20
  const after = cursorKey(f.cursor)
  let q = db
    .selectFrom('learner_read as r')
    .leftJoin('organization as o', 'o.id', 'r.org_id')
    .select([
      'r.id',
      'r.learner_id',
      'r.actor_kind',
      'r.actor_id',
      'r.role',
      'r.org_id',
      'r.route',
      'r.ip',
      'r.read_at',
      'o.name as org_name',
    ])
  if (f.learnerId) q = q.where('r.learner_id', '=', f.learnerId)
  if (f.orgId) q = q.where('r.org_id', '=', f.orgId)
  if (f.actorId) q = q.where('r.actor_id', '=', f.actorId)
  if (after) q = q.where('r.id', '<', after)
  const rows = await q
    .orderBy('r.id', 'desc')
    .limit(limit + 1)
    .execute()
  return toPage(
    rows,
    limit,
    (r) => [r.id],
    (r) => ({
      id: r.id,
      learnerId: r.learner_id,
      at: r.read_at.toISOString(),
      role: r.role,
      organization: r.org_id ? { id: r.org_id, name: r.org_name ?? null } : null,
      what: whatOf[r.route] ?? 'other',
      route: r.route,
      ...(full ? { actorKind: r.actor_kind, actorId: r.actor_id, ip: r.ip } : {}),
    }),
  )
}
