import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from 'pino'

const webRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const uiDir = join(webRoot, 'ui')
export const pagesDir = join(webRoot, 'dist')
const stampFile = join(pagesDir, '.source-hash')

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name)
    return d.isDirectory() ? filesUnder(p) : [p]
  })
}

/** A hash of the page sources and the front-end versions: the build is redone when it changes. */
export function sourceHash(): string {
  const h = createHash('sha256')
  for (const f of filesUnder(uiDir).sort()) {
    h.update(relative(uiDir, f))
    h.update(readFileSync(f))
  }
  h.update(readFileSync(join(webRoot, 'package.json')))
  return h.digest('hex')
}

/**
 * The built pages are not committed: they are built here on the first start of a fresh clone
 * (a few seconds) and again only when a source under ui/ changed. Returns the folder to serve.
 */
export async function ensurePages(logger: Logger): Promise<string> {
  const hash = sourceHash()
  if (
    existsSync(join(pagesDir, 'index.html')) &&
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === hash
  )
    return pagesDir
  const t0 = Date.now()
  // In a child process: the build runs on the other core while this one opens the database.
  const vite = join(
    dirname(createRequire(import.meta.url).resolve('vite/package.json')),
    'bin',
    'vite.js',
  )
  await new Promise<void>((resolveBuild, reject) => {
    const child = spawn(
      process.execPath,
      [vite, 'build', '--config', join(uiDir, 'vite.config.ts'), '--logLevel', 'warn'],
      { cwd: webRoot, stdio: ['ignore', 'ignore', 'pipe'] },
    )
    let err = ''
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString()
    })
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0
        ? resolveBuild()
        : reject(new Error(`vite build failed (${code}): ${err.slice(-2000)}`)),
    )
  })
  writeFileSync(stampFile, hash)
  logger.info(
    { ms: Date.now() - t0, size: statSync(join(pagesDir, 'index.html')).size },
    'pages built',
  )
  return pagesDir
}
