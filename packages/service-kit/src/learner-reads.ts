import type { Principal } from '@creditbank/auth'
import { type EventType, now } from '@creditbank/contracts'
import type { EventTables, NewEventOf } from '@creditbank/events'
import type { FastifyRequest } from 'fastify'
import type { ServiceContext } from './platform.js'

/** The role a read was made in: a client is a system; a user's strongest staff role (as 0720). */
function roleOf(p: Principal): string {
  if (p.kind === 'client') return 'client'
  for (const r of ['admin', 'registrar', 'issuer', 'reviewer'] as const)
    if (p.roles.includes(r)) return r
  return p.roles[0] ?? 'none'
}

type ReadType = Extract<EventType, `${string}.learner.read`>

/**
 * Records that the caller read these learners' personal data (decision 0725): one
 * `<service>.learner.read` event per learner, written to the outbox in its own transaction before
 * the answer goes out (a failed write fails the request: no read goes unrecorded), and kept by
 * accounts in the learner's who-looked log. The learner's own reads are not recorded; an
 * unauthenticated caller (public verification) is recorded as `public`, by address.
 */
export async function recordLearnerReads<DB extends EventTables, P extends EventType>(
  svc: ServiceContext<DB, P>,
  type: P & ReadType,
  request: FastifyRequest,
  learnerIds: readonly string[],
  what: string,
): Promise<void> {
  const p = request.principal
  const ids = [...new Set(learnerIds)].filter((id) => id !== p?.learner)
  if (!ids.length) return
  const at = now().toISOString()
  const route = `${request.method} ${request.routeOptions.url ?? request.url}`
  const who = p
    ? { actorKind: p.kind, actorId: p.subject, role: roleOf(p), orgId: p.org }
    : { actorKind: 'public' as const, actorId: 'public', role: 'public', orgId: null }
  const events = ids.map(
    (learnerId) =>
      ({
        type,
        subject: learnerId,
        data: { learnerId, ...who, route, what, ip: request.ip, at },
      }) as unknown as NewEventOf<P>,
  )
  await svc.db.transaction().execute((trx) => svc.events.write(trx, events))
  svc.events.committed()
}
