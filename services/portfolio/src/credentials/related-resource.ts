/**
 * VC Data Model 2.0 §5.3, integrity of related resources: every `relatedResource` value is an
 * object with an `id` URL (unique among them) and a `digestSRI` (W3C Subresource Integrity) or a
 * `digestMultibase` (a multibase-encoded multihash, VC Data Integrity 1.0 §2.6).
 */
import { createHash } from 'node:crypto'

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const isUrl = (v: unknown): v is string =>
  typeof v === 'string' && /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(v)

/** A digest a related resource claims: the hash function node names it by, and its bytes. */
export interface Digest {
  algorithm: string
  value: Buffer
}

/** SRI's hash functions (W3C Subresource Integrity §3.2) and their digest lengths. */
const SRI: Record<string, number> = { sha256: 32, sha384: 48, sha512: 64 }

/** Multihash codes (the multicodec table) of the SHA-2 and SHA-3 digests, with their node names. */
const MULTIHASH: Record<number, [string, number]> = {
  18: ['sha256', 32],
  32: ['sha384', 48],
  19: ['sha512', 64],
  22: ['sha3-256', 32],
  21: ['sha3-384', 48],
  20: ['sha3-512', 64],
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'

function base58btc(s: string): Buffer | null {
  let n = 0n
  for (const ch of s) {
    const i = BASE58.indexOf(ch)
    if (i < 0) return null
    n = n * 58n + BigInt(i)
  }
  const hex = n === 0n ? '' : n.toString(16)
  const body = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex')
  const zeros = s.length - s.replace(/^1+/, '').length
  return Buffer.concat([Buffer.alloc(zeros), body])
}

/** `sha384-<base64>` (several, space separated, each maybe with `?options`), or null if malformed. */
export function parseSri(v: string): Digest[] | null {
  const parts = v.trim().split(/\s+/)
  const out: Digest[] = []
  for (const part of parts) {
    const m = /^(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})(\?[\x21-\x7e]*)?$/.exec(part)
    if (!m) return null
    const value = Buffer.from(m[2] as string, 'base64')
    if (value.length !== SRI[m[1] as string]) return null
    out.push({ algorithm: m[1] as string, value })
  }
  return out.length ? out : null
}

/** `u<base64url>` or `z<base58btc>` of a multihash of a known SHA-2/SHA-3 digest, or null. */
export function parseMultibase(v: string): Digest | null {
  const bytes =
    v[0] === 'u' && /^[A-Za-z0-9_-]+$/.test(v.slice(1))
      ? Buffer.from(v.slice(1), 'base64url')
      : v[0] === 'z'
        ? base58btc(v.slice(1))
        : null
  if (!bytes || bytes.length < 2) return null
  const known = MULTIHASH[bytes[0] as number]
  if (!known || bytes[1] !== known[1] || bytes.length !== 2 + known[1]) return null
  return { algorithm: known[0], value: bytes.subarray(2) }
}

export interface ResourceError {
  /** Under the credential: `/relatedResource/0/id`. */
  path: string
  message: string
}

/** What breaks §5.3 in a credential's `relatedResource` (nothing when it has none). */
export function relatedResourceErrors(value: unknown): ResourceError[] {
  if (value === undefined) return []
  const out: ResourceError[] = []
  const many = Array.isArray(value)
  const items = many ? value : [value]
  if (items.length === 0)
    return [{ path: '/relatedResource', message: 'must hold at least one object' }]
  const seen = new Set<string>()
  items.forEach((r, i) => {
    const path = many ? `/relatedResource/${i}` : '/relatedResource'
    if (!isObject(r)) {
      out.push({ path, message: 'must be an object with an id URL and a digest' })
      return
    }
    if (!isUrl(r.id)) out.push({ path: `${path}/id`, message: 'is required: a URL' })
    else if (seen.has(r.id)) out.push({ path: `${path}/id`, message: `repeats ${r.id}` })
    else seen.add(r.id)
    if (r.digestSRI === undefined && r.digestMultibase === undefined)
      out.push({ path, message: 'needs a digestSRI or a digestMultibase' })
    if (r.digestSRI !== undefined && (typeof r.digestSRI !== 'string' || !parseSri(r.digestSRI)))
      out.push({
        path: `${path}/digestSRI`,
        message: 'must be a Subresource Integrity value (sha256-, sha384- or sha512- and base64)',
      })
    if (
      r.digestMultibase !== undefined &&
      (typeof r.digestMultibase !== 'string' || !parseMultibase(r.digestMultibase))
    )
      out.push({
        path: `${path}/digestMultibase`,
        message: 'must be a multibase (u or z) multihash of a SHA-2 or SHA-3 digest',
      })
    if (r.mediaType !== undefined && typeof r.mediaType !== 'string')
      out.push({ path: `${path}/mediaType`, message: 'must be a media type string' })
  })
  return out
}

/** Every digest a (well-formed) related resource claims. */
export function digestsOf(r: Record<string, unknown>): Digest[] {
  const out: Digest[] = []
  if (typeof r.digestSRI === 'string') out.push(...(parseSri(r.digestSRI) ?? []))
  if (typeof r.digestMultibase === 'string') {
    const d = parseMultibase(r.digestMultibase)
    if (d) out.push(d)
  }
  return out
}

/** The digests of `bytes` that do not match what the resource claims (empty: all match). */
export function mismatches(digests: Digest[], bytes: Buffer) {
  return digests.filter((d) => !createHash(d.algorithm).update(bytes).digest().equals(d.value))
}
