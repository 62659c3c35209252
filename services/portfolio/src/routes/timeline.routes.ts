import { principalOf, requireRole } from '@creditbank/auth'
import { Page, PageQuery } from '@creditbank/contracts'
import type { Platform, TypeBoxTypeProvider } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { PortfolioContext } from '../context.js'
import { projectionTables } from '../db/schema.js'
import { assertSelf } from '../domain/access.js'
import { rebuildProjection } from '../domain/rebuild.js'
import { timelinePage } from '../domain/timeline.js'
import { consumedTopics } from '../events/handlers.js'
import { errorResponses, LearnerParams, TimelineItem } from './schemas.js'

export async function timelineRoutes(
  app: FastifyInstance,
  svc: PortfolioContext,
  platform: Platform,
) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db

  r.get(
    '/v1/learners/:id/timeline',
    {
      preHandler: requireRole(['learner', 'admin']),
      schema: {
        tags: ['timeline'],
        summary:
          'The learner’s timeline, newest first: every outcome, certificate, application and decision with its provenance',
        params: LearnerParams,
        querystring: PageQuery,
        response: { 200: Page(TimelineItem), ...errorResponses },
      },
    },
    async (request) => {
      assertSelf(principalOf(request), request.params.id, true)
      return timelinePage(db, request.params.id, request.query)
    },
  )

  r.post(
    '/v1/admin/timeline/rebuild',
    {
      preHandler: requireRole(['admin']),
      schema: {
        tags: ['timeline'],
        summary:
          'Drop the timeline projection and replay it from the topics (the replay runs in the background)',
        response: {
          202: Type.Object({ deleted: Type.Integer(), topics: Type.Array(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const consumer = svc.events.consumer
      const out = await rebuildProjection({
        db,
        transport: platform.transport,
        groupId: consumer?.groupId ?? 'creditbank.portfolio',
        topics: consumedTopics,
        tables: projectionTables,
        consumer,
        logger: request.log,
      })
      reply.code(202)
      return { deleted: out.deleted, topics: consumedTopics }
    },
  )
}
