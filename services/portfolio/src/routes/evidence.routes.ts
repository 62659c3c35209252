import { principalOf, requireRole } from '@creditbank/auth'
import { Id, Page, PageQuery } from '@creditbank/contracts'
import {
  cursorKey,
  type LearnerKeys,
  type TypeBoxTypeProvider,
  toPage,
} from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { PortfolioContext } from '../context.js'
import { listEvidence } from '../db/evidence.repository.js'
import { assertSelf } from '../domain/access.js'
import {
  addEvidence,
  EVIDENCE_MAX_BYTES,
  evidenceView,
  readEvidence,
  withNames,
} from '../domain/evidence.js'
import type { EvidenceGrants } from '../domain/evidence-grants.js'
import { errorResponses, LearnerParams } from './schemas.js'

const Evidence = Type.Object({
  id: Id,
  learnerId: Id,
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  filename: Type.Union([Type.String(), Type.Null()]),
  mediaType: Type.String(),
  sizeBytes: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
})

/**
 * Evidence files travel as the raw request body (any content type, at most 10 MB); the type is
 * judged from the bytes alone. This plugin is encapsulated so its catch-all body parser touches
 * no other route.
 */
export async function evidenceRoutes(
  app: FastifyInstance,
  o: { svc: PortfolioContext; grants: EvidenceGrants; keys: LearnerKeys },
) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const { db, events } = o.svc
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: EVIDENCE_MAX_BYTES },
    (_request, body, done) => done(null, body),
  )

  r.post(
    '/v1/learners/:id/evidence',
    {
      preHandler: requireRole(['learner']),
      bodyLimit: EVIDENCE_MAX_BYTES,
      schema: {
        tags: ['evidence'],
        summary:
          'Upload an evidence file (PDF, PNG or JPEG, at most 10 MB) as the raw body; the same file again answers the stored one',
        params: LearnerParams,
        querystring: Type.Object(
          {
            filename: Type.Optional(
              Type.String({ minLength: 1, maxLength: 200, pattern: '^[^/\\\\\\u0000-\\u001f]+$' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Evidence, 201: Evidence, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      assertSelf(p, request.params.id, false)
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
      const out = await addEvidence(
        db,
        o.keys,
        request.params.id,
        p.subject,
        body,
        request.query.filename ?? null,
        events.write,
      )
      events.committed()
      reply.code(out.status)
      return out.evidence
    },
  )

  r.get(
    '/v1/learners/:id/evidence',
    {
      preHandler: requireRole(['learner']),
      schema: {
        tags: ['evidence'],
        summary: 'The learner’s evidence files',
        params: LearnerParams,
        querystring: PageQuery,
        response: { 200: Page(Evidence), ...errorResponses },
      },
    },
    async (request) => {
      assertSelf(principalOf(request), request.params.id, false)
      const limit = request.query.limit ?? 20
      const after = cursorKey(request.query.cursor)
      const rows = await listEvidence(
        db,
        request.params.id,
        after && /^[0-9a-f-]{36}$/.test(after) ? after : undefined,
        limit,
      )
      return toPage(await withNames(db, o.keys, rows), limit, (e) => [e.id], evidenceView)
    },
  )

  r.get(
    '/v1/evidence/:id',
    {
      preHandler: requireRole(['learner', 'reviewer']),
      schema: {
        tags: ['evidence'],
        summary:
          'The file itself, with its sha256 in ETag and Repr-Digest: for its learner, or for a reviewer of an application that names it (`application`; recognition grants and logs each read)',
        params: Type.Object({ id: Id }, { additionalProperties: false }),
        querystring: Type.Object(
          { application: Type.Optional(Id) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Unknown({ description: 'the file bytes' }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const own = p.roles.includes('learner') ? p.learner : null
      const { application } = request.query
      // A reviewer's read: recognition decides and logs it; the file must be that learner's.
      const granted =
        application && p.roles.includes('reviewer')
          ? await o.grants.grant(
              application,
              request.params.id,
              request.headers.authorization ?? '',
            )
          : null
      const { evidence, content } = await readEvidence(
        db,
        o.keys,
        request.params.id,
        granted ?? own,
      )
      reply
        .type(evidence.media_type)
        .header('etag', `"${evidence.sha256}"`)
        .header(
          'repr-digest',
          `sha-256=:${Buffer.from(evidence.sha256, 'hex').toString('base64')}:`,
        )
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', `attachment; filename="evidence-${evidence.id}"`)
      return reply.send(content)
    },
  )
}
