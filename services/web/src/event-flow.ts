import { type UpstreamName, upstreamNames } from './routing.js'

export interface ServiceFlow {
  service: UpstreamName
  up: boolean
  /** Outbox rows not yet published; null when the service publishes nothing. */
  outboxBacklog: number | null
  /** Messages published and not yet consumed by this service; null when it consumes nothing. */
  consumerLag: number | null
  deadLetters: number | null
  error?: string
}

const wanted = {
  outbox_backlog: 'outboxBacklog',
  consumer_lag: 'consumerLag',
  dead_letters_total: 'deadLetters',
} as const

/** Reads the three event-flow series from Prometheus text (summing over labels). */
export function parseFlowMetrics(
  text: string,
): Pick<ServiceFlow, 'outboxBacklog' | 'consumerLag' | 'deadLetters'> {
  const out: Pick<ServiceFlow, 'outboxBacklog' | 'consumerLag' | 'deadLetters'> = {
    outboxBacklog: null,
    consumerLag: null,
    deadLetters: null,
  }
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line)
    if (!m) continue
    const field = wanted[m[1] as keyof typeof wanted]
    if (!field) continue
    const value = Number(m[3])
    if (Number.isFinite(value)) out[field] = (out[field] ?? 0) + value
  }
  return out
}

/** Each service's event flow, read from its /metrics; a service that does not answer is `up: false`. */
export async function eventFlow(
  upstreams: Record<UpstreamName, string>,
): Promise<{ at: string; services: ServiceFlow[] }> {
  const services = await Promise.all(
    upstreamNames.map(async (service): Promise<ServiceFlow> => {
      try {
        const res = await fetch(`${upstreams[service]}/metrics`, {
          signal: AbortSignal.timeout(3_000),
        })
        if (!res.ok)
          return {
            service,
            up: false,
            outboxBacklog: null,
            consumerLag: null,
            deadLetters: null,
            error: `HTTP ${res.status}`,
          }
        return { service, up: true, ...parseFlowMetrics(await res.text()) }
      } catch (err) {
        return {
          service,
          up: false,
          outboxBacklog: null,
          consumerLag: null,
          deadLetters: null,
          error: err instanceof Error ? err.message : String(err),
        }
      }
    }),
  )
  return { at: new Date().toISOString(), services }
}
