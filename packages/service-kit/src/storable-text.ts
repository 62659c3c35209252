import { AppError, type FieldError } from '@creditbank/contracts'
import type { FastifyInstance } from 'fastify'
import { bodyErrors, MAX_JSON_DEPTH, MAX_WALK_VALUES } from './body-limits.js'

/** Half of a UTF-16 surrogate pair. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/**
 * Where a parsed request part holds unstorable text. Postgres refuses a NUL in text, and a lone
 * surrogate reaches it as U+FFFD, so what was stored would no longer be what was hashed or signed.
 * The walk keeps its own stack (no recursion) and is bounded in depth and in values visited: it
 * throws BODY_TOO_DEEP or BODY_TOO_COMPLEX past them.
 */
export function unstorableText(value: unknown): FieldError[] {
  const out: FieldError[] = []
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }]
  let visited = 0
  while (stack.length) {
    const at = stack.pop()!
    if (++visited > MAX_WALK_VALUES) throw bodyErrors.BODY_TOO_COMPLEX()
    const v = at.value
    if (typeof v === 'string') {
      if (v.includes('\u0000') || LONE_SURROGATE.test(v))
        out.push({
          path: at.path || '/',
          message: 'contains a NUL character or an unpaired surrogate, which cannot be stored',
          code: 'FIELD_UNSTORABLE',
        })
      continue
    }
    const children = Array.isArray(v)
      ? v.map((item, i) => [String(i), item] as const)
      : isPlainObject(v)
        ? Object.keys(v).map((key) => [key, v[key]] as const)
        : []
    if (children.length && at.depth >= MAX_JSON_DEPTH) throw bodyErrors.BODY_TOO_DEEP()
    // Pushed in reverse so fields are reported in document order.
    for (let i = children.length - 1; i >= 0; i--) {
      const [key, child] = children[i]!
      stack.push({ value: child, path: `${at.path}/${key}`, depth: at.depth + 1 })
    }
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
        '填写的内容有误',
      )
  })
}
