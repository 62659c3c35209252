import { once } from 'node:events'
import { PassThrough } from 'node:stream'
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate'

/** One file of an archive; its bytes are asked for only when it is written. */
export interface ZipPart {
  path: string
  /** JSON and text deflate well; PDF, PNG and JPEG are already compressed and are stored. */
  compress: boolean
  content: () => Promise<Uint8Array>
}

/**
 * A zip written as it is read (fflate's streaming `Zip`), one part in memory at a time, waiting
 * for the reader when it falls behind. A part that fails destroys the stream before the central
 * directory is written, so a cut answer is never a readable archive that claims to be whole.
 */
export function zipStream(parts: ZipPart[], mtime: Date): PassThrough {
  const out = new PassThrough()
  const zip = new Zip((err, chunk, final) => {
    if (err) return void out.destroy(err)
    out.write(chunk)
    if (final) out.end()
  })
  const write = async () => {
    for (const part of parts) {
      const data = await part.content()
      if (out.destroyed) return
      const file = part.compress
        ? new ZipDeflate(part.path, { level: 6 })
        : new ZipPassThrough(part.path)
      file.mtime = mtime
      zip.add(file)
      file.push(data, true)
      if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), once(out, 'close')])
    }
    zip.end()
  }
  write().catch((err: unknown) => {
    zip.terminate()
    out.destroy(err instanceof Error ? err : new Error(String(err)))
  })
  return out
}
