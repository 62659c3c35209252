import { principalOf, requireRole } from '@creditbank/auth'
import { AppError } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { assertSelf } from '../domain/access.js'
import type { CredentialContext } from '../domain/credentials.js'
import { portfolioErrors } from '../domain/errors.js'
import { exportParts } from '../domain/export.js'
import { remoteParts, type SourceGet } from '../domain/export-sources.js'
import { zipStream } from '../domain/zip-stream.js'
import { errorResponses, LearnerParams, problem } from './schemas.js'

/** Copies made at once by one replica: each holds its JSON in memory and signs a CLR. */
const CONCURRENT_EXPORTS = 2
const RETRY_AFTER_S = '30'

const ZipResponse = Type.Unknown({
  description:
    'application/zip: README.txt (zh, en), manifest.json, each service’s JSON, the evidence files, the CLR credential and the 学习成果证明 PDF',
})

export async function exportRoutes(app: FastifyInstance, ctx: CredentialContext, get: SourceGet) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  let running = 0

  r.get(
    '/v1/learners/:id/export',
    {
      preHandler: requireRole(['learner']),
      schema: {
        tags: ['records'],
        summary:
          'A copy of all my data (个人信息保护法 Art. 45): one zip of everything every service holds about the learner, asked of each with the learner’s token; a service that does not answer fails it whole (503)',
        params: LearnerParams,
        response: { 200: ZipResponse, 503: problem, ...errorResponses },
      },
    },
    async (request, reply) => {
      const learnerId = request.params.id
      assertSelf(principalOf(request), learnerId, false)
      if (running >= CONCURRENT_EXPORTS) {
        reply.header('retry-after', RETRY_AFTER_S)
        throw portfolioErrors.PORTFOLIO_EXPORT_BUSY()
      }
      running += 1
      let stream: ReturnType<typeof zipStream>
      let filename: string
      try {
        const now = new Date()
        const remote = await remoteParts(get, learnerId, request.headers.authorization ?? '')
        const made = await exportParts(ctx, learnerId, remote, now)
        filename = made.filename
        stream = zipStream(made.parts, now)
      } catch (err) {
        running -= 1
        if (err instanceof AppError && err.code === 'PORTFOLIO_EXPORT_SOURCE_UNAVAILABLE')
          reply.header('retry-after', RETRY_AFTER_S)
        throw err
      }
      stream.once('close', () => {
        running -= 1
      })
      return reply
        .type('application/zip')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(stream)
    },
  )
}
