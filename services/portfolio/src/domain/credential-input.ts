import type { FieldError } from '@creditbank/contracts'
import { VC_V2 } from '../credentials/loader.js'

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
/** A property's values: its array, or its one value, or none. */
export const asArray = (v: unknown): unknown[] =>
  Array.isArray(v) ? v : v === undefined ? [] : [v]
/** A URL as VC 2.0 uses it for ids: a scheme, a colon, and no white space. */
const isUrl = (v: unknown): v is string =>
  typeof v === 'string' && /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(v)
/** An XML Schema dateTime with a time zone, as VC validity dates are written. */
export const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/
const isTypeName = (t: unknown) => typeof t === 'string' && t.length > 0
/** A `type` value: a non-empty string, or a non-empty array of them. */
const isTypeValue = (t: unknown) =>
  Array.isArray(t) ? t.length > 0 && t.every(isTypeName) : isTypeName(t)

/** Properties each of whose values VC Data Model 2.0 requires to name its type (a credentialSchema also its URL id). */
const TYPED = ['credentialSchema', 'termsOfUse', 'evidence', 'refreshService'] as const

/**
 * What the VC API issuer refuses in a credential before it allocates or signs anything: the
 * structure VC Data Model 2.0 requires of a credential (its `@context`, `type`, `id`, `issuer`,
 * `credentialSubject`, validity period, and the type of each schema, terms of use, evidence and
 * refresh service), and what the service itself assigns (`proof`,
 * `credentialStatus`). Every problem is named with its path under `/credential`. Which contexts
 * are known and whose DID the issuer is are checked after, each with its own code.
 */
export function credentialInputErrors(c: Record<string, unknown>, signerDid: string): FieldError[] {
  const out: FieldError[] = []
  const at = (path: string, message: string) => out.push({ path: `/credential${path}`, message })

  const context = c['@context']
  const contexts = asArray(context)
  if (context === undefined) at('/@context', 'is required')
  else if (contexts[0] !== VC_V2)
    at(Array.isArray(context) ? '/@context/0' : '/@context', `must be ${VC_V2}`)
  contexts.forEach((ctx, i) => {
    if (i > 0 && !isObject(ctx) && typeof ctx !== 'string')
      at(`/@context/${i}`, 'must be a URL or an object')
  })

  if (c.type === undefined) at('/type', 'is required')
  else if (!isTypeValue(c.type)) at('/type', 'must be a string or an array of strings')
  else if (!asArray(c.type).includes('VerifiableCredential'))
    at('/type', 'must include VerifiableCredential')

  if ('id' in c && !isUrl(c.id)) at('/id', 'must be a single URL')

  const issuer = isObject(c.issuer) ? c.issuer.id : c.issuer
  if (c.issuer === undefined) at('/issuer', `is required: this caller signs as ${signerDid}`)
  else if (!isUrl(issuer)) at('/issuer', 'must be a URL or an object whose id is a URL')

  const subject = c.credentialSubject
  const subjects = asArray(subject)
  if (subject === undefined) at('/credentialSubject', 'is required')
  else if (subjects.length === 0 || !subjects.every(isObject))
    at('/credentialSubject', 'must be an object or a non-empty array of objects')
  else if (subjects.some((s) => Object.keys(s).length === 0))
    at('/credentialSubject', 'must make at least one claim')

  for (const k of ['validFrom', 'validUntil'] as const) {
    if (c[k] !== undefined && (typeof c[k] !== 'string' || !DATE_TIME.test(c[k])))
      at(`/${k}`, 'must be an XML Schema dateTime with a time zone')
  }
  if (
    typeof c.validFrom === 'string' &&
    typeof c.validUntil === 'string' &&
    Date.parse(c.validUntil) < Date.parse(c.validFrom)
  )
    at('/validUntil', 'is before validFrom')

  for (const k of TYPED) {
    const many = Array.isArray(c[k])
    asArray(c[k]).forEach((v, i) => {
      const path = many ? `/${k}/${i}` : `/${k}`
      if (!isObject(v)) {
        at(path, 'must be an object')
        return
      }
      if (!isTypeValue(v.type)) at(`${path}/type`, 'is required: a string or an array of strings')
      if (k === 'credentialSchema' && !isUrl(v.id)) at(`${path}/id`, 'is required: a URL')
    })
  }

  if ('proof' in c) at('/proof', 'must not be present: the service signs')
  if ('credentialStatus' in c) at('/credentialStatus', 'is assigned by the service')
  return out
}
