import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto'
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey'
import { BoundedCache } from './bounded-cache.js'

export interface Signer {
  id: string
  algorithm: 'Ed25519'
  sign(o: { data: Uint8Array }): Promise<Uint8Array>
}

export interface Verifier {
  id: string
  algorithm: 'Ed25519'
  verify(o: { data: Uint8Array; signature: Uint8Array }): Promise<boolean>
}

const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url')

/**
 * A signer holding a Node KeyObject made once. The Multikey library's own signer re-imports the
 * secret key (DER → KeyObject) on every signature, which cost about as much as the signature itself.
 */
export async function keyObjectSigner(
  keyPair: Ed25519Multikey.Ed25519KeyPair,
  id: string,
): Promise<Signer> {
  const { publicKey, secretKey } = await keyPair.export({
    raw: true,
    secretKey: true,
    canonicalize: true,
  })
  if (!publicKey || !secretKey) throw new Error('the key pair has no secret key')
  const key = createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: b64u(publicKey), d: b64u(secretKey) },
    format: 'jwk',
  })
  return { id, algorithm: 'Ed25519', sign: async ({ data }) => sign(null, data, key) }
}

function keyObjectVerifier(id: string, key: KeyObject): Verifier {
  return {
    id,
    algorithm: 'Ed25519',
    verify: async ({ data, signature }) => verify(null, data, key, signature),
  }
}

interface Cryptosuite {
  name: string
  createVerifier(o: { verificationMethod: Record<string, unknown> }): Promise<unknown>
}

/**
 * The cryptosuite with verifiers kept per verification method (at most `max`), each with its
 * public KeyObject made once; the key is still read from the verification method the proof names.
 */
export function withCachedVerifiers<T extends Cryptosuite>(cryptosuite: T, max = 1_000): T {
  const cache = new BoundedCache<string, Verifier>(max)
  return {
    ...cryptosuite,
    async createVerifier({
      verificationMethod: vm,
    }: {
      verificationMethod: Record<string, unknown>
    }) {
      const cacheKey = JSON.stringify([vm.id, vm.type, vm.publicKeyMultibase, vm.publicKeyJwk])
      const cached = cache.get(cacheKey)
      if (cached) return cached
      const keyPair = await Ed25519Multikey.from(vm)
      const { publicKey } = await keyPair.export({ raw: true, publicKey: true })
      if (!publicKey) throw new Error('the verification method has no public key')
      const verifier = keyObjectVerifier(
        String(vm.id),
        createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64u(publicKey) }, format: 'jwk' }),
      )
      cache.set(cacheKey, verifier)
      return verifier
    },
  }
}
