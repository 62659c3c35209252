import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'

/** Every address a host name has (A and AAAA, /etc/hosts included), as the system resolver answers. */
export type Resolve = (host: string) => Promise<string[]>

export const resolveAll: Resolve = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address)

export interface BalancerOptions {
  /** How long a name's addresses are used before it is resolved again (replicas come and go). */
  ttlMs?: number
  /** How long a replica that refused a connection is left out. */
  downMs?: number
  resolve?: Resolve
  now?: () => number
}

interface Target {
  base: string
  downUntil: number
}

/**
 * The replicas of one service, taken in turn. Each configured base URL is either an address (kept
 * as it is) or a host name, resolved to all its addresses: with `docker compose --scale
 * accounts=3` the name `accounts` has three, and each request goes to the next one. A replica that
 * fails is left out for `downMs`; when every replica is out, all are tried again. A name that does
 * not resolve keeps its last addresses (or the name itself, so the request fails and says so).
 */
export class Balancer {
  private targets: Target[] = []
  private resolvedAt = Number.NEGATIVE_INFINITY
  private refreshing: Promise<void> | null = null
  private turn = 0
  private readonly ttlMs: number
  private readonly downMs: number
  private readonly resolve: Resolve
  private readonly now: () => number

  constructor(
    private readonly bases: readonly string[],
    o: BalancerOptions = {},
  ) {
    if (bases.length === 0) throw new Error('a balancer needs at least one base URL')
    this.ttlMs = o.ttlMs ?? 5_000
    this.downMs = o.downMs ?? 5_000
    this.resolve = o.resolve ?? resolveAll
    this.now = o.now ?? Date.now
  }

  /** The base URL (scheme, address, port) the next request goes to. */
  async next(): Promise<string> {
    if (this.now() - this.resolvedAt >= this.ttlMs) await this.refresh()
    const now = this.now()
    const up = this.targets.filter((t) => t.downUntil <= now)
    const pool = up.length > 0 ? up : this.targets
    this.turn = (this.turn + 1) % 1_000_000_000
    return pool[this.turn % pool.length]!.base
  }

  /** Leaves a replica out for a while after it refused or dropped a connection. */
  markDown(base: string) {
    for (const t of this.targets) if (t.base === base) t.downUntil = this.now() + this.downMs
  }

  /** Every replica's base URL as last resolved (for health checks and the event-flow page). */
  async all(): Promise<string[]> {
    if (this.now() - this.resolvedAt >= this.ttlMs) await this.refresh()
    return this.targets.map((t) => t.base)
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.expand()
      .then((bases) => {
        const down = new Map(this.targets.map((t) => [t.base, t.downUntil]))
        this.targets = bases.map((base) => ({ base, downUntil: down.get(base) ?? 0 }))
        this.resolvedAt = this.now()
      })
      .finally(() => {
        this.refreshing = null
      })
    return this.refreshing
  }

  /** Each base's addresses as last resolved, kept when a name stops resolving for a moment. */
  private readonly lastKnown = new Map<string, string[]>()

  private async expand(): Promise<string[]> {
    const out = new Set<string>()
    for (const base of this.bases) for (const b of await this.expandOne(base)) out.add(b)
    return [...out]
  }

  private async expandOne(base: string): Promise<string[]> {
    const url = new URL(base)
    if (isIP(url.hostname.replace(/^\[|\]$/g, ''))) return [url.origin]
    const addresses = await this.resolve(url.hostname).catch(() => [] as string[])
    if (addresses.length === 0) return this.lastKnown.get(base) ?? [url.origin]
    const origins = addresses.map((a) => {
      const copy = new URL(url.origin)
      copy.hostname = isIP(a) === 6 ? `[${a}]` : a
      return copy.origin
    })
    this.lastKnown.set(base, origins)
    return origins
  }
}

/** A comma-separated list of base URLs (one per replica, or a name that resolves to them all). */
export function parseBases(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim().replace(/\/+$/, ''))
    .filter(Boolean)
}
