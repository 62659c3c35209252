import { createHash } from 'node:crypto'
import { DataIntegrityProof } from '@digitalbazaar/data-integrity'
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey'
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020'
import { Ed25519VerificationKey2020 } from '@digitalbazaar/ed25519-verification-key-2020'
import { cryptosuite as rdfc } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import * as vcLib from '@digitalbazaar/vc'
import t from 'tap'
import { PLATFORM_ISSUER } from '../src/credentials/issuers.js'
import { documentLoader, isKnownContext, UnknownDocumentError } from '../src/credentials/loader.js'
import { verifySuites } from '../src/credentials/sign.js'
import { buildPortfolio, ids } from './helper.js'
import { pristine } from './pristine.js'

/**
 * VC 1.1 credentials signed by others with Ed25519Signature2020 (the VC API verifier test suite's
 * kind of vector, early Open Badges 3.0 issuers) are verified offline; we never issue them.
 * Every credential here is made in the test with a freshly generated key.
 */
const pf = await buildPortfolio()
t.teardown(() => pf.close())
const { app } = pf

const VC_V1 = 'https://www.w3.org/2018/credentials/v1'
const EXAMPLES_V1 = 'https://www.w3.org/2018/credentials/examples/v1'
const ED25519_2020 = 'https://w3id.org/security/suites/ed25519-2020/v1'

// A fresh Ed25519VerificationKey2020 key pair as a did:key.
const key = await Ed25519VerificationKey2020.generate()
const did = `did:key:${key.fingerprint()}`
key.controller = did
key.id = `${did}#${key.fingerprint()}`

const sign = (credential: Record<string, unknown>) =>
  vcLib.issue({
    credential: structuredClone(credential),
    suite: new Ed25519Signature2020({ key }),
    documentLoader,
  })
const vc11 = (over: Record<string, unknown> = {}) => ({
  '@context': [VC_V1, EXAMPLES_V1, ED25519_2020],
  id: `urn:uuid:${ids()}`,
  type: ['VerifiableCredential', 'AlumniCredential'],
  issuer: did,
  issuanceDate: '2024-01-01T00:00:00Z',
  credentialSubject: { id: 'did:example:abcdefgh', alumniOf: 'The School of Examples' },
  ...over,
})
const verify = (verifiableCredential: unknown) =>
  app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } })
const checksFailed = (res: { json(): { problemDetails: { check: string }[] } }) =>
  res.json().problemDetails.map((p) => p.check)

const signed = await sign(vc11())

t.test('a VC 1.1 credential signed with Ed25519Signature2020 by a did:key verifies', async (t) => {
  t.equal(signed.proof.type, 'Ed25519Signature2020')
  t.equal(signed.proof.verificationMethod, key.id)
  const res = await verify(signed)
  t.equal(res.statusCode, 200, `answers 200${res.statusCode === 200 ? '' : `: ${res.body}`}`)
  t.match(res.json(), { verified: true, errors: [], problemDetails: [] })
  t.ok(res.json().checks.includes('signature'), 'the signature was checked')
  t.ok(res.json().checks.includes('expiry'), 'so was the validity window')

  // An issuer given as an object, and a credential valid until a date to come.
  const withObject = await sign(
    vc11({
      issuer: { id: did, name: 'Example University' },
      expirationDate: '2999-01-01T00:00:00Z',
    }),
  )
  t.equal((await verify(withObject)).statusCode, 200)
})

t.test('a tampered VC 1.1 credential fails the signature check only', async (t) => {
  const tampered = await verify({
    ...signed,
    credentialSubject: { ...signed.credentialSubject, alumniOf: 'Another School' },
  })
  t.equal(tampered.statusCode, 400)
  t.equal(tampered.json().verified, false)
  t.same(checksFailed(tampered), ['signature'])

  const otherDate = await verify({ ...signed, issuanceDate: '2024-01-02T00:00:00Z' })
  t.same(checksFailed(otherDate), ['signature'], 'the dates are signed too')

  const badProof = await verify({
    ...signed,
    proof: { ...signed.proof, proofValue: `z${'1'.repeat(86)}` },
  })
  t.same(checksFailed(badProof), ['signature'])

  // Another key claiming the same issuer: the proof does not verify against the issuer's did:key.
  const other = await Ed25519VerificationKey2020.generate()
  const otherDid = `did:key:${other.fingerprint()}`
  other.controller = otherDid
  other.id = `${otherDid}#${other.fingerprint()}`
  const forged = await vcLib.issue({
    credential: vc11(),
    suite: new Ed25519Signature2020({ key: other }),
    documentLoader,
  })
  const res = await verify(forged)
  t.equal(res.statusCode, 400)
  t.same(checksFailed(res), ['signature'], 'the issuer must control the key')
})

t.test('expirationDate and issuanceDate are the expiry check, on its own', async (t) => {
  const expired = await sign(
    vc11({ issuanceDate: '2020-01-01T00:00:00Z', expirationDate: '2021-01-01T00:00:00Z' }),
  )
  const res = await verify(expired)
  t.equal(res.statusCode, 400)
  t.same(checksFailed(res), ['expiry'], 'the signature is fine, only expiry fails')
  t.match(res.json().errors, [/expired at 2021-01-01T00:00:00Z/])

  const future = await sign(vc11({ issuanceDate: '2999-01-01T00:00:00Z' }))
  const notYet = await verify(future)
  t.equal(notYet.statusCode, 400)
  t.same(checksFailed(notYet), ['expiry'], 'not yet valid')
  t.match(notYet.json().errors, [/not valid before 2999-01-01T00:00:00Z/])

  const { issuanceDate: _, ...undated } = signed
  const noDate = await verify(undated)
  t.equal(noDate.statusCode, 400)
  t.ok(noDate.json().errors.includes('schema: issuanceDate is required (VC 1.1)'))
})

t.test('an unknown context is refused without any fetch', async (t) => {
  const unknown = await verify({
    ...signed,
    '@context': [...signed['@context'], 'https://evil.example/context.json'],
  })
  t.equal(unknown.statusCode, 400)
  t.ok(checksFailed(unknown).includes('schema'))
  t.ok(
    unknown
      .json()
      .errors.includes(
        'schema: unknown @context https://evil.example/context.json (contexts are never fetched)',
      ),
  )
  t.ok(
    unknown
      .json()
      .errors.includes('signature: not checked: the credential uses an unknown context'),
  )
  await t.rejects(documentLoader('https://evil.example/context.json'), UnknownDocumentError)
  // The VC 1.1 contexts it needs are bundled.
  for (const url of [VC_V1, EXAMPLES_V1, ED25519_2020, 'https://www.w3.org/ns/odrl.jsonld'])
    t.ok((await documentLoader(url)).document['@context'], `${url} is bundled`)
  // The examples context is a file of ours (src/credentials/contexts): never edited by hand.
  const examples = JSON.stringify((await documentLoader(EXAMPLES_V1)).document)
  t.equal(
    createHash('sha256').update(examples).digest('hex'),
    'f2dd46310f701ed9ad0075618c34c2fe6f081a3686ecfd32a71ee6cbe39b3039',
    'the examples v1 context is the published one',
  )
})

t.test('in an unsigned presentation it is verified, with a warning', async (t) => {
  const presentation = vcLib.createPresentation({ verifiableCredential: [signed], version: 1 })
  const res = await app.inject({
    method: 'POST',
    url: '/presentations/verify',
    payload: { verifiablePresentation: presentation },
  })
  t.equal(res.statusCode, 200, `answers 200${res.statusCode === 200 ? '' : `: ${res.body}`}`)
  t.match(res.json(), { verified: true, errors: [] })
  t.ok(res.json().checks.includes('signature'))
  t.ok(res.json().warnings.some((w: string) => /not signed/.test(w)))

  const bad = vcLib.createPresentation({
    verifiableCredential: [{ ...signed, issuanceDate: '2023-01-01T00:00:00Z' }],
    version: 1,
  })
  const refused = await app.inject({
    method: 'POST',
    url: '/presentations/verify',
    payload: { verifiablePresentation: bad },
  })
  t.equal(refused.statusCode, 400)
  t.same(checksFailed(refused), ['signature'])
})

t.test(
  'a presentation signed with Ed25519Signature2020 verifies, and not for another challenge',
  async (t) => {
    const presentation = vcLib.createPresentation({
      verifiableCredential: [signed],
      holder: did,
      version: 1,
    })
    presentation['@context'].push(ED25519_2020)
    const vp = await vcLib.signPresentation({
      presentation,
      suite: new Ed25519Signature2020({ key }),
      challenge: 'c-123',
      documentLoader,
    })
    const ok = await app.inject({
      method: 'POST',
      url: '/presentations/verify',
      payload: { verifiablePresentation: vp, options: { challenge: 'c-123' } },
    })
    t.equal(ok.statusCode, 200, `answers 200${ok.statusCode === 200 ? '' : `: ${ok.body}`}`)
    t.same(ok.json().warnings, [])
    const other = await app.inject({
      method: 'POST',
      url: '/presentations/verify',
      payload: { verifiablePresentation: vp, options: { challenge: 'other' } },
    })
    t.equal(other.statusCode, 400)
    t.same(checksFailed(other), ['signature'])
  },
)

t.test(
  'a presentation signed with eddsa-rdfc-2022 holding it verifies: the proof covers the credentials',
  async (t) => {
    const holder = await Ed25519Multikey.generate()
    const holderDid = `did:key:${holder.publicKeyMultibase}`
    holder.controller = holderDid
    holder.id = `${holderDid}#${holder.publicKeyMultibase}`
    const presentation = vcLib.createPresentation({
      verifiableCredential: [signed],
      holder: holderDid,
      version: 2,
    })
    const vp = await vcLib.signPresentation({
      presentation,
      suite: new DataIntegrityProof({ signer: holder.signer(), cryptosuite: rdfc }),
      challenge: 'c-456',
      documentLoader,
    })
    const ok = await app.inject({
      method: 'POST',
      url: '/presentations/verify',
      payload: { verifiablePresentation: vp, options: { challenge: 'c-456' } },
    })
    t.equal(ok.statusCode, 200, `answers 200${ok.statusCode === 200 ? '' : `: ${ok.body}`}`)
    const swapped = { ...vp, verifiableCredential: [await sign(vc11())] }
    const res = await app.inject({
      method: 'POST',
      url: '/presentations/verify',
      payload: { verifiablePresentation: swapped, options: { challenge: 'c-456' } },
    })
    t.equal(res.statusCode, 400, 'another credential in the signed presentation')
    t.same(checksFailed(res), ['signature'])
    t.match(res.json().errors, [/^signature: presentation: /])
  },
)

t.test('a VC 2.0 credential with an Ed25519Signature2020 proof verifies too', async (t) => {
  const credential = {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://www.w3.org/ns/credentials/examples/v2',
      ED25519_2020,
    ],
    id: `urn:uuid:${ids()}`,
    type: ['VerifiableCredential', 'AlumniCredential'],
    issuer: did,
    validFrom: '2023-01-01T00:00:00Z',
    credentialSubject: { id: 'did:example:abcdefgh', alumniOf: 'The School of Examples' },
  }
  const res = await verify(await sign(credential))
  t.equal(res.statusCode, 200, `answers 200${res.statusCode === 200 ? '' : `: ${res.body}`}`)
})

t.test(
  'the suite is only for verifying: eddsa proofs do not get it, and issuing still refuses its contexts',
  async (t) => {
    t.equal(
      verifySuites({ proof: { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022' } })
        .length,
      2,
      'eddsa: the two Data Integrity suites only',
    )
    t.equal(verifySuites(signed).length, 3, 'Ed25519Signature2020: that suite as well')
    for (const url of [EXAMPLES_V1, ED25519_2020, 'https://www.w3.org/ns/odrl.jsonld'])
      t.notOk(isKnownContext(url), `${url} is not offered for issuing`)
    const res = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: pf.admin,
      payload: {
        credential: {
          '@context': ['https://www.w3.org/ns/credentials/v2', ED25519_2020],
          type: ['VerifiableCredential'],
          issuer: await pf.didOf(PLATFORM_ISSUER),
          credentialSubject: { id: 'did:example:123' },
        },
      },
    })
    t.equal(res.statusCode, 400)
    t.equal(res.json().code, 'PORTFOLIO_CONTEXT_UNKNOWN')
  },
)

t.test(
  'the patched jsonld canonicalizes the VC 1.1 contexts (examples v1 with ODRL, ed25519-2020) as published',
  async (t) => {
    const docs = [
      signed,
      await sign(
        vc11({
          issuer: { id: did, name: 'Example University' },
          expirationDate: '2999-01-01T00:00:00Z',
        }),
      ),
    ]
    const ours: string[] = []
    for (const doc of docs) ours.push(await rdfc.canonize(doc, { documentLoader }))
    // jsonld as published, in a module graph of its own (no jsonld-reuse patch).
    t.same(ours, await pristine(docs))
    t.ok(ours.every((nq) => nq.includes('<https://example.org/examples#AlumniCredential>')))
  },
)
