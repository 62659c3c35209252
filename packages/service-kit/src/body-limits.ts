import { defineErrors } from '@creditbank/contracts'
import type { FastifyInstance } from 'fastify'

/**
 * How deep a request's JSON may nest. Our deepest documents (a CLR holding credentials with
 * their achievements, alignments and proofs) stay under 20 levels; every walk over a body
 * (the storable-text check, validation, JSON-LD, canonicalisation) is recursive somewhere, and a
 * 10,000-deep array overflowed the stack in one of them.
 */
export const MAX_JSON_DEPTH = 64
/** How many values (strings, numbers, arrays, objects…) one walk over a request part visits. */
export const MAX_WALK_VALUES = 250_000

export const bodyErrors = defineErrors({
  BODY_TOO_DEEP: [
    'bad_request',
    `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`,
    '提交的数据层级过深',
  ],
  BODY_TOO_COMPLEX: [
    'bad_request',
    `The request holds more than ${MAX_WALK_VALUES} values`,
    '提交的数据项过多',
  ],
})

/**
 * Whether JSON text nests deeper than `max` arrays and objects, read in one pass without
 * parsing (strings and their escapes skipped), so a hostile body is refused before anything
 * recursive sees it.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // a backslash: the next character is escaped
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return false
}

/**
 * Fastify's own JSON parser (secure-json-parse, refusing `__proto__` and `constructor`
 * poisoning as before), behind the depth check.
 */
export function installJsonDepthLimit(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (nestsDeeperThan(body as string, MAX_JSON_DEPTH))
      return done(bodyErrors.BODY_TOO_DEEP(), undefined)
    parseJson(request, body as string, done)
  })
}
