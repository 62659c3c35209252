import { type Principal, principalOf, requireAuth, requireRole } from '@creditbank/auth'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import Type from 'typebox'
import type { RecognitionContext } from '../context.js'
import {
  enrollmentsOf,
  findPlanVersion,
  findScheduleVersion,
  knownCourses,
  listPlans,
} from '../db/program.repository.js'
import type { RecognitionDB } from '../db/schema.js'
import { recognitionErrors } from '../domain/errors.js'
import {
  assertOwnSchool,
  type PlanSpec,
  planView,
  publishPlan,
  publishSchedule,
  type ScheduleSpec,
  scheduleView,
} from '../domain/programs.js'
import { progressOf } from '../domain/progress.js'
import type { RuleCache } from '../domain/rule-cache.js'
import { tuitionOf } from '../domain/tuition.js'
import {
  KnownCourses,
  OrgParams,
  Plan,
  PlanBody,
  PlanList,
  PlanParams,
  Progress,
  ProgressQuery,
  Schedule,
  ScheduleBody,
  Tuition,
  TuitionQuery,
  VersionQuery,
} from './program.schemas.js'
import { errorResponses } from './schemas.js'

interface KnownCourse {
  courseCode: string
  courseName: string
  courseType: string | null
  credits: string | null
  from: 'rule' | 'posted'
}

const LearnerParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

/**
 * The enrollment a progress or tuition question is about, among those the caller may see: the
 * learner their own, an admin any, a school's registrar those at their school. Others: 404.
 */
async function enrollmentFor(
  db: Kysely<RecognitionDB>,
  p: Principal,
  learnerId: string,
  q: { programCode?: string; orgId?: string },
) {
  const self = p.learner !== null && p.learner === learnerId
  const admin = p.roles.includes('admin')
  const school = p.roles.includes('registrar') ? p.org : null
  if (!self && !admin && !school) throw recognitionErrors.RECOGNITION_ENROLLMENT_NOT_FOUND()
  const all = await enrollmentsOf(db, learnerId)
  const visible = all.filter(
    (e) =>
      (self || admin || e.org_id === school) &&
      (!q.programCode || e.program_code === q.programCode) &&
      (!q.orgId || e.org_id === q.orgId),
  )
  const distinct = new Map(visible.map((e) => [`${e.org_id}|${e.program_code}`, e]))
  if (distinct.size === 0) throw recognitionErrors.RECOGNITION_ENROLLMENT_NOT_FOUND()
  if (distinct.size > 1)
    throw recognitionErrors.RECOGNITION_PROGRAM_REQUIRED(undefined, [
      {
        path: '/programCode',
        message: 'name one of the programs the learner is enrolled in',
        code: 'FIELD_REQUIRED',
      },
    ])
  return [...distinct.values()][0]!
}

export async function programRoutes(
  app: FastifyInstance,
  svc: RecognitionContext,
  cache: RuleCache,
) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db

  r.put(
    '/v1/programs/:orgId/:programCode/requirements',
    {
      preValidation: requireRole(['registrar', 'admin']),
      schema: {
        tags: ['programs'],
        summary:
          "Publish a program's requirements: version n+1, or the latest again when unchanged",
        params: PlanParams,
        body: PlanBody,
        response: { 200: Plan, 201: Plan, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const { orgId, programCode } = request.params
      const out = await db
        .transaction()
        .execute((trx) => publishPlan(trx, orgId, programCode, request.body as PlanSpec, p))
      reply.code(out.status)
      return planView(out.row)
    },
  )

  r.get(
    '/v1/programs/:orgId/:programCode/requirements',
    {
      schema: {
        tags: ['programs'],
        summary: "A program's published requirements: the latest version, or ?version=n",
        params: PlanParams,
        querystring: VersionQuery,
        response: { 200: Plan, ...errorResponses },
      },
    },
    async (request) => {
      const { orgId, programCode } = request.params
      const row = await findPlanVersion(db, orgId, programCode, request.query.version)
      if (!row) throw recognitionErrors.RECOGNITION_PLAN_NOT_FOUND()
      return planView(row)
    },
  )

  r.get(
    '/v1/programs/:orgId',
    {
      schema: {
        tags: ['programs'],
        summary: "A school's published program plans (the latest version of each)",
        params: OrgParams,
        response: { 200: PlanList, ...errorResponses },
      },
    },
    async (request) => ({ items: (await listPlans(db, request.params.orgId)).map(planView) }),
  )

  r.get(
    '/v1/programs/:orgId/courses',
    {
      preValidation: requireRole(['registrar', 'admin']),
      schema: {
        tags: ['programs'],
        summary:
          "The courses a school is known to teach (its rules' awards, its posted outcomes), to pick by name",
        params: OrgParams,
        response: { 200: KnownCourses, ...errorResponses },
      },
    },
    async (request) => {
      assertOwnSchool(principalOf(request), request.params.orgId)
      const { awarded, posted } = await knownCourses(db, request.params.orgId)
      const items = new Map<string, KnownCourse>()
      for (const a of awarded)
        items.set(a.code, {
          courseCode: a.code,
          courseName: a.name,
          courseType: a.type,
          credits: a.credits,
          from: 'rule',
        })
      for (const c of posted)
        if (!items.has(c.code))
          items.set(c.code, {
            courseCode: c.code,
            courseName: c.name,
            courseType: null,
            credits: c.credits === null ? null : c.credits.replace(/\.?0+$/, ''),
            from: 'posted',
          })
      return { items: [...items.values()].sort((a, b) => (a.courseCode < b.courseCode ? -1 : 1)) }
    },
  )

  r.put(
    '/v1/organizations/:orgId/tuition-schedule',
    {
      preValidation: requireRole(['registrar', 'admin']),
      schema: {
        tags: ['programs'],
        summary:
          "Publish a school's credit tuition schedule: version n+1, or the latest again when unchanged",
        params: OrgParams,
        body: ScheduleBody,
        response: { 200: Schedule, 201: Schedule, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const out = await db
        .transaction()
        .execute((trx) =>
          publishSchedule(trx, request.params.orgId, request.body as ScheduleSpec, p),
        )
      reply.code(out.status)
      return scheduleView(out.row)
    },
  )

  r.get(
    '/v1/organizations/:orgId/tuition-schedule',
    {
      schema: {
        tags: ['programs'],
        summary: "A school's published tuition schedule: the latest version, or ?version=n",
        params: OrgParams,
        querystring: VersionQuery,
        response: { 200: Schedule, ...errorResponses },
      },
    },
    async (request) => {
      const row = await findScheduleVersion(db, request.params.orgId, request.query.version)
      if (!row) throw recognitionErrors.RECOGNITION_TUITION_NOT_FOUND()
      return scheduleView(row)
    },
  )

  r.get(
    '/v1/learners/:id/progress',
    {
      preValidation: requireAuth,
      schema: {
        tags: ['programs'],
        summary:
          'Progress in a program: what counts towards what, what is missing, the earliest term, certificates that would count',
        params: LearnerParams,
        querystring: ProgressQuery,
        response: { 200: Progress, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request)
      const e = await enrollmentFor(db, p, request.params.id, request.query)
      const plan = await findPlanVersion(db, e.org_id, e.program_code, request.query.planVersion)
      if (!plan) throw recognitionErrors.RECOGNITION_PLAN_NOT_FOUND()
      return progressOf(db, cache, {
        learnerId: request.params.id,
        orgId: e.org_id,
        programCode: e.program_code,
        plan,
      })
    },
  )

  r.get(
    '/v1/learners/:id/tuition',
    {
      preValidation: requireAuth,
      schema: {
        tags: ['programs'],
        summary: 'Credit tuition for a term, each line explained (read-only; no payment)',
        params: LearnerParams,
        querystring: TuitionQuery,
        response: { 200: Tuition, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request)
      const q = request.query
      const e = await enrollmentFor(db, p, request.params.id, q)
      const schedule = await findScheduleVersion(db, e.org_id, q.scheduleVersion)
      if (!schedule) throw recognitionErrors.RECOGNITION_TUITION_NOT_FOUND()
      return tuitionOf(db, {
        learnerId: request.params.id,
        orgId: e.org_id,
        programCode: e.program_code,
        termKey: q.term,
        schedule,
      })
    },
  )
}
