import { principalOf, requireAuth, requireRole } from '@creditbank/auth'
import { Id, Page, PageQuery } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { AccountsContext } from '../context.js'
import { selfOrAdmin } from '../domain/access.js'
import { correctLearner, listCorrections } from '../domain/correction.js'
import { eraseLearner, erasureView, listErasures } from '../domain/erasure.js'
import { accountsErrors } from '../domain/errors.js'
import { recordReads } from '../domain/reads.js'
import { errorResponses, Learner, LearnerParams, NationalId, PersonName } from './schemas.js'

const ErasureBody = Type.Object(
  {
    /** The verified request an admin acts on: a reference such as a ticket number, not free text. */
    requestRef: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]*$' }),
    ),
  },
  { additionalProperties: false },
)

const Erasure = Type.Object({
  learnerId: Type.String({ format: 'uuid' }),
  requestedBy: Type.Enum(['learner', 'admin']),
  requestRef: Type.Union([Type.String(), Type.Null()]),
  requestedAt: Type.String({ format: 'date-time' }),
  services: Type.Array(
    Type.Object({
      service: Type.String(),
      completedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    }),
    { maxItems: 10 },
  ),
  complete: Type.Boolean(),
})

const ErasureListItem = Type.Object({
  ...Erasure.properties,
  accountNo: Type.String({ description: 'The account, which stays as an anonymous record' }),
})

const ErasureQuery = Type.Object(
  {
    ...PageQuery.properties,
    /** Only erasures a service has not reported done. */
    pending: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

const CorrectionBody = Type.Object(
  {
    name: Type.Optional(PersonName),
    nationalId: Type.Optional(NationalId),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
)

const Correction = Type.Object({
  id: Id,
  at: Type.String({ format: 'date-time' }),
  fields: Type.Array(Type.Enum(['name', 'nationalId']), { maxItems: 2 }),
  previous: Type.Union(
    [
      Type.Object({
        name: Type.Union([Type.String(), Type.Null()], {
          description: 'The name before, when the name was corrected',
        }),
        nationalIdMasked: Type.Union([Type.String(), Type.Null()], {
          description: 'The 身份证号 before, masked, when it was corrected',
        }),
      }),
      Type.Null(),
    ],
    { description: 'null once the learner is erased (their key is destroyed)' },
  ),
  reason: Type.Union([Type.String(), Type.Null()]),
  role: Type.Enum(['registrar', 'admin']),
  organization: Type.Union([
    Type.Object({ id: Id, name: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
})

/** Erasure (PIPL Art. 47) and correction (Art. 46) of a learner's personal data (decision 0730). */
export async function erasureRoutes(app: FastifyInstance, svc: AccountsContext, piiKey: Buffer) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db

  r.post(
    '/v1/learners/:id/erasure',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['learners'],
        summary:
          "Erase a learner's personal data everywhere (the learner, or an admin on a verified request); irreversible",
        params: LearnerParams,
        body: ErasureBody,
        response: { 200: Erasure, 201: Erasure, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const id = request.params.id
      const admin = p.roles.includes('admin')
      const self = p.roles.includes('learner') && p.learner === id
      if (!admin && !self) throw accountsErrors.ACCOUNTS_LEARNER_NOT_FOUND()
      const requestRef = request.body?.requestRef ?? null
      if (!self && requestRef === null)
        throw accountsErrors.ACCOUNTS_ERASURE_REF_REQUIRED(undefined, [
          { path: '/requestRef', message: 'is required', code: 'FIELD_REQUIRED' },
        ])
      const { status } = await db
        .transaction()
        .execute((trx) =>
          eraseLearner(
            trx,
            piiKey,
            id,
            { actor: p.subject, actorKind: self ? 'learner' : 'admin', requestRef },
            svc.events.write,
          ),
        )
      svc.events.committed()
      request.log.info({ learnerId: id, status }, 'learner erased')
      reply.code(status)
      return (await erasureView(db, id))!
    },
  )

  r.get(
    '/v1/learners/:id/erasure',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['learners'],
        summary: "An erasure and each service's part in it (the learner or an admin)",
        params: LearnerParams,
        response: { 200: Erasure, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request)
      const id = request.params.id
      if (!p.roles.includes('admin') && !(p.roles.includes('learner') && p.learner === id))
        throw accountsErrors.ACCOUNTS_LEARNER_NOT_FOUND()
      const view = await erasureView(db, id)
      if (!view) throw accountsErrors.ACCOUNTS_ERASURE_NOT_FOUND()
      return view
    },
  )

  r.get(
    '/v1/erasures',
    {
      preHandler: requireRole(['admin']),
      schema: {
        tags: ['learners'],
        summary:
          "Erasures, newest first, with each service's part (admins); pending=true keeps the unfinished",
        querystring: ErasureQuery,
        response: { 200: Page(ErasureListItem), ...errorResponses },
      },
    },
    async (request) => listErasures(db, request.query),
  )

  r.get(
    '/v1/learners/:id/corrections',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['learners'],
        summary:
          "Corrections of a learner's name or 身份证号, newest first, with the values before (the learner, or an admin)",
        params: LearnerParams,
        querystring: PageQuery,
        response: { 200: Page(Correction), ...errorResponses },
      },
    },
    async (request) => {
      const id = request.params.id
      const { admin, self } = await selfOrAdmin(db, principalOf(request), id)
      const page = await listCorrections(db, piiKey, id, request.query)
      // An admin reading the values before reads personal data: it goes in the learner's log.
      if (admin && !self) await recordReads(db, request, [id])
      return page
    },
  )

  r.post(
    '/v1/learners/:id/corrections',
    {
      preHandler: requireRole(['registrar', 'admin']),
      schema: {
        tags: ['learners'],
        summary:
          "Correct a learner's name or 身份证号 (the organization that opened the account); the old values kept sealed",
        params: LearnerParams,
        body: CorrectionBody,
        response: { 200: Learner, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request)
      const body = request.body
      if (body.name === undefined && body.nationalId === undefined)
        throw accountsErrors.ACCOUNTS_CORRECTION_EMPTY(undefined, [
          { path: '/name', message: 'is required', code: 'FIELD_REQUIRED' },
        ])
      const view = await db
        .transaction()
        .execute((trx) =>
          correctLearner(
            trx,
            piiKey,
            request.params.id,
            body,
            { actor: p.subject, orgId: p.org ?? null, admin: p.roles.includes('admin') },
            svc.events.write,
          ),
        )
      svc.events.committed()
      return view
    },
  )
}
