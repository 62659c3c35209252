import t from 'tap'
import { buildCertificates, madeUpPerson } from './helper.js'

const h = await buildCertificates({}, { withAccounts: true })
t.teardown(() => h.close())
const { app } = h

const [own, other, school] = await h.orgs([
  { name: '工业和信息化部教育与考试中心' },
  { name: '北京新大陆时代教育科技有限公司' },
  { kind: 'school', name: '河南工业职业技术学院', regionCode: '410100' },
])
const web = await h.type(own!.id, { name: 'Web前端开发' })
const net = await h.type(own!.id, { name: '网络系统建设与运维' })
const theirs = await h.type(other!.id, { name: '物联网工程实施与运维' })
const zhang = madeUpPerson('张三')
const li = madeUpPerson('李四')
const [zhangAccount, liAccount] = await h.people([zhang, li])
const issuer = h.issuerOf(own!.id)

async function issue(
  headers: Record<string, string>,
  body: {
    typeCode: string
    level: string
    issuedOn: string
    person: { nationalId: string; name: string }
  },
) {
  const { person, ...rest } = body
  const res = await app.inject({
    method: 'POST',
    url: '/v1/certificates',
    headers,
    payload: { ...rest, nationalId: person.nationalId, holderName: person.name },
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json() as { id: string; number: string; learnerId: string }
}

const expired = await issue(issuer, {
  typeCode: web.code,
  level: 'junior',
  issuedOn: '2021-03-01',
  person: zhang,
})
const zhangMid = await issue(issuer, {
  typeCode: web.code,
  level: 'intermediate',
  issuedOn: '2025-06-01',
  person: zhang,
})
const liJunior = await issue(issuer, {
  typeCode: web.code,
  level: 'junior',
  issuedOn: '2024-01-10',
  person: li,
})
const liNet = await issue(issuer, {
  typeCode: net.code,
  level: 'junior',
  issuedOn: '2025-05-05',
  person: li,
})
const elsewhere = await issue(h.issuerOf(other!.id), {
  typeCode: theirs.code,
  level: 'junior',
  issuedOn: '2025-01-01',
  person: zhang,
})
const ownAll = [zhangMid, liNet, liJunior, expired]

const get = (query: string, headers: Record<string, string> = issuer) =>
  app.inject({ method: 'GET', url: `/v1/certificates${query}`, headers })
const search = (payload: object, headers: Record<string, string> = issuer) =>
  app.inject({ method: 'POST', url: '/v1/certificates/search', headers, payload })
const numbers = (res: { json: () => { items: { number: string }[] } }) =>
  res.json().items.map((c) => c.number)

t.test('learners named by 身份证号 got the right accounts', async (t) => {
  t.equal(zhangMid.learnerId, zhangAccount!.id)
  t.equal(liNet.learnerId, liAccount!.id)
})

t.test(
  "an issuer lists their organization's certificates, latest issue first, with holders' names",
  async (t) => {
    const res = await get('')
    t.equal(res.statusCode, 200)
    t.same(
      numbers(res),
      ownAll.map((c) => c.number),
    )
    t.match(res.json().items[0], {
      holderName: '张三',
      typeName: 'Web前端开发',
      level: 'intermediate',
      status: 'valid',
      issuer: '工业和信息化部教育与考试中心',
    })
    t.notOk(numbers(res).includes(elsewhere.number), "another organization's are not there")
    t.equal(res.json().items[3].status, 'expired', 'a 2021 certificate of 3 years has expired')
  },
)

t.test('filters: number, type, level, status, dates, learner', async (t) => {
  const cases: [string, { number: string }[]][] = [
    [`?number=${zhangMid.number.toLowerCase()}`, [zhangMid]],
    [`?number=${elsewhere.number}`, []],
    [`?typeCode=${net.code}`, [liNet]],
    ['?level=junior', [liNet, liJunior, expired]],
    ['?status=expired', [expired]],
    ['?status=valid', [zhangMid, liNet, liJunior]],
    ['?status=revoked', []],
    ['?issuedFrom=2024-01-10&issuedTo=2025-05-05', [liNet, liJunior]],
    [`?learnerId=${liAccount!.id}&level=junior&typeCode=${web.code}`, [liJunior]],
  ]
  for (const [query, expected] of cases) {
    const res = await get(query)
    t.equal(res.statusCode, 200, query)
    t.same(
      numbers(res),
      expected.map((c) => c.number),
      query,
    )
  }
})

t.test('cursor pages walk the whole list once', async (t) => {
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const res = await get(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
    t.equal(res.statusCode, 200)
    seen.push(...numbers(res))
    cursor = res.json().nextCursor
  } while (cursor)
  t.same(
    seen,
    ownAll.map((c) => c.number),
  )
})

t.test(
  'search by person: 身份证号 + name, account number or holder name, in the body',
  async (t) => {
    const byId = await search({ nationalId: zhang.nationalId, name: '张三' })
    t.equal(byId.statusCode, 200)
    t.same(numbers(byId), [zhangMid.number, expired.number], "only this organization's")
    t.same(
      numbers(await search({ nationalId: zhang.nationalId, name: '张四' })),
      [],
      'a wrong name finds nobody',
    )
    t.same(numbers(await search({ accountNo: liAccount!.accountNo })), [
      liNet.number,
      liJunior.number,
    ])
    t.same(
      numbers(await search({ holderName: '张 三' })),
      [zhangMid.number, expired.number],
      'names compare as verification does',
    )
    t.same(
      numbers(await search({ nationalId: zhang.nationalId, name: '张三', status: 'valid' })),
      [zhangMid.number],
      'with the other filters',
    )
    t.same(
      numbers(
        await search({ nationalId: zhang.nationalId, name: '张三', learnerId: liAccount!.id }),
      ),
      [],
      'a learnerId of someone else narrows to nothing',
    )
    const malformed = await search({ nationalId: '41010519990101123', name: '张三' })
    t.equal(malformed.statusCode, 422)
    t.equal(malformed.json().code, 'CERTIFICATES_SEARCH_INVALID')
    t.equal(malformed.json().errors[0].path, '/nationalId')
    for (const [body, path] of [
      [{ nationalId: zhang.nationalId }, '/name'],
      [{ name: '张三' }, '/nationalId'],
      [
        { nationalId: zhang.nationalId, name: '张三', accountNo: liAccount!.accountNo },
        '/accountNo',
      ],
      [{ holderName: '\u3000 ' }, '/holderName'],
    ] as const) {
      const res = await search(body)
      t.equal(res.statusCode, 422, JSON.stringify(body))
      t.equal(res.json().errors[0].path, path)
    }
    t.equal(
      (await get(`?nationalId=${zhang.nationalId}`)).statusCode,
      400,
      'never a national id in a URL',
    )
    const page = await search({ limit: 1 })
    const next = await search({ limit: 1, cursor: page.json().nextCursor })
    t.same(numbers(next), [liNet.number], 'the search pages with its cursor too')
  },
)

t.test('who lists what', async (t) => {
  const all = await get('?limit=100', h.admin)
  t.equal(all.statusCode, 200)
  t.same(
    numbers(all).sort(),
    [...ownAll, elsewhere].map((c) => c.number).sort(),
    'admins: everyone',
  )
  t.same(
    numbers(await get(`?orgId=${other!.id}`, h.admin)),
    [elsewhere.number],
    'narrowed to one org',
  )
  t.same(
    numbers(await search({ nationalId: zhang.nationalId, name: '张三' }, h.admin)).sort(),
    [zhangMid, expired, elsewhere].map((c) => c.number).sort(),
  )
  t.equal((await get('', h.clientOf(own!.id))).statusCode, 200, 'a certificates:write client')
  const refused: [string, Record<string, string>, number][] = [
    ['issuer asking for another org', issuer, 403],
    ['registrar', h.keys.auth({ roles: ['registrar'], org: school!.id }), 403],
    ['reviewer', h.keys.auth({ roles: ['reviewer'], org: school!.id }), 403],
    ['holder', h.learnerToken(zhangAccount!.id), 403],
    ['client of another scope', h.clientOf(own!.id, 'outcomes:write'), 403],
    ['anonymous', {}, 401],
  ]
  for (const [name, headers, status] of refused) {
    const elsewhere = name.includes('another org') ? { orgId: other!.id } : {}
    const res = await get(elsewhere.orgId ? `?orgId=${elsewhere.orgId}` : '', headers)
    t.equal(res.statusCode, status, name)
    t.notOk(res.body.includes('张三'), `${name}: no holder names`)
    const found = await search({ holderName: '张三', ...elsewhere }, headers)
    t.equal(found.statusCode, status, `${name}: search`)
  }
  for (const bad of [
    '?limit=101',
    '?status=lost',
    '?cursor=bogus',
    '?issuedFrom=2025-13-01',
    '?level=master',
    '?typeCode=x',
  ])
    t.equal((await get(bad)).statusCode, 400, bad)
})

t.test('a learner lists their own certificates, and nobody else’s', async (t) => {
  const zhangToken = h.learnerToken(zhangAccount!.id)
  const mine = await get(`?learnerId=${zhangAccount!.id}&limit=100`, zhangToken)
  t.equal(mine.statusCode, 200)
  t.same(
    numbers(mine).sort(),
    [zhangMid, expired, elsewhere].map((c) => c.number).sort(),
    'every organization that issued to them',
  )
  t.ok(mine.body.includes('张三'), 'their own holder name')
  t.same(
    numbers(await get(`?learnerId=${zhangAccount!.id}&orgId=${other!.id}`, zhangToken)),
    [elsewhere.number],
    'orgId narrows',
  )
  const theirs = await get(`?learnerId=${liAccount!.id}`, zhangToken)
  t.equal(theirs.statusCode, 403, 'another learner')
  t.notOk(theirs.body.includes('李四'))
  t.equal((await get('', zhangToken)).statusCode, 403, 'without naming themself')
  const searched = await search({ learnerId: zhangAccount!.id }, zhangToken)
  t.equal(searched.statusCode, 403, 'the search by person stays staff-only')
})

t.test('a certificate is read and revoked by its number as by its id', async (t) => {
  const read = await app.inject({
    method: 'GET',
    url: `/v1/certificates/${liJunior.number.toLowerCase()}`,
    headers: issuer,
  })
  t.equal(read.statusCode, 200)
  t.equal(read.json().id, liJunior.id)
  const revoke = (ref: string, headers = issuer) =>
    app.inject({
      method: 'POST',
      url: `/v1/certificates/${ref}/revocation`,
      headers,
      payload: { reason: '考试作弊，成绩取消' },
    })
  t.equal(
    (await revoke(liJunior.number, h.issuerOf(other!.id))).statusCode,
    404,
    'another organization',
  )
  t.equal((await revoke('WEB-FE-2025-9999999')).statusCode, 404, 'an unknown number')
  t.equal((await revoke('no/such')).statusCode, 404, 'not a certificate path')
  t.equal((await revoke('bad number!')).statusCode, 400)
  const done = await revoke(liJunior.number.toLowerCase())
  t.equal(done.statusCode, 200)
  t.equal(done.json().status, 'revoked')
  t.equal(
    (await revoke(liJunior.id)).json().code,
    'CERTIFICATES_ALREADY_REVOKED',
    'then by id: once',
  )
  t.same(numbers(await get('?status=revoked')), [liJunior.number])
})
