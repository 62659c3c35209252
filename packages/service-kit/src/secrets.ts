import { createCipheriv, createDecipheriv, createHmac, randomFillSync } from 'node:crypto'

/** A 256-bit key given as 64 hex characters. */
export function parseKey(hex: string, name: string): Buffer {
  if (!/^[0-9a-fA-F]{64}$/.test(hex))
    throw new Error(`${name} must be 64 hex characters (256 bits)`)
  return Buffer.from(hex, 'hex')
}

const IV_BYTES = 12
/** IVs drawn from the system's generator 4,096 at a time: one call each cost more than the cipher. */
const ivPool = Buffer.alloc(IV_BYTES * 4_096)
let ivNext = ivPool.length

/**
 * A fresh random 96-bit GCM nonce. The view is valid until the next 4,096 draws: callers use it
 * at once (the cipher and the output copy it).
 */
export function nextIv(): Buffer {
  if (ivNext === ivPool.length) {
    randomFillSync(ivPool)
    ivNext = 0
  }
  ivNext += IV_BYTES
  return ivPool.subarray(ivNext - IV_BYTES, ivNext)
}

/** AES-256-GCM; the output is `v1.<iv>.<tag>.<ciphertext>` in base64url, self-describing for rotation. */
export function encrypt(key: Buffer, plaintext: string): string {
  const iv = nextIv()
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return [
    'v1',
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    body.toString('base64url'),
  ].join('.')
}

export function decrypt(key: Buffer, sealed: string): string {
  const [version, iv, tag, body] = sealed.split('.')
  if (version !== 'v1' || !iv || !tag || body === undefined)
    throw new Error('unknown sealed format')
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
  decipher.setAuthTag(Buffer.from(tag, 'base64url'))
  return Buffer.concat([
    decipher.update(Buffer.from(body, 'base64url')),
    decipher.final(),
  ]).toString('utf8')
}

/** A keyed hash for look-ups of personal data that must never be stored in the clear. */
export function keyedHash(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex')
}
