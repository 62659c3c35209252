// Bundles one service into services/<name>/bundle/server.js for its container image.
// Workspace packages and most npm dependencies are bundled; the few that read files from their
// own package folder at run time (the OpenAPI UI, embedded PGlite's wasm) stay external and are
// listed in bundle/package.json so the image installs exactly those.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const service = process.argv[2]
if (!service) throw new Error('usage: build-service.mjs <service>')
const dir = join(root, 'services', service)
const external = ['@fastify/swagger-ui', '@electric-sql/pglite', 'kysely-pglite-dialect', 'pg-native']

function versionOf(name) {
  for (const pkg of ['service-kit', 'db']) {
    const deps = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8')).dependencies ?? {}
    if (deps[name]) return deps[name]
  }
  return undefined
}

mkdirSync(join(dir, 'bundle'), { recursive: true })
await build({
  // The outbox relay's thread (packages/events RelayThread) loads relay-worker.js from beside server.js.
  entryPoints: [join(dir, 'src', 'server.ts'), join(root, 'packages', 'events', 'src', 'relay-worker.ts')],
  outdir: join(dir, 'bundle'),
  entryNames: '[name]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external,
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
})
const dependencies = Object.fromEntries(external.map((n) => [n, versionOf(n)]).filter(([, v]) => v))
writeFileSync(
  join(dir, 'bundle', 'package.json'),
  `${JSON.stringify(
    {
      name: `creditbank-${service}`,
      private: true,
      type: 'module',
      main: 'server.js',
      dependencies,
      // kysely-pglite-dialect declares PGlite up to 0.4; 0.5 is what we test with (see STACK-NOTES).
      overrides: { 'kysely-pglite-dialect': { '@electric-sql/pglite': '$@electric-sql/pglite' } },
    },
    null,
    2,
  )}\n`,
)
console.log(`built services/${service}/bundle/server.js and relay-worker.js`)
