import { principalOf, requireAuth, requireRole } from '@creditbank/auth'
import { PageQuery } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import { cursorKey, idempotent, toPage } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import type { Transaction } from 'kysely'
import type { AccountsContext } from '../context.js'
import { listEnrollments } from '../db/enrollment.repository.js'
import { findLearner } from '../db/learner.repository.js'
import type { AccountsDB } from '../db/schema.js'
import { accessTo, actingOrg, requireKnown } from '../domain/access.js'
import { enroll, enrollmentView } from '../domain/enrollments.js'
import { accountsErrors, conflictOnDuplicate } from '../domain/errors.js'
import { findLearners } from '../domain/find.js'
import {
  claimLearner,
  learnerViewOf,
  lookupLearner,
  openedViewOf,
  openLearner,
} from '../domain/learners.js'
import { recordReads } from '../domain/reads.js'
import {
  ClaimBody,
  Enrollment,
  EnrollmentBody,
  EnrollmentPage,
  errorResponses,
  FindBody,
  FoundLearners,
  Learner,
  LearnerParams,
  LookupBody,
  LookupResult,
  OpenLearnerBody,
} from './schemas.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * An opened or claimed learner's answer is remembered for replays by the learner's id alone: the
 * view holds their name, masked number and birth date, which must live only sealed under their
 * key (decision 0730), not in idempotency_key for ever. A replay shows the learner as they are
 * now (corrected, or erased).
 */
const rememberLearner = (view: { id: string }) => ({ id: view.id })

function recallLearner(piiKey: Buffer) {
  return async (remembered: unknown, trx: Transaction<AccountsDB>) => {
    const l = await findLearner(trx, (remembered as { id: string }).id)
    if (!l) throw accountsErrors.ACCOUNTS_LEARNER_NOT_FOUND()
    return learnerViewOf(trx, piiKey, l)
  }
}

export async function learnerRoutes(app: FastifyInstance, svc: AccountsContext, piiKey: Buffer) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db

  r.post(
    '/v1/learners',
    {
      preHandler: requireRole(['registrar', 'admin'], ['learners:write']),
      schema: {
        tags: ['learners'],
        summary: 'Open a learning account (the same person again answers the same learner, 200)',
        body: OpenLearnerBody,
        response: { 200: Learner, 201: Learner, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const out = await idempotent(
        db,
        request,
        reply,
        p.subject,
        async (trx) => {
          const opened = await openLearner(trx, piiKey, request.body, p.org, svc.events.write)
          return { status: opened.status, body: await openedViewOf(trx, piiKey, opened) }
        },
        rememberLearner,
        recallLearner(piiKey),
      )
      svc.events.committed()
      // The same person again answers the learner who was there: a read of someone else's account.
      if (reply.statusCode === 200) await recordReads(db, request, [out.id])
      return out
    },
  )

  r.post(
    '/v1/learners/lookup',
    {
      preHandler: requireRole(['registrar', 'admin'], ['learners:write']),
      schema: {
        tags: ['learners'],
        summary: 'Find a learner by national id and name (never in a URL)',
        body: LookupBody,
        response: { 200: LookupResult, ...errorResponses },
      },
    },
    async (request) => {
      const found = await lookupLearner(db, piiKey, request.body)
      await recordReads(db, request, [found.id])
      return found
    },
  )

  r.post(
    '/v1/learners/find',
    {
      preHandler: requireRole(['registrar', 'admin'], ['learners:write']),
      schema: {
        tags: ['learners'],
        summary:
          'Find a learner as staff name them: 身份证号 + name, 学号, account number, or name + birth date',
        body: FindBody,
        response: { 200: FoundLearners, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request)
      const items = await findLearners(db, piiKey, request.body, p.org ?? undefined)
      await recordReads(
        db,
        request,
        items.map((l) => l.id),
      )
      return { items }
    },
  )

  r.post(
    '/v1/learners/claim',
    {
      preHandler: requireRole(['learner']),
      schema: {
        tags: ['learners'],
        summary:
          'Link the account of this national id to the signed-in learner (opening one if none)',
        body: ClaimBody,
        response: { 200: Learner, 201: Learner, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      if (p.kind !== 'user' || !UUID.test(p.subject))
        throw accountsErrors.ACCOUNTS_CLAIM_FORBIDDEN()
      const out = await conflictOnDuplicate(() =>
        idempotent(
          db,
          request,
          reply,
          p.subject,
          async (trx) => {
            const claimed = await claimLearner(
              trx,
              piiKey,
              request.body,
              p.subject,
              svc.events.write,
            )
            return { status: claimed.status, body: await openedViewOf(trx, piiKey, claimed) }
          },
          rememberLearner,
          recallLearner(piiKey),
        ),
      )
      svc.events.committed()
      return out
    },
  )

  r.get(
    '/v1/learners/:id',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['learners'],
        summary: 'A learner, national id masked',
        params: LearnerParams,
        response: { 200: Learner, ...errorResponses },
      },
    },
    async (request) => {
      await accessTo(db, principalOf(request), request.params.id)
      const l = await findLearner(db, request.params.id)
      if (!l) throw accountsErrors.ACCOUNTS_LEARNER_NOT_FOUND()
      await recordReads(db, request, [l.id])
      return learnerViewOf(db, piiKey, l)
    },
  )

  r.post(
    '/v1/enrollments',
    {
      preHandler: requireRole(['registrar'], ['enrollments:write']),
      schema: {
        tags: ['enrollments'],
        summary: "Enroll a learner in one of the caller's school's programs",
        body: EnrollmentBody,
        response: { 200: Enrollment, 201: Enrollment, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const orgId = actingOrg(p)
      const { nationalId, name, ...body } = request.body
      const out = await idempotent(db, request, reply, p.subject, async (trx) => {
        await requireKnown(trx, piiKey, orgId, body.learnerId, { nationalId, name })
        const { status, enrollment } = await enroll(trx, body, orgId, p.subject, svc.events.write)
        return { status, body: enrollmentView(enrollment) }
      })
      svc.events.committed()
      return out
    },
  )

  r.get(
    '/v1/learners/:id/enrollments',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['enrollments'],
        summary: "A learner's enrollments (an organization sees its own)",
        params: LearnerParams,
        querystring: PageQuery,
        response: { 200: EnrollmentPage, ...errorResponses },
      },
    },
    async (request) => {
      const access = await accessTo(db, principalOf(request), request.params.id)
      const limit = request.query.limit ?? 20
      const after = cursorKey(request.query.cursor)
      const rows = await listEnrollments(db, {
        learnerId: request.params.id,
        ...(access.scope === 'org' ? { orgId: access.orgId } : {}),
        after,
        limit,
      })
      await recordReads(db, request, [request.params.id])
      return toPage(rows, limit, (e) => [e.id], enrollmentView)
    },
  )
}
