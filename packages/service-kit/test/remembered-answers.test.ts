import { randomUUID } from 'node:crypto'
import { forSchema } from '@creditbank/db'
import {
  forgetAnswersAbout,
  type IdempotencyTables,
  idempotencyRetention,
  idempotencyTablesV1,
  REMEMBERED_ANSWER_HOURS,
  runRetention,
} from '@creditbank/service-kit'
import { testDatabase } from '@creditbank/testing'
import t from 'tap'

// Remembered answers (Idempotency-Key replays) are kept a day, and an erasure forgets those that
// name the learner at once (decisions 0727, 0730): some answers list learners by name.
const SCHEMA = 'kit_answers'
const database = await testDatabase({
  [SCHEMA]: { '0001_idempotency': { up: idempotencyTablesV1 } },
})
t.teardown(() => database.destroy())
const db = forSchema<IdempotencyTables>(database.database, SCHEMA)

const HOUR = 3_600_000
const remember = (key: string, body: unknown, ageHours: number) =>
  db
    .insertInto('idempotency_key')
    .values({
      actor: 'registrar-1',
      key,
      request_hash: 'h',
      status: 201,
      body: JSON.stringify(body),
      created_at: new Date(Date.now() - ageHours * HOUR),
    })
    .execute()
const keys = async () =>
  (await db.selectFrom('idempotency_key').select('key').orderBy('key').execute()).map((r) => r.key)

t.test(
  'answers older than a day are removed by the retention job; younger ones stay',
  async (t) => {
    await db.deleteFrom('idempotency_key').execute()
    await remember('a-old', { created: 3 }, REMEMBERED_ANSWER_HOURS + 1)
    await remember('b-old', { created: 1 }, REMEMBERED_ANSWER_HOURS * 30)
    await remember('c-young', { created: 2 }, REMEMBERED_ANSWER_HOURS - 1)
    await remember('d-now', { created: 5 }, 0)
    const counts = await runRetention(db, 'kit', [idempotencyRetention<IdempotencyTables>()], {
      batch: 1,
    })
    t.same(counts, { idempotency_key: 2 }, 'two removed, one a batch')
    t.same(await keys(), ['c-young', 'd-now'])
    t.same(
      await runRetention(db, 'kit', [idempotencyRetention<IdempotencyTables>()]),
      { idempotency_key: 0 },
      'a second run removes nothing',
    )
  },
)

t.test('an erasure forgets the answers that name the learner, and no other', async (t) => {
  await db.deleteFrom('idempotency_key').execute()
  const erased = randomUUID()
  const other = randomUUID()
  await remember(
    'import',
    { items: [{ learnerId: erased, name: '张三' }, { learnerId: other }] },
    0,
  )
  await remember('opening', { id: erased }, 2)
  await remember('posting', { items: [{ learnerId: other, name: '李四' }] }, 0)
  t.equal(await forgetAnswersAbout(db, erased.toUpperCase()), 2, 'the id in any case')
  t.same(await keys(), ['posting'], 'the answer about someone else stays')
  t.equal(await forgetAnswersAbout(db, erased), 0, 'again: nothing left to forget')
})
