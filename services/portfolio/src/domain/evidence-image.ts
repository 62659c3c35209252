/**
 * Removes metadata (EXIF with its GPS position, XMP, IPTC, comments, embedded thumbnails and
 * appended pictures) from JPEG and PNG files by dropping whole segments or chunks: the compressed
 * picture data is copied byte for byte, so the image is the same picture, not a re-encoded one.
 * sharp (libvips) then decodes the result in full to prove it is a whole, readable image.
 */
import sharp from 'sharp'
import { portfolioErrors } from './errors.js'

/** Bounds decoding: a 40-megapixel photo is the largest a phone makes today. */
const MAX_PIXELS = 40_000_000

const SOI = 0xd8
const EOI = 0xd9
const SOS = 0xda
const APP0 = 0xe0
const APP2 = 0xe2
const APP14 = 0xee
const APP15 = 0xef
const COM = 0xfe

/** APPn segments a decoder needs: JFIF, the colour profile, and Adobe's colour transform flag. */
function keepsSegment(marker: number, body: Buffer): boolean {
  if (marker === COM) return false
  if (marker < APP0 || marker > APP15) return true
  const id = body.subarray(0, 12).toString('latin1')
  if (marker === APP0) return id.startsWith('JFIF\0') || id.startsWith('JFXX\0')
  if (marker === APP2) return id.startsWith('ICC_PROFILE\0')
  if (marker === APP14) return id.startsWith('Adobe')
  return false
}

/** The EXIF orientation (1–8) of an APP1 segment's body, or 1 when it names none. */
function exifOrientation(body: Buffer): number {
  if (body.length < 14 || body.subarray(0, 6).toString('latin1') !== 'Exif\0\0') return 1
  const tiff = body.subarray(6)
  const le = tiff.toString('latin1', 0, 2) === 'II'
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o))
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o))
  const ifd = u32(4)
  if (ifd + 2 > tiff.length) return 1
  const count = u16(ifd)
  for (let i = 0; i < count && ifd + 2 + i * 12 + 12 <= tiff.length; i++) {
    const at = ifd + 2 + i * 12
    if (u16(at) === 0x0112) {
      const v = u16(at + 8)
      return v >= 1 && v <= 8 ? v : 1
    }
  }
  return 1
}

/**
 * An APP1 EXIF segment that holds only the orientation: a rotated phone photo keeps showing the
 * right way up once everything else (the GPS position first) is gone.
 */
function orientationOnlyExif(orientation: number): Buffer {
  const body = Buffer.alloc(6 + 8 + 2 + 12 + 4)
  body.write('Exif\0\0', 0, 'latin1')
  body.write('MM', 6, 'latin1')
  body.writeUInt16BE(42, 8)
  body.writeUInt32BE(8, 10) // the first IFD follows the header
  body.writeUInt16BE(1, 14) // one entry
  body.writeUInt16BE(0x0112, 16) // Orientation
  body.writeUInt16BE(3, 18) // SHORT
  body.writeUInt32BE(1, 20)
  body.writeUInt16BE(orientation, 24)
  const head = Buffer.from([0xff, 0xe1, 0, 0])
  head.writeUInt16BE(body.length + 2, 2)
  return Buffer.concat([head, body])
}

/** Where the entropy-coded data that starts at `from` ends: the next marker that is not RSTn. */
function scanEnd(bytes: Buffer, from: number): number {
  for (let i = from; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0xff) continue
    const next = bytes[i + 1]!
    if (next === 0x00 || next === 0xff || (next >= 0xd0 && next <= 0xd7)) continue
    return i
  }
  throw portfolioErrors.PORTFOLIO_EVIDENCE_IMAGE_INVALID('The JPEG ends inside its picture data')
}

/** The JPEG without metadata segments, ending at its end-of-image marker (appended data dropped). */
export function stripJpeg(bytes: Buffer): Buffer {
  const invalid = (why: string) => portfolioErrors.PORTFOLIO_EVIDENCE_IMAGE_INVALID(why)
  const out: Buffer[] = [bytes.subarray(0, 2)]
  let orientation = 1
  let i = 2
  for (;;) {
    if (i + 2 > bytes.length || bytes[i] !== 0xff) throw invalid('The JPEG’s structure is broken')
    const marker = bytes[i + 1]!
    if (marker === 0xff) {
      i += 1 // fill byte
      continue
    }
    if (marker === EOI) {
      out.push(bytes.subarray(i, i + 2))
      break
    }
    if (marker === SOI || i + 4 > bytes.length) throw invalid('The JPEG’s structure is broken')
    const end = i + 2 + bytes.readUInt16BE(i + 2)
    if (end > bytes.length) throw invalid('The JPEG is cut short')
    const body = bytes.subarray(i + 4, end)
    if (marker === 0xe1 && orientation === 1) orientation = exifOrientation(body)
    if (keepsSegment(marker, body)) out.push(bytes.subarray(i, end))
    i = end
    if (marker === SOS) {
      const stop = scanEnd(bytes, i)
      out.push(bytes.subarray(i, stop))
      i = stop
    }
  }
  if (orientation !== 1) out.splice(1, 0, orientationOnlyExif(orientation))
  return Buffer.concat(out)
}

/** PNG chunks that carry metadata rather than the picture: text, EXIF and the modification time. */
const pngMetadataChunks = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME'])

/** The PNG without its metadata chunks; every other chunk (CRC included) is copied as it is. */
export function stripPng(bytes: Buffer): Buffer {
  const out: Buffer[] = [bytes.subarray(0, 8)]
  let i = 8
  for (;;) {
    if (i + 12 > bytes.length)
      throw portfolioErrors.PORTFOLIO_EVIDENCE_IMAGE_INVALID('The PNG is cut short')
    const length = bytes.readUInt32BE(i)
    const type = bytes.toString('latin1', i + 4, i + 8)
    const end = i + 12 + length
    if (end > bytes.length)
      throw portfolioErrors.PORTFOLIO_EVIDENCE_IMAGE_INVALID('The PNG is cut short')
    if (!pngMetadataChunks.has(type)) out.push(bytes.subarray(i, end))
    i = end
    if (type === 'IEND') return Buffer.concat(out)
  }
}

/** Decodes every pixel (libvips fails on any warning: truncation, bad Huffman codes, CRC errors). */
async function assertDecodes(bytes: Buffer) {
  try {
    const image = sharp(bytes, { failOn: 'warning', limitInputPixels: MAX_PIXELS })
    await image.stats()
  } catch (err) {
    const message = err instanceof Error ? err.message : ''
    if (/pixel limit/i.test(message))
      throw portfolioErrors.PORTFOLIO_EVIDENCE_IMAGE_TOO_LARGE(
        `At most ${MAX_PIXELS / 1_000_000} megapixels`,
      )
    throw portfolioErrors.PORTFOLIO_EVIDENCE_IMAGE_INVALID('The image cannot be decoded')
  }
}

/** The image as it will be stored: metadata stripped, then proven to decode in full. */
export async function cleanImage(bytes: Buffer, mediaType: 'image/png' | 'image/jpeg') {
  const stripped = mediaType === 'image/png' ? stripPng(bytes) : stripJpeg(bytes)
  await assertDecodes(stripped)
  return stripped
}
