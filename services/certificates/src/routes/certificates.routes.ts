import { principalOf, requireAuth, requireRole } from '@creditbank/auth'
import { langOf } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import { idempotent, recordLearnerReads } from '@creditbank/service-kit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Transaction } from 'kysely'
import type { CertificatesContext } from '../context.js'
import { findCertificate } from '../db/certificate.repository.js'
import type { CertificatesDB } from '../db/schema.js'
import { batchAnswer, dryRun, previewOf, recallRows, rememberRows } from '../domain/batch.js'
import {
  certificateRef,
  readCertificate,
  revokeCertificate,
  viewOf,
} from '../domain/certificates.js'
import type { HolderNameKeys } from '../domain/holder-name.js'
import { issueCertificates } from '../domain/issuance.js'
import { type IssueRequest, resolveRequests } from '../domain/issue-requests.js'
import type { LearnerDirectory } from '../domain/learner-directory.js'
import {
  BatchBody,
  BatchResult,
  Certificate,
  DryRunQuery,
  errorResponses,
  IdOrNumberParams,
  IssueBody,
  RevocationBody,
} from './schemas.js'

const issuers = requireRole(['issuer'], ['certificates:write'])

export async function certificateRoutes(
  app: FastifyInstance,
  svc: CertificatesContext,
  keys: HolderNameKeys,
  learners: LearnerDirectory,
) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const db = svc.db
  const ctx = { keys, publish: svc.events.write }
  // Remembered answers (Idempotency-Key) keep no holder name and no reason: a certificate by its
  // id, a batch's rows without the name. A replay reads them again, opened under the holders' keys
  // as any read is (a replay after the holder's erasure shows no name).
  const rememberCertificate = (body: { id: string }) => ({ id: body.id })
  const recallCertificate = async (remembered: unknown, trx: Transaction<CertificatesDB>) =>
    viewOf(trx, keys, (await findCertificate(trx, (remembered as { id: string }).id))!)
  const resolve = (request: FastifyRequest, items: IssueRequest[], path: (i: number) => string) =>
    resolveRequests(
      items,
      learners,
      String(request.headers.authorization ?? ''),
      path,
      langOf(request.headers['accept-language']),
    )
  /** Rows' messages in the caller's language (the problem's detail stays English). */
  const ctxOf = (request: FastifyRequest) => ({
    ...ctx,
    lang: langOf(request.headers['accept-language']),
  })

  r.post(
    '/v1/certificates',
    {
      preHandler: issuers,
      schema: {
        tags: ['certificates'],
        summary:
          'Issue a certificate (the owning evaluation organization only) to a learner named by nationalId + holderName or learnerId; the natural key (type, learner, level, date) makes a repeat answer the first, unless that one was revoked (409)',
        body: IssueBody,
        response: { 200: Certificate, 201: Certificate, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const { inputs, earlier } = await resolve(request, [request.body], () => '')
      const out = await idempotent(
        db,
        request,
        reply,
        p.subject,
        async (trx) => {
          const [issued] = await issueCertificates(
            trx,
            inputs,
            p,
            ctxOf(request),
            () => '',
            earlier,
          )
          const row = (await findCertificate(trx, issued!.id))!
          return { status: issued!.created ? 201 : 200, body: await viewOf(trx, keys, row) }
        },
        rememberCertificate,
        recallCertificate,
      )
      svc.events.committed()
      return out
    },
  )

  r.post(
    '/v1/certificates/batch',
    {
      preHandler: issuers,
      schema: {
        tags: ['certificates'],
        summary:
          'Issue up to 1,000 certificates: validated whole first, any bad row → 422 listing every bad row and nothing written; else one transaction. ?dryRun=true previews without writing',
        querystring: DryRunQuery,
        body: BatchBody,
        response: { 200: BatchResult, 201: BatchResult, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const path = (i: number) => `/items/${i}`
      const { inputs, earlier, accountNos } = await resolve(request, request.body.items, path)
      const issue = async (trx: Transaction<CertificatesDB>) => {
        const issued = await issueCertificates(trx, inputs, p, ctxOf(request), path, earlier)
        return batchAnswer(issued, accountNos)
      }
      if (request.query.dryRun) return previewOf(await dryRun(db, issue))
      const out = await idempotent(
        db,
        request,
        reply,
        p.subject,
        issue,
        rememberRows,
        recallRows(keys),
      )
      svc.events.committed()
      return out
    },
  )

  r.get(
    '/v1/certificates/:id',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['certificates'],
        summary:
          'One certificate: for its holder, the issuing organization and admins (others get 404)',
        params: IdOrNumberParams,
        response: { 200: Certificate, ...errorResponses },
      },
    },
    async (request) => {
      const view = await viewOf(
        db,
        keys,
        await readCertificate(db, certificateRef(request.params.id), principalOf(request)),
      )
      await recordLearnerReads(
        svc,
        'certificates.learner.read',
        request,
        [view.learnerId],
        'certificate',
      )
      return view
    },
  )

  r.post(
    '/v1/certificates/:id/revocation',
    {
      preHandler: issuers,
      schema: {
        tags: ['certificates'],
        summary:
          'Revoke a certificate by id or number, with a reason (the issuing organization only; once)',
        params: IdOrNumberParams,
        body: RevocationBody,
        response: { 200: Certificate, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      const out = await idempotent(
        db,
        request,
        reply,
        p.subject,
        async (trx) => ({
          status: 200,
          body: await viewOf(
            trx,
            keys,
            await revokeCertificate(
              trx,
              certificateRef(request.params.id),
              request.body.reason,
              p,
              svc.events.write,
              keys,
            ),
          ),
        }),
        rememberCertificate,
        recallCertificate,
      )
      svc.events.committed()
      return out
    },
  )
}
