import { DataIntegrityProof } from '@digitalbazaar/data-integrity'
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020'
import {
  createSignCryptosuite,
  createVerifyCryptosuite,
} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite'
import { cryptosuite as rdfc } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import * as vc from '@digitalbazaar/vc'
import './jsonld-reuse.js'
import { withCachedVerifiers } from './ed25519.js'
import type { Issuer } from './issuers.js'
import { documentLoader } from './loader.js'

export const cryptosuites = ['eddsa-rdfc-2022', 'eddsa-jcs-2022'] as const
export type Cryptosuite = (typeof cryptosuites)[number]

const jcsSign = createSignCryptosuite()
// Verifiers (with their public KeyObjects) are kept per verification method.
const rdfcVerify = withCachedVerifiers(rdfc)
const jcsVerify = withCachedVerifiers(createVerifyCryptosuite())

/** Signs a credential with a Data Integrity proof; eddsa-rdfc-2022 unless asked otherwise. */
export async function signCredential(
  issuer: Issuer,
  credential: Record<string, unknown>,
  suite: Cryptosuite = 'eddsa-rdfc-2022',
) {
  const proof = new DataIntegrityProof({
    signer: issuer.signer,
    cryptosuite: suite === 'eddsa-jcs-2022' ? jcsSign : rdfc,
  })
  return vc.issue({ credential, suite: proof, documentLoader })
}

const proofTypes = (document: unknown): unknown[] => {
  const proof =
    typeof document === 'object' && document !== null
      ? (document as { proof?: unknown }).proof
      : undefined
  return (Array.isArray(proof) ? proof : [proof]).map((p) =>
    typeof p === 'object' && p !== null ? (p as { type?: unknown }).type : undefined,
  )
}

/**
 * Verifier suites for the document's proofs: Data Integrity with both cryptosuites (the proof's
 * `cryptosuite` picks one), and, only when a proof is an `Ed25519Signature2020` (VC 1.1 credentials
 * others signed; we never issue one), that suite too, so the eddsa path is unchanged.
 */
export function verifySuites(document?: unknown) {
  const suites: unknown[] = [
    new DataIntegrityProof({ cryptosuite: rdfcVerify }),
    new DataIntegrityProof({ cryptosuite: jcsVerify }),
  ]
  if (proofTypes(document).includes('Ed25519Signature2020')) suites.push(new Ed25519Signature2020())
  return suites
}
