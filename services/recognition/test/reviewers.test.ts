import { randomUUID } from 'node:crypto'
import { chinaDate } from '@creditbank/contracts'
import { eventually } from '@creditbank/testing'
import t from 'tap'
import { buildRecognition, monthsAgo } from './helper.js'

// Issue 15, reviewers (decisions 0540–0543): what a reviewer sees of an application, separation
// of duties, search and history, and overdue steps escalated to the parent center.
const r = await buildRecognition()
t.teardown(() => r.close())
const { app } = r

const province = await r.organization('recognition_center', '410000')
const city = await r.organization('recognition_center', '410100')
const otherCity = await r.organization('recognition_center', '410200')

/** A learner the worker knows by name, with a course outcome, enrolled at `target`. */
async function learnerWithCourse(target: string, program: string, name = '王小明') {
  const learner = randomUUID()
  const course = r.outcome(learner, {
    kind: 'course',
    title: '高等数学',
    code: 'MATH1',
    credits: '4',
    hours: '64',
    grade: { score: '88', scale: '100' },
    occurredOn: monthsAgo(3),
  })
  // The event names no one; recognition asks accounts (here its stand-in) who the learner is.
  r.accounts.name(learner, name, '410105********123X')
  await r.deliver([
    {
      type: 'accounts.learner.opened',
      subject: learner,
      data: {
        learnerId: learner,
        accountNo: `CB${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`,
        category: 'student',
        openedByOrgId: null,
        regionCode: '410105',
      },
    },
    r.enrollment(learner, target, program),
    course,
  ])
  return { learner, entryId: course.data.entryId as string }
}

/** A manual rule of `target` over MATH1 with the given steps. */
async function rule(target: string, steps: Record<string, string>[], dueDays = 15) {
  const code = `RV-${randomUUID().slice(0, 8)}`
  await r.createRule({
    code,
    name: '高等数学 → 高等数学',
    targetOrgId: target,
    source: { kind: 'course', code: 'MATH1' },
    award: {
      courseCode: 'MATH101',
      courseName: '高等数学',
      courseType: 'foundation',
      credits: '4',
    },
    review: { mode: 'manual', steps: steps.map((s) => ({ role: 'reviewer', ...s })), dueDays },
    validFrom: '2020-01-01',
  })
  return code
}

const get = (id: string, headers: Record<string, string>) =>
  app.inject({ method: 'GET', url: `/v1/applications/${id}`, headers })
const decide = (
  id: string,
  headers: Record<string, string>,
  decision: 'approve' | 'reject' = 'approve',
) =>
  app.inject({
    method: 'POST',
    url: `/v1/applications/${id}/decisions`,
    headers,
    payload: { decision, reason: `${decision} — 材料齐全` },
  })
const list = (query: string, headers: Record<string, string>) =>
  app.inject({ method: 'GET', url: `/v1/applications?${query}`, headers })

/** Everything a refused decision must leave as it was. */
const snapshot = async (id: string) => ({
  app: await r.db.selectFrom('application').selectAll().where('id', '=', id).executeTakeFirst(),
  trail: await r.count('application_trail'),
})

t.test(
  'the application as a reviewer needs it: learner, sources in words, files, decision',
  async (t) => {
    const school = await r.organization('school')
    await rule(school, [{ orgId: school }])
    const { learner, entryId } = await learnerWithCourse(school, 'P-MATH', '李华')
    const transcript = randomUUID()
    r.portfolio.name(transcript, '成绩单.pdf')
    await r.deliver([
      {
        type: 'portfolio.evidence.added',
        subject: learner,
        data: {
          evidenceId: transcript,
          learnerId: learner,
          sha256: 'b'.repeat(64),
          mediaType: 'application/pdf',
          sizeBytes: 2048,
        },
      },
    ])
    const [a] = await r.applicationsOf(learner)
    t.ok(a, 'the rule opened an application')
    const seen = await get(a!.id, r.reviewer(school, { sub: 'rev-li' }))
    t.equal(seen.statusCode, 200)
    const v = seen.json()
    t.match(v.learner, { name: '李华', nationalIdMasked: '4101**********123X' })
    t.match(v.learner.accountNo, /^CB\d{10}$/)
    t.same(v.sources, [
      {
        id: entryId,
        kind: 'course',
        title: '高等数学',
        code: 'MATH1',
        orgId: v.sources[0].orgId,
        occurredOn: monthsAgo(3),
        credits: '4',
        hours: '64',
        grade: { score: '88', scale: '100' },
        level: null,
        category: null,
        typeCode: null,
        reversed: false,
      },
    ])
    t.same(v.evidence, [], 'a rule application names no files')
    t.same(v.decision, { allowed: true, code: null, escalated: false })
    const registrar = (await get(a!.id, r.registrar(school))).json()
    t.match(registrar.decision, { allowed: false, code: 'RECOGNITION_NOT_REVIEWER' })

    // A learner's application with a file: the reviewer sees the file by the name portfolio
    // answers (the event carries none, decision 0730).
    const file = randomUUID()
    r.portfolio.name(file, '获奖证书.pdf')
    await r.deliver([
      {
        type: 'portfolio.evidence.added',
        subject: learner,
        data: {
          evidenceId: file,
          learnerId: learner,
          sha256: 'c'.repeat(64),
          mediaType: 'application/pdf',
          sizeBytes: 4096,
        },
      },
    ])
    const other = r.outcome(learner, { kind: 'course', title: '大学英语', code: 'ENG1' })
    await r.deliver([other])
    const applied = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: r.learner(learner),
      payload: {
        sourceEntryIds: [other.data.entryId],
        targetOrgId: school,
        programCode: 'P-MATH',
        evidenceIds: [file],
        award: {
          courseCode: 'ENG101',
          courseName: '大学英语',
          courseType: 'foundation',
          credits: '2',
        },
      },
    })
    t.equal(applied.statusCode, 201)
    t.same(applied.json().evidence, [
      { id: file, filename: '获奖证书.pdf', mediaType: 'application/pdf', sizeBytes: 4096 },
    ])
    t.match(applied.json().decision, { allowed: false, code: 'RECOGNITION_NOT_REVIEWER' })
  },
)

t.test('separation of duties: one person decides at most one step', async (t) => {
  const school = await r.organization('school')
  await rule(school, [{ orgId: school }, { orgId: school }])
  const { learner } = await learnerWithCourse(school, 'P-SOD')
  const [a] = await r.applicationsOf(learner)
  const zhang = r.reviewer(school, { sub: 'rev-zhang' })
  const zhao = r.reviewer(school, { sub: 'rev-zhao' })
  t.equal((await decide(a!.id, zhang)).statusCode, 200, 'step 1 by 张')
  const before = await snapshot(a!.id)
  const again = await decide(a!.id, zhang)
  t.equal(again.statusCode, 403)
  t.equal(again.json().code, 'RECOGNITION_ALREADY_DECIDED')
  t.same(await snapshot(a!.id), before, 'the refusal changes nothing')
  t.match((await get(a!.id, zhang)).json().decision, {
    allowed: false,
    code: 'RECOGNITION_ALREADY_DECIDED',
  })
  t.match((await get(a!.id, zhao)).json().decision, { allowed: true })
  const rejected = await decide(a!.id, zhao, 'reject')
  t.equal(rejected.statusCode, 200, 'step 2 by 赵')

  // The appeal goes back to step 2: neither 张 nor 赵 (who rejected it) decides it again.
  const appealed = await app.inject({
    method: 'POST',
    url: `/v1/applications/${a!.id}/appeal`,
    headers: r.learner(learner),
    payload: { reason: '请复核' },
  })
  t.equal(appealed.statusCode, 200)
  for (const who of [zhang, zhao]) {
    const res = await decide(a!.id, who)
    t.equal(res.statusCode, 403)
    t.equal(res.json().code, 'RECOGNITION_ALREADY_DECIDED')
  }
  const qian = r.reviewer(school, { sub: 'rev-qian' })
  const done = await decide(a!.id, qian)
  t.equal(done.statusCode, 200, 'a third person decides the appeal')
  t.equal(done.json().status, 'approved')
})

t.test('a reviewer never decides an application where they are the learner', async (t) => {
  const school = await r.organization('school')
  await rule(school, [{ orgId: school }])
  const { learner } = await learnerWithCourse(school, 'P-OWN')
  const [a] = await r.applicationsOf(learner)
  // A colleague's reviewer account that is also this learner's (the rule opened it, not them).
  const self = r.reviewer(school, { sub: 'rev-self', learner })
  const before = await snapshot(a!.id)
  const res = await decide(a!.id, self)
  t.equal(res.statusCode, 403)
  t.equal(res.json().code, 'RECOGNITION_OWN_APPLICATION')
  t.same(await snapshot(a!.id), before, 'nothing written')
  t.match((await get(a!.id, self)).json().decision, {
    allowed: false,
    code: 'RECOGNITION_OWN_APPLICATION',
  })
  const queue = (await list('queue=mine', self)).json()
  t.notOk(
    queue.items.some((i: { id: string }) => i.id === a!.id),
    'their own is not in their queue',
  )
  t.equal((await decide(a!.id, r.reviewer(school, { sub: 'rev-colleague' }))).statusCode, 200)
})

t.test('search and history in scope, paged', async (t) => {
  const school = await r.organization('school')
  const code = await rule(school, [{ regionCode: '410200' }])
  const people = ['周杰', '周敏', '吴刚']
  const ids: string[] = []
  for (const name of people) {
    const { learner } = await learnerWithCourse(school, 'P-SEARCH', name)
    ids.push((await r.applicationsOf(learner))[0]!.id)
  }
  const center = r.reviewer(otherCity, { sub: 'rev-center' })
  t.equal((await decide(ids[2]!, center, 'reject')).statusCode, 200)

  const queue = (await list('queue=mine', center)).json()
  t.ok(queue.items, JSON.stringify(queue))
  t.notOk(
    queue.items.some((i: { id: string }) => i.id === ids[2]),
    'the queue holds pending ones only',
  )
  const all = (await list(`rule=${code}`, center)).json()
  t.same(all.items.map((i: { id: string }) => i.id).sort(), [...ids].sort(), 'all three')
  t.ok(all.items.every((i: { learner: { name: string } }) => people.includes(i.learner.name)))
  const zhou = (await list(`rule=${code}&learner=${encodeURIComponent('周')}`, center)).json()
  t.same(zhou.items.map((i: { learner: { name: string } }) => i.learner.name).sort(), [
    '周敏',
    '周杰',
  ])
  // Two characters search by their pair's token (decision 0542): the full name, the given name,
  // and neither the reversed pair nor characters apart.
  const named = async (q: string) =>
    (await list(`rule=${code}&learner=${encodeURIComponent(q)}`, center))
      .json()
      .items.map((i: { learner: { name: string } }) => i.learner.name)
      .sort()
  t.same(await named('周杰'), ['周杰'], 'a full name')
  t.same(await named('吴刚'), ['吴刚'])
  t.same(await named('敏'), ['周敏'], 'a given name')
  t.same(await named('杰周'), [], 'not the pair reversed')
  t.same(await named('周刚'), [], 'nor two characters of different names')
  const mine = (await list(`decidedByMe=true&status=rejected`, center)).json()
  t.same(
    mine.items.map((i: { id: string }) => i.id),
    [ids[2]],
    'the ones they decided, with their status',
  )
  // Applications are opened on the day in China (one clock, issue 16).
  const today = chinaDate()
  t.equal((await list(`rule=${code}&from=${today}&to=${today}`, center)).json().items.length, 3)
  t.equal((await list(`rule=${code}&to=2020-01-01`, center)).json().items.length, 0)

  const p1 = (await list(`rule=${code}&limit=2`, center)).json()
  t.equal(p1.items.length, 2)
  t.ok(p1.nextCursor)
  const p2 = (
    await list(`rule=${code}&limit=2&cursor=${encodeURIComponent(p1.nextCursor)}`, center)
  ).json()
  t.equal(p2.items.length, 1)
  t.same(
    [...p1.items, ...p2.items].map((i: { id: string }) => i.id).sort(),
    [...ids].sort(),
    'the pages hold each once',
  )

  // Nothing of it for a center out of scope.
  const stranger = (await list(`rule=${code}`, r.reviewer(city, { sub: 'rev-x' }))).json()
  t.same(stranger.items, [])
  const bad = await list('from=yesterday', center)
  t.equal(bad.statusCode, 400)
})

t.test('an overdue step escalates to the parent center', async (t) => {
  const school = await r.organization('school')
  await rule(school, [{ orgId: city }, { orgId: school }], 5)
  const { learner } = await learnerWithCourse(school, 'P-LATE')
  const [a] = await r.applicationsOf(learner)
  const provincial = r.reviewer(province, { sub: 'rev-province' })

  // Not yet overdue: the province has nothing to do with it.
  t.equal((await decide(a!.id, provincial)).statusCode, 404)
  t.notOk(
    (await list('queue=mine', provincial)).json().items.some((i: { id: string }) => i.id === a!.id),
  )

  await r.db
    .updateTable('application')
    .set({ due_at: new Date(Date.now() - 86_400_000) })
    .where('id', '=', a!.id)
    .execute()
  const queue = (await list('queue=mine', provincial)).json()
  const item = queue.items.find((i: { id: string }) => i.id === a!.id)
  t.match(item, { overdue: true, decision: { allowed: true, escalated: true } })
  const cityQueue = (await list('queue=mine', r.reviewer(city, { sub: 'rev-city' }))).json()
  t.match(
    cityQueue.items.find((i: { id: string }) => i.id === a!.id),
    { overdue: true, decision: { allowed: true, escalated: false } },
    'the city center still may take it',
  )
  t.same(
    (await list('queue=mine', r.reviewer(otherCity, { sub: 'rev-o' })))
      .json()
      .items.filter((i: { id: string }) => i.id === a!.id),
    [],
    'another city does not',
  )
  const res = await decide(a!.id, provincial)
  t.equal(res.statusCode, 200)
  t.match(res.json().trail.at(-1), {
    action: 'step_approved',
    step: 1,
    by: { role: 'reviewer', orgId: province },
  })
  t.match(res.json(), { status: 'in_review', step: 2 })

  // The next step is at a school: overdue, it does not escalate.
  await r.db
    .updateTable('application')
    .set({ due_at: new Date(Date.now() - 86_400_000) })
    .where('id', '=', a!.id)
    .execute()
  t.equal(
    (await decide(a!.id, r.reviewer(province, { sub: 'rev-province-2' }))).statusCode,
    404,
    'a school’s step is not the province’s, overdue or not',
  )
  const history = (await list('decidedByMe=true', provincial)).json()
  t.ok(
    history.items.some((i: { id: string }) => i.id === a!.id),
    'the province finds what it decided',
  )
  t.equal((await get(a!.id, provincial)).statusCode, 200)
})

t.test(
  'evidence files: reviewers in scope read them, and only they; every read logged',
  async (t) => {
    const school = await r.organization('school')
    const { learner } = await learnerWithCourse(school, 'P-FILE')
    const file = randomUUID()
    const unnamed = randomUUID()
    const other = r.outcome(learner, { kind: 'course', title: '大学物理', code: 'PHY1' })
    await r.deliver([
      other,
      ...[file, unnamed].map((evidenceId) => ({
        type: 'portfolio.evidence.added',
        subject: learner,
        data: {
          evidenceId,
          learnerId: learner,
          sha256: 'd'.repeat(64),
          mediaType: 'image/png',
          sizeBytes: 10,
        },
      })),
    ])
    const applied = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: r.learner(learner),
      payload: {
        sourceEntryIds: [other.data.entryId],
        targetOrgId: school,
        programCode: 'P-FILE',
        evidenceIds: [file],
        award: {
          courseCode: 'PHY101',
          courseName: '大学物理',
          courseType: 'foundation',
          credits: '3',
        },
      },
    })
    t.equal(applied.statusCode, 201)
    const id = applied.json().id
    const read = (evidenceId: string, headers: Record<string, string>, appId = id) =>
      app.inject({
        method: 'POST',
        url: `/v1/applications/${appId}/evidence/${evidenceId}/reads`,
        headers,
      })
    const reads = () =>
      r.db.selectFrom('evidence_read').selectAll().where('application_id', '=', id).execute()

    const ok = await read(file, r.reviewer(school, { sub: 'rev-file' }))
    t.equal(ok.statusCode, 201)
    t.match(ok.json(), { applicationId: id, evidenceId: file, learnerId: learner })
    t.match(await reads(), [{ evidence_id: file, actor: 'rev-file', org_id: school }], 'logged')

    const refusals = [
      await read(unnamed, r.reviewer(school)), // the learner's file, but not named by it
      await read(file, r.reviewer(await r.organization('school'))), // another school's reviewer
      await read(file, r.reviewer(province)), // a center with no step of it
      await read(file, r.reviewer(school), randomUUID()), // no such application
    ]
    t.same(
      refusals.map((x) => [x.statusCode, x.json().code]),
      Array(4).fill([404, 'RECOGNITION_EVIDENCE_NOT_FOUND']),
      'the same answer whatever the reason',
    )
    const notReviewers = [
      await read(file, r.learner(learner)),
      await read(file, r.registrar(school)),
      await read(file, r.admin),
    ]
    t.same(
      notReviewers.map((x) => x.statusCode),
      [403, 403, 403],
      'the learner reads their file at portfolio; registrars and admins do not read it here',
    )
    t.equal((await reads()).length, 1, 'refusals are not logged as reads')

    // The log shown (decision 0545): who read which file when, to the reviewers in scope and admins.
    const named = randomUUID()
    await r.deliver([
      {
        type: 'identity.user.created',
        subject: named,
        data: {
          userId: named,
          username: 'reviewer.file',
          memberships: [{ orgId: school, role: 'reviewer' }],
          selfRegistered: false,
        },
      },
    ])
    t.equal((await read(file, r.reviewer(school, { sub: named }))).statusCode, 201)
    const log = (headers: Record<string, string>, appId = id) =>
      app.inject({ method: 'GET', url: `/v1/applications/${appId}/evidence-reads`, headers })
    const seen = await log(r.reviewer(school, { sub: named }))
    t.equal(seen.statusCode, 200, seen.body)
    t.match(seen.json().items, [
      {
        evidenceId: file,
        reader: { userId: named, username: 'reviewer.file', orgId: school, you: true },
      },
      {
        evidenceId: file,
        reader: { userId: 'rev-file', username: null, orgId: school, you: false },
      },
    ])
    t.equal(seen.json().items.length, 2, 'newest first, every read')
    t.match(seen.json().items[0].readAt, /^\d{4}-\d\d-\d\dT/)
    const byAdmin = await log(r.admin)
    t.equal(byAdmin.statusCode, 200)
    t.match(byAdmin.json().items[0], { reader: { username: 'reviewer.file', you: false } })
    t.same(
      [
        (await log(r.reviewer(province))).statusCode,
        (await log(r.reviewer(school), randomUUID())).statusCode,
        (await log(r.learner(learner))).statusCode,
        (await log(r.registrar(school))).statusCode,
      ],
      [404, 404, 403, 403],
      'not to reviewers out of scope, nor to the learner or the registrar',
    )
    t.equal((await reads()).length, 2, 'reading the log is not a read')
  },
)

// Decision 0730: events carry no names; recognition asks accounts, once per batch of events.
t.test(
  'names from accounts: after opening, after a correction, none once erased, none from a replay or an old event',
  async (t) => {
    const school = await r.organization('school')
    const code = await rule(school, [{ regionCode: '410200' }])
    const center = r.reviewer(otherCity, { sub: 'rev-names' })
    const { learner } = await learnerWithCourse(school, 'P-NAMES', '郑原名')
    const [application] = await r.applicationsOf(learner)
    const shown = async () => (await get(application!.id, center)).json().learner
    const found = async (part: string) =>
      (await list(`rule=${code}&learner=${encodeURIComponent(part)}`, center))
        .json()
        .items.map((i: { id: string }) => i.id)
    t.match(await shown(), { name: '郑原名', nationalIdMasked: '4101**********123X' })
    t.same(await found('原名'), [application!.id], 'found by part of the name')

    // A correction names no value: recognition asks again and shows the new name.
    r.accounts.name(learner, '郑更正', '410105********456X')
    await r.deliver([
      {
        type: 'accounts.learner.corrected',
        subject: learner,
        data: { learnerId: learner, fields: ['name', 'nationalId'] },
      },
    ])
    t.match(await shown(), { name: '郑更正', nationalIdMasked: '4101**********456X' })
    t.same(await found('原名'), [], 'the old name finds nothing')
    t.same(await found('更正'), [application!.id])

    // Erased: no name; a replay of the opening (a new delivery, as a rebuild makes) brings none back.
    r.accounts.erase(learner)
    await r.deliver([
      {
        type: 'accounts.learner.erased',
        subject: learner,
        data: { learnerId: learner, erasedAt: new Date().toISOString() },
      },
    ])
    t.match(await shown(), { name: null, nationalIdMasked: null })
    const reopened = {
      type: 'accounts.learner.opened',
      subject: learner,
      data: {
        learnerId: learner,
        accountNo: 'CB0000000001',
        category: 'student',
        openedByOrgId: null,
        regionCode: '410105',
      },
    }
    await r.deliver([reopened])
    t.match(await shown(), { name: null, nationalIdMasked: null }, 'a replay brings no name')

    // An event written before the change still carries the old fields: it is read, and they are ignored.
    const old = randomUUID()
    const [oldEvent] = await r.deliver([
      {
        type: 'accounts.learner.opened',
        subject: old,
        data: {
          learnerId: old,
          accountNo: 'CB0000000002',
          category: 'student',
          openedByOrgId: null,
          birthDate: '2001-01-01',
          name: '旧事件名',
          nationalIdMasked: '410105********789X',
        },
      },
    ])
    t.ok(oldEvent, 'an old event is applied, not dead-lettered')
    const row = await r.db
      .selectFrom('learner')
      .select(['name', 'national_id_masked'])
      .where('id', '=', old)
      .executeTakeFirstOrThrow()
    t.same(row, { name: null, national_id_masked: null }, "the old event's name is not kept")
  },
)

t.test('accounts down: the batch waits and is applied when accounts answers again', async (t) => {
  const learner = randomUUID()
  r.accounts.name(learner, '冯等待')
  r.accounts.down = true
  const calls = r.accounts.calls.length
  const delivered = r.deliver([
    {
      type: 'accounts.learner.opened',
      subject: learner,
      data: {
        learnerId: learner,
        accountNo: 'CB0000000003',
        category: 'student',
        openedByOrgId: null,
        regionCode: '410105',
      },
    },
  ])
  await new Promise((res) => setTimeout(res, 2_500))
  t.notOk(
    await r.db.selectFrom('learner').select('id').where('id', '=', learner).executeTakeFirst(),
    'not applied while accounts is down',
  )
  r.accounts.down = false
  await delivered
  t.equal(
    (await r.personalOf(learner)).name,
    '冯等待',
    'applied, with the name, once accounts answers',
  )
  t.equal(r.accounts.calls.length, calls + 1, 'one request for the batch')
  t.notOk(
    r.platform.transport.published.some((m) => m.topic.startsWith('creditbank.dlq.')),
    'nothing dead-lettered',
  )
})

/** `portfolio.evidence.added` as portfolio writes it now: no file name (decision 0730). */
const fileAdded = (learnerId: string, evidenceId: string, extra: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type: 'portfolio.evidence.added',
  subject: learnerId,
  data: {
    evidenceId,
    learnerId,
    sha256: randomUUID().replaceAll('-', '').repeat(2),
    mediaType: 'application/pdf',
    sizeBytes: 100,
    ...extra,
  },
})
const fileNameOf = (id: string) => r.fileNameOf(id)

t.test(
  'file names from portfolio: one request per batch, none once erased, none from a replay or an old event',
  async (t) => {
    const school = await r.organization('school')
    const { learner } = await learnerWithCourse(school, 'P-FILES', '孙文件')
    const [named, alsoNamed, unnamed] = [randomUUID(), randomUUID(), randomUUID()]
    r.portfolio.name(named, '孙文件-毕业证.pdf')
    r.portfolio.name(alsoNamed, '成绩单.pdf')

    // Three files reach the consumer together (it is stopped while they are published): one
    // request to portfolio names all three.
    const consumer = r.events.consumer!
    await consumer.stop()
    const calls = r.portfolio.calls.length
    const events = [named, alsoNamed, unnamed].map((id) => fileAdded(learner, id))
    const delivered = r.deliver(events)
    await eventually(
      async () =>
        r.platform.transport.published.filter((m) => events.some((e) => m.value.includes(e.id)))
          .length === 3,
    )
    await consumer.start()
    await delivered
    t.same(r.portfolio.calls.slice(calls), [[named, alsoNamed, unnamed]], 'one request, three ids')
    t.same(
      [await fileNameOf(named), await fileNameOf(alsoNamed), await fileNameOf(unnamed)],
      ['孙文件-毕业证.pdf', '成绩单.pdf', null],
    )

    // The reviewer sees the learner's application's file by that name.
    const other = r.outcome(learner, { kind: 'course', title: '大学英语', code: 'ENG1' })
    await r.deliver([other])
    const applied = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: r.learner(learner),
      payload: {
        sourceEntryIds: [other.data.entryId],
        targetOrgId: school,
        programCode: 'P-FILES',
        evidenceIds: [named],
        award: {
          courseCode: 'ENG101',
          courseName: '大学英语',
          courseType: 'foundation',
          credits: '2',
        },
      },
    })
    t.equal(applied.statusCode, 201, 'the learner applies with the file')
    const view = await get(applied.json().id, r.reviewer(school, { sub: 'rev-files' }))
    t.match(view.json().evidence, [{ id: named, filename: '孙文件-毕业证.pdf' }])

    // An event written before the change still carries a name: it is read, and its name ignored.
    const old = randomUUID()
    const oldUnnamed = randomUUID()
    r.portfolio.name(old, '成绩单-新.pdf')
    await r.deliver([
      fileAdded(learner, old, { filename: '孙文件-旧事件.pdf' }),
      fileAdded(learner, oldUnnamed, { filename: '孙文件-旧事件2.pdf' }),
    ])
    t.same(
      [await fileNameOf(old), await fileNameOf(oldUnnamed)],
      ['成绩单-新.pdf', null],
      "the old event's name is not kept; portfolio's answer is",
    )

    // Erased: portfolio deletes the files, recognition clears the names; a replay of an evidence
    // event (a new delivery, as a rebuild makes) brings none back.
    for (const id of [named, alsoNamed, old]) r.portfolio.remove(id)
    r.accounts.erase(learner)
    await r.deliver([
      {
        type: 'accounts.learner.erased',
        subject: learner,
        data: { learnerId: learner, erasedAt: new Date().toISOString() },
      },
    ])
    t.same(await fileNameOf(named), null, 'erased')
    await r.deliver([
      { ...events[0]!, id: randomUUID() },
      fileAdded(learner, old, { filename: 'x' }),
    ])
    t.same(
      [await fileNameOf(named), await fileNameOf(old)],
      [null, null],
      'a replay brings no name back',
    )
    t.match((await get(applied.json().id, r.reviewer(school))).json().evidence, [
      { id: named, filename: null },
    ])

    // A file added before the erasure, reaching recognition after its part of the erasure while
    // portfolio has not yet done its own (it still answers the name): no name is written.
    const late = randomUUID()
    r.portfolio.name(late, '孙文件-迟到.pdf')
    await r.deliver([fileAdded(learner, late)])
    t.same(await fileNameOf(late), null, 'nothing personal written for an erased learner')
  },
)

t.test('portfolio down: the batch waits and is applied when portfolio answers again', async (t) => {
  const learner = randomUUID()
  const file = randomUUID()
  r.portfolio.name(file, '等待的证明.png')
  r.portfolio.down = true
  const calls = r.portfolio.calls.length
  const delivered = r.deliver([fileAdded(learner, file)])
  await new Promise((res) => setTimeout(res, 2_500))
  t.notOk(
    await r.db.selectFrom('evidence').select('id').where('id', '=', file).executeTakeFirst(),
    'not applied while portfolio is down',
  )
  r.portfolio.down = false
  await delivered
  t.equal(
    await fileNameOf(file),
    '等待的证明.png',
    'applied, with the name, once portfolio answers',
  )
  t.equal(r.portfolio.calls.length, calls + 1, 'one request for the batch')
  t.notOk(
    r.platform.transport.published.some((m) => m.topic.startsWith('creditbank.dlq.')),
    'nothing dead-lettered',
  )
})
