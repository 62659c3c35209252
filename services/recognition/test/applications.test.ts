import { randomUUID } from 'node:crypto'
import { eventually } from '@creditbank/testing'
import t from 'tap'
import { buildRecognition, fixture } from './helper.js'

const r = await buildRecognition()
t.teardown(() => r.close())
const { app } = r

const college = await r.organization('school')
const orgs = {
  COLLEGE: college,
  DEPARTMENT: await r.organization('school'),
  ACADEMIC_AFFAIRS: await r.organization('school'),
  EVALUATION_ORG: await r.organization('evaluation_org'),
  CREDIT_BANK: await r.organization('recognition_center', '410000'),
}
for (const rule of fixture('henan-x-certificates', orgs).rules) await r.createRule(rule)
const chain = [orgs.DEPARTMENT, orgs.ACADEMIC_AFFAIRS, orgs.EVALUATION_ORG, orgs.CREDIT_BANK]

async function learnerWithCertificate(level = 'intermediate', credits = '10') {
  const learner = randomUUID()
  const cert = r.outcome(learner, {
    kind: 'certificate',
    title: 'Web前端开发',
    typeCode: 'WEB-FE',
    level,
    credits,
  })
  await r.deliver([r.enrollment(learner, college, 'P-WEB'), cert])
  return { learner, entryId: cert.data.entryId as string }
}

const decide = (
  id: string,
  org: string,
  decision: 'approve' | 'reject',
  reason = `${decision}d at ${org.slice(0, 4)}`,
  extra = {},
) =>
  app.inject({
    method: 'POST',
    url: `/v1/applications/${id}/decisions`,
    headers: r.reviewer(org, extra),
    payload: { decision, reason },
  })
const get = (id: string, headers: Record<string, string>) =>
  app.inject({ method: 'GET', url: `/v1/applications/${id}`, headers })

t.test(
  'the Henan chain: department → academic affairs → evaluation organization → credit bank',
  async (t) => {
    const { learner } = await learnerWithCertificate()
    const apps = await r.applicationsOf(learner)
    t.same(
      apps.map((a) => a.course_code).sort(),
      ['WEB201', 'WEB202'],
      'intermediate → core courses only',
    )
    const web201 = apps.find((a) => a.course_code === 'WEB201')!
    const web202 = apps.find((a) => a.course_code === 'WEB202')!
    const view = (await get(web202.id, r.learner(learner))).json()
    t.match(view, {
      status: 'in_review',
      step: 1,
      rule: { code: 'HN-X-WEB-C202', version: 1 },
      award: { courseCode: 'WEB202', credits: '2' },
    })
    t.match(view.limitsApplied, [{ limit: 'maxCreditsPerSource', from: '4', to: '2' }])
    t.match(view.limitsApplied[0].message, /capped from 4 to 2 by the per-certificate limit/)

    const early = await decide(web201.id, orgs.ACADEMIC_AFFAIRS, 'approve')
    t.equal(early.statusCode, 403, 'academic affairs cannot decide step 1')
    t.equal(early.json().code, 'RECOGNITION_OUT_OF_SCOPE')
    const stranger = await decide(web201.id, randomUUID(), 'approve')
    t.equal(stranger.statusCode, 404, 'a reviewer with nothing to do with it does not see it')
    for (const [k, org] of chain.entries()) {
      const res = await decide(web201.id, org, 'approve', `step ${k + 1} agrees`)
      t.equal(res.statusCode, 200, `step ${k + 1}`)
      t.equal(res.json().status, k < 3 ? 'in_review' : 'approved')
      if (k < 3) t.equal(res.json().step, k + 2)
    }
    const done = (await get(web201.id, r.learner(learner))).json()
    t.same(
      done.trail.map((s: any) => [s.action, s.step]),
      [
        ['opened', null],
        ['step_approved', 1],
        ['step_approved', 2],
        ['step_approved', 3],
        ['approved', 4],
      ],
    )
    t.ok(
      done.trail.every((s: any) => s.reason),
      'each step has its reason',
    )
    const approved = await eventually(async () =>
      r.platform.transport
        .events('recognition.application.approved')
        .find((e) => e.data.applicationId === web201.id),
    )
    t.match(approved.data, {
      credits: '6',
      courseCode: 'WEB201',
      rule: { code: 'HN-X-WEB-C201', version: 1 },
    })
    const decided = r.platform.transport
      .events('recognition.application.decided')
      .filter((e) => e.data.applicationId === web201.id)
    t.equal(decided.length, 4)
    t.equal(
      (await decide(web201.id, orgs.CREDIT_BANK, 'approve')).statusCode,
      409,
      'an approved application takes no decision',
    )
    const withdrawApproved = await app.inject({
      method: 'POST',
      url: `/v1/applications/${web201.id}/withdrawal`,
      headers: r.learner(learner),
      payload: { reason: 'changed my mind' },
    })
    t.equal(withdrawApproved.statusCode, 409)
    const appealApproved = await app.inject({
      method: 'POST',
      url: `/v1/applications/${web201.id}/appeal`,
      headers: r.learner(learner),
      payload: { reason: 'more please' },
    })
    t.equal(appealApproved.statusCode, 409)
  },
)

t.test('rejection with a reason, one appeal, and no second appeal', async (t) => {
  const { learner } = await learnerWithCertificate()
  const app202 = (await r.applicationsOf(learner)).find((a) => a.course_code === 'WEB202')!
  const rej = await decide(app202.id, orgs.DEPARTMENT, 'reject', '课程内容不对应')
  t.equal(rej.json().status, 'rejected')
  const rejected = await eventually(async () =>
    r.platform.transport
      .events('recognition.application.rejected')
      .find((e) => e.data.applicationId === app202.id),
  )
  // The reviewer's words are about the learner: in the trail under their key, in no event (0730).
  t.notOk('reason' in rejected.data, 'the rejection event carries no reason')
  const decided = r.platform.transport
    .events('recognition.application.decided')
    .filter((e) => e.data.applicationId === app202.id)
  t.ok(decided.length > 0 && decided.every((e) => !('reason' in e.data)), 'nor the decision')
  const seen = await app.inject({
    method: 'GET',
    url: `/v1/applications/${app202.id}`,
    headers: r.learner(learner),
  })
  t.ok(seen.body.includes('课程内容不对应'), 'the trail gives the reason to the learner')
  const noReason = await decide(app202.id, orgs.DEPARTMENT, 'approve', '')
  t.equal(noReason.statusCode, 400, 'a decision needs a reason')
  t.equal(noReason.json().errors[0].path, '/reason')
  const other = await app.inject({
    method: 'POST',
    url: `/v1/applications/${app202.id}/appeal`,
    headers: r.learner(randomUUID()),
    payload: { reason: 'x' },
  })
  t.equal(other.statusCode, 404, "another learner cannot appeal someone's application")
  const appealed = await app.inject({
    method: 'POST',
    url: `/v1/applications/${app202.id}/appeal`,
    headers: r.learner(learner),
    payload: { reason: '证书等级符合要求' },
  })
  t.equal(appealed.statusCode, 200)
  t.match(appealed.json(), { status: 'appealed', step: 1 })
  t.equal((await decide(app202.id, orgs.DEPARTMENT, 'approve')).json().status, 'in_review')
  t.equal(
    (await decide(app202.id, orgs.ACADEMIC_AFFAIRS, 'reject', 'still no')).json().status,
    'rejected',
  )
  const again = await app.inject({
    method: 'POST',
    url: `/v1/applications/${app202.id}/appeal`,
    headers: r.learner(learner),
    payload: { reason: 'again' },
  })
  t.equal(again.statusCode, 409, 'one appeal only')
})

t.test('withdrawal by the learner; nobody decides on their own application', async (t) => {
  const { learner } = await learnerWithCertificate()
  const [a, b] = await r.applicationsOf(learner)
  const own = await decide(a!.id, orgs.DEPARTMENT, 'approve', 'mine', { learner })
  t.equal(own.statusCode, 403)
  t.equal(own.json().code, 'RECOGNITION_OWN_APPLICATION')
  const w = await app.inject({
    method: 'POST',
    url: `/v1/applications/${b!.id}/withdrawal`,
    headers: r.learner(learner),
    payload: { reason: '不需要了' },
  })
  t.equal(w.json().status, 'withdrawn')
  const closed = await eventually(async () =>
    r.platform.transport
      .events('recognition.application.withdrawn')
      .find((e) => e.data.applicationId === b!.id),
  )
  t.same(
    closed.data,
    { applicationId: b!.id, learnerId: learner, targetOrgId: b!.target_org_id, by: 'learner' },
    'the event leaves the learner’s own words out',
  )
  const w2 = await app.inject({
    method: 'POST',
    url: `/v1/applications/${b!.id}/withdrawal`,
    headers: r.learner(learner),
    payload: { reason: 'again' },
  })
  t.equal(w2.statusCode, 409)
  t.equal(
    (await decide(b!.id, orgs.DEPARTMENT, 'approve')).statusCode,
    409,
    'a withdrawn application takes no decision',
  )
})

t.test("the reviewer's queue: by due date, overdue first, paged", async (t) => {
  const dept = orgs.DEPARTMENT
  const { learner } = await learnerWithCertificate('senior', '20')
  const mine = await r.applicationsOf(learner)
  // One application is overdue (its due date passed).
  await r.db
    .updateTable('application')
    .set({ due_at: new Date(Date.now() - 86_400_000) })
    .where('id', '=', mine[0]!.id)
    .execute()
  const res = await app.inject({
    method: 'GET',
    url: '/v1/applications?queue=mine&limit=100',
    headers: r.reviewer(dept),
  })
  t.equal(res.statusCode, 200)
  const items = res.json().items
  t.ok(items.length >= 2)
  t.equal(items[0].id, mine[0]!.id, 'the overdue one first')
  t.equal(items[0].overdue, true)
  const dues = items.map((i: any) => i.dueAt)
  t.same(dues, [...dues].sort(), 'ordered by due date')
  t.ok(items.every((i: any) => ['open', 'in_review', 'appealed'].includes(i.status)))
  const p1 = await app.inject({
    method: 'GET',
    url: '/v1/applications?queue=mine&limit=1',
    headers: r.reviewer(dept),
  })
  const p2 = await app.inject({
    method: 'GET',
    url: `/v1/applications?queue=mine&limit=1&cursor=${p1.json().nextCursor}`,
    headers: r.reviewer(dept),
  })
  t.equal(p2.json().items[0].id, items[1].id, 'the cursor continues in due-date order')
  const aa = await app.inject({
    method: 'GET',
    url: '/v1/applications?queue=mine&limit=100',
    headers: r.reviewer(orgs.ACADEMIC_AFFAIRS),
  })
  t.notOk(
    aa.json().items.some((i: any) => i.id === mine[0]!.id),
    "step 1 is not in academic affairs' queue",
  )
})

t.test(
  'learner applications: own entries only, enrolled only, free applications decided by the target',
  async (t) => {
    const learner = randomUUID()
    const target = await r.organization('school')
    const course = r.outcome(learner, {
      kind: 'course',
      title: '高等数学',
      code: 'MATH1',
      credits: '4',
      grade: { score: '88', scale: '100' },
    })
    const othersEntry = r.outcome(randomUUID(), { kind: 'course', title: 'x' })
    await r.deliver([r.enrollment(learner, target, 'P-MATH'), course, othersEntry])
    const before = await r.count('application')
    const body = {
      sourceEntryIds: [course.data.entryId],
      targetOrgId: target,
      programCode: 'P-MATH',
      statement: '请认定高等数学',
    }
    const notYours = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: r.learner(learner),
      payload: { ...body, sourceEntryIds: [othersEntry.data.entryId] },
    })
    t.equal(notYours.statusCode, 422)
    t.equal(notYours.json().errors[0].path, '/sourceEntryIds/0')
    const notEnrolled = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: r.learner(learner),
      payload: { ...body, programCode: 'P-OTHER' },
    })
    t.equal(notEnrolled.statusCode, 422)
    const noRule = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: r.learner(learner),
      payload: body,
    })
    t.equal(noRule.statusCode, 422)
    t.equal(noRule.json().code, 'RECOGNITION_NO_RULE')
    const unclaimed = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: r.platform.keys.auth({ roles: ['learner'] }),
      payload: body,
    })
    t.equal(unclaimed.statusCode, 403)
    t.equal(await r.count('application'), before, 'nothing written')

    const withAward = {
      ...body,
      award: {
        courseCode: 'MATH101',
        courseName: '高等数学',
        courseType: 'foundation',
        credits: '4',
      },
    }
    const key = { 'idempotency-key': `apply-${learner}` }
    const me = r.learner(learner, `user-${learner}`)
    const opened = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...me, ...key },
      payload: withAward,
    })
    t.equal(opened.statusCode, 201)
    t.match(opened.json(), {
      origin: 'learner',
      rule: null,
      status: 'open',
      step: 1,
      statement: '请认定高等数学',
      award: { credits: '4' },
    })
    const replay = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...me, ...key },
      payload: withAward,
    })
    t.equal(replay.headers['idempotency-replayed'], 'true')
    t.same(replay.json(), opened.json(), 'the replay answers as the request did')
    const remembered = await r.db
      .selectFrom('idempotency_key')
      .select('body')
      .where('key', '=', key['idempotency-key'])
      .executeTakeFirstOrThrow()
    t.same(
      JSON.parse(String(remembered.body)),
      { id: opened.json().id },
      'only the id is remembered: no statement waits in the clear',
    )
    const dup = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: r.learner(learner),
      payload: withAward,
    })
    t.equal(dup.statusCode, 409, 'the same source for the same target course twice')
    t.equal(dup.json().code, 'RECOGNITION_SOURCE_ALREADY_USED')

    const id = opened.json().id
    t.equal(
      (await get(id, r.learner(randomUUID()))).statusCode,
      404,
      'another learner does not see it',
    )
    t.equal((await get(id, r.registrar(target))).statusCode, 200, 'the target organization sees it')
    t.equal((await get(id, r.registrar(college))).statusCode, 404, 'another school does not')
    const list = await app.inject({
      method: 'GET',
      url: '/v1/applications',
      headers: r.learner(learner),
    })
    t.same(
      list.json().items.map((i: any) => i.id),
      [id],
      'a learner lists only their own',
    )
    const yes = await decide(id, target, 'approve', '成绩合格，准予认定')
    t.equal(yes.json().status, 'approved')
    const ev = await eventually(async () =>
      r.platform.transport
        .events('recognition.application.approved')
        .find((e) => e.data.applicationId === id),
    )
    t.match(ev.data, { rule: null, credits: '4', courseCode: 'MATH101' })
    const used = await r.db
      .selectFrom('source_use')
      .selectAll()
      .where('application_id', '=', id)
      .execute()
    t.equal(used.length, 1)
  },
)

t.test(
  'a learner applying for what a rule already opened is told the source is used',
  async (t) => {
    const { learner, entryId } = await learnerWithCertificate()
    const res = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: r.learner(learner),
      payload: {
        sourceEntryIds: [entryId],
        targetOrgId: college,
        programCode: 'P-WEB',
        award: { courseCode: 'WEB201', courseName: '网页设计', courseType: 'core', credits: '6' },
      },
    })
    t.equal(res.statusCode, 409)
  },
)
