import { DataIntegrityProof } from '@digitalbazaar/data-integrity'
import { createSignCryptosuite, createVerifyCryptosuite } from '@digitalbazaar/eddsa-jcs-2022-cryptosuite'
import { cryptosuite as rdfc } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import * as vc from '@digitalbazaar/vc'
import type { Issuer } from './issuers.js'
import { documentLoader } from './loader.js'

export const cryptosuites = ['eddsa-rdfc-2022', 'eddsa-jcs-2022'] as const
export type Cryptosuite = (typeof cryptosuites)[number]

const jcsSign = createSignCryptosuite()
const jcsVerify = createVerifyCryptosuite()

/** Signs a credential with a Data Integrity proof; eddsa-rdfc-2022 unless asked otherwise. */
export async function signCredential(issuer: Issuer, credential: Record<string, unknown>, suite: Cryptosuite = 'eddsa-rdfc-2022') {
  const proof = new DataIntegrityProof({ signer: issuer.keyPair.signer(), cryptosuite: suite === 'eddsa-jcs-2022' ? jcsSign : rdfc })
  return vc.issue({ credential, suite: proof, documentLoader })
}

/** Verifier suites for both cryptosuites; the proof's `cryptosuite` picks one. */
export function verifySuites() {
  return [new DataIntegrityProof({ cryptosuite: rdfc }), new DataIntegrityProof({ cryptosuite: jcsVerify })]
}
