import { eventually } from '@creditbank/testing'
import t from 'tap'
import { buildAccounts, counts, course, person } from './helper.js'

const a = await buildAccounts()
t.teardown(() => a.close())
const { app } = a
const school = await a.registerOrg('school')
const enterprise = await a.registerOrg('enterprise')
const trainer = await a.registerOrg('training_body')
const evaluator = await a.registerOrg('evaluation_org')

const post = (
  headers: Record<string, string>,
  payload: unknown,
  extra: Record<string, string> = {},
) =>
  app.inject({
    method: 'POST',
    url: '/v1/outcomes',
    headers: { ...headers, ...extra },
    payload: payload as object,
  })

t.test(
  'a school posts a course: 201 the entry, balances move, outcome.posted published',
  async (t) => {
    const l = await a.openLearner(person(), a.registrar(school))
    const res = await post(
      a.registrar(school),
      course(l.id, { credits: '4.5', externalRef: 'GRADE-1' }),
    )
    t.equal(res.statusCode, 201, `answers 201${res.statusCode === 201 ? '' : `: ${res.body}`}`)
    const e = res.json()
    t.match(e, {
      learnerId: l.id,
      seq: 1,
      entryCode: 'outcome.posted',
      kind: 'course',
      orgId: school,
      credits: '4.50',
      code: 'WEB201',
      grade: { score: '85', scale: '100' },
      externalRef: 'GRADE-1',
      usedAt: [],
    })
    t.match(e.hash, /^[0-9a-f]{64}$/)
    const acct = (
      await app.inject({ method: 'GET', url: `/v1/learners/${l.id}/account`, headers: a.admin })
    ).json()
    t.match(acct, {
      entryCount: 1,
      headHash: e.hash,
      balances: {
        total: { credits: '4.50', hours: '0.0' },
        recognized: { credits: '0.00' },
        byKind: { course: { credits: '4.50', entryCount: 1 } },
      },
    })
    await eventually(async () =>
      a.platform.transport.events('accounts.outcome.posted').some((x) => x.data.entryId === e.id),
    )
    const ev = a.platform.transport
      .events('accounts.outcome.posted')
      .find((x) => x.data.entryId === e.id)!
    t.equal(ev.subject, l.id, 'keyed by learner')
    t.match(ev.data, {
      learnerId: l.id,
      orgId: school,
      kind: 'course',
      credits: '4.50',
      occurredOn: '2024-06-30',
      externalRef: 'GRADE-1',
    })
  },
)

t.test(
  'externalRef: same content answers the existing entry (200), other content is 409',
  async (t) => {
    const l = await a.openLearner(person(), a.registrar(school))
    const first = await post(a.registrar(school), course(l.id, { externalRef: 'REF-9' }))
    t.equal(first.statusCode, 201)
    const before = await counts(a.db)
    const same = await post(
      a.client(school),
      course(l.id, { externalRef: 'REF-9', credits: '4.00' }),
    )
    t.equal(same.statusCode, 200, '4 and 4.00 are the same credits')
    t.equal(same.json().id, first.json().id)
    const other = await post(
      a.registrar(school),
      course(l.id, { externalRef: 'REF-9', credits: '5' }),
    )
    t.equal(other.statusCode, 409)
    t.equal(other.json().code, 'ACCOUNTS_EXTERNAL_REF_CONFLICT')
    t.same(await counts(a.db), before, 'nothing written')
    const otherOrg = await post(a.registrar(enterprise), {
      ...l.proof,
      learnerId: l.id,
      kind: 'training',
      title: '岗前培训',
      hours: '16',
      occurredOn: '2024-01-10',
      externalRef: 'REF-9',
    })
    t.equal(otherOrg.statusCode, 201, 'the ref is per organization')
  },
)

t.test(
  'Idempotency-Key: a replay answers the same entry, another body with the key is refused',
  async (t) => {
    const l = await a.openLearner(person(), a.registrar(school))
    const key = { 'idempotency-key': 'post-1' }
    const me = a.registrar(school)
    const first = await post(me, course(l.id), key)
    const replay = await post(me, course(l.id), key)
    t.equal(first.statusCode, 201)
    t.equal(replay.statusCode, 201)
    t.equal(replay.headers['idempotency-replayed'], 'true')
    t.same(replay.json(), first.json())
    const reused = await post(me, course(l.id, { credits: '2' }), key)
    t.equal(reused.statusCode, 422)
    t.equal(reused.json().code, 'IDEMPOTENCY_KEY_REUSED')
    t.equal(
      (await a.db.selectFrom('ledger_entry').select('id').where('learner_id', '=', l.id).execute())
        .length,
      1,
    )
    const otherCaller = await post(a.registrar(school), course(l.id), key)
    t.equal(
      otherCaller.statusCode,
      201,
      'keys are per caller: another caller with the same key posts its own',
    )
    t.notOk(otherCaller.headers['idempotency-replayed'])
  },
)

t.test(
  'kind rules and bad input: 4xx problem+json naming the field, nothing written, never 5xx',
  async (t) => {
    const l = await a.openLearner(person(), a.registrar(school))
    const before = await counts(a.db)
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)
    const cases: [string, Record<string, string>, unknown, number, string][] = [
      ['credits as a number', a.registrar(school), course(l.id, { credits: 4 }), 400, '/credits'],
      ['negative credits', a.registrar(school), course(l.id, { credits: '-1' }), 400, '/credits'],
      [
        'huge credits',
        a.registrar(school),
        course(l.id, { credits: '123456789' }),
        400,
        '/credits',
      ],
      ['three decimals', a.registrar(school), course(l.id, { credits: '1.234' }), 400, '/credits'],
      ['unknown field', a.registrar(school), course(l.id, { bonus: '1' }), 400, '/bonus'],
      ['unknown kind', a.registrar(school), course(l.id, { kind: 'party' }), 400, '/kind'],
      [
        'bad date',
        a.registrar(school),
        course(l.id, { occurredOn: '2024-02-30' }),
        400,
        '/occurredOn',
      ],
      [
        'future date',
        a.registrar(school),
        course(l.id, { occurredOn: tomorrow }),
        422,
        '/occurredOn',
      ],
      [
        'course without grade',
        a.registrar(school),
        course(l.id, { grade: undefined }),
        422,
        '/grade',
      ],
      [
        'course without credits or hours',
        a.registrar(school),
        course(l.id, { credits: undefined }),
        422,
        '/credits',
      ],
      [
        'score above scale',
        a.registrar(school),
        course(l.id, { grade: { score: '120', scale: '100' } }),
        422,
        '/grade/score',
      ],
      [
        'training without hours',
        a.registrar(trainer),
        { ...l.proof, learnerId: l.id, kind: 'training', title: '培训', occurredOn: '2024-01-01' },
        422,
        '/hours',
      ],
      [
        'competition without level',
        a.registrar(trainer),
        {
          ...l.proof,
          learnerId: l.id,
          kind: 'competition',
          title: '技能大赛',
          occurredOn: '2024-01-01',
        },
        422,
        '/level',
      ],
      ['enterprise posting a course', a.registrar(enterprise), course(l.id, l.proof), 422, '/kind'],
      [
        'training body posting work',
        a.registrar(trainer),
        {
          ...l.proof,
          learnerId: l.id,
          kind: 'work',
          title: '实习',
          hours: '100',
          occurredOn: '2024-01-01',
        },
        422,
        '/kind',
      ],
      [
        'a certificate by hand',
        a.registrar(school),
        { learnerId: l.id, kind: 'certificate', title: 'X', occurredOn: '2024-01-01' },
        422,
        '/kind',
      ],
      [
        'evaluation org posting training',
        a.registrar(evaluator),
        {
          ...l.proof,
          learnerId: l.id,
          kind: 'training',
          title: '培训',
          hours: '8',
          occurredOn: '2024-01-01',
        },
        422,
        '/kind',
      ],
      [
        'unknown learner',
        a.registrar(school),
        course('0190aaaa-0000-7000-8000-00000000beef'),
        422,
        '/learnerId',
      ],
      ['learner id not a uuid', a.registrar(school), course('nope'), 400, '/learnerId'],
      ['no body', a.registrar(school), undefined, 400, '/'],
      // Postgres refuses a NUL; a lone surrogate would be stored as U+FFFD and break the hash chain.
      [
        'NUL in the title',
        a.registrar(school),
        course(l.id, { title: '网页\u0000设计' }),
        400,
        '/title',
      ],
      [
        'lone surrogate in the code',
        a.registrar(school),
        course(l.id, { code: 'WEB\ud800' }),
        400,
        '/code',
      ],
    ]
    for (const [name, headers, body, status, path] of cases) {
      const res = await post(headers, body)
      t.equal(res.statusCode, status, `${name}: ${res.body}`)
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', name)
      if (path !== '/')
        t.ok(
          res.json().errors?.some((e: { path: string }) => e.path === path),
          `${name}: names ${path}`,
        )
    }
    const unknownOrg = await post(
      a.registrar('0190aaaa-0000-7000-8000-00000000dead'),
      course(l.id, l.proof),
    )
    t.equal(unknownOrg.statusCode, 422)
    t.equal(unknownOrg.json().code, 'ACCOUNTS_ORGANIZATION_UNKNOWN')
    const noOrg = await post(a.keys.auth({ roles: ['registrar'] }), course(l.id))
    t.equal(noOrg.statusCode, 403)
    const wrongScope = await post(a.client(school, 'enrollments:write'), course(l.id))
    t.equal(wrongScope.statusCode, 403)
    const malformed = await app.inject({
      method: 'POST',
      url: '/v1/outcomes',
      headers: { ...a.registrar(school), 'content-type': 'application/json' },
      payload: '{"learnerId":',
    })
    t.equal(malformed.statusCode, 400)
    const xml = await app.inject({
      method: 'POST',
      url: '/v1/outcomes',
      headers: { ...a.registrar(school), 'content-type': 'application/xml' },
      payload: '<a/>',
    })
    t.equal(xml.statusCode, 415)
    t.same(await counts(a.db), before, 'nothing written by any of them')
  },
)

t.test(
  'reversal: only the posting organization, never twice, the original stays, balances return',
  async (t) => {
    const l = await a.openLearner(person(), a.registrar(school))
    const e = (await post(a.registrar(school), course(l.id, { credits: '3', hours: '48' }))).json()
    const other = await app.inject({
      method: 'POST',
      url: `/v1/entries/${e.id}/reversal`,
      headers: a.registrar(enterprise),
      payload: { reason: '录入错误' },
    })
    t.equal(other.statusCode, 404, "another org's entry does not exist for it")
    const rev = await app.inject({
      method: 'POST',
      url: `/v1/entries/${e.id}/reversal`,
      headers: a.client(school),
      payload: { reason: '录入错误' },
    })
    t.equal(rev.statusCode, 201, `answers 201${rev.statusCode === 201 ? '' : `: ${rev.body}`}`)
    t.match(rev.json(), {
      kind: 'reversal',
      entryCode: 'reversal',
      reversesEntryId: e.id,
      credits: '-3.00',
      hours: '-48.0',
      reason: '录入错误',
      seq: 2,
    })
    const twice = await app.inject({
      method: 'POST',
      url: `/v1/entries/${e.id}/reversal`,
      headers: a.registrar(school),
      payload: { reason: 'again' },
    })
    t.equal(twice.statusCode, 409)
    t.equal(twice.json().code, 'ACCOUNTS_ENTRY_ALREADY_REVERSED')
    const ofReversal = await app.inject({
      method: 'POST',
      url: `/v1/entries/${rev.json().id}/reversal`,
      headers: a.registrar(school),
      payload: { reason: 'x' },
    })
    t.equal(ofReversal.statusCode, 422)
    const missing = await app.inject({
      method: 'POST',
      url: '/v1/entries/0190aaaa-0000-7000-8000-00000000beef/reversal',
      headers: a.registrar(school),
      payload: { reason: 'x' },
    })
    t.equal(missing.statusCode, 404)
    const noReason = await app.inject({
      method: 'POST',
      url: `/v1/entries/${e.id}/reversal`,
      headers: a.registrar(school),
      payload: {},
    })
    t.equal(noReason.statusCode, 400)
    const original = await a.db
      .selectFrom('ledger_entry')
      .selectAll()
      .where('id', '=', e.id)
      .executeTakeFirstOrThrow()
    t.equal(original.credits, '3.00', 'the original is unchanged')
    const acct = (
      await app.inject({ method: 'GET', url: `/v1/learners/${l.id}/account`, headers: a.admin })
    ).json()
    t.match(acct.balances, {
      total: { credits: '0.00', hours: '0.0' },
      byKind: { course: { credits: '0.00', hours: '0.0', entryCount: 2 } },
    })
    await eventually(async () =>
      a.platform.transport
        .events('accounts.entry.reversed')
        .some((x) => x.data.reversedEntryId === e.id),
    )
    const reversed = a.platform.transport
      .events('accounts.entry.reversed')
      .find((x) => x.data.reversedEntryId === e.id)!.data
    t.match(reversed, { learnerId: l.id, orgId: school })
    // Free text about a person stays where it was written, under the learner's key (0730).
    t.notOk('reason' in reversed, 'the event carries no reason')
  },
)

t.test('concurrent reversals of one entry: exactly one wins', async (t) => {
  const l = await a.openLearner(person(), a.registrar(school))
  const e = (await post(a.registrar(school), course(l.id))).json()
  const results = await Promise.all(
    Array.from({ length: 6 }, () =>
      app.inject({
        method: 'POST',
        url: `/v1/entries/${e.id}/reversal`,
        headers: a.registrar(school),
        payload: { reason: 'dup' },
      }),
    ),
  )
  t.same(results.map((r) => r.statusCode).sort(), [201, 409, 409, 409, 409, 409])
})

t.test('concurrent postings to one account keep one chain without gaps', async (t) => {
  const l = await a.openLearner(person(), a.registrar(school))
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      post(a.registrar(school), course(l.id, { externalRef: `C-${i}` })),
    ),
  )
  t.ok(results.every((r) => r.statusCode === 201))
  t.same(
    results.map((r) => r.json().seq).sort((x, y) => x - y),
    Array.from({ length: 20 }, (_, i) => i + 1),
  )
  const chain = (
    await app.inject({ method: 'GET', url: `/v1/learners/${l.id}/chain`, headers: a.admin })
  ).json()
  t.match(chain, { valid: true, entryCount: 20 })
  const dup = await Promise.all(
    Array.from({ length: 5 }, () =>
      post(a.registrar(school), course(l.id, { externalRef: 'SAME' })),
    ),
  )
  t.same(
    dup.map((r) => r.statusCode).sort(),
    [200, 200, 200, 200, 201],
    'one ref posted at once by five writers: one entry',
  )
})
