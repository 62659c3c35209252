import { DataIntegrityProof } from '@digitalbazaar/data-integrity'
import { createSignCryptosuite, createVerifyCryptosuite } from '@digitalbazaar/eddsa-jcs-2022-cryptosuite'
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
export async function signCredential(issuer: Issuer, credential: Record<string, unknown>, suite: Cryptosuite = 'eddsa-rdfc-2022') {
  const proof = new DataIntegrityProof({ signer: issuer.signer, cryptosuite: suite === 'eddsa-jcs-2022' ? jcsSign : rdfc })
  return vc.issue({ credential, suite: proof, documentLoader })
}

/** Verifier suites for both cryptosuites; the proof's `cryptosuite` picks one. */
export function verifySuites() {
  return [new DataIntegrityProof({ cryptosuite: rdfcVerify }), new DataIntegrityProof({ cryptosuite: jcsVerify })]
}
