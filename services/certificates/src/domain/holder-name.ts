import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { decrypt, encrypt } from '@creditbank/service-kit'

/**
 * The holder's name is personal data: the registry keeps a keyed hash of its normalized form for
 * verification and an AES-256-GCM sealed copy for the holder's and issuer's own views. Two
 * sub-keys are derived from the one configured secret so that hashing and sealing never share a key.
 */
export interface HolderNameKeys {
  hashKey: Buffer
  sealKey: Buffer
}

export function holderNameKeys(secret: Buffer): HolderNameKeys {
  const derive = (info: string) =>
    Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32))
  return {
    hashKey: derive('creditbank.certificates.holder-name.hash.v1'),
    sealKey: derive('creditbank.certificates.holder-name.seal.v1'),
  }
}

/**
 * The form names are compared in: Unicode NFKC (full-width letters and spaces become ordinary
 * ones), no whitespace at all (Chinese names are written with or without spaces), the separator
 * dots of transliterated names (·・•‧) unified, Latin letters in lower case.
 */
export function normalizeHolderName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/[\s\u200b\u3000]+/gu, '')
    .replace(/[·・•‧∙⋅]/gu, '·')
    .toLowerCase()
}

export function hashHolderName(keys: HolderNameKeys, name: string): string {
  return hashNormalizedHolderName(keys, normalizeHolderName(name))
}

/** The hash of a name already in its `normalizeHolderName` form (issuance normalizes once, to check and to hash). */
export function hashNormalizedHolderName(keys: HolderNameKeys, normalized: string): string {
  return createHmac('sha256', keys.hashKey).update(normalized, 'utf8').digest('hex')
}

export function sealHolderName(keys: HolderNameKeys, name: string): string {
  return encrypt(keys.sealKey, name.trim())
}

/** The holder's name; '' once the holder was erased (decision 0730). */
export function unsealHolderName(keys: HolderNameKeys, sealed: string): string {
  if (sealed === '') return ''
  return decrypt(keys.sealKey, sealed)
}

/** Constant-time comparison of two hex hashes of equal length. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex')
  const y = Buffer.from(b, 'hex')
  return x.length === y.length && timingSafeEqual(x, y)
}
