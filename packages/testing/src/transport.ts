import { randomBytes } from 'node:crypto'
import {
  KafkaTransport,
  MemoryTransport,
  NamespacedTransport,
  type OutgoingMessage,
  type Transport,
} from '@creditbank/events'
import pino from 'pino'

/**
 * A transport for one test file: the real one underneath (Kafka when KAFKA_BROKERS is set, the
 * in-process bus otherwise), with topic and group names prefixed so files running at once on one
 * broker never see each other's events, and every published message recorded for assertions.
 */
export class TestTransport extends NamespacedTransport {
  readonly published: OutgoingMessage[] = []

  constructor(inner: Transport, prefix = `t${randomBytes(4).toString('hex')}.`) {
    super(inner, prefix)
  }

  override async publish(messages: OutgoingMessage[]) {
    await super.publish(messages)
    this.published.push(...messages)
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
