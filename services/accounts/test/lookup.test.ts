import t from 'tap'
import { buildAccounts, nationalId, person } from './helper.js'

const a = await buildAccounts()
t.teardown(() => a.close())
const { app } = a
const school = await a.registerOrg('school')
const evaluator = await a.registerOrg('evaluation_org')

const lookup = (items: unknown, headers: Record<string, string>) =>
  app.inject({ method: 'POST', url: '/v1/learners/lookup/batch', headers, payload: { items } })

t.test('many learners at once, by 身份证号 + name or account number, each answered', async (t) => {
  const [p1, p2] = [person(), person()]
  const l1 = await a.openLearner(p1)
  const l2 = await a.openLearner(p2)
  const issuer = a.keys.auth({ roles: ['issuer'], org: evaluator })
  const res = await lookup(
    [
      { nationalId: p1.nationalId, name: p1.name },
      { accountNo: l2.accountNo.toLowerCase() },
      { nationalId: p2.nationalId, name: '别人' },
      { nationalId: nationalId(), name: p1.name },
      { nationalId: '123', name: p1.name },
      { accountNo: 'CB0000' },
      { nationalId: ` ${p2.nationalId.toLowerCase()} `, name: ` ${p2.name}` },
    ],
    issuer,
  )
  t.equal(res.statusCode, 200, res.body)
  const items = res.json().items
  t.same(items[0], { index: 0, id: l1.id, accountNo: l1.accountNo })
  t.same(items[1], { index: 1, id: l2.id, accountNo: l2.accountNo })
  t.match(items[2], { index: 2, id: null, error: { code: 'ACCOUNTS_LEARNER_NOT_FOUND' } })
  t.same(items[3], { ...items[2], index: 3 }, 'a wrong name is as unknown as a wrong id')
  t.match(items[4], { id: null, error: { code: 'ACCOUNTS_NATIONAL_ID_INVALID' } })
  t.match(items[5], { id: null, error: { code: 'ACCOUNTS_LEARNER_NOT_FOUND' } })
  t.same(items[6], { index: 6, id: l2.id, accountNo: l2.accountNo }, 'spaces and case as typed')
  t.notOk(res.body.includes(p1.nationalId), 'the national id is not echoed')
})

t.test('who may look up, and bounds', async (t) => {
  const p = person()
  await a.openLearner(p)
  const items = [{ nationalId: p.nationalId, name: p.name }]
  const expect: [string, Record<string, string>, number][] = [
    ['registrar', a.registrar(school), 200],
    ['admin', a.admin, 200],
    [
      'issuer client',
      a.keys.auth({ typ: 'client', org: evaluator, scope: 'certificates:write' }),
      200,
    ],
    ['school client', a.client(school, 'learners:write'), 200],
    ['client of another scope', a.client(school, 'outcomes:write'), 403],
    ['reviewer', a.keys.auth({ roles: ['reviewer'], org: school }), 403],
    ['learner', a.learnerAuth('x'), 403],
    ['anonymous', {}, 401],
  ]
  for (const [name, headers, status] of expect)
    t.equal((await lookup(items, headers)).statusCode, status, name)
  const admin = a.admin
  t.equal((await lookup([], admin)).statusCode, 400, 'at least one')
  t.equal(
    (
      await lookup(
        Array.from({ length: 1_001 }, () => items[0]),
        admin,
      )
    ).statusCode,
    400,
    'at most 1,000',
  )
  t.equal((await lookup([{ nationalId: p.nationalId }], admin)).statusCode, 400, 'name needed')
  t.equal((await lookup([{ learnerId: 'x' }], admin)).statusCode, 400)
})
