import { principalOf, requireAuth } from '@creditbank/auth'
import { Id, PageQuery } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import { cursorKey, idempotent, toPage } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { IdentityContext } from '../context.js'
import { listAuditEvents } from '../db/audit.repository.js'
import { auditActions, auditActor, auditView } from '../domain/audit.js'
import { clientsFor, clientView, revokeClient } from '../domain/clients.js'
import {
  disableUser,
  enableUser,
  listStaff,
  orgScope,
  resetPassword,
} from '../domain/user-admin.js'
import {
  AuditPage,
  ClientListed,
  ClientPage,
  ClientParams,
  ClientQuery,
  DisableBody,
  errorResponses,
  PasswordReset,
  StaffUser,
  StaffUserPage,
  UserQuery,
} from './schemas.js'

const UserParams = Type.Object({ id: Id })

/** Users, clients and the audit trail, for platform admins and, for their own organizations, org admins. */
export async function staffRoutes(app: FastifyInstance, svc: IdentityContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db

  r.get(
    '/v1/users',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['users'],
        summary:
          'List and search users (platform admins: everyone; org admins: members of their organizations)',
        querystring: UserQuery,
        response: { 200: StaffUserPage, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query
      const limit = q.limit ?? 20
      const { rows, view } = await listStaff(db, principalOf(request), {
        q: q.q,
        orgId: q.orgId,
        role: q.role,
        disabled: q.status === undefined ? undefined : q.status === 'disabled',
        after: cursorKey(q.cursor),
        limit,
      })
      return toPage(rows, limit, (u) => [u.username.toLowerCase()], view)
    },
  )

  r.post(
    '/v1/users/:id/disable',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['users'],
        summary:
          'Disable a user: no sign-in; identity refuses their tokens at once, other services at expiry (≤ 15 min)',
        params: UserParams,
        body: DisableBody,
        response: { 200: StaffUser, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const actor = await auditActor(db, request, p)
      return idempotent(db, request, reply, p.subject, async (trx) => ({
        status: 200,
        body: await disableUser(trx, p, actor, request.params.id, request.body.reason),
      }))
    },
  )

  r.post(
    '/v1/users/:id/enable',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['users'],
        summary: 'Enable a disabled user again',
        params: UserParams,
        response: { 200: StaffUser, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const actor = await auditActor(db, request, p)
      return idempotent(db, request, reply, p.subject, async (trx) => ({
        status: 200,
        body: await enableUser(trx, p, actor, request.params.id),
      }))
    },
  )

  r.post(
    '/v1/users/:id/password-reset',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['users'],
        summary:
          'Reset a password: a temporary password (shown once, valid 72 h) that signs in only to choose a new one',
        params: UserParams,
        response: { 200: PasswordReset, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const actor = await auditActor(db, request, p)
      return idempotent(
        db,
        request,
        reply,
        p.subject,
        async (trx) => ({
          status: 200,
          body: await resetPassword(trx, p, actor, request.params.id),
        }),
        // A replay must not show the password again: it is kept nowhere but in the first answer.
        ({ temporaryPassword: _password, ...rest }) => rest,
      )
    },
  )

  r.get(
    '/v1/clients',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['clients'],
        summary: "List system clients (platform admins: all; org admins: their organizations')",
        querystring: ClientQuery,
        response: { 200: ClientPage, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query
      const limit = q.limit ?? 20
      const rows = await clientsFor(db, principalOf(request), {
        orgId: q.orgId,
        includeRevoked: q.includeRevoked ?? false,
        before: cursorKey(q.cursor),
        limit,
      })
      return toPage(rows, limit, (c) => [c.id], clientView)
    },
  )

  r.delete(
    '/v1/clients/:clientId',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['clients'],
        summary:
          'Revoke a system client: its secret stops working at once, its tokens at expiry (≤ 15 min)',
        params: ClientParams,
        response: { 200: ClientListed, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request)
      const actor = await auditActor(db, request, p)
      return db.transaction().execute((trx) => revokeClient(trx, p, actor, request.params.clientId))
    },
  )

  r.get(
    '/v1/audit',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['audit'],
        summary:
          "Administrative actions, newest first: who, what, to whom, when, from where (org admins: their organizations')",
        querystring: Type.Object(
          {
            ...PageQuery.properties,
            action: Type.Optional(Type.Enum([...auditActions])),
            actorId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            targetId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            orgId: Type.Optional(Id),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: AuditPage, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query
      const limit = q.limit ?? 20
      const rows = await listAuditEvents(db, {
        orgIds: orgScope(principalOf(request), q.orgId),
        action: q.action,
        actorId: q.actorId,
        targetId: q.targetId,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        before: cursorKey(q.cursor),
        limit,
      })
      return toPage(rows, limit, (e) => [e.id], auditView)
    },
  )
}
