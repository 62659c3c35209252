import { randomUUID } from 'node:crypto'
import { createEvent } from '@creditbank/events'
import { eventually } from '@creditbank/testing'
import t from 'tap'
import { autoRule, buildRecognition } from './helper.js'

// Outcomes published together reach the worker as one batch of a partition (one transaction, set-wise);
// these tests hold it to the results of applying them one by one, and to the consumer's guarantees.
const r = await buildRecognition()
t.teardown(() => r.close())

const school = await r.organization('school')
await r.createRule(autoRule(school, { code: 'B-CAP', limits: { maxCreditsPerYear: '6' } }))
const certificate = (learnerId: string) =>
  r.outcome(learnerId, {
    kind: 'certificate',
    title: 'Web前端开发',
    typeCode: 'WEB-FE',
    level: 'senior',
    credits: '10',
    occurredOn: '2026-01-10',
  })
const TOPIC = 'creditbank.accounts.v1'
const publish = (events: ReturnType<typeof createEvent>[]) =>
  r.platform.transport.publish(
    events.map((e) => ({ topic: TOPIC, key: e.subject ?? null, value: JSON.stringify(e) })),
  )
const inboxed = async (ids: string[]) =>
  (await r.db.selectFrom('inbox_event').select('event_id').where('event_id', 'in', ids).execute())
    .length
const deadLetters = () =>
  r.platform.transport.published
    .filter((m) => m.topic === r.events.consumer!.dlqTopic)
    .map((m) => JSON.parse(m.value))

t.test(
  'a batch of outcomes opens what one by one would: caps counted across it, an entry twice opened once',
  async (t) => {
    const a = randomUUID()
    const b = randomUUID()
    await r.deliver([r.enrollment(a, school, 'P-WEB'), r.enrollment(b, school, 'P-WEB')])
    const [a1, a2, a3, b1] = [certificate(a), certificate(a), certificate(a), certificate(b)]
    const refusedBefore = r.stats.refused
    // a2 again under another event id, inside the same batch: the entry is recorded once, so it opens once.
    await r.deliver([a1, a2, { ...a2, data: { ...a2.data } }, b1, a3])
    const apps = await r.applicationsOf(a)
    t.same(
      apps.map((x) => [x.trigger_entry_id, x.credits]),
      [
        [a1.data.entryId, '4.00'],
        [a2.data.entryId, '2.00'],
      ],
      'in event order: 4, then capped to the 2 left of the yearly 6; the third refused',
    )
    t.match(apps[1]!.limits_applied, [{ limit: 'maxCreditsPerYear', from: '4', to: '2' }])
    t.equal(r.stats.refused, refusedBefore + 1, 'the third is refused by the cap')
    t.same(
      (await r.applicationsOf(b)).map((x) => x.credits),
      ['4.00'],
      "another learner's caps are their own",
    )
    t.equal(await r.count('source_use'), 3, 'each approval claimed its source once')
  },
)

t.test(
  'a poison outcome in the middle of a batch is dead-lettered after its retries; the others open once; a replay adds nothing',
  async (t) => {
    const learners = Array.from({ length: 4 }, () => randomUUID())
    await r.deliver(learners.map((l) => r.enrollment(l, school, 'P-WEB')))
    const good = learners.map(certificate)
    // Valid by the contract, refused by the database (year 0 is no date in Postgres): it can never be applied.
    const poison = {
      ...certificate(learners[0]!),
      data: { ...certificate(learners[0]!).data, occurredOn: '0000-01-01' },
    }
    const events = [good[0]!, good[1]!, poison, good[2]!, good[3]!].map((e) =>
      createEvent('/creditbank/accounts', e),
    )
    const appsBefore = await r.count('application')
    const deadBefore = deadLetters().length
    await publish(events)
    const goodIds = events.filter((e) => e.data !== poison.data).map((e) => e.id)
    await eventually(
      async () => (await inboxed(goodIds)) === goodIds.length && deadLetters().length > deadBefore,
      60_000,
    )
    for (const e of good)
      t.equal(
        (
          await r.db
            .selectFrom('application')
            .select('id')
            .where('trigger_entry_id', '=', e.data.entryId)
            .execute()
        ).length,
        1,
        'one application per good outcome',
      )
    t.equal(await r.count('application'), appsBefore + good.length)
    const dead = deadLetters().slice(deadBefore)
    t.equal(dead.length, 1, 'only the poison event is parked')
    t.equal(JSON.parse(dead[0].value).data.entryId, poison.data.entryId)
    t.equal(dead[0].attempts, 5, 'after the bounded retries')
    t.equal(await inboxed([events[2]!.id]), 0, 'the poison event left no inbox row')
    t.notOk(
      await r.db
        .selectFrom('entry')
        .select('id')
        .where('id', '=', poison.data.entryId)
        .executeTakeFirst(),
      'nor any projection row',
    )

    // The whole topic again, in batches: every applied event is recognised; nothing new opens.
    const consumer = r.events.consumer!
    await consumer.stop()
    await r.platform.transport.resetOffsets(consumer.groupId, TOPIC)
    const dupBefore = consumer.stats.duplicates
    const appsAfter = await r.count('application')
    await consumer.start()
    const applied = r.platform.transport.published.filter((m) => m.topic === TOPIC).length - 1
    await eventually(async () => consumer.stats.duplicates - dupBefore >= applied, 60_000)
    t.equal(await r.count('application'), appsAfter, 'a replay opens nothing')
    t.equal(await r.count('source_use'), appsAfter, 'and claims nothing')
  },
)
