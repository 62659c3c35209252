import { requireRole } from '@creditbank/auth'
import { Id } from '@creditbank/contracts'
import {
  SERVICE_BATCH_MAX,
  ServiceBatchBody,
  type TypeBoxTypeProvider,
} from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { AccountsContext } from '../context.js'
import { personalViews } from '../domain/personal.js'
import { errorResponses } from './schemas.js'

const Nullable = <T extends Type.TSchema>(s: T) => Type.Union([s, Type.Null()])

const PersonalBatchResult = Type.Object({
  items: Type.Array(
    Type.Object({
      learnerId: Id,
      name: Nullable(Type.String()),
      nationalIdMasked: Nullable(Type.String()),
      erased: Type.Boolean(),
    }),
    { maxItems: SERVICE_BATCH_MAX },
  ),
})

/**
 * The names the platform's services show (decision 0730): events carry learner ids only, and
 * portfolio and recognition ask here, once per batch of events, with a `service` token that only
 * identity's built-in service clients get. Anyone else gets 403. Not a staff read: it is not
 * written to the learner's "who looked" log (the services' own staff reads are, as before).
 */
export async function personalRoutes(app: FastifyInstance, svc: AccountsContext, piiKey: Buffer) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  r.post(
    '/v1/learners/personal/batch',
    {
      preHandler: requireRole(['service']),
      schema: {
        tags: ['learners'],
        summary:
          'The name and masked national id of up to 1,000 learners, for the platform’s own services (nulls once erased)',
        body: ServiceBatchBody,
        response: { 200: PersonalBatchResult, ...errorResponses },
      },
    },
    async (request) => ({ items: await personalViews(svc.db, piiKey, request.body.ids) }),
  )
}
