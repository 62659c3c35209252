import { recordLearnerReads, type TypeBoxTypeProvider } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import type { CertificatesContext } from '../context.js'
import { verifyCertificate } from '../domain/certificates.js'
import type { HolderNameKeys } from '../domain/holder-name.js'
import { errorResponses, Verification, VerifyBody } from './schemas.js'

export async function verificationRoutes(
  app: FastifyInstance,
  svc: CertificatesContext,
  keys: HolderNameKeys,
  limit: { max: number; windowS: number },
) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db

  r.post(
    '/v1/certificates/verify',
    {
      // Per client address, in this replica's memory: see docs/decisions/0200-certificates-registry.md.
      config: { rateLimit: { max: limit.max, timeWindow: limit.windowS * 1000 } },
      schema: {
        tags: ['verification'],
        summary:
          'Public verification by number and holder name; a wrong name and an unknown number answer alike',
        security: [],
        body: VerifyBody,
        response: { 200: Verification, ...errorResponses },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      const { answer, holder } = await verifyCertificate(
        db,
        keys,
        request.body.number,
        request.body.holderName,
      )
      // A name confirmed against a holder is a read of that holder's data, by the public (0725).
      if (holder)
        await recordLearnerReads(
          svc,
          'certificates.learner.read',
          request,
          [holder],
          'verification',
        )
      return answer
    },
  )
}
