import t from 'tap'
import { buildAccounts, counts, course, person } from './helper.js'

const a = await buildAccounts()
t.teardown(() => a.close())
const { app } = a
const school = await a.registerOrg('school')
const other = await a.registerOrg('school')
const trainer = await a.registerOrg('training_body')

const find = (body: unknown, headers: Record<string, string>) =>
  app.inject({ method: 'POST', url: '/v1/learners/find', headers, payload: body as object })
const enroll = (headers: Record<string, string>, body: Record<string, unknown>) =>
  app.inject({
    method: 'POST',
    url: '/v1/enrollments',
    headers,
    payload: { programCode: 'P-WEB', programName: '网页设计', startedOn: '2024-09-01', ...body },
  })

t.test(
  'a registrar finds a learner by 身份证号 + name, account number, 学号, name + birth date',
  async (t) => {
    const p = person({ name: '王小明' })
    const l = await a.openLearner(p)
    const me = a.registrar(school)
    const byId = await find({ nationalId: ` ${p.nationalId.toLowerCase()}`, name: '王小明' }, me)
    t.equal(byId.statusCode, 200, byId.body)
    t.match(byId.json().items, [
      { id: l.id, accountNo: l.accountNo, name: '王小明', studentNo: null, knownHere: false },
    ])
    t.notOk(byId.body.includes(p.nationalId), 'the national id is only shown masked')
    t.same(
      (await find({ nationalId: p.nationalId, name: '王大明' }, me)).json().items,
      [],
      'a wrong name finds nobody',
    )
    t.equal(
      (await find({ nationalId: '41010519990101123', name: '王小明' }, me)).json().code,
      'ACCOUNTS_NATIONAL_ID_INVALID',
    )
    t.match((await find({ accountNo: l.accountNo.toLowerCase() }, me)).json().items, [{ id: l.id }])

    // Nothing yet by 学号 or by name + birth date: the school does not know the learner.
    t.same((await find({ studentNo: '2024001' }, me)).json().items, [])
    const birthDate = `${p.nationalId.slice(6, 10)}-${p.nationalId.slice(10, 12)}-${p.nationalId.slice(12, 14)}`
    t.same((await find({ name: '王小明', birthDate }, me)).json().items, [])

    // Found, but not known: an id alone does not enroll (and so read) a learner; the 身份证号 does.
    const before = await counts(a.db)
    const byIdAlone = await enroll(me, { learnerId: l.id, studentNo: '2024001' })
    t.equal(byIdAlone.statusCode, 403)
    t.equal(byIdAlone.json().code, 'ACCOUNTS_LEARNER_NOT_KNOWN_HERE')
    t.match(byIdAlone.json().errors, [{ path: '/learnerId', code: 'FIELD_LEARNER_NOT_KNOWN' }])
    t.same(await counts(a.db), before, 'nothing written')
    const wrong = await enroll(me, { learnerId: l.id, nationalId: p.nationalId, name: '王大明' })
    t.equal(wrong.statusCode, 422)
    t.equal(wrong.json().code, 'ACCOUNTS_LEARNER_PROOF_MISMATCH')
    t.same(await counts(a.db), before, 'nothing written')
    const half = await enroll(me, { learnerId: l.id, nationalId: p.nationalId })
    t.equal(half.statusCode, 403)
    t.match(half.json().errors, [{ path: '/name', code: 'FIELD_REQUIRED' }])
    const zh = await app.inject({
      method: 'POST',
      url: '/v1/enrollments',
      headers: { ...me, 'accept-language': 'zh-CN' },
      payload: {
        programCode: 'P-WEB',
        programName: '网页设计',
        startedOn: '2024-09-01',
        learnerId: l.id,
      },
    })
    t.equal(zh.json().title, '本机构尚未登记这位学习者：首次办理须提供其身份证号和姓名')
    t.match(zh.json().errors, [{ message: '是本机构尚未登记的学习者：请改填其身份证号和姓名' }])
    t.equal(
      (await app.inject({ method: 'GET', url: `/v1/learners/${l.id}`, headers: me })).statusCode,
      404,
      'refused attempts give no access',
    )
    const e = await enroll(me, {
      learnerId: l.id,
      nationalId: p.nationalId,
      name: p.name,
      studentNo: '2024001',
    })
    t.equal(e.statusCode, 201, e.body)
    t.equal(e.json().studentNo, '2024001')
    t.match((await find({ studentNo: '2024001' }, me)).json().items, [
      { id: l.id, studentNo: '2024001', knownHere: true },
    ])
    t.match((await find({ name: ' 王小明', birthDate }, me)).json().items, [{ id: l.id }])
    t.same(
      (await find({ studentNo: '2024001' }, a.registrar(other))).json().items,
      [],
      "another school's 学号 names nobody here",
    )
    const list = await app.inject({
      method: 'GET',
      url: `/v1/learners/${l.id}/enrollments`,
      headers: me,
    })
    t.match(list.json().items, [{ programCode: 'P-WEB', studentNo: '2024001' }])
  },
)

t.test('one 学号 names one learner at a school', async (t) => {
  const me = a.registrar(school)
  const [l1, l2] = [await a.openLearner(), await a.openLearner()]
  t.equal((await enroll(me, { learnerId: l1.id, ...l1.proof, studentNo: 'S-1' })).statusCode, 201)
  const before = await counts(a.db)
  const taken = await enroll(me, { learnerId: l2.id, ...l2.proof, studentNo: 'S-1' })
  t.equal(taken.statusCode, 409)
  t.equal(taken.json().code, 'ACCOUNTS_STUDENT_NO_TAKEN')
  t.same(await counts(a.db), before, 'nothing written')
  t.equal(
    (await enroll(a.registrar(other), { learnerId: l2.id, ...l2.proof, studentNo: 'S-1' }))
      .statusCode,
    201,
    'another school may use the same number',
  )
  t.equal(
    (await enroll(me, { learnerId: l1.id, studentNo: 'S-1' })).statusCode,
    200,
    'again: the same',
  )
})

t.test('a training body sees the learners it posted for, and only its entries', async (t) => {
  const p = person()
  const l = await a.openLearner(p)
  const me = a.registrar(trainer)
  const entries = () =>
    app.inject({ method: 'GET', url: `/v1/learners/${l.id}/entries`, headers: me })
  t.equal((await entries()).statusCode, 404, 'not before it knows them')
  const posted = await app.inject({
    method: 'POST',
    url: '/v1/outcomes',
    headers: me,
    payload: course(l.id, { kind: 'training', hours: '16', credits: undefined, grade: undefined }),
  })
  t.equal(posted.statusCode, 403, 'an id alone is not enough')
  t.equal((await entries()).statusCode, 404, 'nor does the refusal open anything')
  const proven = await app.inject({
    method: 'POST',
    url: '/v1/outcomes',
    headers: me,
    payload: course(l.id, {
      kind: 'training',
      hours: '16',
      credits: undefined,
      grade: undefined,
      nationalId: p.nationalId,
      name: p.name,
    }),
  })
  t.equal(proven.statusCode, 201, proven.body)
  await app.inject({
    method: 'POST',
    url: '/v1/outcomes',
    headers: a.registrar(school),
    payload: course(l.id, { nationalId: p.nationalId, name: p.name }),
  })
  t.match((await find({ nationalId: p.nationalId, name: p.name }, me)).json().items, [
    { knownHere: true },
  ])
  const mine = await entries()
  t.equal(mine.statusCode, 200)
  t.same(
    mine.json().items.map((e: { orgId: string }) => e.orgId),
    [trainer],
    "only the entries it posted, not the school's",
  )
})

t.test('who may find, and one way at a time', async (t) => {
  const p = person()
  await a.openLearner(p)
  const body = { nationalId: p.nationalId, name: p.name }
  t.equal((await find(body, a.admin)).statusCode, 200)
  t.equal((await find(body, a.keys.auth({ roles: ['reviewer'], org: school }))).statusCode, 403)
  t.equal((await find(body, a.learnerAuth('x'))).statusCode, 403)
  t.equal((await find(body, {})).statusCode, 401)
  for (const b of [
    {},
    { name: p.name },
    { ...body, accountNo: 'CB1' },
    { studentNo: '1', accountNo: 'CB1' },
    { nationalId: p.nationalId },
  ])
    t.equal(
      (await find(b, a.registrar(school))).json().code,
      'ACCOUNTS_FIND_INVALID',
      JSON.stringify(b),
    )
  t.equal((await find({ studentNo: '1' }, a.admin)).statusCode, 403, 'a 学号 needs an organization')
})
