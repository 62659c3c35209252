import { principalOf, requireAuth, requireRole } from '@creditbank/auth'
import { Id, OrganizationKind, PageQuery, RegionCode } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import { decodeCursor, idempotent, toPage } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import Type from 'typebox'
import { findOrganization, listOrganizations } from '../db/organization.repository.js'
import type { IdentityDB } from '../db/schema.js'
import { createClient } from '../domain/clients.js'
import { identityErrors } from '../domain/errors.js'
import { organizationView, registerOrganization } from '../domain/organizations.js'
import { rotateSigningKey } from '../domain/signing-keys.js'
import { assertCanManage, createUser } from '../domain/users.js'
import {
  Client,
  errorResponses,
  NewClientBody,
  NewOrganizationBody,
  NewUserBody,
  Organization,
  OrganizationPage,
  User,
} from './schemas.js'

export async function adminRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = app.db as Kysely<IdentityDB>

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
      const out = await idempotent(db, request, reply, p.subject, async (trx) => {
        const { status, organization } = await registerOrganization(
          trx,
          request.body,
          p.subject,
          app.events.write,
        )
        return { status, body: organizationView(organization) }
      })
      app.events.committed()
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
        querystring: Type.Object(
          {
            ...PageQuery.properties,
            kind: Type.Optional(OrganizationKind),
            regionCode: Type.Optional(RegionCode),
          },
          { additionalProperties: false },
        ),
        response: { 200: OrganizationPage, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query
      const limit = q.limit ?? 20
      const after = decodeCursor(q.cursor, 1)?.[0] as string | undefined
      const rows = await listOrganizations(db, {
        kind: q.kind,
        regionCode: q.regionCode,
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
      const out = await idempotent(db, request, reply, p.subject, async (trx) => ({
        status: 201,
        body: await createUser(trx, request.body, { selfRegistered: false }, app.events.write),
      }))
      app.events.committed()
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
      const out = await idempotent(
        db,
        request,
        reply,
        p.subject,
        async (trx) => ({
          status: 201,
          body: await createClient(trx, request.body, p.subject, app.events.write),
        }),
        // A replay must not show the secret again: it is kept nowhere but in the first answer.
        ({ clientSecret: _secret, ...rest }) => rest,
      )
      app.events.committed()
      return out
    },
  )
}

export async function keyRoutes(app: FastifyInstance, sealKey: Buffer) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = app.db as Kysely<IdentityDB>
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
      const out = await db.transaction().execute(async (trx) => {
        const rotated = await rotateSigningKey(trx, sealKey, revoke)
        const revokedAt = new Date().toISOString()
        await app.events.write(trx, [
          { type: 'identity.signing-key.rotated', data: rotated },
          ...(revoke && rotated.previousKid
            ? [
                {
                  type: 'identity.signing-key.revoked',
                  data: { kid: rotated.previousKid, revokedAt },
                },
              ]
            : []),
        ])
        return rotated
      })
      app.events.committed()
      reply.code(201)
      return out
    },
  )
}
