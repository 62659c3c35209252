import { randomBytes } from 'node:crypto'
import {
  type Delivery,
  KafkaTransport,
  MemoryTransport,
  type OutgoingMessage,
  type SubscribeOptions,
  type TopicSpec,
  type Transport,
} from '@creditbank/events'
import pino from 'pino'

/**
 * A transport for one test file: the real one underneath (Kafka when KAFKA_BROKERS is set, the
 * in-process bus otherwise), with topic and group names prefixed so files running at once on one
 * broker never see each other's events, and every published message recorded for assertions.
 */
export class TestTransport implements Transport {
  readonly published: OutgoingMessage[] = []
  readonly prefix: string

  constructor(
    readonly inner: Transport,
    prefix = `t${randomBytes(4).toString('hex')}.`,
  ) {
    this.prefix = prefix
  }

  get kind() {
    return this.inner.kind
  }

  private name(topic: string) {
    return `${this.prefix}${topic}`
  }

  connect() {
    return this.inner.connect()
  }

  ensureTopics(specs: TopicSpec[]) {
    return this.inner.ensureTopics(specs.map((s) => ({ ...s, name: this.name(s.name) })))
  }

  async publish(messages: OutgoingMessage[]) {
    await this.inner.publish(messages.map((m) => ({ ...m, topic: this.name(m.topic) })))
    this.published.push(...messages)
  }

  subscribe(o: SubscribeOptions) {
    const unprefixed = (d: Delivery) => ({ ...d, topic: d.topic.slice(this.prefix.length) })
    const handleBatch = o.handleBatch
    return this.inner.subscribe({
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

  /** Published events of one type, parsed. */
  events<T = any>(type?: string): { id: string; type: string; subject?: string; data: T }[] {
    return this.published.map((m) => JSON.parse(m.value)).filter((e) => !type || e.type === type)
  }
}

export function testTransport(brokers = process.env.KAFKA_BROKERS): TestTransport {
  const inner: Transport = brokers
    ? new KafkaTransport({
        brokers: brokers.split(','),
        clientId: 'creditbank-test',
        logger: pino({ level: 'warn' }),
      })
    : new MemoryTransport()
  return new TestTransport(inner)
}
