import {
  type Admin,
  type Consumer,
  Kafka,
  type KafkaMessage,
  logLevel,
  Partitioners,
  type Producer,
} from 'kafkajs'
import type { Logger } from 'pino'
import { KafkaLogFilter } from './kafka-log.js'
import {
  DEFAULT_MAX_BATCH,
  type Delivery,
  type OutgoingMessage,
  type SubscribeOptions,
  type Subscription,
  type TopicSpec,
  type Transport,
} from './transport.js'

export interface KafkaTransportOptions {
  brokers: string[]
  clientId: string
  logger: Logger
  /** Upper bound for one produce request to be acknowledged. */
  requestTimeoutMs?: number
  /**
   * Partitions a consumer works on at once. Order holds within a partition (one learner's events
   * share one), and each message (or batch, for a batch consumer) is its own committed
   * transaction, so this is what lets a consumer use more than one database connection.
   */
  partitionsConsumedConcurrently?: number
  /**
   * How long the broker holds a fetch open when a consumer has nothing to read (1 s). A consumer
   * stops only after its fetch in flight returns, so this bounds how long a service takes to shut
   * down; new messages answer the fetch at once, so it does not delay delivery.
   */
  maxWaitTimeMs?: number
}

/**
 * The only file that imports kafkajs. Durability options are spelled out rather than left to
 * defaults: acks from all in-sync replicas, an idempotent producer with one request in flight
 * (so retries cannot reorder a learner's events), bounded retries, and consumer offsets that move
 * only after the handler has committed its effect.
 */
export class KafkaTransport implements Transport {
  readonly kind = 'kafka' as const
  private readonly kafka: Kafka
  private readonly admin: Admin
  private readonly producer: Producer
  private readonly consumers = new Set<Consumer>()
  private connected = false

  constructor(private readonly options: KafkaTransportOptions) {
    const log = options.logger.child({ component: 'kafka' })
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: 3_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      retry: { initialRetryTime: 100, maxRetryTime: 5_000, retries: 8 },
      logLevel: logLevel.WARN,
      logCreator: () => {
        const filter = new KafkaLogFilter(log)
        return ({ level, log: entry }) => {
          const { message, timestamp: _t, logger: _l, ...rest } = entry
          filter.write(level, message, rest)
        }
      },
    })
    this.admin = this.kafka.admin()
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { initialRetryTime: 100, maxRetryTime: 5_000, retries: 8 },
    })
  }

  async connect() {
    if (this.connected) return
    await this.admin.connect()
    await this.producer.connect()
    this.connected = true
  }

  async ensureTopics(specs: TopicSpec[]) {
    // A broker that has just created a topic may briefly answer "does not host this
    // topic-partition" while leaders are elected: try again a bounded number of times.
    for (let attempt = 1; ; attempt++) {
      try {
        const existing = new Set(await this.admin.listTopics())
        const missing = specs.filter((s) => !existing.has(s.name))
        if (missing.length === 0) return
        await this.admin.createTopics({
          waitForLeaders: true,
          timeout: 30_000,
          topics: missing.map((s) => ({
            topic: s.name,
            numPartitions: s.partitions,
            replicationFactor: 1,
          })),
        })
        return
      } catch (err) {
        if (attempt >= 5) throw err
        await new Promise((r) => setTimeout(r, 500 * attempt))
      }
    }
  }

  async publish(messages: OutgoingMessage[]) {
    if (messages.length === 0) return
    const byTopic = new Map<string, { key: string | null; value: string }[]>()
    for (const m of messages) {
      const list = byTopic.get(m.topic) ?? []
      list.push({ key: m.key, value: m.value })
      byTopic.set(m.topic, list)
    }
    await this.producer.sendBatch({
      acks: -1,
      timeout: this.options.requestTimeoutMs ?? 30_000,
      topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
    })
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 30_000,
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? 1_000,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 1_048_576,
      retry: { initialRetryTime: 100, maxRetryTime: 5_000, retries: 8 },
    })
    await consumer.connect()
    for (const topic of options.topics)
      await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? true })
    const delivery = (topic: string, partition: number, message: KafkaMessage): Delivery => ({
      topic,
      partition,
      offset: message.offset,
      key: message.key ? message.key.toString('utf8') : null,
      value: message.value ? message.value.toString('utf8') : '',
    })
    const common = {
      autoCommit: true,
      autoCommitInterval: 500,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 6,
    }
    const handleBatch = options.handleBatch
    if (handleBatch) {
      const max = Math.max(1, options.maxBatch ?? DEFAULT_MAX_BATCH)
      await consumer.run({
        ...common,
        // Offsets are resolved chunk by chunk below, never past a chunk that did not commit.
        eachBatchAutoResolve: false,
        eachBatch: async ({
          batch,
          resolveOffset,
          heartbeat,
          commitOffsetsIfNecessary,
          isRunning,
          isStale,
        }) => {
          const all = batch.messages.map((m) => delivery(batch.topic, batch.partition, m))
          for (let i = 0; i < all.length; i += max) {
            if (!isRunning() || isStale()) return
            const chunk = all.slice(i, i + max)
            // A chunk can take long (a failed batch is redone event by event, with retries): stay in the group meanwhile.
            const beat = setInterval(() => void heartbeat().catch(() => {}), 1_000)
            try {
              await handleBatch(chunk)
            } finally {
              clearInterval(beat)
            }
            resolveOffset(chunk[chunk.length - 1]!.offset)
            await commitOffsetsIfNecessary()
            await heartbeat()
          }
        },
      })
    } else {
      await consumer.run({
        ...common,
        eachMessage: ({ topic, partition, message }) =>
          options.handle(delivery(topic, partition, message)),
      })
    }
    this.consumers.add(consumer)
    return {
      stop: async () => {
        this.consumers.delete(consumer)
        await consumer.disconnect()
      },
    }
  }

  async resetOffsets(groupId: string, topic: string) {
    await this.admin.resetOffsets({ groupId, topic, earliest: true })
  }

  async lag(groupId: string, topics: string[]) {
    let total = 0
    for (const topic of topics) {
      const [ends, committed] = await Promise.all([
        this.admin.fetchTopicOffsets(topic),
        this.admin.fetchOffsets({ groupId, topics: [topic] }),
      ])
      const done = new Map<number, number>()
      for (const t of committed)
        for (const p of t.partitions) done.set(p.partition, Number(p.offset))
      for (const p of ends) {
        const at = done.get(p.partition) ?? -1
        total += Number(p.high) - (at < 0 ? Number(p.low) : at)
      }
    }
    return total
  }

  async ready() {
    try {
      const cluster = await this.admin.describeCluster()
      return cluster.brokers.length > 0
    } catch {
      return false
    }
  }

  async close() {
    await Promise.all([...this.consumers].map((c) => c.disconnect().catch(() => {})))
    this.consumers.clear()
    await this.producer.disconnect().catch(() => {})
    await this.admin.disconnect().catch(() => {})
    this.connected = false
  }
}
