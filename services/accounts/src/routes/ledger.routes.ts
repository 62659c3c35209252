import { principalOf, requireAuth, requireRole } from '@creditbank/auth'
import { AppError, Id } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import { idempotencyKeyOf, idempotent, requestHash } from '@creditbank/service-kit'
import type { FastifyInstance } from 'fastify'
import type { Transaction } from 'kysely'
import Type from 'typebox'
import type { AccountsContext } from '../context.js'
import { findEntries } from '../db/ledger.repository.js'
import type { AccountsDB } from '../db/schema.js'
import { accessTo, actingOrg, requireKnown } from '../domain/access.js'
import { PostingCombiner } from '../domain/combiner.js'
import { accountsErrors, conflictOnDuplicate } from '../domain/errors.js'
import { type EntryView, entryView } from '../domain/ledger.js'
import { OutcomeItem, postOutcomes } from '../domain/outcomes.js'
import { itemsByPerson } from '../domain/people.js'
import { recordReads } from '../domain/reads.js'
import { withReasons } from '../domain/reasons.js'
import { reverseEntry } from '../domain/reversals.js'
import { accountSummary, statement, verifyChain } from '../domain/statement.js'
import {
  Account,
  BatchBody,
  BatchResult,
  Chain,
  Entry,
  EntryPage,
  errorResponses,
  LearnerParams,
  Proof,
  ReversalBody,
  StatementQuery,
} from './schemas.js'

const writers = requireRole(['registrar'], ['outcomes:write'])

/** One outcome, with the learner's 身份证号 and name when the organization does not know them yet. */
const OutcomeBody = Type.Object(
  { ...OutcomeItem.properties, ...Proof },
  { additionalProperties: false },
)

type BatchAnswer = { items: EntryView[]; created: number; existing: number }

/** A batch's answer is remembered by its entries' ids (entries never change): 1,000 ids, not 1,000 entries. */
const rememberBatch = (b: BatchAnswer) => ({
  ids: b.items.map((e) => e.id),
  created: b.created,
  existing: b.existing,
})

async function recallBatch(
  remembered: unknown,
  trx: Transaction<AccountsDB>,
): Promise<BatchAnswer> {
  const r = remembered as ReturnType<typeof rememberBatch>
  const byId = new Map((await findEntries(trx, r.ids)).map((e) => [e.id, e]))
  return {
    items: r.ids.map((id) => entryView(byId.get(id)!)),
    created: r.created,
    existing: r.existing,
  }
}

/**
 * A reversal's answer is remembered by the entry's id, not whole: whole, it kept the reason in the
 * clear in idempotency_key (decision 0730). The learner's id stays in it so that an erasure
 * forgets it (`forgetAnswersAbout`). Answers remembered whole before this have an id too.
 */
const rememberReversal = (e: EntryView) => ({ id: e.id, learnerId: e.learnerId })

/** A replay shows the reversal as it reads now: its reason opened, or null once erased. */
async function recallReversal(remembered: unknown, trx: Transaction<AccountsDB>, piiKey: Buffer) {
  const [row] = await findEntries(trx, [(remembered as { id: string }).id])
  return entryView((await withReasons(trx, piiKey, [row!]))[0]!)
}

export async function ledgerRoutes(app: FastifyInstance, svc: AccountsContext, piiKey: Buffer) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db
  const combiner = new PostingCombiner(db, svc.events.source)

  r.post(
    '/v1/outcomes',
    {
      preHandler: writers,
      schema: {
        tags: ['ledger'],
        summary: 'Post one outcome as the caller’s organization',
        body: OutcomeBody,
        response: { 200: Entry, 201: Entry, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const key = idempotencyKeyOf(request)
      const orgId = actingOrg(p)
      const { nationalId, name, ...item } = request.body
      // Knowing a learner is never undone, so the check needs no lock and no transaction.
      await requireKnown(db, piiKey, orgId, item.learnerId, { nationalId, name })
      const out = await combiner.post({
        orgId,
        actor: p.subject,
        item,
        claim:
          key === undefined ? undefined : { actor: p.subject, key, hash: requestHash(request) },
      })
      svc.events.committed()
      if (out.replayed) reply.header('idempotency-replayed', 'true')
      reply.code(out.status)
      return out.body
    },
  )

  r.post(
    '/v1/outcomes/batch',
    {
      preHandler: writers,
      schema: {
        tags: ['ledger'],
        summary: 'Post up to 1,000 outcomes as JSON `{ items }` or text/csv; all or nothing',
        description:
          'Each item names its learner by learnerId, or by nationalId + name (the account opened when there is none, with learnerCategory), or by studentNo at your organization. CSV: a header row and one outcome a row, columns learnerId,kind,title,code,credits,hours,gradeScore,gradeScale,level,category,occurredOn,externalRef (any order; empty cells are absent fields).',
        body: BatchBody,
        response: { 200: BatchResult, 201: BatchResult, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const orgId = actingOrg(p)
      const out = await conflictOnDuplicate(() =>
        idempotent(
          db,
          request,
          reply,
          p.subject,
          async (trx) => {
            const named = await itemsByPerson(trx, piiKey, request.body.items, {
              orgId,
              actor: p.subject,
              publish: svc.events.write,
            })
            let res: Awaited<ReturnType<typeof postOutcomes>>
            try {
              res = await postOutcomes(trx, named.items, orgId, p.subject, svc.events.source, false)
            } catch (err) {
              // Every bad item named at once: who the item names, and what else is wrong with it.
              if (!named.problems.length || !(err instanceof AppError) || !err.errors) throw err
              const unnamed = new Set(named.problems.map((e) => e.path.split('/')[2]))
              throw accountsErrors.ACCOUNTS_BATCH_INVALID(undefined, [
                ...named.problems,
                ...err.errors.filter(
                  (e) => !(e.path.endsWith('/learnerId') && unnamed.has(e.path.split('/')[2])),
                ),
              ])
            }
            if (named.problems.length)
              throw accountsErrors.ACCOUNTS_BATCH_INVALID(undefined, named.problems)
            return {
              status: res.status,
              body: {
                items: res.entries.map((e) => entryView(e)),
                created: res.created,
                existing: res.existing,
              },
            }
          },
          rememberBatch,
          recallBatch,
        ),
      )
      svc.events.committed()
      return out
    },
  )

  r.post(
    '/v1/entries/:id/reversal',
    {
      preHandler: writers,
      schema: {
        tags: ['ledger'],
        summary: 'Reverse an entry the caller’s organization posted; the original stays',
        params: Type.Object({ id: Id }),
        body: ReversalBody,
        response: { 201: Entry, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const orgId = actingOrg(p)
      const out = await conflictOnDuplicate(() =>
        idempotent(
          db,
          request,
          reply,
          p.subject,
          async (trx) => ({
            status: 201,
            body: entryView(
              await reverseEntry(
                trx,
                piiKey,
                request.params.id,
                request.body.reason,
                orgId,
                p.subject,
                svc.events.write,
              ),
            ),
          }),
          rememberReversal,
          (remembered, trx) => recallReversal(remembered, trx, piiKey),
        ),
      )
      svc.events.committed()
      return out
    },
  )

  r.get(
    '/v1/learners/:id/account',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['ledger'],
        summary: 'Account number, balances, entry count and head hash',
        params: LearnerParams,
        response: { 200: Account, ...errorResponses },
      },
    },
    async (request) => {
      await accessTo(db, principalOf(request), request.params.id, false)
      const account = await accountSummary(db, request.params.id)
      await recordReads(db, request, [request.params.id])
      return account
    },
  )

  r.get(
    '/v1/learners/:id/entries',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['ledger'],
        summary: 'The statement, newest first',
        params: LearnerParams,
        querystring: StatementQuery,
        response: { 200: EntryPage, ...errorResponses },
      },
    },
    async (request) => {
      const access = await accessTo(db, principalOf(request), request.params.id)
      const page = await statement(db, piiKey, request.params.id, access, request.query)
      await recordReads(db, request, [request.params.id])
      return page
    },
  )

  r.get(
    '/v1/learners/:id/chain',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['ledger'],
        summary: 'Recompute the hash chain and name the first bad entry',
        params: LearnerParams,
        response: { 200: Chain, ...errorResponses },
      },
    },
    async (request) => {
      await accessTo(db, principalOf(request), request.params.id, false)
      const chain = await verifyChain(db, piiKey, request.params.id)
      await recordReads(db, request, [request.params.id])
      return chain
    },
  )
}
