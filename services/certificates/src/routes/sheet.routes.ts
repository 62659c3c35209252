import { createHash } from 'node:crypto'
import { principalOf, requireRole } from '@creditbank/auth'
import type { FieldError } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import { idempotent } from '@creditbank/service-kit'
import {
  certificatesSheet,
  langOf,
  readSheet,
  SheetError,
  type SheetRead,
  sheetMessage,
  templateXlsx,
  XLSX_TYPE,
} from '@creditbank/spreadsheet'
import type { FastifyInstance } from 'fastify'
import type { Transaction } from 'kysely'
import Type from 'typebox'
import type { CertificatesContext } from '../context.js'
import type { CertificatesDB } from '../db/schema.js'
import { batchAnswer, dryRun, previewOf, recallRows, rememberRows } from '../domain/batch.js'
import { certificatesErrors } from '../domain/errors.js'
import type { HolderNameKeys } from '../domain/holder-name.js'
import { issueCertificates } from '../domain/issuance.js'
import { type IssueRequest, resolveRequests } from '../domain/issue-requests.js'
import type { LearnerDirectory } from '../domain/learner-directory.js'
import { BatchResult, errorResponses } from './schemas.js'

/** A 10,000-row sheet is well under 2 MB as .xlsx and about 1 MB as CSV. */
export const SHEET_MAX_BYTES = 10 * 1024 * 1024

const issuers = requireRole(['issuer'], ['certificates:write'])

const FileQuery = Type.Object(
  {
    dryRun: Type.Optional(
      Type.Boolean({ description: 'validate and preview what would be issued; write nothing' }),
    ),
    charset: Type.Optional(
      Type.String({
        maxLength: 20,
        pattern: '^[A-Za-z0-9_-]+$',
        description: 'a CSV file’s encoding when it cannot be told from the bytes (gb18030, utf-8)',
      }),
    ),
  },
  { additionalProperties: false },
)

const FileResult = Type.Object({
  ...BatchResult.properties,
  items: Type.Array(
    Type.Object({
      ...BatchResult.properties.items.items.properties,
      row: Type.Integer({ description: 'the row’s number in the sheet, as Excel shows it' }),
    }),
  ),
  file: Type.Object({
    format: Type.Enum(['xlsx', 'csv']),
    encoding: Type.Optional(Type.String()),
    sheet: Type.Optional(Type.String()),
    headerRow: Type.Integer(),
    ignored: Type.Array(Type.String(), { description: 'columns of the file that fill no field' }),
  }),
})

/** Type codes as people type them: any case, spaces around. */
const TYPE_CODE = /^[A-Z0-9][A-Z0-9-]{0,18}[A-Z0-9]$/
/** As the JSON batch's score: 0–100, two decimals at most. */
const SCORE = /^(100(\.0{1,2})?|\d{1,2}(\.\d{1,2})?)$/

/**
 * The rows of a read sheet as issue requests, every cell problem named by row and column in the
 * caller's language. Rows are named `/rows/<row number>` so each error points at the line in Excel.
 */
function requestsOf(read: SheetRead, lang: 'zh-CN' | 'en') {
  const errors: FieldError[] = []
  const header = new Map(read.columns.map((c) => [c.key, c]))
  const where = (key: string) => {
    const c = header.get(key)
    return c
      ? lang === 'en'
        ? `${c.header} (column ${c.letter})`
        : `${c.header}（${c.letter}列）`
      : key
  }
  const items: IssueRequest[] = read.rows.map((r) => {
    const bad = (key: string, zh: string, en: string) =>
      errors.push({
        path: `/rows/${r.row}/${key}`,
        message: lang === 'en' ? `${where(key)}: ${en}` : `${where(key)}：${zh}`,
      })
    for (const i of r.issues)
      bad(i.key, sheetMessage(i.code, i.params, 'zh-CN'), sheetMessage(i.code, i.params, 'en'))
    const v = r.values
    const typeCode = (v.typeCode ?? '').toUpperCase()
    if (v.typeCode !== undefined && !TYPE_CODE.test(typeCode))
      bad(
        'typeCode',
        `“${v.typeCode}”不是证书类型代码（如 WEB-FE）`,
        `“${v.typeCode}” is not a type code (e.g. WEB-FE)`,
      )
    if (!r.issues.some((i) => i.key === 'nationalId') && !v.nationalId)
      bad('nationalId', '必填，不能为空', 'is required')
    if (!r.issues.some((i) => i.key === 'name') && !v.name)
      bad('name', '必填，不能为空', 'is required')
    if (v.score !== undefined && !SCORE.test(v.score))
      bad(
        'score',
        `“${v.score}”应为 0 到 100 之间、最多两位小数的成绩`,
        `“${v.score}” is not a score from 0 to 100 with at most two decimals`,
      )
    return {
      typeCode,
      level: v.level ?? '',
      nationalId: v.nationalId ?? '',
      holderName: v.name ?? '',
      issuedOn: v.issuedOn ?? '',
      ...(v.score !== undefined ? { score: v.score } : {}),
    }
  })
  return { items, errors }
}

/**
 * Batch issuance from the spreadsheet evaluation organizations keep (.xlsx or CSV, 身份证号 +
 * 姓名), through the same look-up and issuance as the JSON batch: all or nothing, a dry run that
 * writes nothing, every bad row named by its line. Encapsulated: its catch-all body parser (the
 * file as bytes) touches no other route.
 */
export async function sheetRoutes(
  app: FastifyInstance,
  svc: CertificatesContext,
  keys: HolderNameKeys,
  learners: LearnerDirectory,
) {
  const db = svc.db

  await app.register(async (files) => {
    const r = files.withTypeProvider<TypeBoxTypeProvider>()
    files.removeAllContentTypeParsers()
    files.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: SHEET_MAX_BYTES },
      (_request, body, done) => done(null, body),
    )

    r.get(
      '/v1/certificates/batch/template',
      {
        preHandler: issuers,
        schema: {
          tags: ['certificates'],
          summary:
            'The Chinese .xlsx template of the batch issuance sheet (证书类型代码, 等级, 身份证号, 姓名, 成绩, 发证日期) with a 填写说明 sheet',
          response: { ...errorResponses },
        },
      },
      async (_request, reply) => {
        reply
          .header('content-type', XLSX_TYPE)
          .header(
            'content-disposition',
            `attachment; filename="certificates-template.xlsx"; filename*=UTF-8''${encodeURIComponent('证书批量颁发模板.xlsx')}`,
          )
        return templateXlsx(certificatesSheet)
      },
    )

    r.post(
      '/v1/certificates/batch/file',
      {
        preHandler: issuers,
        bodyLimit: SHEET_MAX_BYTES,
        schema: {
          tags: ['certificates'],
          summary:
            'Issue the certificates of a spreadsheet (the raw .xlsx or CSV file as the body, up to 10,000 rows): all or nothing, each bad row named by its line (/rows/<line>/<field>); ?dryRun=true previews without writing',
          querystring: FileQuery,
          response: { 200: FileResult, 201: FileResult, ...errorResponses },
        },
      },
      async (request, reply) => {
        const p = principalOf(request)
        const lang = langOf(request.headers['accept-language'])
        const bytes = request.body as Buffer | undefined
        if (!Buffer.isBuffer(bytes) || bytes.length === 0)
          throw certificatesErrors.CERTIFICATES_SHEET_INVALID(
            sheetMessage('SHEET_EMPTY', {}, 'en'),
            [{ path: '/file', message: sheetMessage('SHEET_EMPTY', {}, lang) }],
          )
        let read: SheetRead
        try {
          read = await readSheet(bytes, certificatesSheet, {
            ...(request.query.charset ? { charset: request.query.charset } : {}),
          })
        } catch (err) {
          if (err instanceof SheetError)
            throw certificatesErrors.CERTIFICATES_SHEET_INVALID(err.say('en'), [
              { path: '/file', message: err.say(lang) },
            ])
          throw err
        }
        const { items, errors } = requestsOf(read, lang)
        // Cells first: a row whose cells cannot be read is not looked up or issued.
        if (errors.length)
          throw certificatesErrors.CERTIFICATES_ISSUANCE_INVALID(
            `${errors.length} cell(s) cannot be read; nothing was issued`,
            errors,
          )
        const path = (i: number) => `/rows/${read.rows[i]!.row}`
        const rowsLang = lang === 'en' ? 'en' : 'zh'
        const ctx = {
          keys,
          publish: svc.events.write,
          lang: rowsLang,
          rowName: (i: number) =>
            rowsLang === 'en' ? `row ${read.rows[i]!.row}` : `第 ${read.rows[i]!.row} 行`,
        } as const
        const resolved = await resolveRequests(
          items,
          learners,
          String(request.headers.authorization ?? ''),
          path,
          rowsLang,
        )
        const withRows = <T extends { items: { index: number }[] }>(body: T) => ({
          ...body,
          items: body.items.map((i) => ({ ...i, row: read.rows[i.index]!.row })),
          file: {
            format: read.format,
            ...(read.encoding ? { encoding: read.encoding } : {}),
            ...(read.sheet ? { sheet: read.sheet } : {}),
            headerRow: read.headerRow,
            ignored: read.ignored,
          },
        })
        const issue = async (trx: Transaction<CertificatesDB>) => {
          const issued = await issueCertificates(
            trx,
            resolved.inputs,
            p,
            ctx,
            path,
            resolved.earlier,
          )
          const out = batchAnswer(issued, resolved.accountNos)
          return { status: out.status, body: withRows(out.body) }
        }
        if (request.query.dryRun)
          return withRows(
            previewOf(
              batchAnswer(
                await dryRun(db, async (trx) =>
                  issueCertificates(trx, resolved.inputs, p, ctx, path, resolved.earlier),
                ),
                resolved.accountNos,
              ),
            ),
          )
        // The idempotency hash is taken over the body: the file's digest stands for its bytes.
        request.body = { sha256: createHash('sha256').update(bytes).digest('hex') }
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
  })
}
