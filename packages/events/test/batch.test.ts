import { randomUUID } from 'node:crypto'
import { forSchema } from '@creditbank/db'
import { batchHandler, type CloudEvent, createEvent, EventConsumer } from '@creditbank/events'
import { eventually, testPlatform } from '@creditbank/testing'
import type { Kysely } from 'kysely'
import pino from 'pino'
import t from 'tap'
import { eventsTestSchema } from './fixture.js'

const logger = pino({ level: 'silent' })
const platform = await testPlatform(eventsTestSchema)
t.teardown(() => platform.close())
const db = forSchema<any>(platform.database, 'evt_test')
const { transport } = platform

// One learner, so one key and one partition: the order of the events is the order they must be applied in.
const learnerId = randomUUID()
const claimed = () =>
  createEvent('/test', {
    type: 'accounts.learner.claimed',
    subject: learnerId,
    data: { learnerId, userId: randomUUID() },
  })
const opened = () =>
  createEvent('/test', {
    type: 'accounts.learner.opened',
    subject: learnerId,
    data: {
      learnerId,
      accountNo: 'A-1',
      category: 'student',
      openedByOrgId: null,
      birthDate: null,
    },
  })
const publish = (topic: string, events: (CloudEvent | string)[]) =>
  transport.publish(
    events.map((e) => ({
      topic,
      key: learnerId,
      value: typeof e === 'string' ? e : JSON.stringify(e),
    })),
  )

/** A consumer whose claimed events go through a batch handler and opened events one by one; it records the size of each run. */
function consumer(
  groupId: string,
  topic: string,
  poison = new Set<string>(),
  around?: ConstructorParameters<typeof EventConsumer>[0]['around'],
) {
  const runs: number[] = []
  const record = (trx: Kysely<any>, events: CloudEvent<any>[]) =>
    trx
      .insertInto('applied')
      .values(events.map((e) => ({ group_id: groupId, event_id: e.id, type: e.type })))
      .execute()
  const c = new EventConsumer({
    groupId,
    topics: [topic],
    db,
    transport,
    logger,
    retryBaseMs: 1,
    maxAttempts: 3,
    ...(around ? { around } : {}),
    handlers: {
      'accounts.learner.claimed': batchHandler(async (trx, events) => {
        runs.push(events.length)
        if (events.some((e) => poison.has(e.id))) throw new Error('cannot apply this one')
        await record(trx, events)
      }),
      'accounts.learner.opened': async (trx, e) => {
        await record(trx, [e])
      },
    },
  })
  return { c, runs }
}

const appliedIds = async (groupId: string) =>
  (
    await db
      .selectFrom('applied')
      .select('event_id')
      .where('group_id', '=', groupId)
      .orderBy('seq')
      .execute()
  ).map((r) => r.event_id as string)
const inboxIds = async (groupId: string) =>
  (
    await db.selectFrom('inbox_event').select('event_id').where('consumer', '=', groupId).execute()
  ).map((r) => r.event_id as string)
const deadLetters = (c: EventConsumer) =>
  transport.published.filter((m) => m.topic === c.dlqTopic).map((m) => JSON.parse(m.value))

t.test(
  `a batch consumer applies runs of a partition's events together, in order, once (${transport.kind})`,
  async (t) => {
    const topic = 'evt.batch.order'
    await transport.ensureTopics([{ name: topic, partitions: 3 }])
    const events = [
      ...Array.from({ length: 8 }, claimed),
      opened(),
      ...Array.from({ length: 11 }, claimed),
    ]
    const twice = events[3]!
    // Published before the consumer starts, so its first fetch holds them all; one event comes twice (a relay's republish).
    await publish(topic, [...events.slice(0, 5), twice, ...events.slice(5)])
    const { c, runs } = consumer('g-order', topic)
    await c.start()
    await eventually(
      async () =>
        (await transport.lag('g-order', [topic])) === 0 &&
        (await appliedIds('g-order')).length >= events.length,
    )
    t.same(
      await appliedIds('g-order'),
      events.map((e) => e.id),
      'every event applied once, in the order published',
    )
    t.same(
      (await inboxIds('g-order')).sort(),
      events.map((e) => e.id).sort(),
      'one inbox row each, committed with the effect',
    )
    t.ok(
      Math.max(...runs) > 1,
      `runs of consecutive claimed events went to the handler together (${runs.join(', ')})`,
    )
    t.equal(
      runs.reduce((a, b) => a + b, 0),
      19,
      'each claimed event reached the batch handler once; the opened one went one by one',
    )
    t.match(c.stats, { applied: 20, duplicates: 1, deadLettered: 0 })
    await c.stop()

    // The whole topic again: the inbox recognises every event, nothing is applied twice.
    await transport.resetOffsets('g-order', topic)
    const runsBefore = runs.length
    await c.start()
    await eventually(async () => c.stats.duplicates >= 1 + events.length + 1)
    t.same(
      await appliedIds('g-order'),
      events.map((e) => e.id),
      'a replay applies nothing new',
    )
    t.equal(runs.length, runsBefore, 'the handler is not even called for known events')
    t.equal(c.stats.applied, 20)
    await c.stop()
  },
)

t.test(
  'a poison event in the middle of a batch is retried and dead-lettered alone; the others are applied once, in order',
  async (t) => {
    const topic = 'evt.batch.poison'
    await transport.ensureTopics([{ name: topic, partitions: 3 }])
    const before = Array.from({ length: 5 }, claimed)
    const poison = claimed()
    const after = [opened(), ...Array.from({ length: 5 }, claimed)]
    await publish(topic, [...before, poison, 'not json at all', ...after])
    const { c, runs } = consumer('g-poison', topic, new Set([poison.id]))
    await c.start()
    await eventually(
      async () => c.stats.deadLettered >= 2 && (await transport.lag('g-poison', [topic])) === 0,
    )
    const good = [...before, ...after].map((e) => e.id)
    t.same(await appliedIds('g-poison'), good, 'the others applied once each, in order')
    t.notOk((await inboxIds('g-poison')).includes(poison.id), 'the poison event left no inbox row')
    const dead = deadLetters(c)
    t.equal(dead.length, 2, 'the poison event and the malformed one, nothing else')
    t.ok(
      dead.some(
        (d) =>
          d.attempts === 3 &&
          d.error === 'cannot apply this one' &&
          JSON.parse(d.value).id === poison.id,
      ),
      'the poison event after its bounded retries',
    )
    t.ok(
      dead.some((d) => d.attempts === 0 && d.value === 'not json at all'),
      'the malformed one at once',
    )
    t.ok(runs[0]! > 1, 'the first try was the whole run at once')
    t.equal(c.stats.applied, good.length)
    await c.stop()
  },
)

t.test(
  'around sees each transaction’s new events once, before and after their handlers, in it',
  async (t) => {
    const topic = 'evt.batch.around'
    await transport.ensureTopics([{ name: topic, partitions: 3 }])
    const events = [
      ...Array.from({ length: 6 }, claimed),
      opened(),
      ...Array.from({ length: 4 }, claimed),
    ]
    await publish(topic, [...events, events[2]!])
    const seen: { ids: string[]; before: number; after: number }[] = []
    const count = async (trx: Kysely<any>) =>
      Number(
        (
          await trx
            .selectFrom('applied')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('group_id', '=', 'g-around')
            .executeTakeFirstOrThrow()
        ).n,
      )
    const { c } = consumer('g-around', topic, new Set(), async (trx, evs, apply) => {
      const before = await count(trx)
      await apply()
      seen.push({ ids: evs.map((e) => e.id), before, after: await count(trx) })
    })
    await c.start()
    await eventually(
      async () =>
        (await transport.lag('g-around', [topic])) === 0 &&
        (await appliedIds('g-around')).length >= events.length,
    )
    t.same(
      seen.flatMap((s) => s.ids),
      events.map((e) => e.id),
      'every new event once, in order; the redelivered one not again',
    )
    t.ok(
      seen.every((s) => s.after - s.before === s.ids.length),
      'before its handlers ran, and after them, in the same transaction',
    )
    t.ok(
      seen.some((s) => s.ids.length > 1),
      'a batch is one call',
    )
    await c.stop()
  },
)
