import { principalOf, requireRole } from '@creditbank/auth'
import { Id, PageQuery } from '@creditbank/contracts'
import {
  cursorKey,
  encodeCursor,
  idempotent,
  type TypeBoxTypeProvider,
} from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { PortfolioContext } from '../context.js'
import { selfLearner } from '../domain/access.js'
import type { CredentialContext } from '../domain/credentials.js'
import { createShare, openShared, revoke, shareLink, sharesPage } from '../domain/shares.js'
import { errorResponses, JsonDocument, TimelineItem } from './schemas.js'

const Access = Type.Object({
  at: Type.String({ format: 'date-time' }),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  clientIp: Type.Union([Type.String(), Type.Null()]),
})
const Share = Type.Object({
  id: Id,
  scope: Type.Enum(['all', 'selected']),
  entryIds: Type.Array(Id),
  label: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  active: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  accessCount: Type.Integer(),
  accesses: Type.Array(Access, { description: 'the latest accesses, newest first (at most 20)' }),
  token: Type.Optional(Type.String({ description: 'shown once, in the first answer only' })),
  url: Type.Optional(Type.String({ description: 'the shared view (JSON)' })),
  pageUrl: Type.Optional(
    Type.String({ description: 'the page a person opens: the QR code’s link' }),
  ),
})

const Link = Type.Object({
  token: Type.String(),
  url: Type.String({ description: 'the shared view (JSON)' }),
  pageUrl: Type.String({ description: 'the page a person opens: the QR code’s link' }),
})

const Verification = Type.Union([
  Type.Object({
    status: Type.Enum(['valid', 'expired', 'revoked']),
    issuer: Type.Union([Type.String(), Type.Null()]),
    holder: Type.Union([Type.String(), Type.Null()]),
    occurredOn: Type.String({ format: 'date' }),
    validUntil: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  }),
  Type.Null(),
])

export async function shareRoutes(
  app: FastifyInstance,
  svc: PortfolioContext,
  ctx: CredentialContext,
) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db

  r.post(
    '/v1/shares',
    {
      preHandler: requireRole(['learner']),
      schema: {
        tags: ['shares'],
        summary:
          'Share all or selected entries until an expiry (at most a year); the token is shown once',
        body: Type.Object(
          {
            scope: Type.Enum(['all', 'selected']),
            entryIds: Type.Optional(Type.Array(Id, { maxItems: 200 })),
            expiresAt: Type.String({ format: 'date-time' }),
            label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Share, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const learnerId = selfLearner(p)
      return idempotent(
        db,
        request,
        reply,
        p.subject,
        async (trx) => ({
          status: 201,
          body: await createShare(trx, ctx, learnerId, p.subject, request.body),
        }),
        // A replay must not show the token again: it is kept nowhere but in the first answer.
        // Nor the label: the learner's own text, kept only sealed under their key (decision 0730).
        ({ token: _token, url: _url, pageUrl: _pageUrl, ...rest }) => ({ ...rest, label: null }),
      )
    },
  )

  r.get(
    '/v1/shares',
    {
      preHandler: requireRole(['learner']),
      schema: {
        tags: ['shares'],
        summary: 'The caller’s shares with their access log',
        querystring: PageQuery,
        response: {
          200: Type.Object({
            items: Type.Array(Share),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const learnerId = selfLearner(principalOf(request))
      const limit = request.query.limit ?? 20
      const after = cursorKey(request.query.cursor)
      const page = await sharesPage(
        db,
        ctx.keys,
        learnerId,
        after && /^[0-9a-f-]{36}$/.test(after) ? after : undefined,
        limit,
      )
      return { items: page.items, nextCursor: page.last ? encodeCursor([page.last]) : null }
    },
  )

  r.get(
    '/v1/shares/:id/link',
    {
      preHandler: requireRole(['learner']),
      schema: {
        tags: ['shares'],
        summary:
          'The link of one of the caller’s active shares again, for its QR code and copy button (no new share)',
        params: Type.Object({ id: Id }, { additionalProperties: false }),
        response: { 200: Link, ...errorResponses },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      return shareLink(db, ctx, selfLearner(principalOf(request)), request.params.id)
    },
  )

  r.delete(
    '/v1/shares/:id',
    {
      preHandler: requireRole(['learner']),
      schema: {
        tags: ['shares'],
        summary: 'Revoke a share (idempotent)',
        params: Type.Object({ id: Id }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await revoke(db, selfLearner(principalOf(request)), request.params.id)
      reply.code(204)
      return null
    },
  )

  r.get(
    '/v1/shared/:token',
    {
      schema: {
        tags: ['shares'],
        summary:
          'The shared view for anyone holding the token: the shared entries and a presentation of their credentials',
        security: [],
        params: Type.Object(
          { token: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            share: Type.Object({
              id: Id,
              scope: Type.String(),
              label: Type.Union([Type.String(), Type.Null()]),
              expiresAt: Type.String({ format: 'date-time' }),
            }),
            learner: Type.Object({
              accountNo: Type.Union([Type.String(), Type.Null()]),
              name: Type.Union([Type.String(), Type.Null()]),
            }),
            items: Type.Array(
              Type.Object({ ...TimelineItem.properties, verification: Verification }),
            ),
            presentation: JsonDocument,
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer')
      return openShared(ctx, request.params.token, {
        userAgent: request.headers['user-agent'],
        ip: request.ip,
      })
    },
  )
}
