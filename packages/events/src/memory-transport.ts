import {
  DEFAULT_MAX_BATCH,
  type Delivery,
  type OutgoingMessage,
  type SubscribeOptions,
  type Subscription,
  type TopicSpec,
  type Transport,
} from './transport.js'

interface Group {
  topics: Set<string>
  /** Position in the log of each topic. */
  offsets: Map<string, number>
  handle?: (d: Delivery) => Promise<void>
  handleBatch?: (ds: Delivery[]) => Promise<void>
  maxBatch: number
  pumping: boolean
}

/** How many messages a topic keeps in memory; the embedded run is for one person's machine. */
const MAX_RETAINED_PER_TOPIC = 500_000

/**
 * The in-process bus: an append-only log per topic and a position per consumer group, delivered
 * one message (or one batch of consecutive messages, to a batch consumer) at a time per group, so
 * one learner's events keep their order; always asynchronously, so a publisher inside a
 * transaction never waits on a consumer.
 */
export class MemoryTransport implements Transport {
  readonly kind = 'memory' as const
  private readonly logs = new Map<string, { base: number; items: Delivery[] }>()
  private readonly groups = new Map<string, Group>()
  private closed = false

  async connect() {}

  async ensureTopics(specs: TopicSpec[]) {
    for (const s of specs) this.log(s.name)
  }

  private log(topic: string) {
    let l = this.logs.get(topic)
    if (!l) {
      l = { base: 0, items: [] }
      this.logs.set(topic, l)
    }
    return l
  }

  async publish(messages: OutgoingMessage[]) {
    if (this.closed) throw new Error('bus closed')
    for (const m of messages) {
      const l = this.log(m.topic)
      const offset = l.base + l.items.length
      l.items.push({
        topic: m.topic,
        partition: 0,
        offset: String(offset),
        key: m.key,
        value: m.value,
      })
      if (l.items.length > MAX_RETAINED_PER_TOPIC) {
        l.items.shift()
        l.base += 1
      }
    }
    for (const g of this.groups.values()) this.schedule(g)
  }

  private group(groupId: string): Group {
    let g = this.groups.get(groupId)
    if (!g) {
      g = { topics: new Set(), offsets: new Map(), maxBatch: DEFAULT_MAX_BATCH, pumping: false }
      this.groups.set(groupId, g)
    }
    return g
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const g = this.group(options.groupId)
    if (g.handle) throw new Error(`group ${options.groupId} already has a consumer in this process`)
    for (const t of options.topics) {
      g.topics.add(t)
      const l = this.log(t)
      if (options.fromBeginning === false && !g.offsets.has(t))
        g.offsets.set(t, l.base + l.items.length)
    }
    g.handle = options.handle
    g.handleBatch = options.handleBatch
    g.maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_MAX_BATCH)
    this.schedule(g)
    return {
      stop: async () => {
        g.handle = undefined
        g.handleBatch = undefined
        while (g.pumping) await new Promise((r) => setTimeout(r, 5))
      },
    }
  }

  private schedule(g: Group) {
    if (g.pumping || !g.handle || this.closed) return
    g.pumping = true
    setImmediate(() => {
      this.pump(g).then(
        () => {
          g.pumping = false
          if (this.hasPending(g)) this.schedule(g)
        },
        () => {
          // Only a stopping consumer throws here; try again shortly rather than spin.
          setTimeout(() => {
            g.pumping = false
            this.schedule(g)
          }, 100)
        },
      )
    })
  }

  /** The next pending messages of one topic, in order: one, or up to maxBatch for a batch consumer. */
  private next(g: Group): Delivery[] {
    const max = g.handleBatch ? g.maxBatch : 1
    for (const t of g.topics) {
      const l = this.log(t)
      const at = Math.max(g.offsets.get(t) ?? 0, l.base)
      if (at - l.base < l.items.length) return l.items.slice(at - l.base, at - l.base + max)
    }
    return []
  }

  private hasPending(g: Group) {
    return !!g.handle && !this.closed && this.next(g).length > 0
  }

  private async pump(g: Group) {
    for (let ds = this.next(g); ds.length && g.handle && !this.closed; ds = this.next(g)) {
      // A handler that throws keeps the position: the consumer wrapper owns retries and dead letters.
      if (g.handleBatch) await g.handleBatch(ds)
      else await g.handle(ds[0]!)
      const last = ds[ds.length - 1]!
      g.offsets.set(last.topic, Number(last.offset) + 1)
    }
  }

  async resetOffsets(groupId: string, topic: string) {
    this.group(groupId).offsets.set(topic, 0)
  }

  async lag(groupId: string, topics: string[]) {
    const g = this.groups.get(groupId)
    let total = 0
    for (const t of topics) {
      const l = this.log(t)
      total += l.base + l.items.length - Math.max(g?.offsets.get(t) ?? 0, l.base)
    }
    return total
  }

  /** Every message on a topic still retained (tests read dead letters this way). */
  messages(topic: string): readonly Delivery[] {
    return this.log(topic).items
  }

  async ready() {
    return !this.closed
  }

  async close() {
    this.closed = true
  }
}
