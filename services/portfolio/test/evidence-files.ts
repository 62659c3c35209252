/**
 * Real evidence files, made here rather than checked in: PDFs by pdf-lib (plain, encrypted, with
 * scripts hidden in compressed object streams), images by sharp (a phone photo with its GPS
 * position and orientation in EXIF, a PNG with an eXIf chunk).
 */
import { createHash } from 'node:crypto'
import { PDFDocument, PDFHexString, PDFName, PDFString, StandardFonts } from 'pdf-lib'
import sharp from 'sharp'

/** A one-page PDF with a line of text, as a school's office would export it. */
export async function plainPdf(text = 'Transcript 2026') {
  const doc = await PDFDocument.create()
  const page = doc.addPage([300, 200])
  page.drawText(text, {
    x: 20,
    y: 100,
    size: 14,
    font: await doc.embedFont(StandardFonts.Helvetica),
  })
  return Buffer.from(await doc.save())
}

function rc4(key: Buffer, data: Buffer) {
  const s = Array.from({ length: 256 }, (_, i) => i)
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 255
    ;[s[i], s[j]] = [s[j]!, s[i]!]
  }
  const out = Buffer.alloc(data.length)
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 255
    j = (j + s[i]!) & 255
    ;[s[i], s[j]] = [s[j]!, s[i]!]
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 255]!
  }
  return out
}

const PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex')
const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest()
const padded = (password: string) =>
  Buffer.concat([Buffer.from(password, 'latin1'), PAD]).subarray(0, 32)

/**
 * A PDF protected by the standard security handler (revision 2, 40-bit RC4; ISO 32000-1 §7.6.3),
 * with an owner and a user password. It holds no strings or streams, so nothing else needs
 * encrypting: the /Encrypt dictionary and the file ID are what make it an encrypted PDF.
 */
export async function encryptedPdf(userPassword = 'secret') {
  const doc = await PDFDocument.create({ updateMetadata: false })
  doc.addPage([300, 200])
  const id = createHash('md5').update('evidence-test').digest()
  const permissions = -44
  const owner = rc4(md5(padded('owner')).subarray(0, 5), padded(userPassword))
  const p = Buffer.alloc(4)
  p.writeInt32LE(permissions)
  const key = md5(padded(userPassword), owner, p, id).subarray(0, 5)
  const user = rc4(key, PAD)
  const encrypt = doc.context.obj({
    Filter: 'Standard',
    V: 1,
    R: 2,
    Length: 40,
    P: permissions,
    O: PDFHexString.of(owner.toString('hex')),
    U: PDFHexString.of(user.toString('hex')),
  })
  doc.context.trailerInfo.Encrypt = doc.context.register(encrypt)
  const idString = PDFHexString.of(id.toString('hex'))
  doc.context.trailerInfo.ID = doc.context.obj([idString, idString])
  return Buffer.from(await doc.save({ useObjectStreams: false }))
}

/** PDFs that would run something when opened, each in compressed object streams. */
export async function scriptedPdfs() {
  const named = await PDFDocument.create()
  named.addPage([300, 200])
  named.addJavaScript('greet', 'app.alert("hello")')

  const onOpen = await PDFDocument.create()
  onOpen.addPage([300, 200])
  onOpen.catalog.set(
    PDFName.of('OpenAction'),
    onOpen.context.obj({ S: 'JavaScript', JS: PDFString.of('app.launchURL("http://x")') }),
  )

  const launch = await PDFDocument.create()
  const page = launch.addPage([300, 200])
  const link = launch.context.obj({
    Type: 'Annot',
    Subtype: 'Link',
    Rect: [0, 0, 100, 100],
    A: { S: 'Launch', F: PDFString.of('calc.exe') },
  })
  page.node.set(PDFName.of('Annots'), launch.context.obj([launch.context.register(link)]))

  const save = async (d: PDFDocument) => Buffer.from(await d.save({ useObjectStreams: true }))
  return { named: await save(named), onOpen: await save(onOpen), launch: await save(launch) }
}

/** A phone photo: JPEG with EXIF (maker, GPS position in Zhengzhou) and a 90° orientation. */
export function photoWithGps() {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366cc' } })
    .jpeg({ quality: 90 })
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: 'PhonePhone', Model: 'X1' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '34/1 45/1 36/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '113/1 37/1 12/1',
      },
    })
    .toBuffer()
}

/** A PNG with an eXIf chunk carrying a GPS position. */
export function pngWithExif() {
  return sharp({ create: { width: 16, height: 16, channels: 4, background: '#00aa55' } })
    .png()
    .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '34/1 45/1 36/1' } })
    .toBuffer()
}

/** Plain images with no metadata at all. */
export function plainPng(colour = '#cc3300') {
  return sharp({ create: { width: 8, height: 8, channels: 3, background: colour } })
    .png()
    .toBuffer()
}
export function plainJpeg(colour = '#339900') {
  return sharp({ create: { width: 8, height: 8, channels: 3, background: colour } })
    .jpeg()
    .toBuffer()
}
