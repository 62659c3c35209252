import { principalOf, requireAuth, requireRole } from '@creditbank/auth'
import { Id, Page, PageQuery } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { AccountsContext } from '../context.js'
import { selfOrAdmin } from '../domain/access.js'
import { accountsErrors } from '../domain/errors.js'
import { learnersNamed, listReads, recordReads } from '../domain/reads.js'
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
    description:
      'accounts: profile, open, enrollments, entries, account, chain, find, lookup, access-log, import, corrections; certificates: certificate, certificates, certificate-search, verification; recognition: application, applications, evidence',
  }),
  service: Type.String({
    description: 'the service that answered: accounts, certificates, recognition',
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
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
)

/** The admins' search: the learner by 身份证号 or name, never by an internal id; in a body, not a URL. */
const ReadSearch = Type.Object(
  {
    nationalId: Type.Optional(Type.String({ minLength: 1, maxLength: 18 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    birthDate: Type.Optional(Type.String({ format: 'date' })),
    orgId: Type.Optional(Id),
    actorId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
)

/** Who looked at a learner's data (decision 0720): the learner's own list, and the admins' query. */
export async function readRoutes(app: FastifyInstance, svc: AccountsContext, piiKey: Buffer) {
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
      const id = request.params.id
      const { admin } = await selfOrAdmin(db, principalOf(request), id)
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

  r.post(
    '/v1/access-log/search',
    {
      preHandler: requireRole(['admin']),
      schema: {
        tags: ['learners'],
        summary:
          "Reads of learners' data, newest first, by the learner's 身份证号 (or name and birth date), organization, staff user and dates (decision 0725)",
        body: ReadSearch,
        response: { 200: Page(Read), ...errorResponses },
      },
    },
    async (request) => {
      const { nationalId, name, birthDate, from, to, ...rest } = request.body
      if (from && to && Date.parse(from) >= Date.parse(to))
        throw accountsErrors.ACCOUNTS_ACCESS_LOG_QUERY_INVALID(undefined, [
          { path: '/to', message: 'must be after from' },
        ])
      const learnerIds =
        nationalId !== undefined || name !== undefined
          ? await learnersNamed(db, piiKey, { nationalId, name, birthDate })
          : undefined
      // Naming a person to the log is itself a read of whether they have an account.
      if (learnerIds?.length) await recordReads(db, request, learnerIds)
      return listReads(db, { ...rest, from, to, learnerIds }, true)
    },
  )
}
