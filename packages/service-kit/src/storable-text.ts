import { AppError, type FieldError } from '@creditbank/contracts'
import type { FastifyInstance } from 'fastify'

/** Half of a UTF-16 surrogate pair. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/**
 * Where a parsed request part holds unstorable text. Postgres refuses a NUL in text, and a lone
 * surrogate reaches it as U+FFFD, so what was stored would no longer be what was hashed or signed.
 */
export function unstorableText(value: unknown, path = '', out: FieldError[] = []): FieldError[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000') || LONE_SURROGATE.test(value))
      out.push({
        path: path || '/',
        message: 'contains a NUL character or an unpaired surrogate, which cannot be stored',
      })
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) unstorableText(value[i], `${path}/${i}`, out)
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) unstorableText(value[key], `${path}/${key}`, out)
  }
  return out
}

/** Parsed JSON, CSV rows, query strings; not a Buffer or stream (an uploaded file is bytes, not text). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  // Query strings are parsed into objects whose prototype has no prototype.
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null
}

/** Answers 400, naming each field, before validation sees such text in a body, query or path. */
export function refuseUnstorableText(app: FastifyInstance) {
  app.addHook('preValidation', async (request) => {
    const errors = [
      ...unstorableText(request.body),
      ...unstorableText(request.query).map((e) => ({ ...e, path: `querystring:${e.path}` })),
      ...unstorableText(request.params).map((e) => ({ ...e, path: `params:${e.path}` })),
    ]
    if (errors.length)
      throw new AppError(
        'bad_request',
        'VALIDATION_FAILED',
        errors.map((e) => `${e.path} ${e.message}`).join('; '),
        errors,
        'The request is not valid',
      )
  })
}
