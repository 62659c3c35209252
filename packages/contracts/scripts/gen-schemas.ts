// Writes one JSON Schema file per event payload to schemas/, committed and checked by CI, so
// consumers in other languages read the same contract the services validate against.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { eventPayloads } from '../src/events.js'

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas')
mkdirSync(out, { recursive: true })
for (const f of readdirSync(out)) if (f.endsWith('.json')) rmSync(join(out, f))
for (const [type, schema] of Object.entries(eventPayloads).sort(([a], [b]) => a.localeCompare(b))) {
  const doc = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://creditbank.example/schemas/${type}.json`,
    title: type,
    ...schema,
  }
  writeFileSync(join(out, `${type}.json`), `${JSON.stringify(doc, null, 2)}\n`)
}
console.log(
  `wrote ${Object.keys(eventPayloads).length} event schemas to packages/contracts/schemas`,
)
