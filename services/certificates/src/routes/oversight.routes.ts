import { requireRole } from '@creditbank/auth'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import type { CertificatesContext } from '../context.js'
import { oversight, parseGroupBy } from '../domain/oversight.js'
import { errorResponses, OversightQuery, OversightReport } from './schemas.js'

export async function oversightRoutes(app: FastifyInstance, svc: CertificatesContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db

  r.get(
    '/v1/oversight/certificates',
    {
      preHandler: requireRole(['admin']),
      schema: {
        tags: ['oversight'],
        summary:
          'Counts of certificates and fees charged, grouped by type, level, region, month, org or status (admins)',
        querystring: OversightQuery,
        response: { 200: OversightReport, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query
      return oversight(db, parseGroupBy(q.groupBy), {
        from: q.from,
        to: q.to,
        typeCode: q.typeCode,
        regionCode: q.regionCode,
      })
    },
  )
}
