import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { LearnerKeys, openFor, sealFor } from '@creditbank/service-kit'
import { SCHEMA } from '../db/schema.js'

/**
 * The holder's name is personal data: the registry keeps a keyed hash of its normalized form for
 * verification and an AES-256-GCM sealed copy for the holder's and issuer's own views, sealed
 * under the holder's own key (decision 0730). Two sub-keys are derived from the one configured
 * secret so that hashing and sealing never share a key; the sealing one seals the learners' keys
 * (and sealed the names themselves before per-learner keys).
 */
export interface HolderNameKeys {
  hashKey: Buffer
  sealKey: Buffer
  learners: LearnerKeys
}

export function holderNameKeys(secret: Buffer): HolderNameKeys {
  const derive = (info: string) =>
    Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32))
  const sealKey = derive('creditbank.certificates.holder-name.seal.v1')
  return {
    hashKey: derive('creditbank.certificates.holder-name.hash.v1'),
    sealKey,
    learners: new LearnerKeys(sealKey, SCHEMA),
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

/** The holder's name sealed under their key (from `LearnerKeys`). */
export function sealHolderName(learnerKey: Buffer, name: string): string {
  return sealFor(learnerKey, name.trim())
}

/** The holder's name; '' once the holder was erased (their key or the sealed copy gone). */
export function unsealHolderName(learnerKey: Buffer | undefined, sealed: string | null): string {
  return openFor(learnerKey, sealed) ?? ''
}

/** Constant-time comparison of two hex hashes of equal length. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex')
  const y = Buffer.from(b, 'hex')
  return x.length === y.length && timingSafeEqual(x, y)
}
