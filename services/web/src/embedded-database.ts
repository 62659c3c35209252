import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Database, dumpPglite, openDatabase } from '@creditbank/db'

const cacheDir = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'node_modules',
  '.cache',
  'creditbank',
)
const templateFile = join(cacheDir, 'pglite-initdb.tar')

/**
 * The embedded database under `dir`. PGlite's initdb straight onto disk takes about 19 s on this
 * machine; initdb in memory, dumped and loaded into the folder, takes about 13 s the first time,
 * and about 3 s once the empty cluster is cached (node_modules/.cache, never committed). Nothing
 * service-specific is in the cached cluster: migrations run as usual afterwards.
 */
export async function openEmbeddedDatabase(dir: string): Promise<Database> {
  if (existsSync(dir)) return openDatabase({ dataDir: dir })
  let template: Blob | undefined
  try {
    template = new Blob([await readFile(templateFile)])
  } catch {
    const fresh = await openDatabase({})
    template = await dumpPglite(fresh)
    await fresh.close()
    await mkdir(cacheDir, { recursive: true })
    const tmp = `${templateFile}.${process.pid}`
    await writeFile(tmp, Buffer.from(await template.arrayBuffer()))
    await rename(tmp, templateFile)
  }
  return openDatabase({ dataDir: dir, loadDataDir: template })
}
