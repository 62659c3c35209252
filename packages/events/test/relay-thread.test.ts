import { randomUUID } from 'node:crypto'
import { forSchema } from '@creditbank/db'
import { RelayThread, type Transport } from '@creditbank/events'
import { eventually, testPlatform } from '@creditbank/testing'
import pino from 'pino'
import t from 'tap'
import { eventsTestSchema } from './fixture.js'

/**
 * The relay on a thread of its own, against real Postgres and Kafka: the thread opens its own
 * connection to this file's database and its own producer. Embedded mode has neither a database
 * a second thread can open nor a broker, and services there keep the relay on the main thread.
 */
const skip =
  !process.env.DATABASE_URL || !process.env.KAFKA_BROKERS
    ? 'the relay thread needs Postgres and Kafka (DATABASE_URL, KAFKA_BROKERS)'
    : false
const logger = pino({ level: 'silent' })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

t.test(
  'a relay thread publishes the outbox, starts again after a crash, and stops when asked',
  { skip },
  async (t) => {
    const platform = await testPlatform(eventsTestSchema)
    t.teardown(() => platform.close())
    const db = forSchema<any>(platform.database, 'evt_test')
    const url = new URL(process.env.DATABASE_URL!)
    url.pathname = `/${platform.db.name}`
    // Rows name a topic of this run's own, so nothing else on the broker sees them or is seen.
    const topic = `t${randomUUID().slice(0, 8)}.relay-thread`
    const kafka = (platform.transport as unknown as { inner: Transport }).inner
    await kafka.ensureTopics([{ name: topic, partitions: 3 }])
    const seen = new Map<string, number>()
    const sub = await kafka.subscribe({
      groupId: `g-${topic}`,
      topics: [topic],
      handle: async (d) => {
        const id = (JSON.parse(d.value) as { id: string }).id
        seen.set(id, (seen.get(id) ?? 0) + 1)
      },
    })
    t.teardown(() => sub.stop())
    const write = async (n: number) => {
      const rows = Array.from({ length: n }, () => {
        const id = randomUUID()
        return {
          event_id: id,
          topic,
          key: randomUUID(),
          type: 'test.thing.happened',
          value: JSON.stringify({ id, type: 'test.thing.happened' }),
        }
      })
      await db.insertInto('outbox_event').values(rows).execute()
      return rows.map((r) => r.event_id)
    }

    const relay = new RelayThread(
      {
        databaseUrl: url.toString(),
        schema: 'evt_test',
        brokers: process.env.KAFKA_BROKERS!.split(','),
        clientId: 'relay-thread-test',
        name: 'relay-thread-test',
        logLevel: 'silent',
        idleMs: 10,
      },
      db,
      logger,
      100,
    )
    await relay.start()
    const first = await write(300)
    relay.wake()
    await eventually(
      async () => first.every((id) => seen.has(id)) && (await relay.backlog()) === 0,
      60_000,
    )
    t.ok(
      first.every((id) => seen.get(id) === 1),
      'each of 300 events published once',
    )

    // A crash of the thread: the outbox keeps what it holds, and a new thread publishes it.
    await relay.terminate()
    const second = await write(200)
    await eventually(
      async () => second.every((id) => seen.has(id)) && (await relay.backlog()) === 0,
      60_000,
    )
    t.equal(relay.restarts, 1, 'the thread was started again once')

    // Stopped: the thread ends and publishes nothing more; what is written meanwhile waits.
    await relay.stop()
    const third = await write(50)
    relay.wake()
    await sleep(500)
    t.equal(await relay.backlog(), 50, 'events written after the stop stay in the outbox')
    t.notOk(
      third.some((id) => seen.has(id)),
      'and are not published',
    )
    t.equal(relay.restarts, 1, 'a requested stop is not a crash')
  },
)
