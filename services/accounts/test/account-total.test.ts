import t from 'tap'
import { uuidv7 } from 'uuidv7'
import { buildAccounts, course, person } from './helper.js'

// Issue 16, bug 4: the account's total left recognized credits out. The total is the sum of every
// active entry, and the balances by kind beside it add up to it.
const a = await buildAccounts()
t.teardown(() => a.close())
const { app } = a
const school = await a.registerOrg('school')
const target = await a.registerOrg('school')

const post = async (payload: Record<string, unknown>) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/outcomes',
    headers: a.registrar(school),
    payload,
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json() as { id: string }
}

t.test('the total includes recognized credits and equals the sum of the kinds', async (t) => {
  const l = await a.openLearner(person(), a.registrar(school))
  const web = await post(course(l.id))
  await post({
    learnerId: l.id,
    kind: 'training',
    title: '电工培训',
    credits: '1.5',
    hours: '32',
    occurredOn: '2024-03-01',
  })
  const wrong = await post(course(l.id, { title: '录错的课', code: 'X1', credits: '2' }))
  const reversal = await app.inject({
    method: 'POST',
    url: `/v1/entries/${wrong.id}/reversal`,
    headers: a.registrar(school),
    payload: { reason: '录入错误' },
  })
  t.equal(reversal.statusCode, 201)
  const approval = {
    applicationId: uuidv7(),
    learnerId: l.id,
    targetOrgId: target,
    programCode: 'P-WEB',
    courseCode: 'WEB201',
    courseName: '网页设计',
    courseType: 'core',
    credits: '4',
    sourceEntryIds: [web.id],
    rule: null,
  }
  await a.applied(
    (
      await a.deliver(
        'creditbank.recognition.v1',
        'recognition.application.approved',
        l.id,
        approval,
      )
    ).id,
  )

  for (const headers of [a.admin, a.learnerAuth(l.id)]) {
    const res = await app.inject({ method: 'GET', url: `/v1/learners/${l.id}/account`, headers })
    t.equal(res.statusCode, 200)
    const { balances } = res.json()
    // 4 (course) + 1.5 (training) + 2 − 2 (reversed course) + 4 (recognized) = 9.5
    t.same(balances.total, { credits: '9.50', hours: '32.0' }, 'recognized credits count')
    t.same(balances.recognized, { credits: '4.00' })
    t.same(balances.byKind.recognized, { credits: '4.00', hours: '0.0', entryCount: 1 })
    const sum = Object.values(balances.byKind as Record<string, { credits: string }>).reduce(
      (s, b) => s + Math.round(Number(b.credits) * 100),
      0,
    )
    t.equal(sum, 950, 'the kinds add up to the total')
  }

  const statement = (
    await app.inject({
      method: 'GET',
      url: `/v1/learners/${l.id}/entries?limit=100`,
      headers: a.learnerAuth(l.id),
    })
  ).json().items as { id: string; reversedBy: { reason: string } | null }[]
  t.match(statement.find((e) => e.id === wrong.id)?.reversedBy, { reason: '录入错误' })
  t.equal(statement.find((e) => e.id === web.id)?.reversedBy, null, 'an active entry is not marked')

  const other = await a.openLearner(person(), a.registrar(school))
  const hidden = await app.inject({
    method: 'GET',
    url: `/v1/learners/${l.id}/account`,
    headers: a.learnerAuth(other.id),
  })
  t.equal(hidden.statusCode, 404, 'another learner’s account does not exist for the caller')
})

t.test('an account with no entries totals zero', async (t) => {
  const l = await a.openLearner(person(), a.registrar(school))
  const res = await app.inject({
    method: 'GET',
    url: `/v1/learners/${l.id}/account`,
    headers: a.admin,
  })
  t.same(res.json().balances.total, { credits: '0.00', hours: '0.0' })
})
