import { randomUUID } from 'node:crypto'
import { forSchema } from '@creditbank/db'
import { type CloudEvent, EventConsumer, OutboxRelay, writeOutbox } from '@creditbank/events'
import { eventually, testPlatform } from '@creditbank/testing'
import type { Kysely } from 'kysely'
import pino from 'pino'
import t from 'tap'
import { eventsTestSchema } from './fixture.js'

const logger = pino({ level: 'silent' })
const TOPIC = 'creditbank.accounts.v1'

const platform = await testPlatform(eventsTestSchema)
t.teardown(() => platform.close())
const db = forSchema<any>(platform.database, 'evt_test')
await platform.transport.ensureTopics([{ name: TOPIC, partitions: 3 }])

function claimed(learnerId = randomUUID()) {
  return {
    type: 'accounts.learner.claimed',
    subject: learnerId,
    data: { learnerId, userId: randomUUID() },
  }
}

const effects = async (groupId: string) =>
  Number(
    (
      await db
        .selectFrom('effect')
        .where('group_id', '=', groupId)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

function consumer(groupId: string, onEvent?: (e: CloudEvent<any>) => void) {
  return new EventConsumer({
    groupId,
    topics: [TOPIC],
    db,
    transport: platform.transport,
    logger,
    retryBaseMs: 5,
    maxAttempts: 3,
    handlers: {
      'accounts.learner.claimed': async (trx: Kysely<any>, e) => {
        onEvent?.(e)
        await trx
          .insertInto('effect')
          .values({ group_id: groupId, event_id: e.id, learner_id: e.data.learnerId })
          .execute()
      },
    },
  })
}

t.test(`an outboxed event reaches a consumer once over ${platform.transport.kind}`, async (t) => {
  const relay = new OutboxRelay({
    db,
    name: 'evt_test',
    transport: platform.transport,
    logger,
    idleMs: 5,
  })
  const c = consumer('g-basic')
  await c.start()
  relay.start()
  const written = await db
    .transaction()
    .execute((trx) => writeOutbox(trx, '/test', [claimed(), claimed()]))
  await eventually(async () => (await effects('g-basic')) >= 2)
  t.equal(await effects('g-basic'), 2, 'one effect per event')
  t.equal(await relay.backlog(), 0, 'the outbox is drained')
  const inbox = await db
    .selectFrom('inbox_event')
    .select('event_id')
    .where('consumer', '=', 'g-basic')
    .execute()
  t.same(
    inbox.map((r) => r.event_id).sort(),
    written.map((e) => e.id).sort(),
    'inbox rows commit with the effect',
  )
  await relay.stop()
  await c.stop()
})

t.test('an event rolled back with its transaction is never published', async (t) => {
  const before = platform.transport.published.length
  await db
    .transaction()
    .execute(async (trx) => {
      await writeOutbox(trx, '/test', [claimed()])
      throw new Error('use case failed')
    })
    .catch(() => {})
  const relay = new OutboxRelay({ db, name: 'evt_test', transport: platform.transport, logger })
  t.equal(await relay.drainOnce(), 0)
  t.equal(platform.transport.published.length, before)
})

t.test('an invalid payload is refused at the outbox and nothing is written', async (t) => {
  await t.rejects(
    db
      .transaction()
      .execute((trx) =>
        writeOutbox(trx, '/test', [
          { type: 'accounts.learner.claimed', data: { learnerId: 'nope' } },
        ]),
      ),
    /invalid accounts.learner.claimed/,
  )
  t.equal(
    await new OutboxRelay({
      db,
      name: 'evt_test',
      transport: platform.transport,
      logger,
    }).backlog(),
    0,
  )
})

t.test(
  'a relay killed between publish and delete republishes; the effect still happens once',
  async (t) => {
    let crash = true
    const crashing = new OutboxRelay({
      db,
      name: 'evt_test',
      transport: platform.transport,
      logger,
      afterPublish: async () => {
        if (crash) throw new Error('killed between publish and mark')
      },
    })
    await db
      .transaction()
      .execute((trx) => writeOutbox(trx, '/test', [claimed(), claimed(), claimed()]))
    await t.rejects(crashing.drainOnce(), /killed/)
    crash = false
    t.equal(await crashing.drainOnce(), 3, 'the same batch goes out again')
    const c = consumer('g-dup')
    await c.start()
    // g-dup also sees the earlier tests' events; wait for its lag to reach zero.
    await eventually(
      async () => (await platform.transport.lag('g-dup', [TOPIC])) === 0 && c.stats.duplicates >= 3,
    )
    t.equal(await effects('g-dup'), 5, 'the two earlier events and each of the three applied once')
    t.equal(c.stats.deadLettered, 0)
    await c.stop()
  },
)

t.test('replaying the whole topic from offset 0 applies nothing new', async (t) => {
  const c = consumer('g-replay')
  await c.start()
  await eventually(async () => (await platform.transport.lag('g-replay', [TOPIC])) === 0)
  await c.stop()
  const before = await effects('g-replay')
  t.equal(before, 5)
  const beforeDup = c.stats.duplicates
  await platform.transport.resetOffsets('g-replay', TOPIC)
  await c.start()
  await eventually(async () => (await platform.transport.lag('g-replay', [TOPIC])) === 0)
  t.equal(await effects('g-replay'), before, 'no new effects')
  t.ok(c.stats.duplicates > beforeDup, 'the replayed events were recognised')
  await c.stop()
})

t.test('a poison event lands in the dead-letter topic and later events still flow', async (t) => {
  const seen: string[] = []
  const poisonId = randomUUID()
  const c = new EventConsumer({
    groupId: 'g-poison',
    topics: [TOPIC],
    db,
    transport: platform.transport,
    logger,
    retryBaseMs: 1,
    maxAttempts: 3,
    handlers: {
      'accounts.learner.claimed': async (trx: Kysely<any>, e) => {
        if (e.data.learnerId === poisonId) throw new Error('cannot apply this one')
        seen.push(e.data.learnerId)
        await trx
          .insertInto('effect')
          .values({ group_id: 'g-poison', event_id: e.id, learner_id: e.data.learnerId })
          .execute()
      },
    },
  })
  const after = claimed()
  await platform.transport.publish([
    { topic: TOPIC, key: null, value: 'not json at all' },
    {
      topic: TOPIC,
      key: null,
      value: JSON.stringify({
        specversion: '1.0',
        id: randomUUID(),
        source: '/x',
        type: 'accounts.learner.claimed',
        time: new Date().toISOString(),
        data: { learnerId: 'bad' },
      }),
    },
  ])
  const relay = new OutboxRelay({ db, name: 'evt_test', transport: platform.transport, logger })
  await db.transaction().execute((trx) => writeOutbox(trx, '/test', [claimed(poisonId), after]))
  await relay.drainOnce()
  await c.start()
  // On Kafka the four land on different partitions, so wait for all of them, in any order.
  await eventually(async () => seen.includes(after.data.learnerId) && c.stats.deadLettered >= 3)
  t.equal(c.stats.deadLettered, 3, 'malformed, invalid and failing events are parked')
  const dead = platform.transport.published
    .filter((m) => m.topic === c.dlqTopic)
    .map((m) => JSON.parse(m.value))
  t.equal(dead.length, 3)
  t.ok(
    dead.some(
      (d) => d.groupId === 'g-poison' && d.attempts === 3 && d.error === 'cannot apply this one',
    ),
    'the failing one after its bounded retries',
  )
  const inbox = await db
    .selectFrom('inbox_event')
    .select('event_id')
    .where('consumer', '=', 'g-poison')
    .execute()
  t.notOk(
    inbox.some((r) =>
      dead.some((d) => d.value.includes(r.event_id) && d.error === 'cannot apply this one'),
    ),
    'the failed event left no inbox row',
  )
  await c.stop()
})
