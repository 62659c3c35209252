import { principalOf, requireRole } from '@creditbank/auth'
import { Id, PageQuery } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { PortfolioContext } from '../context.js'
import { assertSelf } from '../domain/access.js'
import { notificationsPage, readNotifications } from '../domain/notifications.js'
import { errorResponses, LearnerParams } from './schemas.js'

const Notification = Type.Object({
  id: Id,
  kind: Type.String({
    description:
      'outcome_posted, entry_reversed, certificate_issued, certificate_revoked, application_opened, application_step_approved, application_approved, application_rejected, application_closed, application_due',
  }),
  at: Type.String({ format: 'date-time' }),
  read: Type.Boolean(),
  refId: Type.Union([Id, Type.Null()], {
    description: 'the entry, certificate or application it is about',
  }),
  orgId: Type.Union([Id, Type.Null()]),
  orgName: Type.Union([Type.String(), Type.Null()]),
  data: Type.Object({}, { additionalProperties: true }),
})

const Unread = Type.Integer({ minimum: 0, description: 'unread notifications left' })

export async function notificationRoutes(app: FastifyInstance, svc: PortfolioContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db

  r.get(
    '/v1/learners/:id/notifications',
    {
      preHandler: requireRole(['learner']),
      schema: {
        tags: ['notifications'],
        summary: 'What happened to the learner: unread first, then newest first',
        params: LearnerParams,
        querystring: PageQuery,
        response: {
          200: Type.Object({
            items: Type.Array(Notification),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
            unread: Unread,
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      assertSelf(principalOf(request), request.params.id, false)
      return notificationsPage(db, request.params.id, request.query)
    },
  )

  r.post(
    '/v1/learners/:id/notifications/read',
    {
      preHandler: requireRole(['learner']),
      schema: {
        tags: ['notifications'],
        summary: 'Mark the given notifications, or all of them, read',
        params: LearnerParams,
        body: Type.Union([
          Type.Object(
            { ids: Type.Array(Id, { minItems: 1, maxItems: 100 }) },
            { additionalProperties: false },
          ),
          Type.Object({ all: Type.Literal(true) }, { additionalProperties: false }),
        ]),
        response: {
          200: Type.Object({ marked: Type.Integer({ minimum: 0 }), unread: Unread }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      assertSelf(principalOf(request), request.params.id, false)
      const body = request.body
      return readNotifications(db, request.params.id, 'ids' in body ? body.ids : 'all')
    },
  )
}
