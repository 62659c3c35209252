import { type Principal, principalOf } from '@creditbank/auth'
import { chinaDate, type EventPayload, now } from '@creditbank/contracts'
import { idCursorKey, keyedHash, toPage } from '@creditbank/service-kit'
import type { FastifyRequest } from 'fastify'
import type { Kysely, Transaction } from 'kysely'
import { uuidv7 } from 'uuidv7'
import { findLearnerByHash } from '../db/learner.repository.js'
import type { AccountsDB } from '../db/schema.js'
import { accountsErrors } from './errors.js'
import {
  birthDateOf,
  nationalIdProblem,
  normalizeName,
  normalizeNationalId,
} from './national-id.js'
import { nameHashOf } from './personal.js'

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
  'POST /v1/access-log/search': 'access-log',
  'GET /v1/learners/:id/corrections': 'corrections',
  'POST /v1/outcomes/import': 'import',
  'POST /v1/enrollments/import': 'import',
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

/**
 * A read another service answered and reported (decision 0725), kept under the event's id: a
 * redelivered event inserts nothing.
 */
export async function keepReportedRead(
  trx: Transaction<AccountsDB>,
  eventId: string,
  service: string,
  d: EventPayload<'certificates.learner.read'>,
) {
  await trx
    .insertInto('learner_read')
    .values({
      id: eventId,
      learner_id: d.learnerId,
      actor_kind: d.actorKind,
      actor_id: d.actorId,
      role: d.role,
      org_id: d.orgId,
      route: d.route,
      ip: d.ip,
      read_at: d.at,
      service,
      what: d.what,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute()
}

export interface ReadFilter {
  learnerId?: string
  /** Any of these learners (an admin's search by name may name several). */
  learnerIds?: readonly string[]
  orgId?: string
  actorId?: string
  /** Reads at or after, and before, these instants. */
  from?: string
  to?: string
  cursor?: string
  limit?: number
}

/**
 * Reads, newest first, with the organization's name. `full` (admins) adds who exactly and from
 * where; the learner sees the organization, the role, when and what.
 */
export async function listReads(db: Kysely<AccountsDB>, f: ReadFilter, full: boolean) {
  const limit = f.limit ?? 20
  const after = idCursorKey(f.cursor)
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
      'r.service',
      'r.what',
      'o.name as org_name',
    ])
  if (f.learnerId) q = q.where('r.learner_id', '=', f.learnerId)
  if (f.orgId) q = q.where('r.org_id', '=', f.orgId)
  if (f.learnerIds) {
    if (!f.learnerIds.length) return { items: [], nextCursor: null }
    q = q.where('r.learner_id', 'in', f.learnerIds)
  }
  if (f.actorId) q = q.where('r.actor_id', '=', f.actorId)
  if (f.from) q = q.where('r.read_at', '>=', new Date(f.from))
  if (f.to) q = q.where('r.read_at', '<', new Date(f.to))
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
      what: r.what ?? whatOf[r.route] ?? 'other',
      service: r.service,
      route: r.route,
      ...(full ? { actorKind: r.actor_kind, actorId: r.actor_id, ip: r.ip } : {}),
    }),
  )
}

/**
 * Learners an admin names: by 身份证号 (with or without the name), or by name and birth date (a
 * name is compared by its keyed hash with the birth date, decision 0730): at most 20.
 */
export async function learnersNamed(
  db: Kysely<AccountsDB>,
  piiKey: Buffer,
  who: { nationalId?: string; name?: string; birthDate?: string },
): Promise<string[]> {
  const invalid = (path: string, message: string) =>
    accountsErrors.ACCOUNTS_ACCESS_LOG_QUERY_INVALID(undefined, [{ path, message }])
  if (who.nationalId !== undefined) {
    const id = normalizeNationalId(who.nationalId)
    if (nationalIdProblem(id, chinaDate())) throw invalid('/nationalId', 'is not a valid 身份证号')
    const l = await findLearnerByHash(db, keyedHash(piiKey, id))
    if (!l) return []
    if (who.name !== undefined) {
      const named = nameHashOf(piiKey, normalizeName(who.name), birthDateOf(id))
      if (l.name_hash !== named) return []
    }
    return [l.id]
  }
  if (who.birthDate === undefined)
    throw invalid('/birthDate', 'a name goes with the birth date, or give the 身份证号')
  const rows = await db
    .selectFrom('learner')
    .select('id')
    .where('name_hash', '=', nameHashOf(piiKey, normalizeName(who.name ?? ''), who.birthDate))
    .orderBy('account_no')
    .limit(20)
    .execute()
  return rows.map((r) => r.id)
}
