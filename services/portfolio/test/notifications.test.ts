import t from 'tap'
import { buildPortfolio, fixtures, ids } from './helper.js'

const p = await buildPortfolio()
t.teardown(() => p.close())
const { app } = p

const list = async (learnerId: string, query = '') =>
  app.inject({
    method: 'GET',
    url: `/v1/learners/${learnerId}/notifications${query}`,
    headers: p.learner(learnerId),
  })

const application = (
  learnerId: string,
  targetOrgId: string,
  over: Record<string, unknown> = {},
) => ({
  applicationId: ids(),
  learnerId,
  targetOrgId,
  programCode: 'P-WEB',
  origin: 'learner',
  rule: null,
  sourceEntryIds: [ids()],
  award: { courseCode: 'WEB201', courseName: '网页设计', courseType: 'core', credits: '4' },
  status: 'open',
  step: 1,
  dueAt: new Date(Date.now() + 15 * 86_400_000).toISOString(),
  ...over,
})

t.test('events become notifications, unread first; a replayed event makes none', async (t) => {
  const f = fixtures()
  const target = ids()
  await p.apply(
    f.orgRegistered(f.school, '郑州职业技术学院'),
    f.orgRegistered(f.evalOrg, '工信部教育与考试中心', 'evaluation_org'),
    f.orgRegistered(target, '河南工业职业技术学院'),
    f.learnerOpened(),
  )
  const posted = f.outcome()
  const cert = f.certificateIssued()
  const certId = String(cert.data.certificateId)
  // The ledger's copy of the certificate is no news of its own.
  const ledgerCopy = f.outcome({ kind: 'certificate', certificateId: certId, title: 'Web前端开发' })
  const opened = application(f.learnerId, target)
  const [postedEvent] = await p.apply(posted, cert, ledgerCopy, {
    type: 'recognition.application.opened',
    data: opened,
  })
  await p.apply(
    {
      type: 'recognition.application.decided',
      data: {
        applicationId: opened.applicationId,
        learnerId: f.learnerId,
        step: 1,
        decision: 'approve',
        reason: '材料齐全',
        status: 'approved',
        nextStep: null,
      },
    },
    {
      type: 'recognition.application.approved',
      data: {
        applicationId: opened.applicationId,
        learnerId: f.learnerId,
        targetOrgId: target,
        programCode: 'P-WEB',
        courseCode: 'WEB201',
        courseName: '网页设计',
        courseType: 'core',
        credits: '4',
        sourceEntryIds: opened.sourceEntryIds,
        rule: null,
      },
    },
    {
      type: 'certificates.certificate.revoked',
      data: {
        certificateId: certId,
        number: cert.data.number,
        learnerId: f.learnerId,
        evaluationOrgId: f.evalOrg,
        reason: '考试作弊',
        revokedAt: new Date().toISOString(),
      },
    },
  )
  // The same event again (a redelivery): no second notification.
  await p.apply({ ...posted, id: postedEvent!.id })

  const res = await list(f.learnerId)
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.same(body.items.map((n: { kind: string }) => n.kind).sort(), [
    'application_approved',
    'application_opened',
    'certificate_issued',
    'certificate_revoked',
    'outcome_posted',
  ])
  t.equal(body.unread, 5)
  const byKind = Object.fromEntries(body.items.map((n: { kind: string }) => [n.kind, n]))
  t.match(byKind.outcome_posted, {
    read: false,
    refId: posted.data.entryId,
    orgName: '郑州职业技术学院',
    data: { title: '网页设计', credits: '4', occurredOn: '2026-06-30' },
  })
  t.match(byKind.certificate_revoked, {
    orgName: '工信部教育与考试中心',
    // The type and level too: the page names the certificate in the reader's language.
    data: { title: 'Web前端开发（中级）', typeCode: 'WEB-FE', level: 'intermediate' },
  })
  t.match(byKind.certificate_issued.data, { typeCode: 'WEB-FE', level: 'intermediate' })
  // An event written before reasons left them (decision 0730) still has one: it is not kept.
  t.notOk('reason' in byKind.certificate_revoked.data, 'no reason in the message')
  t.match(byKind.application_approved, {
    orgName: '河南工业职业技术学院',
    data: { courseName: '网页设计', credits: '4' },
  })

  // Reading one moves it after the unread ones; others' ids change nothing.
  const stranger = ids()
  const foreign = await app.inject({
    method: 'POST',
    url: `/v1/learners/${stranger}/notifications/read`,
    headers: p.learner(stranger),
    payload: { ids: [byKind.outcome_posted.id] },
  })
  t.same(foreign.json(), { marked: 0, unread: 0 }, 'another learner marks nothing of ours')
  const read = await app.inject({
    method: 'POST',
    url: `/v1/learners/${f.learnerId}/notifications/read`,
    headers: p.learner(f.learnerId),
    payload: { ids: [byKind.outcome_posted.id] },
  })
  t.same(read.json(), { marked: 1, unread: 4 })
  const after = (await list(f.learnerId)).json()
  t.equal(after.items.at(-1).id, byKind.outcome_posted.id, 'read ones come last')
  t.equal(after.items.at(-1).read, true)

  // Paged: two at a time, every item once, in the same order.
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const page = (
      await list(f.learnerId, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
    ).json() as { items: { id: string }[]; nextCursor: string | null }
    seen.push(...page.items.map((n) => n.id))
    cursor = page.nextCursor
  } while (cursor)
  t.same(
    seen,
    after.items.map((n: { id: string }) => n.id),
  )

  const all = await app.inject({
    method: 'POST',
    url: `/v1/learners/${f.learnerId}/notifications/read`,
    headers: p.learner(f.learnerId),
    payload: { all: true },
  })
  t.same(all.json(), { marked: 4, unread: 0 })
})

t.test('an application past its due date without a decision notifies once', async (t) => {
  const f = fixtures()
  const target = ids()
  await p.apply(f.orgRegistered(target, '安阳职业技术学院'), f.learnerOpened())
  const late = application(f.learnerId, target, {
    dueAt: new Date(Date.now() - 86_400_000).toISOString(),
  })
  const decidedLate = application(f.learnerId, target, {
    dueAt: new Date(Date.now() - 86_400_000).toISOString(),
  })
  await p.apply(
    { type: 'recognition.application.opened', data: late },
    { type: 'recognition.application.opened', data: decidedLate },
    {
      type: 'recognition.application.rejected',
      data: {
        applicationId: decidedLate.applicationId,
        learnerId: f.learnerId,
        targetOrgId: target,
        programCode: 'P-WEB',
        rule: null,
        sourceEntryIds: decidedLate.sourceEntryIds,
        step: 1,
        reason: '证书与专业不对口',
      },
    },
  )
  for (let i = 0; i < 2; i++) {
    const body = (await list(f.learnerId)).json()
    const due = body.items.filter((n: { kind: string }) => n.kind === 'application_due')
    t.equal(due.length, 1, 'one due notice, asked twice')
    t.match(due[0], { refId: late.applicationId, data: { courseName: '网页设计' } })
    t.match(
      body.items.find((n: { kind: string }) => n.kind === 'application_rejected'),
      { data: { courseName: '网页设计' } },
    )
    const rejected = body.items.find((n: { kind: string }) => n.kind === 'application_rejected')
    t.notOk('reason' in rejected.data, 'the reviewer’s words are in the application, not here')
  }
})

t.test(
  'a correction of the name or 身份证号 tells the learner which, and who: never a value',
  async (t) => {
    const f = fixtures()
    await p.apply(f.orgRegistered(f.school, '郑州铁路职业技术学院'), f.learnerOpened())
    const [corrected] = await p.apply(
      {
        type: 'accounts.learner.corrected',
        data: { learnerId: f.learnerId, fields: ['name'], orgId: f.school },
      },
      // By a platform admin, and one written before the organization was named: no organization.
      {
        type: 'accounts.learner.corrected',
        data: { learnerId: f.learnerId, fields: ['nationalId'], orgId: null },
      },
    )
    await p.apply({
      type: 'accounts.learner.corrected',
      data: { learnerId: f.learnerId, fields: ['name'] },
    })
    // A redelivery makes no second notice.
    await p.apply({
      type: 'accounts.learner.corrected',
      id: corrected!.id,
      data: { learnerId: f.learnerId, fields: ['name'], orgId: f.school },
    })
    const items = (await list(f.learnerId))
      .json()
      .items.filter((n: { kind: string }) => n.kind === 'learner_corrected')
    t.equal(items.length, 3)
    t.same(
      items
        .map((n: { orgName: string | null; data: unknown }) => JSON.stringify([n.orgName, n.data]))
        .sort(),
      [
        ['郑州铁路职业技术学院', { fields: ['name'] }],
        [null, { fields: ['nationalId'] }],
        [null, { fields: ['name'] }],
      ]
        .map((x) => JSON.stringify(x))
        .sort(),
    )
  },
)

t.test('only the learner reads their notifications; bad input is refused', async (t) => {
  const f = fixtures()
  const other = ids()
  const res = await app.inject({
    method: 'GET',
    url: `/v1/learners/${f.learnerId}/notifications`,
    headers: p.learner(other),
  })
  t.equal(res.statusCode, 403)
  const admin = await app.inject({
    method: 'GET',
    url: `/v1/learners/${f.learnerId}/notifications`,
    headers: p.admin,
  })
  t.equal(admin.statusCode, 403, 'notifications are the learner’s own')
  const anon = await app.inject({ method: 'GET', url: `/v1/learners/${f.learnerId}/notifications` })
  t.equal(anon.statusCode, 401)
  for (const payload of [{}, { ids: [] }, { ids: ['x'] }, { all: false }]) {
    const bad = await app.inject({
      method: 'POST',
      url: `/v1/learners/${f.learnerId}/notifications/read`,
      headers: p.learner(f.learnerId),
      payload,
    })
    t.equal(bad.statusCode, 400, JSON.stringify(payload))
  }
  const cursor = await list(f.learnerId, '?cursor=bm9wZQ')
  t.equal(cursor.statusCode, 400)
  const tooMany = await list(f.learnerId, '?limit=101')
  t.equal(tooMany.statusCode, 400)
})
