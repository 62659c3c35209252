import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'

const scrypt = promisify(scryptCb) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>

/**
 * scrypt, N = 2^15, r = 8, p = 1 (OWASP's minimum is 2^17 with p = 1 at lower r·p memory; this fits
 * 32 MiB). N is the cost of new hashes only: a stored hash names its own, so lowering it for tests
 * (IDENTITY_PASSWORD_COST) never locks anyone out, and raising it later upgrades nobody silently.
 */
let N = 32_768
const R = 8
const P = 1
const KEYLEN = 32
const MAXMEM = 64 * 1024 * 1024

/** log2 of N for hashes made from now on (12–20; 15 unless configured). */
export function setPasswordCost(log2N: number) {
  N = 2 ** log2N
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16)
  const hash = await scrypt(secret, salt, KEYLEN, { N, r: R, p: P, maxmem: MAXMEM })
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${hash.toString('base64url')}`
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64url')
  const actual = await scrypt(secret, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAXMEM,
  })
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

/** Checked against when the user does not exist, so both failures take the same time. */
let decoy: Promise<string> | undefined
export function decoyHash() {
  decoy ??= hashSecret(randomBytes(16).toString('hex'))
  return decoy
}
