/**
 * What went wrong, in domain words. Domain code throws these without knowing HTTP; one error
 * handler turns the kind into a status and the whole into RFC 9457 problem+json.
 */
export type ErrorKind =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid'
  | 'too_large'
  | 'unsupported_media'
  | 'rate_limited'
  | 'unavailable'

export interface FieldError {
  /** JSON pointer to the field, e.g. `/items/3/credits`. */
  path: string
  message: string
}

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    /** Stable, e.g. `ACCOUNTS_ENTRY_NOT_FOUND`. */
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
    /** The general title of the code; `message` is the detail of this occurrence. */
    readonly title: string = message,
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const errorStatus: Record<ErrorKind, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid: 422,
  too_large: 413,
  unsupported_media: 415,
  rate_limited: 429,
  unavailable: 503,
}

/** Defines a module's errors once: `const errors = defineErrors({ X: ['not_found', 'No such x'] })`. */
export function defineErrors<const T extends Record<string, readonly [ErrorKind, string]>>(
  defs: T,
) {
  const out = {} as { [K in keyof T]: (detail?: string, fieldErrors?: FieldError[]) => AppError }
  for (const [code, [kind, title]] of Object.entries(defs)) {
    ;(out as Record<string, unknown>)[code] = (detail?: string, fieldErrors?: FieldError[]) =>
      new AppError(kind, code, detail ?? title, fieldErrors, title)
  }
  return out
}
