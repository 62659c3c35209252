// Bundles one service into services/<name>/bundle/server.js for its container image.
// Workspace packages and most npm dependencies are bundled; the few that read files from their
// own package folder at run time (the OpenAPI UI, embedded PGlite's wasm) stay external and are
// listed in bundle/package.json so the image installs exactly those.
import { copyFileSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const service = process.argv[2]
if (!service) throw new Error('usage: build-service.mjs <service>')
const dir = join(root, 'services', service)
const external = ['@fastify/swagger-ui', '@electric-sql/pglite', 'kysely-pglite-dialect', 'pg-native']
// portfolio's printable records: pdfkit reads its own data files at run time, so it stays external;
// so does sharp (evidence images), which loads its native libvips binary;
// of the CJK font package only the one font file used is copied beside the bundle (not its 90 MB).
const serviceExternal = { portfolio: ['pdfkit', 'sharp'] }
const serviceFiles = {
  portfolio: [['@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf', 'fonts/NotoSansSC_400Regular.ttf']],
}

function versionOf(name) {
  const manifests = [
    ...['service-kit', 'db'].map((pkg) => join(root, 'packages', pkg, 'package.json')),
    join(root, 'services', service, 'package.json'),
  ]
  for (const file of manifests) {
    const deps = JSON.parse(readFileSync(file, 'utf8')).dependencies ?? {}
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
  external: [...external, ...(serviceExternal[service] ?? [])],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
})
const dependencies = Object.fromEntries(
  [...external, ...(serviceExternal[service] ?? [])].map((n) => [n, versionOf(n)]).filter(([, v]) => v),
)
const requireFromService = createRequire(join(dir, 'package.json'))
for (const [from, to] of serviceFiles[service] ?? []) {
  mkdirSync(dirname(join(dir, 'bundle', to)), { recursive: true })
  copyFileSync(requireFromService.resolve(from), join(dir, 'bundle', to))
}
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
