import { type Principal, principalOf, requireAuth, requireRole } from '@creditbank/auth'
import { Id, now, PageQuery } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import {
  decodeCursor,
  encodeCursor,
  idempotent,
  openFor,
  recordLearnerReads,
} from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import { type Kysely, sql } from 'kysely'
import Type from 'typebox'
import type { RecognitionContext } from '../context.js'
import {
  type ApplicationRow,
  findApplication,
  type ListFilter,
  listApplications,
  trailsOf,
} from '../db/application.repository.js'
import type { RecognitionDB } from '../db/schema.js'
import { appeal, decide, withdraw } from '../domain/applications.js'
import { recognitionErrors } from '../domain/errors.js'
import { applyAsLearner } from '../domain/learner-applications.js'
import { keysOf, moreKeys, openLearner, type RecognitionPersonal } from '../domain/personal.js'
import { reviewContexts } from '../domain/review-context.js'
import type { RuleCache } from '../domain/rule-cache.js'
import type { RuleSpec } from '../domain/rule-spec.js'
import { validate as validateRule } from '../domain/rules.js'
import { maySeeNow, type ReviewerScope, reviewerScope } from '../domain/scope.js'
import { type SimulationInput, simulate } from '../domain/simulation.js'
import { applicationView, contextView } from '../domain/views.js'
import {
  Application,
  ApplicationBody,
  ApplicationPage,
  DecisionBody,
  errorResponses,
  ReasonBody,
  Simulation,
  SimulationBody,
} from './schemas.js'

export async function applicationRoutes(
  app: FastifyInstance,
  svc: RecognitionContext,
  cache: RuleCache,
  personal: RecognitionPersonal,
) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db

  /** An application with what its reader needs beside it: the learner, sources, files, their decision. */
  const view = async (
    row: ApplicationRow,
    p: Principal,
    trx: Kysely<RecognitionDB> = db,
    scope?: ReviewerScope | null,
  ) => {
    const trail = await trailsOf(trx, [row.id])
    const s = scope === undefined ? await reviewerScope(trx, p) : scope
    const keys = await keysOf(trx, personal, [row.learner_id])
    const c = (await reviewContexts(trx, p, s, [row], trail, keys)).get(row.id)!
    return {
      ...applicationView(row, trail, keys.get(row.learner_id.toLowerCase())),
      ...contextView(row, c),
    }
  }

  /**
   * A search by part of the learner's name (decision 0542) in the order and pages of the list:
   * the query's tokens find the candidates (`listApplications`), whose names are then opened and
   * kept only when they hold the query as it was typed (as `position` did before the names were
   * sealed), or their account number is the query. A page whose candidates were dropped reads on,
   * at most SEARCH_ROUNDS pages of candidates per request; past that the page is shorter and its
   * cursor goes on from the last candidate read.
   */
  const SEARCH_ROUNDS = 5
  const searchByLearner = async (f: ListFilter & { learner: { text: string } }) => {
    const { text } = f.learner
    const page: ApplicationRow[] = []
    let keys = new Map<string, Buffer>()
    let after = f.after
    for (let round = 0; ; round++) {
      const rows = await listApplications(db, { ...f, ...(after ? { after } : {}) })
      const ids = [...new Set(rows.map((r) => r.learner_id.toLowerCase()))]
      keys = await moreKeys(db, personal, keys, ids)
      const learners = ids.length
        ? await db
            .selectFrom('learner')
            .select(['id', 'account_no', 'personal_sealed'])
            .where('id', 'in', ids)
            .execute()
        : []
      const found = new Set(
        learners
          .filter(
            (l) =>
              l.account_no === text ||
              (openLearner(keys.get(l.id.toLowerCase()), l.personal_sealed).name ?? '').includes(
                text,
              ),
          )
          .map((l) => l.id.toLowerCase()),
      )
      for (const r of rows) {
        if (!found.has(r.learner_id.toLowerCase())) continue
        page.push(r)
        if (page.length > f.limit)
          return { page: page.slice(0, f.limit), last: page[f.limit - 1], keys }
      }
      const read = rows[rows.length - 1]
      if (rows.length <= f.limit || !read) return { page, last: undefined, keys }
      if (round + 1 === SEARCH_ROUNDS) return { page, last: read, keys }
      after = {
        dueAt: f.queue && read.due_at ? new Date(read.due_at).toISOString() : null,
        id: read.id,
      }
    }
  }

  r.post(
    '/v1/applications',
    {
      preValidation: requireRole(['learner']),
      schema: {
        tags: ['applications'],
        summary: 'A learner applies with their own entries',
        body: ApplicationBody,
        response: { 201: Application, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      // A replay shows the application as it is now: the remembered answer is its id alone, so no
      // name, statement or file name waits in the clear for the key's expiry (decision 0730).
      const out = await idempotent(
        db,
        request,
        reply,
        p.subject,
        async (trx) => {
          const row = await applyAsLearner(trx, p, request.body, cache, svc.events.write, personal)
          return { status: 201, body: await view(row, p, trx, null) }
        },
        (body) => ({ id: body.id }),
        async (remembered, trx) => {
          const row = await findApplication(trx, (remembered as { id: string }).id)
          if (!row) throw recognitionErrors.RECOGNITION_APPLICATION_NOT_FOUND()
          return view(row, p, trx, null)
        },
      )
      svc.events.committed()
      return out
    },
  )

  r.get(
    '/v1/applications',
    {
      preValidation: requireAuth,
      schema: {
        tags: ['applications'],
        summary:
          "Applications the caller may see; queue=mine is a reviewer's queue by due date, overdue first",
        querystring: Type.Object(
          {
            ...PageQuery.properties,
            queue: Type.Optional(Type.Literal('mine')),
            status: Type.Optional(
              Type.Enum(['open', 'in_review', 'approved', 'rejected', 'withdrawn', 'appealed']),
            ),
            learnerId: Type.Optional(Id),
            learner: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 50,
                description: 'part of the learner’s name, or their account number',
              }),
            ),
            rule: Type.Optional(
              Type.String({ minLength: 1, maxLength: 64, description: 'rule code' }),
            ),
            from: Type.Optional(Type.String({ format: 'date', description: 'opened on or after' })),
            to: Type.Optional(Type.String({ format: 'date', description: 'opened on or before' })),
            decidedByMe: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: ApplicationPage, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request)
      const q = request.query
      const limit = q.limit ?? 20
      const f: ListFilter = {
        limit,
        ...(q.status ? { status: q.status } : {}),
        ...(q.learner?.trim()
          ? { learner: { text: q.learner.trim(), tokens: personal.searchTokens(q.learner.trim()) } }
          : {}),
        ...(q.rule ? { ruleCode: q.rule } : {}),
        ...(q.from ? { from: q.from } : {}),
        ...(q.to ? { to: q.to } : {}),
        ...(q.decidedByMe ? { decidedBy: p.subject } : {}),
      }
      const scope = await reviewerScope(db, p)
      if (q.queue === 'mine') {
        if (!scope)
          throw recognitionErrors.RECOGNITION_OUT_OF_SCOPE(
            'Only reviewers of an organization have a queue',
          )
        f.queue = { ...scope, notLearner: p.learner }
        const c = decodeCursor(q.cursor, 2)
        if (c) f.after = { dueAt: (c[0] as string) || null, id: c[1] as string }
      } else {
        const c = decodeCursor(q.cursor, 1)
        if (c) f.after = { dueAt: null, id: c[0] as string }
        if (p.roles.includes('admin')) {
          if (q.learnerId) f.learnerId = q.learnerId
        } else if (scope && p.kind === 'user') {
          // A reviewer searches everything in their scope, the ones they decided included.
          f.inScope = { ...scope, subject: p.subject }
          if (q.learnerId) f.learnerId = q.learnerId
        } else if (
          p.kind === 'user' &&
          p.org &&
          (p.roles.includes('reviewer') || p.roles.includes('registrar'))
        ) {
          // Staff see their organization's applications as the target.
          f.targetOrgId = p.org
          if (q.learnerId) f.learnerId = q.learnerId
        } else if (
          p.roles.includes('learner') &&
          p.learner &&
          (!q.learnerId || q.learnerId === p.learner)
        ) {
          f.learnerId = p.learner
        } else {
          return { items: [], nextCursor: null }
        }
      }
      let page: ApplicationRow[]
      let last: ApplicationRow | undefined
      let keys = new Map<string, Buffer>()
      if (f.learner) ({ page, last, keys } = await searchByLearner({ ...f, learner: f.learner }))
      else {
        const rows = await listApplications(db, f)
        page = rows.length > limit ? rows.slice(0, limit) : rows
        last = rows.length > limit ? page[page.length - 1] : undefined
      }
      const trails = await trailsOf(
        db,
        page.map((a) => a.id),
      )
      // The page's learners' keys in one read: names, statements, reasons and file names open under them.
      keys = await moreKeys(
        db,
        personal,
        keys,
        page.map((a) => a.learner_id),
      )
      const contexts = await reviewContexts(db, p, scope, page, trails, keys)
      const items = page.map((a) => ({
        ...applicationView(
          a,
          trails.filter((t) => t.application_id === a.id),
          keys.get(a.learner_id.toLowerCase()),
        ),
        ...contextView(a, contexts.get(a.id)!),
      }))
      // Each learner a page shows by name is a read of theirs (decision 0725); their own is not.
      await recordLearnerReads(
        svc,
        'recognition.learner.read',
        request,
        page.map((a) => a.learner_id),
        'applications',
      )
      const nextCursor = last
        ? encodeCursor(
            q.queue === 'mine'
              ? [last.due_at ? new Date(last.due_at).toISOString() : '', last.id]
              : [last.id],
          )
        : null
      return { items, nextCursor }
    },
  )

  r.get(
    '/v1/applications/:id',
    {
      preValidation: requireAuth,
      schema: {
        tags: ['applications'],
        summary: 'An application with its full trail',
        params: Type.Object({ id: Id }),
        response: { 200: Application, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request)
      const row = await findApplication(db, request.params.id)
      const scope = await reviewerScope(db, p)
      if (!row || !(await maySeeNow(db, p, row, scope)))
        throw recognitionErrors.RECOGNITION_APPLICATION_NOT_FOUND()
      const shown = await view(row, p, db, scope)
      await recordLearnerReads(
        svc,
        'recognition.learner.read',
        request,
        [row.learner_id],
        'application',
      )
      return shown
    },
  )

  r.post(
    '/v1/applications/:id/decisions',
    {
      preValidation: requireRole(['reviewer']),
      schema: {
        tags: ['applications'],
        summary: 'A reviewer in scope decides the current step',
        params: Type.Object({ id: Id }),
        body: DecisionBody,
        response: { 200: Application, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request)
      const scope = await reviewerScope(db, p)
      const out = await db
        .transaction()
        .execute(async (trx) =>
          view(
            await decide(
              trx,
              request.params.id,
              p,
              scope,
              request.body,
              svc.events.write,
              personal,
            ),
            p,
            trx,
            scope,
          ),
        )
      svc.events.committed()
      return out
    },
  )

  r.post(
    '/v1/applications/:id/evidence/:evidenceId/reads',
    {
      preValidation: requireRole(['reviewer']),
      schema: {
        tags: ['applications'],
        summary:
          'A reviewer in scope is about to read one of the application’s evidence files: the read is logged and granted (portfolio asks this with the reviewer’s token before serving the file)',
        params: Type.Object({ id: Id, evidenceId: Id }),
        response: {
          201: Type.Object({
            applicationId: Id,
            evidenceId: Id,
            learnerId: Id,
            readAt: Type.String({ format: 'date-time' }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const { id, evidenceId } = request.params
      const row = await findApplication(db, id)
      const scope = await reviewerScope(db, p)
      // Reviewers in scope only (decision 0544): not the learner's own grant, not an admin's.
      const named = row?.evidence_ids.some((e) => e.toLowerCase() === evidenceId.toLowerCase())
      if (!row || !named || !scope || !(await maySeeNow(db, p, row, scope)))
        throw recognitionErrors.RECOGNITION_EVIDENCE_NOT_FOUND()
      const read = await db
        .insertInto('evidence_read')
        .values({
          evidence_id: evidenceId,
          application_id: row.id,
          actor: p.subject,
          org_id: p.org,
          at: now(),
        })
        .returning('at')
        .executeTakeFirstOrThrow()
      // The evidence-read log (0544) stays the reviewers' record of the file; the learner's
      // who-looked log hears of it too (0725), before a byte is served.
      await recordLearnerReads(
        svc,
        'recognition.learner.read',
        request,
        [row.learner_id],
        'evidence',
      )
      reply.code(201)
      return {
        applicationId: row.id,
        evidenceId,
        learnerId: row.learner_id,
        readAt: new Date(read.at).toISOString(),
      }
    },
  )

  r.get(
    '/v1/applications/:id/evidence-reads',
    {
      preValidation: requireRole(['reviewer', 'admin']),
      schema: {
        tags: ['applications'],
        summary:
          'Who read which evidence file of the application, and when (decision 0545): for its reviewers in scope and admins, newest first',
        params: Type.Object({ id: Id }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                evidenceId: Id,
                filename: Type.Union([Type.String(), Type.Null()]),
                readAt: Type.String({ format: 'date-time' }),
                reader: Type.Object({
                  userId: Type.String(),
                  username: Type.Union([Type.String(), Type.Null()]),
                  orgId: Type.Union([Id, Type.Null()]),
                  you: Type.Boolean({ description: 'the caller read it' }),
                }),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request)
      const row = await findApplication(db, request.params.id)
      const scope = await reviewerScope(db, p)
      const admin = p.roles.includes('admin')
      // The same readers as the files themselves (0544), and admins; a learner's own application
      // read by them as a reviewer is still not theirs to audit.
      if (!row || (!admin && (!scope || !(await maySeeNow(db, p, row, scope)))))
        throw recognitionErrors.RECOGNITION_APPLICATION_NOT_FOUND()
      const reads = await db
        .selectFrom('evidence_read as r')
        .leftJoin('evidence as e', 'e.id', 'r.evidence_id')
        .leftJoin('staff_user as u', (j) => j.on(sql<boolean>`u.id::text = r.actor`))
        .select([
          'r.evidence_id',
          'r.actor',
          'r.org_id',
          'r.at',
          'e.filename',
          'e.filename_sealed',
          'u.username',
        ])
        .where('r.application_id', '=', row.id)
        .orderBy('r.seq', 'desc')
        .limit(500)
        .execute()
      // The files are the application's learner's: their names open under that one key.
      const key = (await keysOf(db, personal, [row.learner_id])).get(row.learner_id.toLowerCase())
      return {
        items: reads.map((x) => ({
          evidenceId: x.evidence_id,
          filename: x.filename_sealed ? openFor(key, x.filename_sealed) : (x.filename ?? null),
          readAt: new Date(x.at).toISOString(),
          reader: {
            userId: x.actor,
            username: x.username ?? null,
            orgId: x.org_id,
            you: x.actor === p.subject,
          },
        })),
      }
    },
  )

  r.post(
    '/v1/applications/:id/appeal',
    {
      preValidation: requireRole(['learner']),
      schema: {
        tags: ['applications'],
        summary: 'The learner appeals a rejection (once)',
        params: Type.Object({ id: Id }),
        body: ReasonBody,
        response: { 200: Application, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request)
      const out = await db
        .transaction()
        .execute(async (trx) =>
          view(
            await appeal(
              trx,
              request.params.id,
              p,
              request.body.reason,
              svc.events.write,
              personal,
            ),
            p,
            trx,
            null,
          ),
        )
      svc.events.committed()
      return out
    },
  )

  r.post(
    '/v1/applications/:id/withdrawal',
    {
      preValidation: requireRole(['learner']),
      schema: {
        tags: ['applications'],
        summary: 'The learner withdraws a pending application',
        params: Type.Object({ id: Id }),
        body: ReasonBody,
        response: { 200: Application, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request)
      const out = await db
        .transaction()
        .execute(async (trx) =>
          view(
            await withdraw(
              trx,
              request.params.id,
              p,
              request.body.reason,
              svc.events.write,
              personal,
            ),
            p,
            trx,
            null,
          ),
        )
      svc.events.committed()
      return out
    },
  )

  r.post(
    '/v1/simulations',
    {
      preValidation: requireRole(['learner', 'registrar', 'reviewer']),
      schema: {
        tags: ['simulations'],
        summary:
          'What would be recognized, by which rule versions, and which limits bite; writes nothing',
        body: SimulationBody,
        response: { 200: Simulation, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request)
      const { sourceEntryIds, ...rest } = request.body
      if (sourceEntryIds && rest.entryIds)
        throw recognitionErrors.RECOGNITION_ENTRIES_AMBIGUOUS(undefined, [
          { path: '/entryIds', message: 'give sourceEntryIds or entryIds, not both' },
        ])
      const body = { ...rest, ...(sourceEntryIds ? { entryIds: sourceEntryIds } : {}) }
      const staff = p.roles.includes('reviewer') || p.roles.includes('registrar')
      if (!staff || (p.roles.includes('learner') && body.learnerId === undefined)) {
        // A learner simulates for themselves only.
        if (body.learnerId !== undefined && body.learnerId !== p.learner)
          throw recognitionErrors.RECOGNITION_NOT_LEARNER(
            'A learner simulates only for their own account',
          )
        if (p.learner) body.learnerId = p.learner
      } else if (!p.roles.includes('reviewer') && p.org !== body.targetOrgId) {
        throw recognitionErrors.RECOGNITION_ORG_NOT_YOURS()
      }
      if (!body.learnerId && !body.outcomes)
        throw recognitionErrors.RECOGNITION_LEARNER_REQUIRED(undefined, [
          { path: '/outcomes', message: 'give hypothetical outcomes or a learnerId' },
        ])
      if (body.rule) {
        // A rule being edited: only those who keep rules try one, checked as saving would check it.
        if (!p.roles.includes('reviewer')) throw recognitionErrors.RECOGNITION_NOT_REVIEWER()
        await validateRule(db, body.rule as RuleSpec)
        body.targetOrgId = body.rule.targetOrgId
      }
      return simulate(db, body as SimulationInput, cache)
    },
  )
}
