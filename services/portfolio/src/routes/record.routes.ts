import { principalOf, requireRole } from '@creditbank/auth'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import type { FastifyInstance, FastifyReply } from 'fastify'
import Type from 'typebox'
import type { PortfolioContext } from '../context.js'
import { timelineRows } from '../db/timeline.repository.js'
import { assertSelf } from '../domain/access.js'
import type { CredentialContext } from '../domain/credentials.js'
import { buildRecord, findRecord, type RecordBody, storeRecord } from '../domain/record.js'
import { accessShare, sharedRows } from '../domain/shares.js'
import { errorResponses, LearnerParams } from './schemas.js'

const RecordItem = Type.Object({
  ref: Type.String(),
  category: Type.String(),
  kind: Type.String(),
  title: Type.String(),
  issuer: Type.Union([Type.String(), Type.Null()]),
  occurredOn: Type.String({ format: 'date' }),
  credits: Type.Union([Type.String(), Type.Null()]),
  hours: Type.Union([Type.String(), Type.Null()]),
  level: Type.Union([Type.String(), Type.Null()]),
  number: Type.Union([Type.String(), Type.Null()]),
  validUntil: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  status: Type.Enum(['valid', 'expired', 'revoked'], { description: 'what holds today' }),
})

const PdfResponse = Type.Unknown({ description: 'application/pdf: the printable record' })

export async function recordRoutes(
  app: FastifyInstance,
  svc: PortfolioContext,
  ctx: CredentialContext,
) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db

  async function sendPdf(
    reply: FastifyReply,
    learnerId: string,
    shareId: string | null,
    body: RecordBody,
  ) {
    const { digest } = await storeRecord(db, ctx.keys, learnerId, shareId, body)
    // pdfkit, its fonts and qrcode are loaded on the first print, not at every start.
    const { renderRecordPdf } = await import('../domain/record-pdf.js')
    const pdf = await renderRecordPdf(body, `${ctx.publicBaseUrl}/#/record/${digest}`, digest)
    return reply
      .type('application/pdf')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="learning-record-${body.asOf}.pdf"`)
      .header('x-record-digest', digest)
      .send(pdf)
  }

  r.get(
    '/v1/learners/:id/record.pdf',
    {
      preHandler: requireRole(['learner']),
      schema: {
        tags: ['records'],
        summary:
          '学习成果证明: every active entry as a printable PDF with a QR code and digest the verification page checks',
        params: LearnerParams,
        response: { 200: PdfResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      assertSelf(principalOf(request), request.params.id, false)
      const rows = await timelineRows(db, request.params.id, { limit: 1_000 })
      const body = await buildRecord(db, ctx.keys, request.params.id, rows, 'account')
      return sendPdf(reply, request.params.id, null, body)
    },
  )

  r.get(
    '/v1/shared/:token/record.pdf',
    {
      schema: {
        tags: ['records'],
        summary: 'The printable record of what a share shows, for anyone holding its token',
        security: [],
        params: Type.Object(
          { token: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }) },
          { additionalProperties: false },
        ),
        response: { 200: PdfResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      reply.header('referrer-policy', 'no-referrer')
      const { share } = await accessShare(db, ctx.keys, request.params.token, {
        userAgent: request.headers['user-agent'],
        ip: request.ip,
      })
      const rows = await sharedRows(db, share)
      const body = await buildRecord(db, ctx.keys, share.learner_id, rows, 'share')
      return sendPdf(reply, share.learner_id, share.id, body)
    },
  )

  r.get(
    '/v1/records/:code',
    {
      schema: {
        tags: ['records'],
        summary:
          'A printed record by its digest or verification code: what it said, its canonical form to re-hash, and what holds today',
        security: [],
        params: Type.Object(
          { code: Type.String({ pattern: '^[0-9a-fA-F]{16}([0-9a-fA-F]{48})?$' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            digest: Type.String({ description: 'sha256 (hex) of canonical, UTF-8' }),
            code: Type.String(),
            canonical: Type.String({
              description: 'the record as printed, RFC 8785 canonical JSON',
            }),
            printedAt: Type.String({ format: 'date-time' }),
            valid: Type.Boolean({ description: 'every line still holds today' }),
            record: Type.Object({
              v: Type.Integer(),
              title: Type.String(),
              learner: Type.Object({
                name: Type.Union([Type.String(), Type.Null()]),
                accountNo: Type.Union([Type.String(), Type.Null()]),
              }),
              scope: Type.String(),
              asOf: Type.String({ format: 'date' }),
              items: Type.Array(RecordItem),
            }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      return findRecord(db, ctx.keys, request.params.code)
    },
  )
}
