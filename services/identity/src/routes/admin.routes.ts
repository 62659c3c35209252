import { principalOf, requireAuth, requireRole } from '@creditbank/auth'
import { Id } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import { cursorKey, idempotent, toPage } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { IdentityContext } from '../context.js'
import { findOrganization, listOrganizations } from '../db/organization.repository.js'
import { auditActor, recordAudit } from '../domain/audit.js'
import { createClient } from '../domain/clients.js'
import { identityErrors } from '../domain/errors.js'
import {
  organizationView,
  registerOrganization,
  updateOrganization,
} from '../domain/organizations.js'
import { rotateSigningKey } from '../domain/signing-keys.js'
import { assertCanManage, createUser } from '../domain/users.js'
import {
  Client,
  errorResponses,
  NewClientBody,
  NewOrganizationBody,
  NewUserBody,
  Organization,
  OrganizationEditBody,
  OrganizationPage,
  OrganizationQuery,
  User,
} from './schemas.js'

export async function adminRoutes(app: FastifyInstance, svc: IdentityContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db

  r.post(
    '/v1/organizations',
    {
      preHandler: requireRole(['admin']),
      schema: {
        tags: ['organizations'],
        summary: 'Register an organization',
        body: NewOrganizationBody,
        response: { 200: Organization, 201: Organization, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const actor = await auditActor(db, request, p)
      const out = await idempotent(db, request, reply, p.subject, async (trx) => {
        const { status, organization: o } = await registerOrganization(
          trx,
          request.body,
          p.subject,
          svc.events.write,
        )
        if (status === 201)
          await recordAudit(trx, actor, {
            action: 'organization.registered',
            target: { kind: 'organization', id: o.id, label: `${o.name} (${o.code})` },
            orgIds: [o.id],
          })
        return { status, body: organizationView(o) }
      })
      svc.events.committed()
      return out
    },
  )

  r.get(
    '/v1/organizations',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['organizations'],
        summary: 'List organizations',
        querystring: OrganizationQuery,
        response: { 200: OrganizationPage, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query
      const limit = q.limit ?? 20
      const after = cursorKey(q.cursor)
      const rows = await listOrganizations(db, {
        kind: q.kind,
        regionCode: q.regionCode,
        q: q.q,
        after,
        limit,
      })
      return toPage(rows, limit, (o) => [o.id], organizationView)
    },
  )

  r.get(
    '/v1/organizations/:id',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['organizations'],
        summary: 'One organization',
        params: Type.Object({ id: Id }),
        response: { 200: Organization, ...errorResponses },
      },
    },
    async (request) => {
      const o = await findOrganization(db, request.params.id)
      if (!o) throw identityErrors.IDENTITY_ORGANIZATION_NOT_FOUND()
      return organizationView(o)
    },
  )

  r.patch(
    '/v1/organizations/:id',
    {
      preHandler: requireRole(['admin']),
      schema: {
        tags: ['organizations'],
        summary:
          'Correct the name, region or school level of an organization (platform admins; code and kind stay)',
        params: Type.Object({ id: Id }),
        body: OrganizationEditBody,
        response: { 200: Organization, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const actor = await auditActor(db, request, p)
      const out = await idempotent(db, request, reply, p.subject, async (trx) => ({
        status: 200,
        body: organizationView(
          await updateOrganization(trx, request.params.id, request.body, actor, svc.events.write),
        ),
      }))
      svc.events.committed()
      return out
    },
  )

  r.post(
    '/v1/users',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['users'],
        summary: 'Create a staff user with memberships',
        body: NewUserBody,
        response: { 201: User, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      assertCanManage(
        p,
        request.body.memberships.map((m) => m.orgId),
      )
      const actor = await auditActor(db, request, p)
      const out = await idempotent(db, request, reply, p.subject, async (trx) => {
        const user = await createUser(
          trx,
          request.body,
          { selfRegistered: false },
          svc.events.write,
        )
        await recordAudit(trx, actor, {
          action: 'user.created',
          target: { kind: 'user', id: user.id, label: `${user.displayName} (${user.username})` },
          orgIds: user.memberships.map((m) => m.orgId),
          detail: { memberships: user.memberships },
        })
        return { status: 201, body: user }
      })
      svc.events.committed()
      return out
    },
  )

  r.post(
    '/v1/clients',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['clients'],
        summary: 'Create a system client of an organization; the secret is shown once',
        body: NewClientBody,
        response: { 201: Client, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      assertCanManage(p, [request.body.orgId])
      const actor = await auditActor(db, request, p)
      const out = await idempotent(
        db,
        request,
        reply,
        p.subject,
        async (trx) => {
          const client = await createClient(trx, request.body, p.subject, svc.events.write)
          await recordAudit(trx, actor, {
            action: 'client.created',
            target: { kind: 'client', id: client.clientId, label: client.name },
            orgIds: [client.orgId],
            detail: { scopes: client.scopes },
          })
          return { status: 201, body: client }
        },
        // A replay must not show the secret again: it is kept nowhere but in the first answer.
        ({ clientSecret: _secret, ...rest }) => rest,
      )
      svc.events.committed()
      return out
    },
  )
}

export async function keyRoutes(app: FastifyInstance, svc: IdentityContext, sealKey: Buffer) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db
  r.post(
    '/v1/keys/rotation',
    {
      preHandler: requireRole(['admin']),
      schema: {
        tags: ['auth'],
        summary:
          'Rotate the token signing key; the old key stays published until its tokens expire, or, with `revokePrevious`, is withdrawn at once (every service refuses its tokens within seconds)',
        // A body is optional: a plain rotation sends none.
        body: Type.Union([
          Type.Object(
            {
              revokePrevious: Type.Optional(
                Type.Boolean({
                  description:
                    'the old key leaked: drop it from the JWKS now and refuse its tokens everywhere',
                }),
              ),
            },
            { additionalProperties: false },
          ),
          Type.Null(),
        ]),
        response: {
          201: Type.Object({
            kid: Type.String(),
            previousKid: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const revoke = request.body?.revokePrevious === true
      const actor = await auditActor(db, request, principalOf(request))
      const out = await db.transaction().execute(async (trx) => {
        const rotated = await rotateSigningKey(trx, sealKey, revoke)
        const revokedAt = new Date().toISOString()
        await svc.events.write(trx, [
          { type: 'identity.signing-key.rotated', data: rotated },
          ...(revoke && rotated.previousKid
            ? [
                {
                  type: 'identity.signing-key.revoked' as const,
                  data: { kid: rotated.previousKid, revokedAt },
                },
              ]
            : []),
        ])
        await recordAudit(trx, actor, {
          action: 'signing_key.rotated',
          target: { kind: 'signing_key', id: rotated.kid, label: rotated.kid },
          orgIds: [],
          detail: { previousKid: rotated.previousKid, revokedPrevious: revoke },
        })
        return rotated
      })
      svc.events.committed()
      reply.code(201)
      return out
    },
  )
}
