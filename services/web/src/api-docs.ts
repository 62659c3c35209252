// One OpenAPI document at the gateway's base URL: the services' own documents, fetched from them
// (through the balancer) and merged, so a client author reads one reference where they call.
type Doc = {
  info?: { title?: string; version?: string; description?: string }
  paths?: Record<string, Record<string, { tags?: string[] } & Record<string, unknown>>>
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> }
  [k: string]: unknown
}

/**
 * Merges the services' documents. Each service names its schemas on its own (`def-0` in every
 * one), so schemas are renamed `<service>.<name>` and their `$ref`s with them; every operation is
 * tagged with its service.
 */
export function mergeApiDocs(docs: { service: string; doc: Doc }[], missing: string[] = []): Doc {
  const paths: NonNullable<Doc['paths']> = {}
  const schemas: Record<string, unknown> = {}
  const securitySchemes: Record<string, unknown> = {}
  for (const { service, doc } of docs) {
    const names = Object.keys(doc.components?.schemas ?? {})
    let text = JSON.stringify({ paths: doc.paths ?? {}, schemas: doc.components?.schemas ?? {} })
    for (const n of names)
      text = text.replaceAll(
        `"#/components/schemas/${n}"`,
        `"#/components/schemas/${service}.${n}"`,
      )
    const renamed = JSON.parse(text) as { paths: NonNullable<Doc['paths']>; schemas: object }
    for (const [n, s] of Object.entries(renamed.schemas)) schemas[`${service}.${n}`] = s
    for (const [path, item] of Object.entries(renamed.paths)) {
      for (const op of Object.values(item))
        if (op && typeof op === 'object') op.tags = [...new Set([service, ...(op.tags ?? [])])]
      paths[path] = { ...(paths[path] ?? {}), ...item }
    }
    Object.assign(securitySchemes, doc.components?.securitySchemes ?? {})
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Credit Bank API',
      version: '1.0.0',
      description:
        'Every service behind this base URL, merged from their own documents (each also at ' +
        '<service>/openapi.json).' +
        (missing.length ? ` Not answering when this was built: ${missing.join(', ')}.` : ''),
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: docs.map(({ service }) => ({ name: service })),
    paths,
    components: { schemas, securitySchemes },
  }
}

/** The merged document, fetched again when a minute old or when a service did not answer. */
export function mergedApiDoc(
  services: readonly string[],
  baseOf: (service: string) => Promise<string>,
  maxAgeMs = 60_000,
) {
  let cached: { doc: Doc; at: number; complete: boolean } | undefined
  let building: Promise<Doc> | undefined
  async function build(): Promise<Doc> {
    const answers = await Promise.all(
      services.map(async (service) => {
        try {
          const res = await fetch(`${await baseOf(service)}/openapi.json`, {
            signal: AbortSignal.timeout(3_000),
          })
          return res.ok ? { service, doc: (await res.json()) as Doc } : { service }
        } catch {
          return { service }
        }
      }),
    )
    const found = answers.filter((a): a is { service: string; doc: Doc } => 'doc' in a)
    const missing = answers.filter((a) => !('doc' in a)).map((a) => a.service)
    const doc = mergeApiDocs(found, missing)
    cached = { doc, at: Date.now(), complete: missing.length === 0 }
    return doc
  }
  return {
    /** The document now (building it if needed). */
    async get(): Promise<Doc> {
      if (cached?.complete && Date.now() - cached.at < maxAgeMs) return cached.doc
      building ??= build().finally(() => {
        building = undefined
      })
      return building
    },
    /** The last document built, for the synchronous docs page; null before the first. */
    last: () => cached?.doc ?? null,
  }
}
