import { randomUUID } from 'node:crypto'
import { forSchema } from '@creditbank/db'
import { OutboxRelay, outboxSignal, writeOutbox } from '@creditbank/events'
import { eventually, testPlatform } from '@creditbank/testing'
import pino from 'pino'
import t from 'tap'
import { eventsTestSchema } from './fixture.js'

/**
 * The relay sleeps until a commit wakes it (issue 19, idle cost): with a fallback poll of a
 * minute, every event here can only leave in time because something woke a relay.
 */
const logger = pino({ level: 'silent' })
const TOPIC = 'creditbank.accounts.v1'
const POLL_MS = 60_000
const platform = await testPlatform(eventsTestSchema)
t.teardown(() => platform.close())
const db = forSchema<any>(platform.database, 'evt_test')
await platform.transport.ensureTopics([{ name: TOPIC, partitions: 3 }])

const claimed = () => {
  const learnerId = randomUUID()
  return {
    type: 'accounts.learner.claimed',
    subject: learnerId,
    data: { learnerId, userId: randomUUID() },
  }
}
const write = (n = 1) =>
  db.transaction().execute((trx) => writeOutbox(trx, '/test', Array.from({ length: n }, claimed)))
const publishedIds = () => new Set(platform.transport.events().map((e) => e.id))

t.test('an idle relay publishes when woken', async (t) => {
  const relay = new OutboxRelay({
    db,
    name: 'evt_wake',
    transport: platform.transport,
    logger,
    idleMs: POLL_MS,
  })
  await relay.start()
  t.teardown(() => relay.stop())
  for (let i = 0; i < 3; i++) {
    const written = await write(2)
    relay.wake()
    await eventually(async () => written.every((e) => publishedIds().has(e.id)), 10_000)
  }
  await eventually(async () => (await relay.backlog()) === 0, 10_000)
})

const onPostgres = platform.database.kind === 'postgres'

t.test(
  'a wake that comes while a drain runs leads to another drain',
  { skip: !onPostgres && 'PGlite has one connection: nothing commits while a drain runs' },
  async (t) => {
    let release: (() => void) | undefined
    const relay = new OutboxRelay({
      db,
      name: 'evt_wake_busy',
      transport: platform.transport,
      logger,
      idleMs: POLL_MS,
      afterRead: async (n) => {
        if (n > 0 || release) return
        await new Promise<void>((r) => {
          release = r
        })
      },
    })
    await relay.start()
    t.teardown(() => relay.stop())
    relay.wake() // drains an empty outbox and stays in that drain
    await eventually(async () => !!release, 10_000)
    const late = await write()
    relay.wake()
    release!()
    await eventually(async () => publishedIds().has(late[0]!.id), 10_000)
  },
)

t.test(
  'a commit in one replica reaches the replica that holds the lock (LISTEN/NOTIFY)',
  { skip: !onPostgres && 'LISTEN/NOTIFY needs real Postgres' },
  async (t) => {
    let release: (() => void) | undefined
    const replica = (name: string, holdEmptyDrain: boolean) =>
      new OutboxRelay({
        db,
        name: 'evt_replicas',
        transport: platform.transport,
        logger: logger.child({ replica: name }),
        idleMs: POLL_MS,
        signal: outboxSignal(platform.database, 'evt_replicas'),
        ...(holdEmptyDrain
          ? {
              afterRead: async (n: number) => {
                if (n > 0 || release) return
                await new Promise<void>((r) => {
                  release = r
                })
              },
            }
          : {}),
      })
    const a = replica('a', true)
    const b = replica('b', false)
    t.teardown(async () => {
      await a.stop()
      await b.stop()
    })
    await a.start()
    a.wake() // a finds the outbox empty and holds the lock, as if its read came just before…
    await eventually(async () => !!release, 10_000)
    // b starts only now: had its first drain held the lock when a woke, a would have left the
    // drain to b and never read (the race CI's real pass once lost).
    await b.start()
    const written = await write() // …this commit, in b's process
    b.wake() // b cannot take the lock: it notifies a
    await new Promise((r) => setTimeout(r, 300))
    release!()
    await eventually(async () => publishedIds().has(written[0]!.id), 10_000)
    // The relay counts a publication once its drain has committed, a moment after the broker has it.
    await eventually(async () => a.published + b.published > 0, 10_000)
    t.equal(a.published, 1, 'a published it, long before its minute-long fallback poll')
    t.equal(b.published, 0, 'b left it to a (it notified a rather than retrying itself)')
  },
)
