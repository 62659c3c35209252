import { createHash } from 'node:crypto'
import exifReader from 'exif-reader'
import sharp from 'sharp'
import t from 'tap'
import {
  encryptedPdf,
  photoWithGps,
  plainPdf,
  pngWithExif,
  scriptedPdfs,
} from './evidence-files.js'
import { buildPortfolio, fixtures } from './helper.js'

const pf = await buildPortfolio()
t.teardown(() => pf.close())
const { app } = pf
const f = fixtures()
const me = pf.learner(f.learnerId)
await pf.apply(f.orgRegistered(f.school, '河南职业技术学院'), f.learnerOpened())

const upload = (body: Buffer, filename?: string) =>
  app.inject({
    method: 'POST',
    url: `/v1/learners/${f.learnerId}/evidence${filename ? `?filename=${filename}` : ''}`,
    headers: { ...me, 'content-type': 'application/octet-stream' },
    payload: body,
  })
const stored = async (id: string) =>
  (await app.inject({ method: 'GET', url: `/v1/evidence/${id}`, headers: me })).rawPayload
const rows = async () =>
  Number(
    (
      await pf.db
        .selectFrom('evidence_blob')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const pixels = (b: Buffer) => sharp(b).raw().toBuffer()

t.test('a real PDF is parsed and stored as it came', async (t) => {
  const pdf = await plainPdf()
  const res = await upload(pdf, 'transcript.pdf')
  t.equal(res.statusCode, 201, res.body)
  t.match(res.json(), { mediaType: 'application/pdf', sizeBytes: pdf.length, sha256: sha256(pdf) })
  t.same(await stored(res.json().id), pdf)
})

t.test(
  'PDFs that do not parse, are encrypted or run scripts are refused, naming why',
  async (t) => {
    const before = await rows()
    const real = await plainPdf('cut short')
    const cases: [string, Buffer, string][] = [
      ['the issue’s “%PDF-1.4 broken”', Buffer.from('%PDF-1.4 broken'), 'PDF_INVALID'],
      ['a real PDF cut in half', real.subarray(0, real.length >> 1), 'PDF_INVALID'],
      [
        'a PDF header before a JPEG',
        Buffer.concat([Buffer.from('%PDF-1.7\n'), await photoWithGps()]),
        'PDF_INVALID',
      ],
      ['an encrypted PDF', await encryptedPdf(), 'PDF_ENCRYPTED'],
      ['an owner-password-only PDF', await encryptedPdf(''), 'PDF_ENCRYPTED'],
    ]
    const scripted = await scriptedPdfs()
    t.notOk(
      scripted.onOpen.toString('latin1').includes('JavaScript'),
      'the open action is compressed: a byte search would not find it',
    )
    cases.push(
      ['a PDF with document-level JavaScript', scripted.named, 'PDF_SCRIPT'],
      ['a PDF whose open action runs JavaScript', scripted.onOpen, 'PDF_SCRIPT'],
      ['a PDF with a link that launches a program', scripted.launch, 'PDF_SCRIPT'],
    )
    for (const [name, body, code] of cases) {
      const res = await upload(body)
      t.equal(res.statusCode, 422, name)
      t.match(res.headers['content-type'], /problem\+json/)
      t.equal(res.json().code, `PORTFOLIO_EVIDENCE_${code}`, name)
    }
    t.equal(await rows(), before, 'nothing was stored')
  },
)

t.test('a photo’s EXIF and GPS position are gone; picture and orientation stay', async (t) => {
  const photo = await photoWithGps()
  const sent = exifReader((await sharp(photo).metadata()).exif!)
  t.ok(sent.GPSInfo?.GPSLatitude, 'the upload carries a GPS position')
  const res = await upload(photo, 'photo.jpg')
  t.equal(res.statusCode, 201, res.body)
  const body = await stored(res.json().id)
  t.equal(res.json().sha256, sha256(body), 'the sha256 is of what is stored')
  t.equal(res.json().sizeBytes, body.length)
  t.ok(body.length < photo.length)
  const meta = await sharp(body).metadata()
  const kept = exifReader(meta.exif!)
  t.notOk(kept.GPSInfo, 'no GPS position')
  t.notOk(kept.Image?.Make, 'no camera maker')
  t.equal(kept.Image?.Orientation, 6, 'the orientation stays, so it shows the right way up')
  t.notOk(meta.xmp ?? meta.iptc, 'no XMP or IPTC')
  t.same(await pixels(body), await pixels(photo), 'the same pixels: nothing was re-encoded')
  t.equal((await sharp(body).metadata()).format, 'jpeg')

  const again = await upload(photo)
  t.equal(again.statusCode, 200, 'the same photo again is the stored one')
  t.equal(again.json().id, res.json().id)
})

t.test('a PNG’s eXIf chunk is gone, its pixels are the same', async (t) => {
  const png = await pngWithExif()
  t.ok((await sharp(png).metadata()).exif, 'the upload carries EXIF')
  const res = await upload(png)
  t.equal(res.statusCode, 201, res.body)
  const body = await stored(res.json().id)
  t.notOk((await sharp(body).metadata()).exif, 'no EXIF')
  t.same(await pixels(body), await pixels(png))
})

t.test('images that do not decode are refused', async (t) => {
  const before = await rows()
  const photo = await photoWithGps()
  const png = await pngWithExif()
  const cases: [string, Buffer][] = [
    ['a JPEG cut in half', photo.subarray(0, photo.length >> 1)],
    ['a JPEG’s first bytes only', photo.subarray(0, 40)],
    ['a PNG cut short', png.subarray(0, png.length - 20)],
    ['a PNG signature and nothing else', png.subarray(0, 8)],
  ]
  // A flipped byte in the PNG's picture data: its checksum no longer matches.
  const corrupt = Buffer.from(png)
  corrupt[corrupt.indexOf('IDAT') + 8]! ^= 0xff
  cases.push(['a PNG with damaged picture data', corrupt])
  for (const [name, body] of cases) {
    const res = await upload(body)
    t.equal(res.statusCode, 422, name)
    t.equal(res.json().code, 'PORTFOLIO_EVIDENCE_IMAGE_INVALID', name)
  }
  t.equal(await rows(), before, 'nothing was stored')
})
