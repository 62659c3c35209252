import { principalOf, requireAuth } from '@creditbank/auth'
import { AppError } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { IdentityContext } from '../context.js'
import { findUser, membershipsOf } from '../db/user.repository.js'
import { actorAt, recordAudit } from '../domain/audit.js'
import { identityErrors } from '../domain/errors.js'
import { jwks } from '../domain/signing-keys.js'
import {
  changePassword,
  clientCredentialsGrant,
  passwordGrant,
  type TokenSettings,
  userClaims,
} from '../domain/tokens.js'
import { createUser, userView } from '../domain/users.js'
import {
  errorResponses,
  PasswordChangeBody,
  RegisterBody,
  Token,
  TokenBody,
  User,
} from './schemas.js'

function missing(field: string) {
  return new AppError(
    'bad_request',
    'VALIDATION_FAILED',
    `${field} is required for this grant`,
    [{ path: `/${field}`, message: 'is required for this grant', code: 'FIELD_REQUIRED' }],
    'The request is not valid',
    '填写的内容有误',
  )
}

export async function authRoutes(
  app: FastifyInstance,
  svc: IdentityContext,
  settings: TokenSettings,
) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db

  // OAuth clients send the token request form-encoded; JSON works too.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4_096 },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)))
    },
  )

  r.post(
    '/v1/auth/token',
    {
      config: { rateLimit: { max: settings.perAddress.signIn, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Exchange credentials for an access token',
        security: [],
        body: TokenBody,
        response: { 200: Token, ...errorResponses },
      },
    },
    async (request) => {
      const b = request.body
      if (b.grant_type === 'password') {
        if (!b.username) throw missing('username')
        if (!b.password) throw missing('password')
        return passwordGrant(db, settings, b.username, b.password, b.orgId)
      }
      if (!b.clientId) throw missing('clientId')
      if (!b.clientSecret) throw missing('clientSecret')
      return clientCredentialsGrant(db, settings, b.clientId, b.clientSecret)
    },
  )

  r.post(
    '/v1/auth/password',
    {
      config: { rateLimit: { max: settings.perAddress.signIn, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary:
          'Choose a new password (required after an admin reset: the temporary password signs in only here) → a token',
        security: [],
        body: PasswordChangeBody,
        response: { 200: Token, ...errorResponses },
      },
    },
    async (request) => {
      return changePassword(db, settings, request.body, async (trx, user) =>
        recordAudit(trx, actorAt(request, user.id, user.username), {
          action: 'user.password_changed',
          target: { kind: 'user', id: user.id, label: `${user.display_name} (${user.username})` },
          orgIds: (await membershipsOf(trx, user.id)).map((m) => m.org_id),
        }),
      )
    },
  )

  r.post(
    '/v1/auth/register',
    {
      config: { rateLimit: { max: settings.perAddress.signUp, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Learner self-sign-up',
        security: [],
        body: RegisterBody,
        response: { 201: User, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = await db
        .transaction()
        .execute((trx) =>
          createUser(
            trx,
            { ...request.body, memberships: [] },
            { selfRegistered: true },
            svc.events.write,
          ),
        )
      svc.events.committed()
      reply.code(201)
      return user
    },
  )

  r.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags: ['auth'],
        summary: 'Public keys that verify access tokens',
        security: [],
        response: {
          200: Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown())) }),
        },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=60')
      return { keys: await jwks(db, settings.ttlS) }
    },
  )

  r.get(
    '/v1/me',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['auth'],
        summary: 'The caller',
        response: {
          200: Type.Object({
            kind: Type.Enum(['user', 'client']),
            subject: Type.String(),
            roles: Type.Array(Type.String()),
            org: Type.Union([Type.String(), Type.Null()]),
            learner: Type.Union([Type.String(), Type.Null()]),
            scopes: Type.Array(Type.String()),
            user: Type.Optional(User),
            lastSignInAt: Type.Optional(
              Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
                description:
                  "a user: when they last signed in with their password (identity keeps no other sign-in record); part of a learner's copy of their data (0722)",
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request)
      const base = {
        kind: p.kind,
        subject: p.subject,
        roles: p.roles,
        org: p.org,
        learner: p.learner,
        scopes: p.scopes,
      }
      if (p.kind === 'client') return base
      const user = await findUser(db, p.subject)
      if (!user) throw identityErrors.IDENTITY_USER_NOT_FOUND()
      // The learner link may be newer than the token: report what is true now.
      const claims = await userClaims(db, user, p.org ?? undefined)
      return {
        ...base,
        learner: claims.learner ?? null,
        user: userView(user, await membershipsOf(db, user.id)),
        lastSignInAt: user.last_sign_in_at?.toISOString() ?? null,
      }
    },
  )
}
