import { principalOf, requireRole } from '@creditbank/auth'
import { Id, PageQuery } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import { cursorKey, idempotent, toPage } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { RecognitionContext } from '../context.js'
import { listAlliances, membersOf } from '../db/alliance.repository.js'
import { findRuleVersion, listLatestRules } from '../db/rule.repository.js'
import { allianceView, createAlliance } from '../domain/alliances.js'
import { recognitionErrors } from '../domain/errors.js'
import type { RuleSpec } from '../domain/rule-spec.js'
import { sourceKinds } from '../domain/rule-spec.js'
import { createRule, ruleView, updateRule } from '../domain/rules.js'
import {
  Alliance,
  AllianceBody,
  AlliancePage,
  errorResponses,
  Rule,
  RuleBody,
  RuleCode,
  RulePage,
} from './schemas.js'

const staff = requireRole(['reviewer', 'admin'])

export async function ruleRoutes(app: FastifyInstance, svc: RecognitionContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db

  r.post(
    '/v1/rules',
    {
      preValidation: staff,
      schema: {
        tags: ['rules'],
        summary: 'Publish a rule (version 1)',
        body: RuleBody,
        response: { 200: Rule, 201: Rule, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const out = await idempotent(db, request, reply, p.subject, async (trx) => {
        const { status, row } = await createRule(trx, request.body as RuleSpec, p, svc.events.write)
        return { status, body: ruleView(row) }
      })
      svc.events.committed()
      return out
    },
  )

  r.put(
    '/v1/rules/:code',
    {
      preValidation: staff,
      schema: {
        tags: ['rules'],
        summary: 'Change a rule: a new version n+1; old versions stay readable',
        params: Type.Object({ code: RuleCode }),
        body: RuleBody,
        response: { 200: Rule, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const out = await db
        .transaction()
        .execute((trx) =>
          updateRule(trx, request.params.code, request.body as RuleSpec, p, svc.events.write),
        )
      svc.events.committed()
      reply.code(out.status)
      return ruleView(out.row)
    },
  )

  r.get(
    '/v1/rules',
    {
      preValidation: staff,
      schema: {
        tags: ['rules'],
        summary: 'The latest version of each rule',
        querystring: Type.Object(
          {
            ...PageQuery.properties,
            targetOrgId: Type.Optional(Id),
            sourceKind: Type.Optional(Type.Enum([...sourceKinds])),
          },
          { additionalProperties: false },
        ),
        response: { 200: RulePage, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query
      const limit = q.limit ?? 20
      const after = cursorKey(q.cursor)
      const rows = await listLatestRules(db, {
        targetOrgId: q.targetOrgId,
        sourceKind: q.sourceKind,
        after,
        limit,
      })
      return toPage(rows, limit, (row) => [row.code], ruleView)
    },
  )

  r.get(
    '/v1/rules/:code/versions/:n',
    {
      preValidation: staff,
      schema: {
        tags: ['rules'],
        summary: 'One version of a rule',
        params: Type.Object({
          code: RuleCode,
          n: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        }),
        response: { 200: Rule, ...errorResponses },
      },
    },
    async (request) => {
      const row = await findRuleVersion(db, request.params.code, request.params.n)
      if (!row) throw recognitionErrors.RECOGNITION_RULE_NOT_FOUND()
      return ruleView(row)
    },
  )

  r.post(
    '/v1/alliances',
    {
      preValidation: staff,
      schema: {
        tags: ['alliances'],
        summary: 'A mutual recognition alliance',
        body: AllianceBody,
        response: { 200: Alliance, 201: Alliance, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const out = await idempotent(db, request, reply, p.subject, (trx) =>
        createAlliance(trx, request.body, p, svc.events.write),
      )
      svc.events.committed()
      return out
    },
  )

  r.get(
    '/v1/alliances',
    {
      preValidation: staff,
      schema: {
        tags: ['alliances'],
        summary: 'Alliances',
        querystring: Type.Object({ ...PageQuery.properties }, { additionalProperties: false }),
        response: { 200: AlliancePage, ...errorResponses },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 20
      const after = cursorKey(request.query.cursor)
      const rows = await listAlliances(db, after, limit)
      const members = await membersOf(
        db,
        rows.map((a) => a.id),
      )
      return toPage(
        rows,
        limit,
        (a) => [a.id],
        (a) =>
          allianceView(
            a,
            members.filter((m) => m.alliance_id === a.id).map((m) => m.org_id),
          ),
      )
    },
  )
}
