import {
  AppError,
  errorStatus,
  type FieldError,
  fieldMessage,
  type Lang,
  langOf,
} from '@creditbank/contracts'
import { databaseUnavailable } from '@creditbank/db'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

const PROBLEM_BASE = 'https://creditbank.example/problems/'
/** What a 503 asks the client to wait: a Postgres restart takes a few seconds. */
const RETRY_AFTER_S = 2

/** A title in English and in Simplified Chinese. */
export type Title = readonly [en: string, zh: string]

/** The language the request asked for (`Accept-Language`), English by default. */
export function requestLang(request: FastifyRequest): Lang {
  return langOf(request.headers['accept-language'])
}

/**
 * Answers RFC 9457 problem+json. The title is in the language the request asked for, and so is
 * each field error's message when it has a code; `code` stays the same in every language.
 */
export function sendProblem(
  reply: FastifyReply,
  status: number,
  code: string,
  title: string | Title,
  detail?: string,
  errors?: FieldError[],
) {
  const lang = requestLang(reply.request)
  const text = typeof title === 'string' ? title : title[lang === 'zh' ? 1 : 0]
  if (lang === 'zh' && typeof title !== 'string') reply.header('content-language', 'zh-CN')
  return reply
    .code(status)
    .type('application/problem+json')
    .send({
      type: `${PROBLEM_BASE}${code.toLowerCase().replaceAll('_', '-')}`,
      title: text,
      status,
      ...(detail ? { detail } : {}),
      code,
      instance: reply.request.url,
      ...(errors?.length
        ? {
            errors: errors.map((e) =>
              e.code && lang === 'zh' ? { ...e, message: fieldMessage(e, lang) } : e,
            ),
          }
        : {}),
    })
}

/** A JSON-schema (Ajv) complaint as a field error code, with the bound it names. */
function fieldCode(v: { keyword?: string; params?: Record<string, unknown> }): {
  code: string
  limit?: number
} {
  const limit = typeof v.params?.limit === 'number' ? v.params.limit : undefined
  switch (v.keyword) {
    case 'required':
      return { code: 'FIELD_REQUIRED' }
    case 'type':
      return { code: 'FIELD_TYPE' }
    case 'pattern':
    case 'format':
      return { code: 'FIELD_FORMAT' }
    case 'maxLength':
      return { code: 'FIELD_TOO_LONG', limit }
    case 'minLength':
      return limit === 1 ? { code: 'FIELD_REQUIRED' } : { code: 'FIELD_TOO_SHORT', limit }
    case 'minimum':
    case 'exclusiveMinimum':
      return { code: 'FIELD_TOO_SMALL', limit }
    case 'maximum':
    case 'exclusiveMaximum':
      return { code: 'FIELD_TOO_BIG', limit }
    case 'maxItems':
      return { code: 'FIELD_TOO_MANY', limit }
    case 'minItems':
      return { code: 'FIELD_TOO_FEW', limit }
    case 'enum':
    case 'const':
    case 'anyOf':
    case 'oneOf':
      return { code: 'FIELD_CHOICE' }
    case 'additionalProperties':
      return { code: 'FIELD_UNKNOWN' }
    default:
      return { code: 'FIELD_INVALID' }
  }
}

function fieldPath(e: { instancePath?: string; params?: Record<string, unknown> }, part?: string) {
  const missing = e.params?.requiredProperties ?? e.params?.missingProperty
  let path = e.instancePath ?? ''
  if (Array.isArray(missing) && missing.length) path += `/${missing[0]}`
  else if (typeof missing === 'string') path += `/${missing}`
  const extra = e.params?.additionalProperties
  if (Array.isArray(extra) && extra.length) path += `/${extra[0]}`
  return `${part && part !== 'body' ? `${part}:` : ''}${path || '/'}`
}

const knownClientErrors: Record<string, [number, string, Title]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    ['Unsupported media type', '不支持这种文件或数据类型'],
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: [
    413,
    'BODY_TOO_LARGE',
    ['The request body is too large', '提交的内容过大'],
  ],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'BODY_EMPTY', ['The JSON body is empty', '提交的内容是空的']],
  FST_ERR_CTP_INVALID_JSON_BODY: [
    400,
    'BODY_MALFORMED',
    ['The body is not valid JSON', '提交的内容格式不正确'],
  ],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    400,
    'BAD_CONTENT_LENGTH',
    ['Bad content length', '请求长度不正确'],
  ],
}

const VALIDATION_FAILED: Title = ['The request is not valid', '填写的内容有误']

/**
 * The one place errors become answers: RFC 9457 problem+json with a stable code. Validation
 * errors name each field; 5xx answers carry no internals (the log has them).
 */
export function installErrorHandler(app: FastifyInstance) {
  app.setErrorHandler(
    (err: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) => {
      if (err instanceof AppError) {
        const detail = err.message !== err.title ? err.message : undefined
        const title: string | Title = err.titleZh ? [err.title, err.titleZh] : err.title
        // A route that said how long to wait (the export's 30 s, 0721) keeps its own figure.
        if (err.kind === 'unavailable' && !reply.hasHeader('retry-after'))
          reply.header('retry-after', String(RETRY_AFTER_S))
        return sendProblem(reply, errorStatus[err.kind], err.code, title, detail, err.errors)
      }
      const fe = err as FastifyError & { validationContext?: string }
      if (fe.validation) {
        const errors: FieldError[] = fe.validation.map((v) => {
          const e: FieldError = {
            path: fieldPath(v as never, fe.validationContext),
            message: '',
            ...fieldCode(v as never),
          }
          return { ...e, message: fieldMessage(e, 'en') }
        })
        return sendProblem(
          reply,
          400,
          'VALIDATION_FAILED',
          VALIDATION_FAILED,
          errors.map((e) => `${e.path} ${e.message}`).join('; '),
          errors,
        )
      }
      const known = fe.code ? knownClientErrors[fe.code] : undefined
      if (known) return sendProblem(reply, known[0], known[1], known[2])
      if (fe.statusCode === 429)
        return sendProblem(
          reply,
          429,
          'RATE_LIMITED',
          ['Too many requests', '操作过于频繁，请稍后再试'],
          fe.message,
        )
      if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
        return sendProblem(reply, fe.statusCode, 'BAD_REQUEST', VALIDATION_FAILED, fe.message)
      }
      if (databaseUnavailable(err)) {
        // A restart or an outage, not a bug: the client may send the same request again.
        request.log.warn({ err: (err as Error).message }, 'database unavailable')
        reply.header('retry-after', String(RETRY_AFTER_S))
        return sendProblem(reply, 503, 'DATABASE_UNAVAILABLE', [
          'The service cannot reach its database; try again shortly',
          '服务暂时无法连接数据库，请稍后再试',
        ])
      }
      request.log.error({ err }, 'request failed')
      return sendProblem(
        reply,
        500,
        'INTERNAL',
        ['Internal error', '系统内部错误'],
        'Something went wrong on our side; it has been logged.',
      )
    },
  )
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      404,
      'NOT_FOUND',
      ['Not found', '找不到这个地址'],
      `${request.method} ${request.url.split('?')[0]} does not exist`,
    ),
  )
}
