import { Unzip, UnzipInflate } from 'fflate'
import { SheetError } from './errors.js'

/**
 * Inflates every member of an .xlsx (a zip) once, counting the bytes and keeping none, and
 * refuses the file past `maxBytes`: a few hundred kilobytes of zip can unpack to gigabytes, and
 * the spreadsheet library would hold all of it. The sizes a zip declares are not trusted.
 */
export function checkUnpackedSize(bytes: Uint8Array, maxBytes: number) {
  let total = 0
  let failure: unknown
  const unzip = new Unzip((file) => {
    file.ondata = (err, chunk) => {
      if (err) failure ??= err
      total += chunk?.length ?? 0
      if (total > maxBytes) {
        failure ??= new SheetError('SHEET_TOO_LARGE', { max: `${Math.round(maxBytes / 1e6)} MB` })
        file.terminate()
      }
    }
    file.start()
  })
  unzip.register(UnzipInflate)
  // Fed in slices so that a bomb is stopped after its first megabytes, not after all of them.
  const SLICE = 64 * 1024
  for (let at = 0; at < bytes.length && failure === undefined; at += SLICE) {
    const end = Math.min(at + SLICE, bytes.length)
    unzip.push(bytes.subarray(at, end), end === bytes.length)
  }
  if (failure instanceof SheetError) throw failure
  if (failure !== undefined)
    throw new SheetError('SHEET_UNREADABLE', { reason: 'not a valid .xlsx' })
  return total
}
