import { KafkaTransport } from '@creditbank/events'
import { closedPort } from '@creditbank/testing'
import pino from 'pino'
import t from 'tap'

/** A logger whose lines are kept, parsed. */
function recording() {
  const lines: { level: number; msg: string; error?: string; repeatsSinceLastLogged?: number }[] =
    []
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) })
  const at = (level: 'warn' | 'error') =>
    lines.filter((l) => l.level === (level === 'warn' ? 40 : 50))
  return { logger, lines, at }
}

t.test(
  'a broker that is gone is said once a minute, not once per retry (issue 19, fault 8)',
  async (t) => {
    const { logger, at } = recording()
    const transport = new KafkaTransport({
      brokers: [`127.0.0.1:${await closedPort()}`],
      clientId: 'log-test',
      logger,
    })
    t.equal(await transport.ready(), false)
    await transport.connect().catch(() => {})
    await transport.close()
    const loud = [...at('warn'), ...at('error')]
    t.ok(loud.length > 0, 'the outage is logged')
    t.comment(`${loud.length} warning and error lines for one failed ready() and connect()`)
    const distinct = new Set(loud.map((l) => `${l.level} ${l.msg.replace(/\d+/g, '#')}`))
    t.equal(loud.length, distinct.size, `each complaint once: ${[...distinct].join(' | ')}`)
  },
)

t.test(
  'starting a producer and a consumer on a healthy broker logs no warning',
  { skip: !process.env.KAFKA_BROKERS && 'needs a real broker (KAFKA_BROKERS)' },
  async (t) => {
    const { logger, at, lines } = recording()
    const transport = new KafkaTransport({
      brokers: process.env.KAFKA_BROKERS!.split(','),
      clientId: 'log-test',
      logger,
    })
    await transport.connect()
    const topic = `log-test.${process.pid}.${Date.now()}`
    await transport.ensureTopics([{ name: topic, partitions: 2 }])
    const sub = await transport.subscribe({
      groupId: `${topic}.g`,
      topics: [topic],
      handle: async () => {},
    })
    await transport.publish([{ topic, key: 'k', value: 'v' }])
    await sub.stop()
    await transport.close()
    t.same(
      [...at('warn'), ...at('error')].map((l) => (l.error ? `${l.msg}: ${l.error}` : l.msg)),
      [],
      'no warning or error line (the idempotent-producer warning came on every start)',
    )
    t.ok(
      lines.some((l) => /idempotent producer/.test(l.msg) && l.level === 20),
      'kafkajs still says it, at debug',
    )
  },
)

t.test(
  'a broker answer that says "not now" is debug; other error answers stay errors',
  async (t) => {
    const { KafkaLogFilter, KAFKA_LEVEL } = await import('../src/kafka-log.js')
    const { logger, lines } = recording()
    const filter = new KafkaLogFilter(logger)
    // What kafkajs logged on CI right after the broker-crash drill restarted the broker.
    filter.write(KAFKA_LEVEL.ERROR, 'Response InitProducerId(key: 22, version: 1)', {
      error: "The coordinator is loading and hence can't process requests for this group",
    })
    filter.write(KAFKA_LEVEL.ERROR, 'Response JoinGroup(key: 11, version: 5)', {
      error: 'This is not the correct coordinator for this group',
    })
    filter.write(KAFKA_LEVEL.ERROR, 'Response Produce(key: 0, version: 7)', {
      error:
        'The request included a message larger than the max message size the server will accept',
    })
    t.same(
      lines.map((l) => [l.level, l.msg]),
      [
        [20, 'Response InitProducerId(key: 22, version: 1)'],
        [20, 'Response JoinGroup(key: 11, version: 5)'],
        [50, 'Response Produce(key: 0, version: 7)'],
      ],
    )
  },
)
