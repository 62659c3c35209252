import { principalOf, requireRole } from '@creditbank/auth'
import { Id, RegionCode } from '@creditbank/contracts'
import type { EventConsumer } from '@creditbank/events'
import type { Platform, TypeBoxTypeProvider } from '@creditbank/service-kit'
import { CSV_TYPE, langOf, writeTable, XLSX_TYPE } from '@creditbank/spreadsheet'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import Type from 'typebox'
import type { PortfolioContext } from '../context.js'
import { oversightTables } from '../db/schema.js'
import { rebuildProjection } from '../domain/rebuild.js'
import { oversightErrors } from '../oversight/errors.js'
import {
  asOf,
  certificateCounts,
  trainingByGroup,
  trainingByLearnerCity,
  trainingVolume,
} from '../oversight/figures.js'
import { periodOf } from '../oversight/period.js'
import { oversightTopics } from '../oversight/projection.js'
import { askedPrefix, oversightScope } from '../oversight/scope.js'
import {
  certificateSheet,
  type TrainingTable,
  trainingSheet,
  trainingTables,
} from '../oversight/tables.js'
import { errorResponses } from './schemas.js'

const CATEGORIES = [
  'student',
  'unemployed_graduate',
  'veteran',
  'migrant_worker',
  'farmer',
  'disabled',
  'laid_off_worker',
  'employee',
  'other',
]
const str = (o: Record<string, unknown>) => Type.String(o)
const Filters = {
  year: Type.Optional(str({ pattern: '^\\d{4}$', description: 'a calendar year' })),
  term: Type.Optional(
    str({
      pattern: '^\\d{4}-(spring|autumn)$',
      description:
        'a term: YYYY-spring (1 March–31 August) or YYYY-autumn (1 September–end of February)',
    }),
  ),
  regionCode: Type.Optional(RegionCode),
  category: Type.Optional(str({ enum: CATEGORIES, description: 'the learners’ target group' })),
}
const TrainingQuery = Type.Object(
  { ...Filters, schoolId: Type.Optional(Id) },
  { additionalProperties: false },
)
const CertificateQuery = Type.Object(Filters, { additionalProperties: false })
const FileTables = [...trainingTables, 'certificates'] as const
const FileParams = Type.Object(
  { table: str({ enum: [...FileTables] }) },
  { additionalProperties: false },
)
const FileQuery = Type.Object(
  {
    ...Filters,
    schoolId: Type.Optional(Id),
    format: Type.Optional(str({ enum: ['csv', 'xlsx'], default: 'xlsx' })),
  },
  { additionalProperties: false },
)

const Volume = {
  personTimes: Type.Integer({ description: 'training entries (人次), not reversed' }),
  people: Type.Integer({ description: 'distinct learners trained' }),
  hours: Type.String({ description: 'training hours, one decimal' }),
}
const Measured = {
  ...Volume,
  enrolled: Type.Integer({ description: 'distinct learners who enrolled in the period' }),
  ratio: Type.Union([Type.String(), Type.Null()], {
    description: 'personTimes ÷ enrolled, two decimals',
  }),
  meets: Type.Boolean({ description: 'personTimes ≥ 2 × enrolled' }),
}
const Rollup = Type.Object({
  regionCode: Type.String(),
  schools: Type.Integer(),
  schoolsMeeting: Type.Integer(),
  ...Measured,
})
const PeriodOut = Type.Object({
  kind: Type.String(),
  name: Type.String(),
  from: Type.String(),
  until: Type.String({ description: 'exclusive' }),
})
const Stamp = {
  asOf: Type.Union([Type.String(), Type.Null()], {
    description: 'the latest event time the figures include',
  }),
  events: Type.Integer({ description: 'events the figures were made from' }),
  scope: Type.Union([Type.String(), Type.Null()], {
    description: 'the region the caller oversees (null: every region)',
  }),
}
const TrainingReport = Type.Object({
  ...Stamp,
  period: PeriodOut,
  schools: Type.Array(
    Type.Object({
      schoolId: Type.String(),
      schoolName: Type.String(),
      regionCode: Type.String(),
      cityCode: Type.String(),
      ...Measured,
    }),
  ),
  cities: Type.Array(Rollup),
  provinces: Type.Array(Rollup),
  groups: Type.Array(Type.Object({ category: Type.String(), ...Volume })),
  learnerCities: Type.Array(
    Type.Object({ cityCode: Type.Union([Type.String(), Type.Null()]), ...Volume }),
  ),
})
const CertificateReport = Type.Object({
  ...Stamp,
  period: Type.Union([PeriodOut, Type.Null()]),
  passMark: Type.Integer(),
  items: Type.Array(
    Type.Object({
      typeCode: Type.String(),
      typeName: Type.String(),
      level: Type.String(),
      year: Type.Integer(),
      evaluationOrgId: Type.String(),
      evaluationOrgName: Type.Union([Type.String(), Type.Null()]),
      schoolCityCode: Type.Union([Type.String(), Type.Null()]),
      count: Type.Integer(),
      scored: Type.Integer(),
      passed: Type.Integer(),
    }),
  ),
})

type Query = {
  year?: string
  term?: string
  regionCode?: string
  category?: string
  schoolId?: string
}

/**
 * The policy's own figures for provincial and city administrators (issue 18, decision 0800): the
 * training volume against twice the enrollment, and the 1+X counts, from the oversight
 * projection, each table also as a CSV or XLSX file.
 */
export async function oversightRoutes(
  app: FastifyInstance,
  svc: PortfolioContext,
  o: { platform: Platform; consumer: EventConsumer },
) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db

  async function filterOf(request: FastifyRequest, q: Query) {
    const scope = await oversightScope(db, principalOf(request))
    if (!scope) throw oversightErrors.OVERSIGHT_FORBIDDEN()
    if (q.year && q.term)
      throw oversightErrors.OVERSIGHT_PERIOD_INVALID(undefined, [
        { path: 'querystring:/term', message: 'give a year or a term', code: 'FIELD_INVALID' },
      ])
    return {
      scope,
      prefix: askedPrefix(scope, q.regionCode),
      category: q.category,
      schoolId: q.schoolId,
    }
  }

  async function training(request: FastifyRequest, q: Query) {
    const { scope, ...f } = await filterOf(request, q)
    const filter = { ...f, period: periodOf(q) }
    // "As of" first: the figures then include at least every event up to it.
    const stamp = await asOf(db)
    const volume = await trainingVolume(db, filter)
    return {
      ...stamp,
      scope: scope.regionCode,
      period: filter.period,
      ...volume,
      groups: await trainingByGroup(db, filter),
      learnerCities: await trainingByLearnerCity(db, filter),
    }
  }

  async function certificates(request: FastifyRequest, q: Query) {
    const { scope, schoolId: _, ...f } = await filterOf(request, q)
    const period = q.year || q.term ? periodOf(q) : null
    const stamp = await asOf(db)
    return {
      ...stamp,
      scope: scope.regionCode,
      period,
      passMark: 60,
      items: await certificateCounts(db, { ...f, ...(period ? { period } : {}) }),
    }
  }

  r.get(
    '/v1/oversight/training',
    {
      schema: {
        tags: ['oversight'],
        summary:
          'Training volume against twice the enrollment, per school, city and province, by target group and learner’s city (admins; a center’s admins for its region)',
        querystring: TrainingQuery,
        response: { 200: TrainingReport, ...errorResponses },
      },
    },
    (request) => training(request, request.query),
  )

  r.get(
    '/v1/oversight/1x',
    {
      schema: {
        tags: ['oversight'],
        summary:
          '1+X certificates by type, level, year, evaluation organization and the city of the learner’s school, with passes where scores exist',
        querystring: CertificateQuery,
        response: { 200: CertificateReport, ...errorResponses },
      },
    },
    (request) => certificates(request, request.query),
  )

  r.get(
    '/v1/oversight/files/:table',
    {
      schema: {
        tags: ['oversight'],
        summary:
          'One oversight table as a file (xlsx or CSV in UTF-8 with a BOM), headers in the language asked for',
        params: FileParams,
        querystring: FileQuery,
        response: { ...errorResponses },
      },
    },
    async (request, reply) => {
      const { table } = request.params
      const format = request.query.format === 'csv' ? 'csv' : 'xlsx'
      const lang = langOf(request.headers['accept-language'])
      const sheet =
        table === 'certificates'
          ? certificateSheet(lang, await certificates(request, request.query))
          : trainingSheet(lang, table as TrainingTable, await training(request, request.query))
      const file = await writeTable(format, sheet)
      const name = `oversight-${table}`
      return reply
        .type(format === 'xlsx' ? XLSX_TYPE : CSV_TYPE)
        .header(
          'content-disposition',
          `attachment; filename="${name}.${format}"; filename*=UTF-8''${encodeURIComponent(sheet.sheet)}.${format}`,
        )
        .send(file)
    },
  )

  r.post(
    '/v1/admin/oversight/rebuild',
    {
      preHandler: requireRole(['admin']),
      schema: {
        tags: ['oversight'],
        summary:
          'Drop the oversight projection and replay it from the topics (the replay runs in the background)',
        response: {
          202: Type.Object({ deleted: Type.Integer(), topics: Type.Array(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const out = await rebuildProjection({
        db,
        transport: o.platform.transport,
        groupId: o.consumer.groupId,
        topics: oversightTopics,
        tables: oversightTables,
        consumer: o.consumer,
        logger: request.log,
      })
      reply.code(202)
      return { deleted: out.deleted, topics: oversightTopics }
    },
  )
}
