import { principalOf, requireRole } from '@creditbank/auth'
import { AppError } from '@creditbank/contracts'
import type { TypeBoxTypeProvider } from '@creditbank/service-kit'
import { idempotent, requestLang } from '@creditbank/service-kit'
import {
  CSV_TYPE,
  enrollmentsSheet,
  outcomesSheet,
  readSheet,
  SheetError,
  type SheetRead,
  type SheetSpec,
  templateXlsx,
  writeTable,
  XLSX_TYPE,
} from '@creditbank/spreadsheet'
import type { Lang } from '@creditbank/spreadsheet/messages'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Transaction } from 'kysely'
import Type from 'typebox'
import type { AccountsContext } from '../context.js'
import type { AccountsDB } from '../db/schema.js'
import { actingOrg } from '../domain/access.js'
import { conflictOnDuplicate } from '../domain/errors.js'
import { digests, earlierImport, recordImport, repeatedFile } from '../domain/import-files.js'
import {
  type Answered,
  type EnrollmentRowAnswer,
  type ImportAnswer,
  type ImportContext,
  type ImportProblem,
  importEnrollments,
  importOutcomes,
  type OutcomeRowAnswer,
} from '../domain/imports.js'
import { recordReads } from '../domain/reads.js'
import { errorResponses } from './schemas.js'

/** An uploaded file: 10,000 rows of .xlsx are about 0.5 MB, of CSV about 1.5 MB (413 beyond). */
const MAX_FILE_BYTES = 10 * 1024 * 1024

const FILE_TYPES = [
  XLSX_TYPE,
  'text/csv',
  'application/csv',
  'text/plain',
  'text/tab-separated-values',
  'application/vnd.ms-excel',
  'application/octet-stream',
]

const ImportQuery = Type.Object(
  {
    dryRun: Type.Optional(Type.Boolean({ description: 'check and preview; nothing is written' })),
    repeat: Type.Optional(
      Type.Boolean({
        description:
          'import a file this organization imported before even though rows would be written again (409 ACCOUNTS_IMPORT_REPEATED without it)',
      }),
    ),
    report: Type.Optional(
      Type.Enum(['xlsx', 'csv'], {
        description: 'answer with the result (or the problems) as a spreadsheet to download',
      }),
    ),
  },
  { additionalProperties: false },
)

const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.Optional(Type.String()),
  code: Type.String(),
  instance: Type.Optional(Type.String()),
  errors: Type.Optional(
    Type.Array(
      Type.Object({
        path: Type.String(),
        message: Type.String(),
        row: Type.Optional(Type.Integer({ description: 'the row number as the sheet shows it' })),
        column: Type.Optional(Type.String({ description: 'the column header as in the file' })),
        letter: Type.Optional(Type.String({ description: 'the column letter (A, B, …)' })),
        code: Type.Optional(Type.String()),
      }),
    ),
  ),
})

const common = {
  dryRun: Type.Boolean(),
  format: Type.Enum(['xlsx', 'csv']),
  encoding: Type.Union([Type.String(), Type.Null()]),
  ignoredColumns: Type.Array(Type.String()),
  rowCount: Type.Integer(),
  created: Type.Integer(),
  existing: Type.Integer(),
  openedLearners: Type.Integer({ description: 'accounts opened for people not found' }),
  earlierImport: Type.Union(
    [
      Type.Object({
        importId: Type.String(),
        committedAt: Type.String({ format: 'date-time' }),
        rowCount: Type.Integer(),
        created: Type.Integer(),
      }),
      Type.Null(),
    ],
    {
      description:
        'the latest committed import of the same file (or the same rows) by this organization; null when there is none',
    },
  ),
}
const learnerCells = {
  row: Type.Integer(),
  name: Type.String(),
  accountNo: Type.String(),
  newLearner: Type.Boolean(),
  status: Type.Enum(['created', 'existing']),
}
const Nullable = <T extends Type.TSchema>(s: T) => Type.Union([s, Type.Null()])
const OutcomesImport = Type.Object({
  ...common,
  rows: Type.Array(
    Type.Object({
      ...learnerCells,
      kind: Type.String(),
      title: Type.String(),
      credits: Nullable(Type.String()),
      hours: Nullable(Type.String()),
      grade: Nullable(Type.String()),
      occurredOn: Type.String(),
      entryId: Nullable(Type.String()),
    }),
  ),
})
const EnrollmentsImport = Type.Object({
  ...common,
  rows: Type.Array(
    Type.Object({
      ...learnerCells,
      studentNo: Nullable(Type.String()),
      programCode: Type.String(),
      programName: Type.String(),
      startedOn: Type.String(),
    }),
  ),
})

const responses = (ok: Type.TSchema) => ({
  200: ok,
  201: ok,
  ...errorResponses,
  409: Problem,
  422: Problem,
})

/** A dry run's answer leaves its transaction this way, so that the transaction rolls back. */
class DryRun<T> extends Error {
  constructor(readonly answer: T) {
    super('dry run')
  }
}

const words = {
  created: ['新增', 'new'],
  existing: ['已存在', 'already there'],
  yes: ['是', 'yes'],
} as const
const say = (lang: Lang, w: readonly [string, string]) => (lang === 'en' ? w[1] : w[0])

/** The answer as a table: each row of the file with what was (or would be) written for it. */
function resultTable(kind: 'outcomes' | 'enrollments', a: ImportAnswer<any>, lang: Lang) {
  const en = lang === 'en'
  const status = (s: 'created' | 'existing') => say(lang, words[s])
  if (kind === 'outcomes') {
    const rows = a.rows as OutcomeRowAnswer[]
    return {
      sheet: en ? 'Result' : '导入结果',
      headers: en
        ? [
            'Row',
            'Result',
            'Name',
            'Account no.',
            'New account',
            'Kind',
            'Title',
            'Credits',
            'Hours',
            'Grade',
            'Date',
          ]
        : [
            '行号',
            '结果',
            '姓名',
            '学习账号',
            '新开户',
            '成果类型',
            '名称',
            '学分',
            '学时',
            '成绩',
            '日期',
          ],
      rows: rows.map((r) => [
        r.row,
        status(r.status),
        r.name,
        r.accountNo,
        r.newLearner ? say(lang, words.yes) : '',
        r.kind,
        r.title,
        r.credits,
        r.hours,
        r.grade,
        r.occurredOn,
      ]),
      widths: [8, 10, 12, 20, 8, 10, 30, 8, 8, 10, 12],
    }
  }
  const rows = a.rows as EnrollmentRowAnswer[]
  return {
    sheet: en ? 'Result' : '导入结果',
    headers: en
      ? [
          'Row',
          'Result',
          'Name',
          'Account no.',
          'New account',
          'Student no.',
          'Program code',
          'Program',
          'Start date',
        ]
      : ['行号', '结果', '姓名', '学习账号', '新开户', '学号', '专业代码', '专业名称', '入学日期'],
    rows: rows.map((r) => [
      r.row,
      status(r.status),
      r.name,
      r.accountNo,
      r.newLearner ? say(lang, words.yes) : '',
      r.studentNo,
      r.programCode,
      r.programName,
      r.startedOn,
    ]),
    widths: [8, 10, 12, 20, 8, 14, 12, 30, 12],
  }
}

function problemTable(problems: ImportProblem[], lang: Lang) {
  const en = lang === 'en'
  return {
    sheet: en ? 'Problems' : '错误明细',
    headers: en ? ['Row', 'Column', 'Problem'] : ['行号', '列', '问题'],
    rows: problems.map((p) => [
      p.row,
      p.letter ? `${p.column}（${p.letter}）` : p.column,
      p.message,
    ]),
    widths: [8, 20, 70],
  }
}

async function sendReport(
  reply: FastifyReply,
  format: 'xlsx' | 'csv',
  ascii: string,
  name: string,
  table: Parameters<typeof writeTable>[1],
) {
  const file = await writeTable(format, table)
  return reply
    .type(format === 'xlsx' ? XLSX_TYPE : CSV_TYPE)
    .header(
      'content-disposition',
      `attachment; filename="${ascii}.${format}"; filename*=UTF-8''${encodeURIComponent(name)}.${format}`,
    )
    .send(file)
}

/**
 * Spreadsheet imports for registrars (issue 15): the file as the request body (not multipart),
 * read by @creditbank/spreadsheet, every row checked and written in one transaction by the batch's
 * own logic; `?dryRun=true` previews; `?report=xlsx|csv` answers the same result as a file.
 * Templates to download. Its own content parsers: here text/csv is a file to read, not the batch
 * route's machine CSV.
 */
export async function importRoutes(app: FastifyInstance, svc: AccountsContext, piiKey: Buffer) {
  const db = svc.db
  await app.register(async (sub) => {
    sub.removeContentTypeParser(['text/csv', 'application/csv', 'text/plain'])
    sub.addContentTypeParser(
      FILE_TYPES,
      { parseAs: 'buffer', bodyLimit: MAX_FILE_BYTES },
      (_r, body, done) => done(null, body),
    )
    const r = sub.withTypeProvider<TypeBoxTypeProvider>()

    const route = <A extends ImportAnswer<any>>(
      kind: 'outcomes' | 'enrollments',
      spec: SheetSpec,
      run: (
        trx: Transaction<AccountsDB>,
        ctx: ImportContext,
        read: SheetRead,
        dryRun: boolean,
      ) => Promise<Answered<A>>,
      roles: { roles: string[]; scopes: string[] },
      schema: Type.TSchema,
    ) =>
      r.post(
        `/v1/${kind}/import`,
        {
          preHandler: requireRole(roles.roles as never, roles.scopes),
          bodyLimit: MAX_FILE_BYTES,
          schema: {
            tags: [kind === 'outcomes' ? 'ledger' : 'enrollments'],
            summary: `Import ${kind} from a spreadsheet (.xlsx, or CSV in UTF-8, GB18030 or UTF-16) of up to 10,000 rows; all or nothing`,
            description:
              'The body is the file itself (Content-Type: the .xlsx type, text/csv or application/octet-stream; a charset parameter is honoured). Chinese or English headers; learners by 身份证号 + 姓名 (their account opened when there is none), by 学号 at your organization, or by learnerId. Problems are answered by row and column in the language of Accept-Language.',
            querystring: ImportQuery,
            response: responses(schema),
          },
        },
        async (request: FastifyRequest, reply) => {
          const p = principalOf(request)
          const orgId = actingOrg(p)
          // The lead's rule (decision 0500): Chinese when asked for first, else English.
          const lang: Lang = requestLang(request) === 'zh' ? 'zh-CN' : 'en'
          const q = request.query as { dryRun?: boolean; repeat?: boolean; report?: 'xlsx' | 'csv' }
          const bytes = request.body
          if (!Buffer.isBuffer(bytes) || bytes.length === 0)
            throw fileError(new SheetError('SHEET_EMPTY'))
          const charset = /charset="?([^;"\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1]
          let read: SheetRead
          try {
            read = await readSheet(bytes, spec, charset ? { charset } : {})
          } catch (err) {
            if (err instanceof SheetError) throw fileError(err)
            throw err
          }
          const ctx: ImportContext = {
            orgId,
            actor: p.subject,
            piiKey,
            source: svc.events.source,
            publish: svc.events.write,
            lang,
          }
          const digest = digests(bytes, read)
          // The Idempotency-Key's request hash is of the file's digest, not of the bytes as JSON
          // (a Buffer serializes to an array of numbers: tens of MB of heap for a large file).
          ;(request as { body: unknown }).body = { sha256: digest.sha256 }
          // A file sent again writes again only its rows without 外部编号: refused unless asked
          // for (`repeat=true`); a file whose every row is already there is answered as before.
          // The learners the answer names from the ledger are recorded as read: with the import,
          // in its transaction; for a preview, after its rollback.
          let shown: string[] = []
          const withEarlier = async (trx: Transaction<AccountsDB>, dryRun: boolean) => {
            const earlier = await earlierImport(trx, orgId, kind, digest)
            const { answer, shown: named } = await run(trx, ctx, read, dryRun)
            const body = { ...answer, earlierImport: earlier }
            shown = named
            if (dryRun) return body
            if (earlier && body.created > 0 && !q.repeat)
              throw repeatedFile(earlier, body.created, lang)
            if (body.created > 0)
              await recordImport(trx, orgId, kind, digest, body.rowCount, body.created, p.subject)
            await recordReads(trx, request, named)
            return body
          }
          let answer: A
          try {
            if (q.dryRun) {
              try {
                await db.transaction().execute(async (trx) => {
                  throw new DryRun(await withEarlier(trx, true))
                })
                throw new Error('unreachable')
              } catch (err) {
                if (!(err instanceof DryRun)) throw err
                answer = err.answer as A
                await recordReads(db, request, shown)
                reply.code(200)
              }
            } else {
              answer = await conflictOnDuplicate(() =>
                idempotent(db, request, reply, p.subject, async (trx) => {
                  const body = await withEarlier(trx, false)
                  return { status: body.created > 0 ? 201 : 200, body }
                }),
              )
              svc.events.committed()
            }
          } catch (err) {
            if (q.report && err instanceof AppError && err.code === 'ACCOUNTS_IMPORT_INVALID') {
              reply.code(422)
              return sendReport(
                reply,
                q.report,
                'import-problems',
                lang === 'en' ? 'import-problems' : '导入错误明细',
                problemTable(err.errors as unknown as ImportProblem[], lang),
              )
            }
            throw err
          }
          if (q.report)
            return sendReport(
              reply,
              q.report,
              `import-${q.dryRun ? 'preview' : 'result'}`,
              lang === 'en'
                ? `import-${q.dryRun ? 'preview' : 'result'}`
                : q.dryRun
                  ? '导入预览'
                  : '导入结果',
              resultTable(kind, answer, lang),
            )
          return answer
        },
      )

    route(
      'outcomes',
      outcomesSheet,
      (trx, ctx, read, dryRun) => importOutcomes(trx, ctx, read, outcomesSheet, dryRun),
      { roles: ['registrar'], scopes: ['outcomes:write'] },
      OutcomesImport,
    )
    route(
      'enrollments',
      enrollmentsSheet,
      (trx, ctx, read, dryRun) => importEnrollments(trx, ctx, read, enrollmentsSheet, dryRun),
      { roles: ['registrar'], scopes: ['enrollments:write'] },
      EnrollmentsImport,
    )
  })

  const templates = { outcomes: outcomesSheet, enrollments: enrollmentsSheet } as const
  const cache = new Map<string, Promise<Buffer>>()
  app.get(
    '/v1/imports/templates/:kind',
    {
      preHandler: requireRole(['registrar', 'admin'], ['outcomes:write', 'enrollments:write']),
      schema: {
        tags: ['ledger'],
        summary: 'The Chinese template (.xlsx) of an import: outcomes or enrollments',
        params: Type.Object({ kind: Type.Enum(['outcomes', 'enrollments']) }),
      },
    },
    async (request, reply) => {
      const kind = (request.params as { kind: keyof typeof templates }).kind
      const spec = templates[kind]
      if (!cache.has(kind)) cache.set(kind, templateXlsx(spec))
      const name = `${spec.title}导入模板.xlsx`
      return reply
        .type(XLSX_TYPE)
        .header(
          'content-disposition',
          `attachment; filename="${kind}-template.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
        )
        .send(await cache.get(kind))
    },
  )
}

/** The file as a whole refused (unreadable, no header, too many rows): its code and its words. */
function fileError(err: SheetError) {
  return new AppError(
    'invalid',
    err.code,
    err.say('en'),
    undefined,
    err.say('en'),
    err.say('zh-CN'),
  )
}
