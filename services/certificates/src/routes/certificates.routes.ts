import { principalOf, requireAuth, requireRole } from '@creditbank/auth'
import { Id } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import { idempotent } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import Type from 'typebox'
import { findCertificate } from '../db/certificate.repository.js'
import type { CertificatesDB } from '../db/schema.js'
import { certificateView, readCertificate, revokeCertificate } from '../domain/certificates.js'
import type { HolderNameKeys } from '../domain/holder-name.js'
import { issueCertificates } from '../domain/issuance.js'
import {
  BatchBody,
  BatchResult,
  Certificate,
  errorResponses,
  IssueBody,
  RevocationBody,
} from './schemas.js'

const issuers = requireRole(['issuer'], ['certificates:write'])

export async function certificateRoutes(app: FastifyInstance, keys: HolderNameKeys) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = app.db as Kysely<CertificatesDB>
  const ctx = { keys, publish: app.events.write }

  r.post(
    '/v1/certificates',
    {
      preHandler: issuers,
      schema: {
        tags: ['certificates'],
        summary:
          'Issue a certificate (the owning evaluation organization only); the natural key (type, learner, level, date) makes a repeat answer the first',
        body: IssueBody,
        response: { 200: Certificate, 201: Certificate, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const out = await idempotent(db, request, reply, p.subject, async (trx) => {
        const [issued] = await issueCertificates(trx, [request.body], p, ctx, () => '')
        const row = (await findCertificate(trx, issued!.id))!
        return { status: issued!.created ? 201 : 200, body: certificateView(row, keys) }
      })
      app.events.committed()
      return out
    },
  )

  r.post(
    '/v1/certificates/batch',
    {
      preHandler: issuers,
      schema: {
        tags: ['certificates'],
        summary:
          'Issue up to 1,000 certificates: validated whole first, any bad row → 422 listing every bad row and nothing written; else one transaction',
        body: BatchBody,
        response: { 200: BatchResult, 201: BatchResult, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const out = await idempotent(db, request, reply, p.subject, async (trx) => {
        const issued = await issueCertificates(
          trx,
          request.body.items,
          p,
          ctx,
          (i) => `/items/${i}`,
        )
        const created = issued.filter((i) => i.created).length
        return {
          status: created > 0 ? 201 : 200,
          body: {
            items: issued,
            created,
            existing: issued.length - created,
          },
        }
      })
      app.events.committed()
      return out
    },
  )

  r.get(
    '/v1/certificates/:id',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['certificates'],
        summary:
          'One certificate: for its holder, the issuing organization and admins (others get 404)',
        params: Type.Object({ id: Id }),
        response: { 200: Certificate, ...errorResponses },
      },
    },
    async (request) =>
      certificateView(await readCertificate(db, request.params.id, principalOf(request)), keys),
  )

  r.post(
    '/v1/certificates/:id/revocation',
    {
      preHandler: issuers,
      schema: {
        tags: ['certificates'],
        summary: 'Revoke a certificate, with a reason (the issuing organization only; once)',
        params: Type.Object({ id: Id }),
        body: RevocationBody,
        response: { 200: Certificate, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const out = await idempotent(db, request, reply, p.subject, async (trx) => ({
        status: 200,
        body: certificateView(
          await revokeCertificate(trx, request.params.id, request.body.reason, p, app.events.write),
          keys,
        ),
      }))
      app.events.committed()
      return out
    },
  )
}
