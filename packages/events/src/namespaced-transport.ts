import type {
  Delivery,
  OutgoingMessage,
  SubscribeOptions,
  Subscription,
  TopicSpec,
  Transport,
} from './transport.js'

/**
 * A transport whose topic and consumer-group names all carry a prefix, so several systems (test
 * files, a drill's cluster beside a developer's run) share one broker without seeing each
 * other's events. Consumers see the names without it.
 */
export class NamespacedTransport implements Transport {
  constructor(
    readonly inner: Transport,
    readonly prefix: string,
  ) {}

  get kind() {
    return this.inner.kind
  }

  protected name(topic: string) {
    return `${this.prefix}${topic}`
  }

  connect() {
    return this.inner.connect()
  }

  ensureTopics(specs: TopicSpec[]) {
    return this.inner.ensureTopics(specs.map((s) => ({ ...s, name: this.name(s.name) })))
  }

  publish(messages: OutgoingMessage[]) {
    return this.inner.publish(messages.map((m) => ({ ...m, topic: this.name(m.topic) })))
  }

  subscribe(o: SubscribeOptions): Promise<Subscription> {
    const unprefixed = (d: Delivery) => ({ ...d, topic: d.topic.slice(this.prefix.length) })
    const handleBatch = o.handleBatch
    return this.inner.subscribe({
      ...o,
      groupId: this.name(o.groupId),
      topics: o.topics.map((t) => this.name(t)),
      handle: (d: Delivery) => o.handle(unprefixed(d)),
      ...(handleBatch
        ? { handleBatch: (ds: Delivery[]) => handleBatch(ds.map(unprefixed)), maxBatch: o.maxBatch }
        : {}),
    })
  }

  resetOffsets(groupId: string, topic: string) {
    return this.inner.resetOffsets(this.name(groupId), this.name(topic))
  }

  lag(groupId: string, topics: string[]) {
    return this.inner.lag(
      this.name(groupId),
      topics.map((t) => this.name(t)),
    )
  }

  ready() {
    return this.inner.ready()
  }

  close() {
    return this.inner.close()
  }
}

/** The transport as is, or namespaced when a prefix is given. */
export function withNamespace(transport: Transport, prefix: string | undefined): Transport {
  return prefix ? new NamespacedTransport(transport, prefix) : transport
}
