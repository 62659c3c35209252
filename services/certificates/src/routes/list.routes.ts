import { principalOf, requireAuth } from '@creditbank/auth'
import { DateOnly, Id, Page, PageQuery } from '@creditbank/contracts'
import { recordLearnerReads, type TypeBoxTypeProvider } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { CertificatesContext } from '../context.js'
import type { HolderNameKeys } from '../domain/holder-name.js'
import type { LearnerDirectory } from '../domain/learner-directory.js'
import { listPage, searchPage } from '../domain/listing.js'
import { Certificate, errorResponses, Level, NationalId, Text, TypeCode } from './schemas.js'

const Filters = {
  orgId: Type.Optional(Id),
  number: Type.Optional(
    Type.String({ minLength: 1, maxLength: 40, pattern: '^\\s*[A-Za-z0-9-]+\\s*$' }),
  ),
  learnerId: Type.Optional(Id),
  typeCode: Type.Optional(TypeCode),
  level: Type.Optional(Level),
  status: Type.Optional(Type.Enum(['valid', 'revoked', 'expired'])),
  issuedFrom: Type.Optional(DateOnly),
  issuedTo: Type.Optional(DateOnly),
  ...PageQuery.properties,
}

const ListQuery = Type.Object(Filters, { additionalProperties: false })

const SearchBody = Type.Object(
  {
    ...Filters,
    nationalId: Type.Optional(NationalId),
    name: Type.Optional(Text(1, 100)),
    accountNo: Type.Optional(
      Type.String({ minLength: 1, maxLength: 40, pattern: '^\\s*[A-Za-z0-9]+\\s*$' }),
    ),
    holderName: Type.Optional(Text(1, 100)),
  },
  { additionalProperties: false },
)

const CertificatePage = Page(Certificate)

/** The holders a page of certificates shows by name (decision 0725: each is a read of theirs). */
const holdersOf = (page: { items: { learnerId: string }[] }) => page.items.map((c) => c.learnerId)

export async function listRoutes(
  app: FastifyInstance,
  svc: CertificatesContext,
  keys: HolderNameKeys,
  learners: LearnerDirectory,
) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db

  r.get(
    '/v1/certificates',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['certificates'],
        summary:
          "List certificates, latest issue date first: issuers their organization's, admins anyone's (orgId narrows), a learner their own (learnerId = themself)",
        querystring: ListQuery,
        response: { 200: CertificatePage, ...errorResponses },
      },
    },
    async (request) => {
      const page = await listPage(db, keys, principalOf(request), request.query)
      await recordLearnerReads(
        svc,
        'certificates.learner.read',
        request,
        holdersOf(page),
        'certificates',
      )
      return page
    },
  )

  r.post(
    '/v1/certificates/search',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['certificates'],
        summary:
          'The same list, also by person: nationalId + name or accountNo (looked up at accounts), or holderName; personal data stays out of URLs',
        body: SearchBody,
        response: { 200: CertificatePage, ...errorResponses },
      },
    },
    async (request) => {
      const page = await searchPage(
        db,
        keys,
        learners,
        principalOf(request),
        String(request.headers.authorization ?? ''),
        request.body,
      )
      await recordLearnerReads(
        svc,
        'certificates.learner.read',
        request,
        holdersOf(page),
        'certificate-search',
      )
      return page
    },
  )
}
