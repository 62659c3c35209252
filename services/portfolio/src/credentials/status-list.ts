import { gunzipSync, gzipSync } from 'node:zlib'

/**
 * Bitstring Status List encoding (W3C Bitstring Status List v1.0 §3.2): the bitstring GZIP-compressed,
 * then base64url without padding, with the multibase prefix `u`. Index 0 is the left-most bit.
 */
export function encodeList(bits: Buffer): string {
  return `u${gzipSync(bits).toString('base64url')}`
}

export function decodeList(encoded: string): Buffer {
  if (!encoded.startsWith('u'))
    throw new Error('encodedList must be multibase base64url (prefix u)')
  return gunzipSync(Buffer.from(encoded.slice(1), 'base64url'), {
    maxOutputLength: 16 * 1024 * 1024,
  })
}

export function bitAt(bits: Buffer, index: number): boolean {
  const byte = bits[Math.floor(index / 8)]
  if (byte === undefined) throw new RangeError(`status index ${index} is outside the list`)
  return ((byte >> (7 - (index % 8))) & 1) === 1
}
