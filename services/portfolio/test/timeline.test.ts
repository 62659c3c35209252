import { eventually } from '@creditbank/testing'
import t from 'tap'
import { buildPortfolio, fixtures, ids } from './helper.js'

const pf = await buildPortfolio()
t.teardown(() => pf.close())
const { app } = pf
const f = fixtures()
const me = pf.learner(f.learnerId)
const timeline = (query = '', headers: Record<string, string> = me, learnerId = f.learnerId) =>
  app.inject({ method: 'GET', url: `/v1/learners/${learnerId}/timeline${query}`, headers })

const t0 = Date.now() - 60_000
const at = (i: number) => new Date(t0 + i * 1000)
const certId = ids()
const course = f.outcome()
const appId = ids()
const events = [
  { ...f.orgRegistered(f.school, '河南工业职业技术学院'), time: at(0) },
  { ...f.orgRegistered(f.evalOrg, '评价组织', 'evaluation_org'), time: at(0) },
  { ...f.typePublished(), time: at(0) },
  { ...f.learnerOpened(), time: at(1) },
  { ...course, time: at(2) },
  { ...f.certificateIssued(certId), time: at(3) },
  {
    type: 'recognition.application.approved',
    time: at(4),
    data: {
      applicationId: appId,
      learnerId: f.learnerId,
      targetOrgId: f.school,
      programCode: 'P-WEB',
      courseCode: 'WEB201',
      courseName: '网页设计',
      courseType: 'core',
      credits: '4',
      sourceEntryIds: [course.data.entryId],
      rule: { code: 'HN-X-WEB-2025', version: 2 },
    },
  },
  {
    type: 'accounts.credit.recognized',
    time: at(5),
    data: {
      entryId: ids(),
      learnerId: f.learnerId,
      orgId: f.school,
      applicationId: appId,
      courseCode: 'WEB201',
      courseName: '网页设计',
      credits: '4',
      sourceEntryIds: [course.data.entryId],
      postedAt: at(5).toISOString(),
    },
  },
  {
    type: 'accounts.entry.reversed',
    time: at(6),
    data: {
      entryId: ids(),
      reversedEntryId: course.data.entryId,
      learnerId: f.learnerId,
      orgId: f.school,
      reason: '重复录入',
      postedAt: at(6).toISOString(),
    },
  },
]
const published = await pf.apply(...events)

t.test(
  'every event of the learner is on the timeline, newest first, with its provenance',
  async (t) => {
    const res = await timeline()
    t.equal(res.statusCode, 200, `answers 200${res.statusCode === 200 ? '' : `: ${res.body}`}`)
    const { items, nextCursor } = res.json()
    t.equal(nextCursor, null)
    t.same(items.map((i: { category: string }) => i.category).sort(), [
      'account',
      'application',
      'certificate',
      'outcome',
      'recognized',
      'reversal',
    ])
    // Newest learning first (when it happened), then newest posting (issue 14).
    const order = items.map((i: { occurredOn: string; at: string }) => `${i.occurredOn} ${i.at}`)
    t.same(order, [...order].sort().reverse())
    const outcome = items.find((i: { category: string }) => i.category === 'outcome')
    t.match(outcome, {
      entryId: course.data.entryId,
      title: '网页设计',
      status: 'reversed',
      orgName: '河南工业职业技术学院',
    })
    t.match(outcome.provenance, {
      source: '/creditbank/accounts',
      eventType: 'accounts.outcome.posted',
      orgId: f.school,
      orgName: '河南工业职业技术学院',
    })
    const approved = items.find((i: { category: string }) => i.category === 'application')
    t.same(
      approved.provenance.rule,
      { code: 'HN-X-WEB-2025', version: 2 },
      'which rule and version',
    )
    t.equal(
      items.find((i: { category: string }) => i.category === 'certificate').title,
      'Web前端开发（中级）',
    )
    // A reversal is titled after the entry it reversed; an old event's reason (decision 0730:
    // events carry none since) is kept nowhere on the item.
    const reversal = items.find((i: { category: string }) => i.category === 'reversal')
    t.equal(reversal.title, '网页设计', 'titled after the course reversed')
    t.notOk(JSON.stringify(reversal).includes('重复录入'), 'no reason on the item')
  },
)

t.test('types without a contract yet are skipped gracefully; replays change nothing', async (t) => {
  const before = (await timeline()).json().items
  const [unknown] = await pf.publish({
    type: 'recognition.application.reopened-in-the-future',
    data: { applicationId: ids(), learnerId: f.learnerId },
  })
  // The same events again, with the same ids: the inbox turns them into no-ops.
  await pf.platform.transport.publish(
    published.slice(3, 6).map((e) => ({
      topic: `creditbank.${e.type.split('.')[0]}.v1`,
      key: e.subject ?? null,
      value: JSON.stringify(e),
    })),
  )
  // One learner's events share a partition: once the marker is applied, everything before it was read.
  await pf.apply({ ...f.outcome({ title: '标记' }) })
  const after = (await timeline()).json().items
  t.equal(after.length, before.length + 1, 'only the new marker was added')
  t.ok(after.some((i: { title: string }) => i.title === '标记'))
  const inbox = await pf.db
    .selectFrom('inbox_event')
    .select('event_id')
    .where('event_id', '=', unknown?.id as string)
    .execute()
  t.equal(inbox.length, 0, 'the unknown type was not applied')
  t.equal(
    pf.platform.transport.published.filter((m) => m.topic.startsWith('creditbank.dlq.')).length,
    0,
    'and not dead-lettered',
  )
})

t.test(
  'reports to accounts (a staff read, a part of an erasure) are not timeline items',
  async (t) => {
    const before = (await timeline()).json().items.length
    const now = new Date().toISOString()
    const read = {
      learnerId: f.learnerId,
      actorKind: 'user',
      actorId: ids(),
      role: 'reviewer',
      orgId: null,
      route: 'GET /v1/applications/:id',
      what: 'application',
      ip: '127.0.0.1',
      at: now,
    }
    await pf.apply(
      { type: 'recognition.learner.read', data: read },
      { type: 'certificates.learner.read', data: { ...read, what: 'certificate' } },
      { type: 'certificates.erasure.completed', data: { learnerId: ids(), completedAt: now } },
      { type: 'recognition.erasure.completed', data: { learnerId: f.learnerId, completedAt: now } },
    )
    const items = (await timeline()).json().items
    t.equal(items.length, before, 'none added')
    t.notOk(
      items.some((i: { title: string }) => /read|erasure/.test(i.title)),
      'no English report title on the timeline',
    )
    t.equal(
      pf.platform.transport.published.filter((m) => m.topic.startsWith('creditbank.dlq.')).length,
      0,
      'and none dead-lettered',
    )
  },
)

t.test('pagination: newest first, the cursor continues where the page ended', async (t) => {
  const other = fixtures()
  const many = Array.from({ length: 25 }, (_, i) => ({
    ...other.outcome({ title: `课程${i}` }),
    time: new Date(t0 + i * 10),
  }))
  await pf.apply(...many)
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const res = await timeline(
      `?limit=10${cursor ? `&cursor=${cursor}` : ''}`,
      pf.learner(other.learnerId),
      other.learnerId,
    )
    t.equal(res.statusCode, 200)
    const page: { items: { title: string }[]; nextCursor: string | null } = res.json()
    seen.push(...page.items.map((i) => i.title))
    cursor = page.nextCursor
  } while (cursor)
  t.same(seen, many.map((e) => e.data.title).reverse())
  for (const q of ['?limit=0', '?limit=101', '?cursor=garbage', '?cursor=WyJ4Il0']) {
    const res = await timeline(q, pf.learner(other.learnerId), other.learnerId)
    t.equal(res.statusCode, 400, q)
    t.match(res.headers['content-type'], /problem\+json/)
  }
})

t.test('the role table: self and admin read a timeline, nobody else', async (t) => {
  const cases: [string, Record<string, string>, number][] = [
    ['self', me, 200],
    ['admin', pf.admin, 200],
    ['another learner', pf.learner(ids()), 403],
    [
      'a learner token without the learner claim',
      pf.platform.keys.auth({ roles: ['learner'] }),
      403,
    ],
    [
      'a registrar of the school',
      pf.platform.keys.auth({ roles: ['registrar'], org: f.school }),
      403,
    ],
    ['an issuer', pf.platform.keys.auth({ roles: ['issuer'], org: f.evalOrg }), 403],
    ['a reviewer', pf.platform.keys.auth({ roles: ['reviewer'], org: f.school }), 403],
    [
      'an org client',
      pf.platform.keys.auth({ typ: 'client', org: f.school, scope: 'outcomes:write' }),
      403,
    ],
    ['no token', {}, 401],
    ['a forged token', { authorization: 'Bearer a.b.c' }, 401],
  ]
  for (const [name, headers, status] of cases) {
    const res = await timeline('', headers)
    t.equal(res.statusCode, status, name)
    if (status !== 200) t.match(res.headers['content-type'], /problem\+json/, name)
  }
  t.equal((await timeline('', me, 'not-a-uuid')).statusCode, 400)
})

t.test('a rebuild drops the projection and replays the topics to the same result', async (t) => {
  const snapshot = async () =>
    pf.db.selectFrom('timeline_item').selectAll().orderBy('event_id').execute()
  const before = await snapshot()
  const orgs = await pf.db.selectFrom('organization').selectAll().orderBy('id').execute()
  t.ok(before.length > 30)
  const refused = await app.inject({
    method: 'POST',
    url: '/v1/admin/timeline/rebuild',
    headers: me,
  })
  t.equal(refused.statusCode, 403)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/admin/timeline/rebuild',
    headers: pf.admin,
  })
  t.equal(res.statusCode, 202, `answers 202${res.statusCode === 202 ? '' : `: ${res.body}`}`)
  t.equal(res.json().deleted >= before.length, true)
  const orgCount = async () =>
    (await pf.db.selectFrom('organization').select('id').execute()).length
  const after = await eventually(async () => {
    const rows = await snapshot()
    return rows.length === before.length && (await orgCount()) === orgs.length ? rows : undefined
  }, 60_000)
  t.same(after, before, 'the same items, statuses and provenance')
  t.same(await pf.db.selectFrom('organization').selectAll().orderBy('id').execute(), orgs)
  const page = (await timeline()).json().items
  const order = page.map((i: { occurredOn: string; at: string }) => `${i.occurredOn} ${i.at}`)
  t.same(order, [...order].sort().reverse(), 'still served newest learning first')
})
