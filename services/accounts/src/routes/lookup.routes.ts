import { requireRole } from '@creditbank/auth'
import { Id } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { AccountsContext } from '../context.js'
import { lookupLearners } from '../domain/lookup.js'
import { recordReads } from '../domain/reads.js'
import { errorResponses } from './schemas.js'

export const MAX_LOOKUPS = 1_000

const Person = Type.Union([
  Type.Object(
    {
      nationalId: Type.String({ minLength: 1, maxLength: 40 }),
      name: Type.String({ minLength: 1, maxLength: 100 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { accountNo: Type.String({ minLength: 1, maxLength: 40 }) },
    { additionalProperties: false },
  ),
])

const LookupBatchBody = Type.Object(
  { items: Type.Array(Person, { minItems: 1, maxItems: MAX_LOOKUPS }) },
  { additionalProperties: false },
)

const LookupBatchResult = Type.Object({
  items: Type.Array(
    Type.Union([
      Type.Object({ index: Type.Integer(), id: Id, accountNo: Type.String() }),
      Type.Object({
        index: Type.Integer(),
        id: Type.Null(),
        error: Type.Object({ code: Type.String(), message: Type.String() }),
      }),
    ]),
  ),
})

/**
 * Many look-ups in one request, for staff who name learners as their spreadsheets do: registrars,
 * and issuers (certificates resolves a batch of 身份证号 + names through here with the issuer's
 * own token). National ids travel in the body, never in a URL.
 */
export async function lookupRoutes(app: FastifyInstance, svc: AccountsContext, piiKey: Buffer) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db
  r.post(
    '/v1/learners/lookup/batch',
    {
      preHandler: requireRole(
        ['registrar', 'issuer', 'admin'],
        ['learners:write', 'certificates:write'],
      ),
      schema: {
        tags: ['learners'],
        summary:
          'Find up to 1,000 learners by national id and name, or by account number; each item answered on its own',
        body: LookupBatchBody,
        response: { 200: LookupBatchResult, ...errorResponses },
      },
    },
    async (request) => {
      const items = await lookupLearners(db, piiKey, request.body.items)
      await recordReads(
        db,
        request,
        items.flatMap((i) => (i.id ? [i.id] : [])),
      )
      return { items }
    },
  )
}
