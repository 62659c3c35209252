import { principalOf, requireRole } from '@creditbank/auth'
import { Id, PageQuery } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import { cursorKey, idempotent, toPage } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { CertificatesContext } from '../context.js'
import { findType, listTypes } from '../db/type.repository.js'
import { publishType, typeView } from '../domain/catalog.js'
import { certificatesErrors } from '../domain/errors.js'
import {
  CertificateType,
  CertificateTypePage,
  errorResponses,
  NewTypeBody,
  Text,
  TypeCode,
} from './schemas.js'

export async function catalogRoutes(app: FastifyInstance, svc: CertificatesContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db

  r.post(
    '/v1/certificate-types',
    {
      preHandler: requireRole(['admin']),
      schema: {
        tags: ['catalog'],
        summary: 'Publish a 1+X certificate type with its levels, validity and fee standard',
        body: NewTypeBody,
        response: { 200: CertificateType, 201: CertificateType, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const out = await idempotent(db, request, reply, p.subject, async (trx) => {
        const { status, type } = await publishType(trx, request.body, p.subject, svc.events.write)
        return { status, body: typeView(type) }
      })
      svc.events.committed()
      return out
    },
  )

  r.get(
    '/v1/certificate-types',
    {
      schema: {
        tags: ['catalog'],
        summary: 'The 1+X catalog (public)',
        security: [],
        querystring: Type.Object(
          {
            ...PageQuery.properties,
            evaluationOrgId: Type.Optional(Id),
            major: Type.Optional(Text(1, 100)),
          },
          { additionalProperties: false },
        ),
        response: { 200: CertificateTypePage, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query
      const limit = q.limit ?? 20
      const after = cursorKey(q.cursor)
      if (after !== undefined && (typeof after !== 'string' || !/^[A-Z0-9-]{1,20}$/.test(after)))
        throw certificatesErrors.CERTIFICATES_CURSOR_MALFORMED()
      const rows = await listTypes(db, {
        evaluationOrgId: q.evaluationOrgId,
        major: q.major,
        after,
        limit,
      })
      return toPage(rows, limit, (t) => [t.code], typeView)
    },
  )

  r.get(
    '/v1/certificate-types/:code',
    {
      schema: {
        tags: ['catalog'],
        summary: 'One certificate type (public)',
        security: [],
        params: Type.Object({ code: TypeCode }),
        response: { 200: CertificateType, ...errorResponses },
      },
    },
    async (request) => {
      const t = await findType(db, request.params.code)
      if (!t) throw certificatesErrors.CERTIFICATES_TYPE_NOT_FOUND()
      return typeView(t)
    },
  )
}
