import { principalOf, requireRole } from '@creditbank/auth'
import { Id } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { assertSelf } from '../domain/access.js'
import {
  type CredentialContext,
  issueClr,
  issueEntryCredential,
  statusListCredential,
} from '../domain/credentials.js'
import { CryptosuiteQuery, errorResponses, JsonDocument } from './schemas.js'

export async function credentialRoutes(app: FastifyInstance, ctx: CredentialContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()

  r.get(
    '/v1/learners/:id/credentials/:entryId',
    {
      preHandler: requireRole(['learner']),
      schema: {
        tags: ['credentials'],
        summary:
          'An entry as an Open Badges 3.0 AchievementCredential (W3C VC 2.0, Data Integrity proof), signed by the organization behind it',
        params: Type.Object({ id: Id, entryId: Id }, { additionalProperties: false }),
        querystring: CryptosuiteQuery,
        response: { 200: JsonDocument, ...errorResponses },
      },
    },
    async (request) => {
      assertSelf(principalOf(request), request.params.id, false)
      return issueEntryCredential(
        ctx,
        request.params.id,
        request.params.entryId,
        request.query.cryptosuite ?? 'eddsa-rdfc-2022',
      )
    },
  )

  r.get(
    '/v1/learners/:id/exports/clr',
    {
      preHandler: requireRole(['learner']),
      schema: {
        tags: ['credentials'],
        summary:
          'The whole record as a CLR 2.0 ClrCredential signed by the credit bank, each entry credential inside signed by its organization',
        params: Type.Object({ id: Id }, { additionalProperties: false }),
        querystring: CryptosuiteQuery,
        response: { 200: JsonDocument, ...errorResponses },
      },
    },
    async (request) => {
      assertSelf(principalOf(request), request.params.id, false)
      return issueClr(ctx, request.params.id, request.query.cryptosuite ?? 'eddsa-rdfc-2022')
    },
  )

  r.get(
    '/status-lists/:id',
    {
      schema: {
        tags: ['credentials'],
        summary:
          'A Bitstring Status List credential (revocation, 131,072 entries) signed by its issuer',
        security: [],
        params: Type.Object({ id: Id }, { additionalProperties: false }),
        response: { 200: JsonDocument, ...errorResponses },
      },
    },
    async (request, reply) => {
      const credential = await statusListCredential(ctx, request.params.id)
      reply.header('cache-control', 'public, max-age=60')
      return credential
    },
  )
}
