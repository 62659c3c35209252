import t from 'tap'
import { buildAccounts, counts, nationalId, person } from './helper.js'

// What the registrar's correction page relies on beyond erasure.test.ts's correction case: a
// 身份证号 another learner holds and a bad check digit are refused with their codes and change
// nothing, and the same values written differently are "nothing to correct".
const a = await buildAccounts()
t.teardown(() => a.close())
const { app } = a
const school = await a.registerOrg('school')

const correct = (id: string, payload: Record<string, unknown>) =>
  app.inject({
    method: 'POST',
    url: `/v1/learners/${id}/corrections`,
    headers: a.registrar(school),
    payload,
  })
const lookup = (p: { nationalId: string; name: string }) =>
  app.inject({
    method: 'POST',
    url: '/v1/learners/lookup',
    headers: a.registrar(school),
    payload: p,
  })

t.test('refused corrections change nothing', async (t) => {
  const l = await a.openLearner(person({ name: '韩原名' }), a.registrar(school))
  const other = await a.openLearner(person({ name: '韩别人' }), a.registrar(school))
  const before = await counts(a.db)
  const events = a.platform.transport.events('accounts.learner.corrected').length

  const taken = await correct(l.id, { name: '韩新名', nationalId: other.proof.nationalId })
  t.equal(taken.statusCode, 409, taken.body)
  t.equal(taken.json().code, 'ACCOUNTS_IDENTITY_CONFLICT')

  const id = nationalId()
  const badDigit = `${id.slice(0, 17)}${id[17] === '0' ? '1' : '0'}`
  const invalid = await correct(l.id, { nationalId: badDigit, reason: '录入错误' })
  t.equal(invalid.statusCode, 422, 'refused as invalid')
  t.equal(invalid.json().code, 'ACCOUNTS_NATIONAL_ID_INVALID')
  t.match(invalid.json().errors, [
    { path: '/nationalId', code: 'NATIONAL_ID_CHECK_DIGIT', message: /check digit/ },
  ])
  // A Chinese page reads the same problem in Chinese, named by its code.
  const zh = await app.inject({
    method: 'POST',
    url: `/v1/learners/${l.id}/corrections`,
    headers: { ...a.registrar(school), 'accept-language': 'zh-CN,zh;q=0.9' },
    payload: { nationalId: `${id.slice(0, 6)}20991231${id.slice(14, 17)}X`, reason: '录入错误' },
  })
  t.equal(zh.statusCode, 422)
  t.match(zh.json().errors, [
    { path: '/nationalId', code: /^NATIONAL_ID_/, message: /[\u4e00-\u9fff]/ },
  ])

  // The same name with other spaces, the same number in lower case: nothing to correct.
  const same = await correct(l.id, {
    name: ' 韩原名 ',
    nationalId: l.proof.nationalId.toLowerCase(),
  })
  t.equal(same.statusCode, 422)
  t.equal(same.json().code, 'ACCOUNTS_CORRECTION_EMPTY')

  t.same(await counts(a.db), before, 'no row written, no correction recorded')
  t.equal(
    a.platform.transport.events('accounts.learner.corrected').length,
    events,
    'no event published',
  )
  t.equal((await lookup(l.proof)).json().id, l.id, 'the learner is found as before')
  t.equal((await lookup(other.proof)).json().id, other.id, 'and so is the other learner')
})
