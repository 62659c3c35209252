import { randomUUID } from 'node:crypto'
import t from 'tap'
import { buildAccounts, counts, person, rowCount } from './helper.js'

// Decision 0730: events name learners by id only; the platform's own services ask here for the
// names they show. Only a `service` token may; an erased learner answers nulls; nothing is written,
// not even to the learner's "who looked" log.

const a = await buildAccounts()
t.teardown(() => a.close())
const { app } = a
const school = await a.registerOrg('school')
const service = a.keys.auth({ typ: 'client', sub: 'service:portfolio', roles: ['service'] })
const ask = (ids: unknown, headers: Record<string, string> = service) =>
  app.inject({ method: 'POST', url: '/v1/learners/personal/batch', headers, payload: { ids } })

const kept = person({ name: '周可见' })
const gone = person({ name: '吴已删' })
const l1 = await a.openLearner(kept, a.registrar(school))
const l2 = await a.openLearner(gone, a.registrar(school))
const erased = await app.inject({
  method: 'POST',
  url: `/v1/learners/${l2.id}/erasure`,
  headers: a.admin,
  payload: { requestRef: 'REQ-1' },
})
if (erased.statusCode !== 201) throw new Error(erased.body)

t.test(
  'a service reads names and masked numbers; erased and unknown learners are nulls',
  async (t) => {
    const reads = await rowCount(a.db, 'learner_read')
    const unknown = randomUUID()
    const res = await ask([l1.id, l2.id, unknown, l1.id])
    t.equal(res.statusCode, 200, res.body)
    t.same(res.json().items, [
      {
        learnerId: l1.id,
        name: '周可见',
        nationalIdMasked: `${kept.nationalId.slice(0, 6)}********${kept.nationalId.slice(-4)}`,
        erased: false,
      },
      { learnerId: l2.id, name: null, nationalIdMasked: null, erased: true },
      { learnerId: unknown, name: null, nationalIdMasked: null, erased: false },
    ])
    t.equal(await rowCount(a.db, 'learner_read'), reads, 'a machine read is not in "who looked"')
    // A corrected name is what the next read answers.
    const fixed = await app.inject({
      method: 'POST',
      url: `/v1/learners/${l1.id}/corrections`,
      headers: a.registrar(school),
      payload: { name: '周更正' },
    })
    t.equal(fixed.statusCode, 200, fixed.body)
    t.equal((await ask([l1.id])).json().items[0].name, '周更正')
  },
)

t.test('nobody but a service: registrar, learner, admin, institution client', async (t) => {
  const before = await counts(a.db)
  const reads = await rowCount(a.db, 'learner_read')
  for (const [who, headers] of [
    ['registrar', a.registrar(school)],
    ['learner', a.learnerAuth(l1.id)],
    ['admin', a.admin],
    ['institution client', a.client(school)],
    ['reviewer', a.keys.auth({ roles: ['reviewer'], org: school })],
  ] as const) {
    const res = await ask([l1.id], headers)
    t.equal(res.statusCode, 403, `${who}: 403`)
    t.equal(res.json().code, 'AUTH_FORBIDDEN')
    t.notOk(res.body.includes('周'), `${who}: no name in the answer`)
  }
  const anonymous = await app.inject({
    method: 'POST',
    url: '/v1/learners/personal/batch',
    payload: { ids: [l1.id] },
  })
  t.equal(anonymous.statusCode, 401)
  t.same(await counts(a.db), before, 'nothing written')
  t.equal(await rowCount(a.db, 'learner_read'), reads)
})

t.test('bounds: at most 1,000 ids, each a uuid, at least one', async (t) => {
  const before = await counts(a.db)
  const many = Array.from({ length: 1_001 }, () => randomUUID())
  const tooMany = await ask(many)
  t.equal(tooMany.statusCode, 400)
  t.match(tooMany.json(), {
    code: 'VALIDATION_FAILED',
    errors: [{ path: '/ids', code: 'FIELD_TOO_MANY' }],
  })
  const most = await ask(many.slice(0, 1_000))
  t.equal(most.statusCode, 200)
  t.equal(most.json().items.length, 1_000)
  for (const bad of [['not-a-uuid'], [], 'x', [l1.id, 42]]) {
    const res = await ask(bad)
    t.equal(res.statusCode, 400, JSON.stringify(bad).slice(0, 40))
    t.equal(res.json().code, 'VALIDATION_FAILED')
  }
  const extra = await app.inject({
    method: 'POST',
    url: '/v1/learners/personal/batch',
    headers: service,
    payload: { ids: [l1.id], names: true },
  })
  t.equal(extra.statusCode, 400)
  t.same(await counts(a.db), before, 'nothing written')
})
