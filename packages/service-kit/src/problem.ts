import { AppError, errorStatus, type FieldError } from '@creditbank/contracts'
import { databaseUnavailable } from '@creditbank/db'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

const PROBLEM_BASE = 'https://creditbank.example/problems/'
/** What a 503 asks the client to wait: a Postgres restart takes a few seconds. */
const RETRY_AFTER_S = 2

export function sendProblem(
  reply: FastifyReply,
  status: number,
  code: string,
  title: string,
  detail?: string,
  errors?: FieldError[],
) {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({
      type: `${PROBLEM_BASE}${code.toLowerCase().replaceAll('_', '-')}`,
      title,
      status,
      ...(detail ? { detail } : {}),
      code,
      instance: reply.request.url,
      ...(errors?.length ? { errors } : {}),
    })
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

const knownClientErrors: Record<string, [number, string, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'BODY_TOO_LARGE', 'The request body is too large'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'BODY_EMPTY', 'The JSON body is empty'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'BODY_MALFORMED', 'The body is not valid JSON'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'BAD_CONTENT_LENGTH', 'Bad content length'],
}

/**
 * The one place errors become answers: RFC 9457 problem+json with a stable code. Validation
 * errors name each field; 5xx answers carry no internals (the log has them).
 */
export function installErrorHandler(app: FastifyInstance) {
  app.setErrorHandler(
    (err: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) => {
      if (err instanceof AppError) {
        const detail = err.message !== err.title ? err.message : undefined
        return sendProblem(reply, errorStatus[err.kind], err.code, err.title, detail, err.errors)
      }
      const fe = err as FastifyError & { validationContext?: string }
      if (fe.validation) {
        const errors = fe.validation.map((v) => ({
          path: fieldPath(v as never, fe.validationContext),
          message: v.message ?? 'is invalid',
        }))
        return sendProblem(
          reply,
          400,
          'VALIDATION_FAILED',
          'The request is not valid',
          errors.map((e) => `${e.path} ${e.message}`).join('; '),
          errors,
        )
      }
      const known = fe.code ? knownClientErrors[fe.code] : undefined
      if (known) return sendProblem(reply, known[0], known[1], known[2])
      if (fe.statusCode === 429)
        return sendProblem(reply, 429, 'RATE_LIMITED', 'Too many requests', fe.message)
      if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
        return sendProblem(
          reply,
          fe.statusCode,
          'BAD_REQUEST',
          'The request is not valid',
          fe.message,
        )
      }
      if (databaseUnavailable(err)) {
        // A restart or an outage, not a bug: the client may send the same request again.
        request.log.warn({ err: (err as Error).message }, 'database unavailable')
        reply.header('retry-after', String(RETRY_AFTER_S))
        return sendProblem(
          reply,
          503,
          'DATABASE_UNAVAILABLE',
          'The service cannot reach its database; try again shortly',
        )
      }
      request.log.error({ err }, 'request failed')
      return sendProblem(
        reply,
        500,
        'INTERNAL',
        'Internal error',
        'Something went wrong on our side; it has been logged.',
      )
    },
  )
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      404,
      'NOT_FOUND',
      'Not found',
      `${request.method} ${request.url.split('?')[0]} does not exist`,
    ),
  )
}
