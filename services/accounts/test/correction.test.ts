import { eventually } from '@creditbank/testing'
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

t.test('the learner sees each correction: when, who, what it was and why', async (t) => {
  const l = await a.openLearner(person({ name: '韩错字' }), a.registrar(school))
  const other = await a.openLearner(person({ name: '韩旁人' }), a.registrar(school))
  const list = (id: string, headers: Record<string, string>, query = '') =>
    app.inject({ method: 'GET', url: `/v1/learners/${id}/corrections${query}`, headers })
  const me = a.learnerAuth(l.id)
  t.same((await list(l.id, me)).json(), { items: [], nextCursor: null }, 'none yet')

  t.equal((await correct(l.id, { name: '韩正字', reason: '出示身份证' })).statusCode, 200)
  const newId = nationalId()
  t.equal((await correct(l.id, { nationalId: newId })).statusCode, 200)
  const mineOut = () =>
    a.platform.transport.events('accounts.learner.corrected').filter((e) => e.subject === l.id)
  await eventually(async () => mineOut().length === 2)
  t.same(
    mineOut().map((e) => e.data),
    [
      { learnerId: l.id, fields: ['name'], orgId: school },
      { learnerId: l.id, fields: ['nationalId'], orgId: school },
    ],
    'which fields, and who corrected: never a value',
  )

  const mine = await list(l.id, me)
  t.equal(mine.statusCode, 200, mine.body)
  const [second, first] = mine.json().items
  t.match(second, {
    fields: ['nationalId'],
    previous: { name: null, nationalIdMasked: /^\d{6}\*{8}\d{3}[\dX]$/ },
    reason: null,
    role: 'registrar',
    organization: { id: school },
  })
  t.equal(
    second.previous.nationalIdMasked,
    `${l.proof.nationalId.slice(0, 6)}********${l.proof.nationalId.slice(-4)}`,
    'the number before, masked',
  )
  t.match(first, {
    fields: ['name'],
    previous: { name: '韩错字', nationalIdMasked: null },
    reason: '出示身份证',
  })
  t.ok(Date.parse(second.at) >= Date.parse(first.at), 'newest first')

  const paged = (await list(l.id, me, '?limit=1')).json()
  t.equal(paged.items.length, 1)
  const rest = (await list(l.id, me, `?limit=1&cursor=${paged.nextCursor}`)).json()
  t.same(
    rest.items.map((c: { id: string }) => c.id),
    [first.id],
    'the second page holds the older one',
  )
  t.equal((await list(l.id, me, '?cursor=WyJ4Il0')).json().code, 'CURSOR_MALFORMED')

  // Others see nothing: another learner, a registrar (even the opening school's), a stranger's id.
  t.equal((await list(l.id, a.learnerAuth(other.id))).statusCode, 404)
  t.equal((await list(l.id, a.registrar(school))).statusCode, 404)
  t.equal((await list(other.id, me)).statusCode, 404)

  // An admin sees them too, and that read of the values before is in the learner's log.
  const reads = () =>
    app.inject({ method: 'GET', url: `/v1/learners/${l.id}/access-log`, headers: me })
  const readsBefore = (await reads()).json().items.length
  t.equal((await list(l.id, a.admin)).json().items.length, 2)
  const after = (await reads()).json().items
  t.equal(after.length, readsBefore + 1, 'one read recorded')
  t.match(after[0], { role: 'admin', what: 'corrections' })
  await list(l.id, me)
  t.equal((await reads()).json().items.length, readsBefore + 1, 'the learner’s own reads are not')
})
