import { requireRole } from '@creditbank/auth'
import { Id } from '@creditbank/contracts'
import {
  type LearnerKeys,
  SERVICE_BATCH_MAX,
  ServiceBatchBody,
  type TypeBoxTypeProvider,
} from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { PortfolioContext } from '../context.js'
import { evidenceNameRows } from '../db/evidence.repository.js'
import { openEach } from '../domain/personal.js'
import { errorResponses } from './schemas.js'

const EvidenceNamesResult = Type.Object({
  items: Type.Array(
    Type.Object({ evidenceId: Id, filename: Type.Union([Type.String(), Type.Null()]) }),
    { maxItems: SERVICE_BATCH_MAX },
  ),
})

/**
 * The names learners gave their evidence files, for the platform's own services (decision 0730):
 * `portfolio.evidence.added` carries no name (it is free text, often the learner's own name, and
 * the topic keeps it past an erasure), so recognition asks here, once per batch of events, for the
 * names its reviewers see. Only a `service` token (identity's built-in service clients) may ask;
 * anyone else gets 403. A file deleted (an erasure deletes them all and destroys the key the names
 * are sealed under) or unknown answers null, so a replay after an erasure brings no name back. A
 * machine read for a projection: not a read of the learner's data by a person, and not written to
 * any "who looked" log.
 */
export async function evidenceNameRoutes(
  app: FastifyInstance,
  svc: PortfolioContext,
  keys: LearnerKeys,
) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  r.post(
    '/v1/evidence/names/batch',
    {
      preHandler: requireRole(['service']),
      schema: {
        tags: ['evidence'],
        summary:
          'The names of up to 1,000 evidence files, for the platform’s own services (null once deleted or erased)',
        body: ServiceBatchBody,
        response: { 200: EvidenceNamesResult, ...errorResponses },
      },
    },
    async (request) => {
      const ids = [...new Set(request.body.ids.map((id) => id.toLowerCase()))]
      // The names are sealed under each learner's key: one read of the keys for the whole batch.
      const rows = await evidenceNameRows(svc.db, ids)
      const opened = await openEach(svc.db, keys, rows, (r) => r.filename_sealed)
      const names = new Map(rows.map((r, i) => [r.id.toLowerCase(), opened[i]]))
      return {
        items: ids.map((evidenceId) => ({ evidenceId, filename: names.get(evidenceId) ?? null })),
      }
    },
  )
}
