import { principalOf, requireAuth, requireRole } from '@creditbank/auth'
import { Id, Page, PageQuery } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { AccountsContext } from '../context.js'
import { findLearner } from '../db/learner.repository.js'
import { accountsErrors } from '../domain/errors.js'
import { listReads } from '../domain/reads.js'
import { errorResponses, LearnerParams } from './schemas.js'

const Read = Type.Object({
  id: Id,
  learnerId: Id,
  at: Type.String({ format: 'date-time' }),
  role: Type.String({ description: 'admin, registrar, issuer, reviewer, or client (a system)' }),
  organization: Type.Union([
    Type.Object({ id: Id, name: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  what: Type.String({
    description: 'profile, open, enrollments, entries, account, chain, find, lookup',
  }),
  route: Type.String(),
  actorKind: Type.Optional(Type.String({ description: 'admins only: user or client' })),
  actorId: Type.Optional(Type.String({ description: 'admins only: the user or client id' })),
  ip: Type.Optional(Type.String({ description: 'admins only: where the read came from' })),
})

const ReadQuery = Type.Object(
  {
    ...PageQuery.properties,
    learnerId: Type.Optional(Id),
    orgId: Type.Optional(Id),
    actorId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
)

/** Who looked at a learner's data (decision 0720): the learner's own list, and the admins' query. */
export async function readRoutes(app: FastifyInstance, svc: AccountsContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db

  r.get(
    '/v1/learners/:id/access-log',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['learners'],
        summary: "Who read this learner's data, newest first (the learner or an admin)",
        params: LearnerParams,
        querystring: PageQuery,
        response: { 200: Page(Read), ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request)
      const id = request.params.id
      const admin = p.roles.includes('admin')
      const self = p.roles.includes('learner') && p.learner === id
      if (!(admin || self) || !(await findLearner(db, id)))
        throw accountsErrors.ACCOUNTS_LEARNER_NOT_FOUND()
      return listReads(db, { ...request.query, learnerId: id }, admin)
    },
  )

  r.get(
    '/v1/access-log',
    {
      preHandler: requireRole(['admin']),
      schema: {
        tags: ['learners'],
        summary: "Reads of learners' data, newest first, by learner, organization or staff user",
        querystring: ReadQuery,
        response: { 200: Page(Read), ...errorResponses },
      },
    },
    async (request) => listReads(db, request.query, true),
  )
}
