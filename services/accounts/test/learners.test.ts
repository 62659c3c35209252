import { eventually } from '@creditbank/testing'
import t from 'tap'
import { isValidAccountNo } from '../src/domain/account-no.js'
import { buildAccounts, counts, nationalId, person } from './helper.js'

const a = await buildAccounts()
t.teardown(() => a.close())
const { app } = a
const school = await a.registerOrg('school')
const otherSchool = await a.registerOrg('school')

t.test(
  'opening an account: masked id, readable account number, learner.opened without the id',
  async (t) => {
    const body = person({ nationalId: '41010519990101123X'.slice(0, 17) + 'X' })
    body.nationalId = nationalId('20000229')
    const res = await app.inject({
      method: 'POST',
      url: '/v1/learners',
      headers: a.registrar(school),
      payload: body,
    })
    t.equal(res.statusCode, 201, `answers 201${res.statusCode === 201 ? '' : `: ${res.body}`}`)
    const l = res.json()
    t.equal(
      l.nationalIdMasked,
      `${body.nationalId.slice(0, 6)}********${body.nationalId.slice(-4)}`,
    )
    t.equal(l.birthDate, '2000-02-29')
    t.ok(isValidAccountNo(l.accountNo), l.accountNo)
    t.notOk(res.body.includes(body.nationalId), 'the id is never in an answer')
    const row = await a.db
      .selectFrom('learner')
      .selectAll()
      .where('id', '=', l.id)
      .executeTakeFirstOrThrow()
    t.notOk(JSON.stringify(row).includes(body.nationalId), 'nor stored in the clear')
    t.equal(row.national_id_hash.length, 64)
    await eventually(async () =>
      a.platform.transport.events('accounts.learner.opened').some((e) => e.data.learnerId === l.id),
    )
    const ev = a.platform.transport
      .events('accounts.learner.opened')
      .find((e) => e.data.learnerId === l.id)!
    // Ids and the region only (decision 0730): services ask accounts for the name they show.
    t.same(ev.data, {
      learnerId: l.id,
      accountNo: l.accountNo,
      category: 'student',
      openedByOrgId: school,
      regionCode: body.nationalId.slice(0, 6),
    })
    t.equal(ev.subject, l.id)
    t.notOk(
      JSON.stringify(a.platform.transport.published).includes(body.nationalId),
      'no event carries the id',
    )
  },
)

t.test(
  'the same person opened by two schools is one learner; another name is a conflict',
  async (t) => {
    const p = person()
    const first = await app.inject({
      method: 'POST',
      url: '/v1/learners',
      headers: a.registrar(school),
      payload: p,
    })
    const second = await app.inject({
      method: 'POST',
      url: '/v1/learners',
      headers: a.registrar(otherSchool),
      payload: { ...p, nationalId: p.nationalId.toLowerCase(), name: ` ${p.name} ` },
    })
    t.equal(first.statusCode, 201)
    t.equal(second.statusCode, 200)
    t.equal(second.json().id, first.json().id)
    const before = await counts(a.db)
    const other = await app.inject({
      method: 'POST',
      url: '/v1/learners',
      headers: a.admin,
      payload: { ...p, name: '别人' },
    })
    t.equal(other.statusCode, 409)
    t.equal(other.json().code, 'ACCOUNTS_IDENTITY_CONFLICT')
    t.same(await counts(a.db), before, 'nothing written')
  },
)

t.test(
  'one person opened by five requests at once: one learner, one account, one data key',
  async (t) => {
    const p = person()
    const before = await counts(a.db)
    const answers = await Promise.all(
      [school, otherSchool, school, otherSchool, school].map((org) =>
        app.inject({ method: 'POST', url: '/v1/learners', headers: a.registrar(org), payload: p }),
      ),
    )
    t.same(answers.map((r) => r.statusCode).sort(), [200, 200, 200, 200, 201])
    t.equal(new Set(answers.map((r) => r.json().id)).size, 1, 'every answer names one learner')
    const after = await counts(a.db)
    t.equal(after.learners - before.learners, 1)
    t.equal(after.accounts - before.accounts, 1)
    t.equal(after.keys - before.keys, 1, 'the requests that lost store no key of their own')
    const read = await app.inject({
      method: 'GET',
      url: `/v1/learners/${answers[0]!.json().id}`,
      headers: a.admin,
    })
    t.equal(read.json().name, p.name, 'the stored key opens the learner’s data')
  },
)

t.test('bad national ids and bodies are 4xx and write nothing', async (t) => {
  const good = nationalId()
  const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0')
  const before = await counts(a.db)
  const cases: [string, Record<string, unknown>, number, string][] = [
    ['wrong check digit', person({ nationalId: wrongCheck }), 422, '/nationalId'],
    [
      'impossible date',
      person({
        nationalId: (() => {
          const f = '41010519990231123'
          return f + (f && require17(f))
        })(),
      }),
      422,
      '/nationalId',
    ],
    [
      'future birth',
      person({
        nationalId: (() => {
          const f = '41010521990101123'
          return f + require17(f)
        })(),
      }),
      422,
      '/nationalId',
    ],
    ['letters', person({ nationalId: '41010519990101ABCD' }), 422, '/nationalId'],
    ['too short', person({ nationalId: '4101051999' }), 400, '/nationalId'],
    [
      'birth date mismatch',
      person({ nationalId: nationalId('19990101'), birthDate: '1999-01-02' }),
      422,
      '/birthDate',
    ],
    ['unknown category', person({ category: 'alien' }), 400, '/category'],
    ['unknown field', person({ extra: 1 }), 400, '/extra'],
    ['name a number', person({ name: 42 }), 400, '/name'],
  ]
  for (const [name, body, status, path] of cases) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/learners',
      headers: a.admin,
      payload: body,
    })
    t.equal(res.statusCode, status, name)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', name)
    t.ok(
      res.json().errors?.some((e: { path: string }) => e.path === path),
      `${name}: names ${path} (${res.body})`,
    )
    t.notOk(res.body.includes(String(body.nationalId)), `${name}: the id is not echoed`)
  }
  t.same(await counts(a.db), before)
  const learner = await app.inject({
    method: 'POST',
    url: '/v1/learners',
    headers: a.learnerAuth('x'),
    payload: person(),
  })
  t.equal(learner.statusCode, 403, 'learners do not open accounts for others')
  const anon = await app.inject({ method: 'POST', url: '/v1/learners', payload: person() })
  t.equal(anon.statusCode, 401)
})

function require17(first17: string) {
  const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let s = 0
  for (let i = 0; i < 17; i++) s += Number(first17[i]) * W[i]!
  return '10X98765432'[s % 11]!
}

t.test('look-up by national id and name, never in a URL', async (t) => {
  const p = person()
  const l = await a.openLearner(p)
  const found = await app.inject({
    method: 'POST',
    url: '/v1/learners/lookup',
    headers: a.registrar(school),
    payload: { nationalId: p.nationalId, name: p.name },
  })
  t.equal(found.statusCode, 200)
  t.same(found.json(), { id: l.id, accountNo: l.accountNo })
  const wrongName = await app.inject({
    method: 'POST',
    url: '/v1/learners/lookup',
    headers: a.registrar(school),
    payload: { nationalId: p.nationalId, name: '别人' },
  })
  t.equal(wrongName.statusCode, 404, 'a wrong name is as unknown as a wrong id')
  const unknown = await app.inject({
    method: 'POST',
    url: '/v1/learners/lookup',
    headers: a.registrar(school),
    payload: { nationalId: nationalId(), name: p.name },
  })
  t.equal(unknown.statusCode, 404)
  t.same({ ...wrongName.json(), instance: null }, { ...unknown.json(), instance: null })
  const asLearner = await app.inject({
    method: 'POST',
    url: '/v1/learners/lookup',
    headers: a.learnerAuth(l.id),
    payload: { nationalId: p.nationalId, name: p.name },
  })
  t.equal(asLearner.statusCode, 403)
})

t.test(
  'claim links the account to the user, publishes learner.claimed, and cannot be taken over',
  async (t) => {
    const p = person()
    const l = await a.openLearner(p)
    const user = '0190aaaa-0000-7000-8000-000000000001'
    const me = a.keys.auth({ roles: ['learner'], sub: user })
    const res = await app.inject({
      method: 'POST',
      url: '/v1/learners/claim',
      headers: me,
      payload: { nationalId: p.nationalId, name: p.name },
    })
    t.equal(res.statusCode, 200, `answers 200${res.statusCode === 200 ? '' : `: ${res.body}`}`)
    t.equal(res.json().id, l.id)
    t.equal(res.json().claimed, true)
    await eventually(async () =>
      a.platform.transport
        .events('accounts.learner.claimed')
        .some((e) => e.data.learnerId === l.id),
    )
    t.same(
      a.platform.transport
        .events('accounts.learner.claimed')
        .find((e) => e.data.learnerId === l.id)!.data,
      { learnerId: l.id, userId: user },
    )
    const again = await app.inject({
      method: 'POST',
      url: '/v1/learners/claim',
      headers: me,
      payload: { nationalId: p.nationalId, name: p.name },
    })
    t.equal(again.statusCode, 200, 'claiming again is a no-op')
    t.equal(
      a.platform.transport
        .events('accounts.learner.claimed')
        .filter((e) => e.data.learnerId === l.id).length,
      1,
      'one event',
    )
    const thief = a.keys.auth({ roles: ['learner'], sub: '0190aaaa-0000-7000-8000-000000000002' })
    const stolen = await app.inject({
      method: 'POST',
      url: '/v1/learners/claim',
      headers: thief,
      payload: { nationalId: p.nationalId, name: p.name },
    })
    t.equal(stolen.statusCode, 409)
    t.equal(stolen.json().code, 'ACCOUNTS_ALREADY_CLAIMED')
    const second = await app.inject({
      method: 'POST',
      url: '/v1/learners/claim',
      headers: me,
      payload: person(),
    })
    t.equal(second.statusCode, 409, 'one user, one account')
    t.equal(second.json().code, 'ACCOUNTS_USER_ALREADY_LINKED')
    const wrongName = await app.inject({
      method: 'POST',
      url: '/v1/learners/claim',
      headers: thief,
      payload: { nationalId: p.nationalId, name: '别人' },
    })
    t.equal(wrongName.statusCode, 409)
    const byClient = await app.inject({
      method: 'POST',
      url: '/v1/learners/claim',
      headers: a.keys.auth({ typ: 'client', roles: ['learner'], org: school }),
      payload: person(),
    })
    t.equal(byClient.statusCode, 403, 'a system client claims nothing')
  },
)

t.test('claim opens an account when the person has none', async (t) => {
  const user = '0190aaaa-0000-7000-8000-000000000003'
  const p = person()
  const res = await app.inject({
    method: 'POST',
    url: '/v1/learners/claim',
    headers: a.keys.auth({ roles: ['learner'], sub: user }),
    payload: { nationalId: p.nationalId, name: p.name },
  })
  t.equal(res.statusCode, 201)
  t.equal(res.json().category, 'other')
  await eventually(async () =>
    a.platform.transport.events('accounts.learner.claimed').some((e) => e.data.userId === user),
  )
  t.ok(
    a.platform.transport
      .events('accounts.learner.opened')
      .some((e) => e.data.learnerId === res.json().id),
  )
})

t.test(
  'an opening or a claim under an Idempotency-Key is remembered by the learner id alone',
  async (t) => {
    const p = person()
    const user = '0190aaaa-0000-7000-8000-000000000004'
    const asked = [
      { url: '/v1/learners', headers: a.registrar(school), payload: p },
      {
        url: '/v1/learners/claim',
        headers: a.keys.auth({ roles: ['learner'], sub: user }),
        payload: { nationalId: p.nationalId, name: p.name },
      },
    ]
    for (const { url, headers, payload } of asked) {
      const send = () =>
        app.inject({
          method: 'POST',
          url,
          headers: { ...headers, 'idempotency-key': `remember-${url}` },
          payload,
        })
      const first = await send()
      const again = await send()
      t.equal(again.headers['idempotency-replayed'], 'true', `${url}: replayed`)
      t.equal(again.statusCode, first.statusCode)
      // The replay shows the learner as they are now: claimed after the opening's answer.
      const { claimed: _, ...rest } = first.json()
      t.match(again.json(), rest, `${url}: the same learner, name included`)
    }
    const remembered = await a.db
      .selectFrom('idempotency_key')
      .select('body')
      .where(
        'key',
        'in',
        asked.map((x) => `remember-${x.url}`),
      )
      .execute()
    t.equal(remembered.length, 2)
    t.notOk(
      remembered.some((r) => r.body.includes(p.name) || r.body.includes(p.nationalId.slice(-4))),
      'neither the name nor the masked number is kept in the remembered answers',
    )
  },
)

t.test('enrollments: a school enrolls in its own programs; replays are no-ops', async (t) => {
  const l = await a.openLearner()
  const body = {
    learnerId: l.id,
    ...l.proof,
    programCode: 'P-WEB',
    programName: '网页设计',
    startedOn: '2024-09-01',
  }
  const res = await app.inject({
    method: 'POST',
    url: '/v1/enrollments',
    headers: a.registrar(school),
    payload: body,
  })
  t.equal(res.statusCode, 201)
  t.match(res.json(), { learnerId: l.id, orgId: school, programCode: 'P-WEB' })
  const again = await app.inject({
    method: 'POST',
    url: '/v1/enrollments',
    headers: a.registrar(school),
    payload: body,
  })
  t.equal(again.statusCode, 200)
  t.equal(again.json().id, res.json().id)
  const changed = await app.inject({
    method: 'POST',
    url: '/v1/enrollments',
    headers: a.registrar(school),
    payload: { ...body, startedOn: '2024-09-02' },
  })
  t.equal(changed.statusCode, 409)
  await eventually(async () =>
    a.platform.transport
      .events('accounts.enrollment.created')
      .some((e) => e.data.learnerId === l.id),
  )
  t.equal(
    a.platform.transport
      .events('accounts.enrollment.created')
      .filter((e) => e.data.learnerId === l.id).length,
    1,
  )
  const enterprise = await a.registerOrg('enterprise')
  const notSchool = await app.inject({
    method: 'POST',
    url: '/v1/enrollments',
    headers: a.registrar(enterprise),
    payload: body,
  })
  t.equal(notSchool.statusCode, 422)
  t.equal(notSchool.json().code, 'ACCOUNTS_NOT_A_SCHOOL')
  const unknownOrg = await app.inject({
    method: 'POST',
    url: '/v1/enrollments',
    headers: a.registrar('0190aaaa-0000-7000-8000-00000000dead'),
    payload: body,
  })
  t.equal(unknownOrg.statusCode, 422)
  t.equal(unknownOrg.json().code, 'ACCOUNTS_ORGANIZATION_UNKNOWN')
  const noLearner = await app.inject({
    method: 'POST',
    url: '/v1/enrollments',
    headers: a.registrar(school),
    payload: { ...body, learnerId: '0190aaaa-0000-7000-8000-00000000beef' },
  })
  t.equal(noLearner.statusCode, 404)
  const noOrg = await app.inject({
    method: 'POST',
    url: '/v1/enrollments',
    headers: a.keys.auth({ roles: ['registrar'] }),
    payload: body,
  })
  t.equal(noOrg.statusCode, 403)
  const list = await app.inject({
    method: 'GET',
    url: `/v1/learners/${l.id}/enrollments`,
    headers: a.registrar(school),
  })
  t.equal(list.statusCode, 200)
  t.equal(list.json().items.length, 1)
})
