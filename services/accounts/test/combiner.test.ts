import { eventually } from '@creditbank/testing'
import t from 'tap'
import { uuidv7 } from 'uuidv7'
import { PostingCombiner } from '../src/domain/combiner.js'
import { buildAccounts, counts, course, person } from './helper.js'

/**
 * Single postings sent at once are written in groups (PostingCombiner): each still gets its own
 * answer — created, replayed, refused — and a bad one writes nothing while the others commit.
 */
const a = await buildAccounts()
t.teardown(() => a.close())
const { app } = a
const school = await a.registrar(await a.registerOrg('school'))
const otherSchool = await a.registrar(await a.registerOrg('school'))

const post = (headers: Record<string, string>, payload: unknown, key?: string) =>
  app.inject({
    method: 'POST',
    url: '/v1/outcomes',
    headers: key ? { ...headers, 'idempotency-key': key } : headers,
    payload: payload as object,
  })

t.test(
  'many postings at once: every one answered on its own, the bad ones write nothing',
  async (t) => {
    const learners = await Promise.all(
      Array.from({ length: 6 }, () => a.openLearner(person(), school)),
    )
    const ids = learners.map((l) => l.id)
    // The other school knows them too: it enrolled them, naming them by 身份证号 + name.
    for (const l of learners)
      await a.app.inject({
        method: 'POST',
        url: '/v1/enrollments',
        headers: otherSchool,
        payload: {
          learnerId: l.id,
          ...l.proof,
          programCode: 'P',
          programName: 'P',
          startedOn: '2024-09-01',
        },
      })
    // Earlier answers that the concurrent wave replays or collides with.
    const kept = await post(school, course(ids[0]!, { title: '已记录' }), 'kept-key')
    t.equal(kept.statusCode, 201)
    const refd = await post(school, course(ids[1]!, { externalRef: 'WAVE-REF-OLD' }))
    t.equal(refd.statusCode, 201)
    const before = await counts(a.db)

    type Case = { name: string; send: () => ReturnType<typeof post>; status: number; code?: string }
    const good: Case[] = Array.from({ length: 40 }, (_, i) => ({
      name: `good ${i}`,
      send: () =>
        post(
          i % 2 ? school : otherSchool,
          course(ids[i % ids.length]!, { title: `课程 ${i}`, externalRef: `WAVE-${i}` }),
          `wave-${i}`,
        ),
      status: 201,
    }))
    const bad: Case[] = [
      {
        name: 'unknown learner',
        send: () => post(school, course(uuidv7())),
        status: 422,
        code: 'ACCOUNTS_OUTCOME_INVALID',
      },
      {
        name: 'future date',
        send: () => post(school, course(ids[2]!, { occurredOn: '2999-01-01' })),
        status: 422,
        code: 'ACCOUNTS_OUTCOME_INVALID',
      },
      {
        name: 'replay of an earlier key',
        send: () => post(school, course(ids[0]!, { title: '已记录' }), 'kept-key'),
        status: 201,
      },
      {
        name: 'earlier key, other body',
        send: () => post(school, course(ids[0]!, { title: '别的' }), 'kept-key'),
        status: 422,
        code: 'IDEMPOTENCY_KEY_REUSED',
      },
      {
        name: 'earlier ref, same content',
        send: () => post(school, course(ids[1]!, { externalRef: 'WAVE-REF-OLD' })),
        status: 200,
      },
      {
        name: 'earlier ref, other content',
        send: () => post(school, course(ids[1]!, { externalRef: 'WAVE-REF-OLD', credits: '9' })),
        status: 409,
        code: 'ACCOUNTS_EXTERNAL_REF_CONFLICT',
      },
    ]
    const cases = [...good, ...bad]
    const answers = await Promise.all(cases.map((c) => c.send()))
    cases.forEach((c, i) => {
      const res = answers[i]!
      t.equal(
        res.statusCode,
        c.status,
        `${c.name}: ${res.statusCode === c.status ? c.status : res.body}`,
      )
      if (c.code) t.equal(res.json().code, c.code, `${c.name}: ${c.code}`)
    })
    t.equal(
      answers[cases.length - 4]!.headers['idempotency-replayed'],
      'true',
      'the replay says so',
    )
    t.equal(
      answers[cases.length - 4]!.json().id,
      kept.json().id,
      'the replay answers the first entry',
    )
    t.equal(
      answers[cases.length - 2]!.json().id,
      refd.json().id,
      'the same ref and content answers the first entry',
    )
    const after = await counts(a.db)
    t.equal(
      Number(after.entries) - Number(before.entries),
      good.length,
      'exactly the good postings were written',
    )
    for (const id of ids) {
      const chain = (
        await app.inject({ method: 'GET', url: `/v1/learners/${id}/chain`, headers: a.admin })
      ).json()
      t.equal(chain.valid, true, `chain of ${id} stays whole`)
    }
    await eventually(
      async () =>
        a.platform.transport
          .events('accounts.outcome.posted')
          .filter(
            (e) =>
              String(e.data.externalRef).startsWith('WAVE-') &&
              e.data.externalRef !== 'WAVE-REF-OLD',
          ).length === good.length,
    )
  },
)

t.test(
  'the same key or the same externalRef twice in one wave: one entry, the other answers it',
  async (t) => {
    const l = await a.openLearner(person(), school)
    const before = await counts(a.db)
    const sameKey = await Promise.all(
      Array.from({ length: 5 }, () => post(school, course(l.id, { title: '同键' }), 'twice-key')),
    )
    t.same(
      sameKey.map((r) => r.statusCode),
      [201, 201, 201, 201, 201],
    )
    t.equal(new Set(sameKey.map((r) => r.json().id)).size, 1, 'one entry for the key')
    t.equal(
      sameKey.filter((r) => r.headers['idempotency-replayed'] === 'true').length,
      4,
      'the others are replays',
    )
    const sameRef = await Promise.all(
      Array.from({ length: 5 }, () => post(school, course(l.id, { externalRef: 'TWICE-REF' }))),
    )
    t.same(sameRef.map((r) => r.statusCode).sort(), [200, 200, 200, 200, 201])
    t.equal(new Set(sameRef.map((r) => r.json().id)).size, 1, 'one entry for the ref')
    const after = await counts(a.db)
    t.equal(Number(after.entries) - Number(before.entries), 2)
  },
)

t.test(
  'two replicas racing on one key: the losing group fails on the key and retries alone into a replay',
  async (t) => {
    const org = await a.registerOrg('school')
    const actor = 'replica-race'
    const l = await a.openLearner()
    // One group at a time each, so that what arrives while the first posting is written forms a group.
    const replicas = [0, 1].map(
      () => new PostingCombiner(a.db, '/creditbank/accounts', { group: 200, concurrency: 1 }),
    )
    for (let round = 0; round < 8; round++) {
      const shared = { actor, key: `race-${round}`, hash: `h-${round}` }
      const item = course(l.id, { title: `竞争 ${round}` })
      // Each replica gets a group of two: the shared key and one of its own.
      const answers = await Promise.all(
        replicas.flatMap((r, k) => [
          r.post({ orgId: org, actor, item: course(l.id, { title: `先行 ${round}.${k}` }) }),
          r.post({ orgId: org, actor, item, claim: shared }),
          r.post({
            orgId: org,
            actor,
            item: course(l.id, { title: `自己的 ${round}.${k}` }),
            claim: { actor, key: `own-${round}-${k}`, hash: 'x' },
          }),
        ]),
      )
      const [, a0, , , a1] = answers
      t.same(
        answers.map((x) => x.status),
        [201, 201, 201, 201, 201, 201],
        `round ${round}: all answered`,
      )
      t.equal(a0!.body.id, a1!.body.id, `round ${round}: one entry for the shared key`)
      t.equal(
        [a0, a1].filter((x) => x!.replayed).length,
        1,
        `round ${round}: the other is a replay`,
      )
    }
    const retried = replicas.reduce((n, r) => n + r.retriedAlone, 0)
    const entries = await a.db
      .selectFrom('ledger_entry')
      .select('title')
      .where('learner_id', '=', l.id)
      .execute()
    t.equal(entries.length, 8 * 5, 'five entries a round, none twice')
    t.equal(
      (
        await app.inject({ method: 'GET', url: `/v1/learners/${l.id}/chain`, headers: a.admin })
      ).json().valid,
      true,
    )
    if (process.env.DATABASE_URL)
      t.ok(retried > 0, `the race was run: ${retried} postings retried alone after a failed group`)
    else
      t.equal(
        retried,
        0,
        'embedded: one connection runs the groups one after another, so no group loses a race',
      )
  },
)
