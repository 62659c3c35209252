import { type Principal, principalOf, requireRole } from '@creditbank/auth'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { PLATFORM_ISSUER } from '../credentials/issuers.js'
import { type CredentialContext, issueAny, updateIssuedStatus } from '../domain/credentials.js'
import { portfolioErrors } from '../domain/errors.js'
import { verifyOne, verifyPresentation } from '../domain/verify.js'
import { errorResponses, JsonDocument, VerificationResult } from './schemas.js'

const Options = Type.Object(
  {
    cryptosuite: Type.Optional(Type.Enum(['eddsa-rdfc-2022', 'eddsa-jcs-2022'])),
    challenge: Type.Optional(Type.String({ maxLength: 500 })),
    domain: Type.Optional(Type.String({ maxLength: 500 })),
    checks: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 10 })),
  },
  { additionalProperties: false },
)

const StatusUpdate = Type.Object(
  {
    credentialId: Type.String({
      minLength: 1,
      maxLength: 500,
      description: 'the `id` of a credential the caller issued through POST /credentials/issue',
    }),
    credentialStatus: Type.Object(
      {
        id: Type.Optional(Type.String({ maxLength: 1000 })),
        type: Type.Enum(['BitstringStatusListEntry', 'BitstringStatusList']),
        statusPurpose: Type.Enum(['revocation']),
        statusListIndex: Type.Optional(Type.String({ pattern: '^[0-9]{1,10}$' })),
        statusListCredential: Type.Optional(Type.String({ maxLength: 1000 })),
      },
      { additionalProperties: false },
    ),
    status: Type.Boolean({
      description:
        'true revokes; false is accepted only while the credential is not revoked (a revocation is final)',
    }),
  },
  { additionalProperties: false },
)

const StatusEntry = Type.Object({
  id: Type.String(),
  type: Type.String(),
  statusPurpose: Type.String(),
  statusListIndex: Type.String(),
  statusListCredential: Type.String(),
})

/** Who signs for the caller: an org client with the scope as its organization, an admin as the credit bank. */
function issuerOf(p: Principal) {
  const issuerId =
    p.kind === 'client' && p.scopes.includes('credentials:issue')
      ? p.org
      : p.roles.includes('admin')
        ? PLATFORM_ISSUER
        : null
  if (!issuerId) throw portfolioErrors.PORTFOLIO_ISSUER_UNKNOWN()
  return issuerId
}

/**
 * The W3C VC API: an issuer for organizations' systems and admins, and verifiers anyone may call.
 * A credential that fails verification answers 400 with the full result (as the VC API test
 * suites expect), naming the failing check: schema, signature, expiry, status or integrity (related resources).
 */
export async function vcApiRoutes(app: FastifyInstance, ctx: CredentialContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()

  r.post(
    '/credentials/issue',
    {
      preHandler: requireRole(['admin'], ['credentials:issue']),
      schema: {
        tags: ['vc-api'],
        summary:
          'Issue a credential signed by the caller’s organization (an admin signs as the credit bank)',
        body: Type.Object(
          {
            credential: Type.Object({}, { additionalProperties: true }),
            options: Type.Optional(Options),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ verifiableCredential: JsonDocument }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const vc = await issueAny(
        ctx,
        issuerOf(principalOf(request)),
        request.body.credential as Record<string, unknown>,
        request.body.options?.cryptosuite ?? 'eddsa-rdfc-2022',
      )
      reply.code(201)
      return { verifiableCredential: vc }
    },
  )

  r.post(
    '/credentials/status',
    {
      preHandler: requireRole(['admin'], ['credentials:issue']),
      schema: {
        tags: ['vc-api'],
        summary:
          'Revoke a credential the caller issued through POST /credentials/issue (sets its Bitstring Status List bit; repeating it changes nothing)',
        body: StatusUpdate,
        response: {
          200: Type.Object({
            credentialId: Type.String(),
            credentialStatus: StatusEntry,
            status: Type.Boolean(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { credentialId, credentialStatus, status } = request.body
      return updateIssuedStatus(ctx, issuerOf(principalOf(request)), {
        credentialId,
        status,
        ...(credentialStatus.statusListCredential !== undefined
          ? { statusListCredential: credentialStatus.statusListCredential }
          : {}),
        ...(credentialStatus.statusListIndex !== undefined
          ? { statusListIndex: credentialStatus.statusListIndex }
          : {}),
      })
    },
  )

  const verifyResponses = {
    200: VerificationResult,
    400: Type.Union([VerificationResult, { $ref: 'ProblemDetails#' }]),
    413: { $ref: 'ProblemDetails#' },
    415: { $ref: 'ProblemDetails#' },
    429: { $ref: 'ProblemDetails#' },
  }

  r.post(
    '/credentials/verify',
    {
      schema: {
        tags: ['vc-api'],
        summary:
          'Verify a credential: schema, signature, expiry, status and the digests of related resources this service serves',
        security: [],
        body: Type.Object(
          { verifiableCredential: Type.Unknown(), options: Type.Optional(Options) },
          { additionalProperties: false },
        ),
        response: verifyResponses,
      },
    },
    async (request, reply) => {
      const result = await verifyOne(ctx, request.body.verifiableCredential)
      reply.code(result.verified ? 200 : 400)
      return result
    },
  )

  r.post(
    '/presentations/verify',
    {
      schema: {
        tags: ['vc-api'],
        summary: 'Verify a presentation and every credential in it',
        security: [],
        body: Type.Object(
          { verifiablePresentation: Type.Unknown(), options: Type.Optional(Options) },
          { additionalProperties: false },
        ),
        response: verifyResponses,
      },
    },
    async (request, reply) => {
      const o = request.body.options
      const result = await verifyPresentation(ctx, request.body.verifiablePresentation, {
        ...(o?.challenge ? { challenge: o.challenge } : {}),
        ...(o?.domain ? { domain: o.domain } : {}),
      })
      reply.code(result.verified ? 200 : 400)
      return result
    },
  )
}
