/**
 * Declarations for the Ed25519Signature2020 suite (verifying VC 1.1 credentials others signed) and
 * the ODRL context, both ESM/CJS without TypeScript types; only what this service and its tests call.
 */
declare module '@digitalbazaar/ed25519-signature-2020' {
  export class Ed25519Signature2020 {
    constructor(o?: { key?: unknown; signer?: unknown; verifier?: unknown; date?: Date | string })
    static CONTEXT_URL: string
  }
  export const suiteContext: { CONTEXT_URL: string; contexts: Map<string, unknown> }
}

declare module '@digitalbazaar/odrl-context' {
  export const contexts: Map<string, unknown>
}

declare module '@digitalbazaar/ed25519-verification-key-2020' {
  export class Ed25519VerificationKey2020 {
    id?: string
    controller?: string
    fingerprint(): string
    static generate(o?: {
      id?: string
      controller?: string
      seed?: Uint8Array
    }): Promise<Ed25519VerificationKey2020>
  }
}

// Merges with the declaration in vc-libs.d.ts: the tests sign a presentation with Ed25519Signature2020.
declare module '@digitalbazaar/vc' {
  export function signPresentation(o: {
    presentation: Record<string, unknown>
    suite: unknown
    challenge: string
    domain?: string
    documentLoader: DocumentLoader
  }): Promise<Record<string, any>>
}
