/** What the outbox relay hands to a transport, and what a transport hands to a consumer. */
export interface OutgoingMessage {
  topic: string
  key: string | null
  value: string
}

export interface Delivery {
  topic: string
  partition: number
  offset: string
  key: string | null
  value: string
}

export interface TopicSpec {
  name: string
  partitions: number
}

export interface SubscribeOptions {
  groupId: string
  topics: string[]
  /** Resolves when the effect is committed; only then may the offset move past the message. */
  handle(delivery: Delivery): Promise<void>
  /**
   * Optional. When given, the transport calls this instead of `handle`, with consecutive messages
   * of one partition in offset order (at most `maxBatch`); it resolves when every effect is
   * committed, and only then may the offset move past the last of them.
   */
  handleBatch?(deliveries: Delivery[]): Promise<void>
  /** The most messages one `handleBatch` call gets (default 100). */
  maxBatch?: number
  /**
   * Where a new group starts: at each topic's beginning (the default: a service's consumer must
   * see every event) or its end (a process that only needs what happens from now on).
   */
  fromBeginning?: boolean
}

export const DEFAULT_MAX_BATCH = 100

export interface Subscription {
  stop(): Promise<void>
}

/**
 * The port both transports implement: Kafka for deployments and CI, an in-process bus for the
 * single-process embedded run. Same outbox, same inbox, same tests.
 */
export interface Transport {
  readonly kind: 'kafka' | 'memory'
  connect(): Promise<void>
  ensureTopics(specs: TopicSpec[]): Promise<void>
  /** Resolves once every message is acknowledged (by all in-sync replicas, on Kafka). */
  publish(messages: OutgoingMessage[]): Promise<void>
  subscribe(options: SubscribeOptions): Promise<Subscription>
  /** Moves a stopped group back to the start of a topic (replays). */
  resetOffsets(groupId: string, topic: string): Promise<void>
  /** Messages published but not yet consumed by the group, summed over partitions. */
  lag(groupId: string, topics: string[]): Promise<number>
  ready(): Promise<boolean>
  close(): Promise<void>
}
