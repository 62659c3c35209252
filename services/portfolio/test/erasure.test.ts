import { randomUUID } from 'node:crypto'
import { topics as contractTopics } from '@creditbank/contracts'
import { deadLetterTopic } from '@creditbank/events'
import { definition as recognition } from '@creditbank/recognition/definition'
import { capturedLogger, eventually, clearTextIn as textIn } from '@creditbank/testing'
import { sql } from 'kysely'
import t from 'tap'
import { plainPng } from './evidence-files.js'
import { call, fourServices, person } from './four-services.js'

// Issue 17, erasure (decision 0730): a learner with every kind of data in four services is erased;
// afterwards no table of any schema, no pending event, no event the topics retain and no log line
// holds their name (the first or the corrected one, nor inside an evidence file's name) or 身份证号
// (nor its masked form), the chain verifies and the balances are the same, another learner is
// untouched, and a replayed erasure event changes nothing. (The learner's world is built as the
// export test builds it.)

// Four services and the whole world of one learner, on a machine shared with other test files.
t.setTimeout(300_000)

const captured = capturedLogger()
const w = await fourServices({ logger: captured.logger })
t.teardown(() => w.close())
const {
  platform,
  keys,
  acc,
  cer,
  rec,
  portfolio,
  source,
  target,
  evaluator,
  admin,
  registrar,
  issuer,
} = w

const me = person('钱可删')
const corrected = '钱更正'
const someone = person('赵旁人')

// The source school opens both learners and posts a course for each.
await eventually(async () => {
  const res = await acc.app.inject({
    method: 'POST',
    url: '/v1/learners',
    headers: registrar(source),
    payload: { ...me, category: 'student' },
  })
  return res.statusCode === 201 || res.statusCode === 200
})
const mine = await call(acc.app, 'POST', '/v1/learners', registrar(source), {
  ...me,
  category: 'student',
})
const theirs = await call(acc.app, 'POST', '/v1/learners', registrar(source), {
  ...someone,
  category: 'student',
})
const learner = keys.auth({ roles: ['learner'], learner: mine.id })
const course = (learnerId: string, title: string) => ({
  learnerId,
  kind: 'course',
  title,
  code: 'RAIL101',
  credits: '3',
  grade: { score: '90', scale: '100' },
  occurredOn: '2025-06-30',
})
const myCourse = await call(
  acc.app,
  'POST',
  '/v1/outcomes',
  registrar(source),
  course(mine.id, '机车构造'),
)
const theirCourse = await call(
  acc.app,
  'POST',
  '/v1/outcomes',
  registrar(source),
  course(theirs.id, '旁人的课程'),
)

// The target school enrolls the learner; recognition turns a certificate into credits there.
const enrollment = await call(acc.app, 'POST', '/v1/enrollments', registrar(target), {
  learnerId: mine.id,
  programCode: 'P-WEB',
  programName: '软件技术',
  startedOn: '2025-09-01',
  ...me,
})
const typeCode = `T${randomUUID().slice(0, 6).toUpperCase()}`
await eventually(async () => {
  const res = await cer.app.inject({
    method: 'POST',
    url: '/v1/certificate-types',
    headers: admin,
    payload: {
      code: typeCode,
      name: 'Web前端开发',
      nameEn: 'Web Front-End Development',
      evaluationOrgId: evaluator.organizationId,
      levels: ['junior', 'intermediate'],
      validityYears: 3,
      fees: { junior: '80', intermediate: '120' },
      majors: ['软件技术'],
    },
  })
  return res.statusCode === 201
})
await eventually(async () => {
  const res = await rec.app.inject({
    method: 'POST',
    url: '/v1/rules',
    headers: admin,
    payload: {
      code: `R-${randomUUID().slice(0, 8)}`,
      name: '证书换学分',
      targetOrgId: target.organizationId,
      source: { kind: 'certificate', typeCode, minLevel: 'intermediate' },
      award: { courseCode: 'WEB201', courseName: '网页设计', courseType: 'core', credits: '4' },
      review: { mode: 'auto' },
      conditions: { programCodes: ['P-WEB'] },
      validFrom: '2025-01-01',
    },
  })
  return res.statusCode === 201
})
// The worker must know the enrollment before the certificate's entry reaches it.
await eventually(async () => {
  const rows = await platform.database.kysely
    .selectFrom(`${recognition.schema}.enrollment` as never)
    .selectAll()
    .execute()
    .catch(() => [])
  return rows.length > 0
})
const certificate = await eventually(async () => {
  const res = await cer.app.inject({
    method: 'POST',
    url: '/v1/certificates',
    headers: issuer,
    payload: {
      typeCode,
      level: 'intermediate',
      issuedOn: '2025-07-01',
      nationalId: me.nationalId,
      holderName: me.name,
    },
  })
  return res.statusCode === 201 ? (res.json() as { id: string; number: string }) : undefined
})
const application = await eventually(async () => {
  const page = await call(rec.app, 'GET', `/v1/applications?learnerId=${mine.id}`, learner)
  return page.items.find((a: { status: string }) => a.status === 'approved') as
    | { id: string; trail: unknown[] }
    | undefined
}, 30_000)

// The learner's own acts at portfolio: an evidence file, a share opened once, a credential.
const png = await plainPng()
const evidence = await call(
  portfolio,
  'POST',
  `/v1/learners/${mine.id}/evidence?filename=${encodeURIComponent(`${me.name}的证明.png`)}`,
  { ...learner, 'content-type': 'image/png' },
  png as unknown as object,
)
// The learner applies at the target school with that file: its reviewers see it by the name the
// learner gave it, which recognition asks portfolio for (the event carries none, decision 0730).
const fileName = `${me.name}的证明.png`
const withFile = await eventually(async () => {
  const res = await rec.app.inject({
    method: 'POST',
    url: '/v1/applications',
    headers: learner,
    payload: {
      sourceEntryIds: [myCourse.id],
      targetOrgId: target.organizationId,
      programCode: 'P-WEB',
      evidenceIds: [evidence.id],
      award: { courseCode: 'RAIL201', courseName: '机车构造', courseType: 'core', credits: '3' },
    },
  })
  return res.statusCode === 201 ? (res.json() as { id: string }) : undefined
}, 30_000)
// Reasons people wrote about the learner, each naming them: a registrar's reversal, an issuer's
// revocation, a reviewer's rejection. No event carries them (decision 0730): each is sealed where
// it was written, under the learner's key.
const reasons = {
  reversal: `${me.name}的成绩重复录入`,
  revocation: `${me.name}的考试成绩作废`,
  rejection: `${me.name}的证明材料不全`,
}
const twice = await call(
  acc.app,
  'POST',
  '/v1/outcomes',
  registrar(source),
  course(mine.id, '重复的课程'),
)
await call(acc.app, 'POST', `/v1/entries/${twice.id}/reversal`, registrar(source), {
  reason: reasons.reversal,
})
const voided = await call(cer.app, 'POST', '/v1/certificates', issuer, {
  typeCode,
  level: 'junior',
  issuedOn: '2025-07-02',
  nationalId: me.nationalId,
  holderName: me.name,
})
await call(cer.app, 'POST', `/v1/certificates/${voided.id}/revocation`, issuer, {
  reason: reasons.revocation,
})
await call(
  rec.app,
  'POST',
  `/v1/applications/${withFile.id}/decisions`,
  keys.auth({ roles: ['reviewer'], org: target.organizationId }),
  { decision: 'reject', reason: reasons.rejection },
)
const share = await call(portfolio, 'POST', '/v1/shares', learner, {
  scope: 'all',
  expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
  label: `${me.name}给用人单位`,
})
const myTimeline = await eventually(async () => {
  const page = await call(portfolio, 'GET', `/v1/learners/${mine.id}/timeline?limit=100`, learner)
  const cats = new Set(page.items.map((i: { category: string }) => i.category))
  return ['outcome', 'certificate', 'recognized', 'enrollment', 'reversal', 'revocation'].every(
    (c) => cats.has(c),
  )
    ? (page.items as { entryId: string | null; category: string }[])
    : undefined
}, 30_000)
await call(portfolio, 'GET', `/v1/shared/${share.token}`, { 'user-agent': 'HR-browser/1.0' })
await call(portfolio, 'GET', `/v1/learners/${mine.id}/credentials/${myCourse.id}`, learner)
// A registrar reads the learner: the "who looked" log has it.
await call(acc.app, 'GET', `/v1/learners/${mine.id}`, registrar(source))
await eventually(async () => {
  const page = await call(portfolio, 'GET', `/v1/learners/${theirs.id}/timeline`, {
    ...keys.auth({ roles: ['learner'], learner: theirs.id }),
  })
  return page.items.length > 0
})

const clearTextIn = (needle: string) =>
  textIn(
    platform.database.kysely,
    ['accounts', 'certificates', 'recognition', 'portfolio'],
    [needle],
  )

/**
 * Every event the test's topics retain (contracts' topics and the consumer groups' dead letters),
 * read from the beginning by a group of its own: on Kafka what the broker keeps, on the
 * in-process bus what it keeps in memory.
 */
async function retainedEvents() {
  const topics = [
    ...contractTopics,
    ...['accounts', 'certificates', 'recognition', 'portfolio', 'portfolio.oversight'].map((g) =>
      deadLetterTopic(`creditbank.${g}`),
    ),
  ]
  const seen: string[] = []
  const groupId = `retained-${randomUUID()}`
  const sub = await platform.transport.subscribe({
    groupId,
    topics,
    fromBeginning: true,
    handle: async (d) => {
      seen.push(d.value)
    },
  })
  await eventually(async () => (await platform.transport.lag(groupId, topics)) === 0, 60_000)
  await sub.stop()
  return seen
}

/** The name, the 身份证号 and its masked form (first 6 and last 4) wherever they appear in `text`. */
function personalIn(text: string, who: { name: string; nationalId: string }[]) {
  return who.flatMap((p) =>
    [p.name, p.nationalId, `${p.nationalId.slice(0, 6)}********${p.nationalId.slice(-4)}`].filter(
      (needle) => text.includes(needle),
    ),
  )
}

t.test(
  'erased everywhere: nothing readable left, the ledger the same, another learner untouched',
  async (t) => {
    // Every service seals the name under the learner's key from the start, so it is in the clear
    // nowhere even before the erasure; the walk does find what is kept clear (an outcome's title).
    t.ok((await clearTextIn('机车构造')).length > 0, 'the walk finds a value kept in the clear')
    t.same(await clearTextIn(me.name), [], 'before: the name is in the clear in no table')
    // The opening's event names no one (decision 0730); portfolio and recognition asked accounts.
    const opened = (await retainedEvents())
      .map((v) => JSON.parse(v))
      .find((e) => e.type === 'accounts.learner.opened' && e.subject === mine.id)
    t.ok(opened, 'the retained opening of the learner')
    t.same(Object.keys(opened.data).sort(), [
      'accountNo',
      'category',
      'learnerId',
      'openedByOrgId',
      'regionCode',
    ])
    t.same(personalIn(JSON.stringify(opened), [me]), [], 'the retained opening has no name')
    const sharedName = async () =>
      (await call(portfolio, 'GET', `/v1/shared/${share.token}`, {})).learner.name
    const reviewedName = async () =>
      (await call(rec.app, 'GET', `/v1/applications/${application.id}`, learner)).learner?.name
    t.equal(await sharedName(), me.name, 'portfolio shows the name on the share')
    t.equal(await reviewedName(), me.name, 'recognition shows the name')
    const reviewedFile = async () =>
      (await call(rec.app, 'GET', `/v1/applications/${withFile.id}`, learner)).evidence
    t.same(
      await reviewedFile(),
      [
        {
          id: evidence.id,
          filename: fileName,
          mediaType: 'image/png',
          sizeBytes: evidence.sizeBytes,
        },
      ],
      'recognition shows the evidence file by its name, asked of portfolio',
    )
    // Each reason reads where it was written, and travels in no event (decision 0730).
    const entries = await call(acc.app, 'GET', `/v1/learners/${mine.id}/entries?limit=100`, learner)
    t.equal(
      entries.items.find((e: { id: string }) => e.id === twice.id)?.reversedBy?.reason,
      reasons.reversal,
      'the statement gives the reversal’s reason',
    )
    t.equal(
      (await call(cer.app, 'GET', `/v1/certificates/${voided.id}`, issuer)).revocationReason,
      reasons.revocation,
      'the certificate gives its revocation’s reason',
    )
    t.ok(
      JSON.stringify(
        (await call(rec.app, 'GET', `/v1/applications/${withFile.id}`, learner)).trail,
      ).includes(reasons.rejection),
      'the application’s trail gives the reviewer’s reason',
    )
    const reasoned = [
      'accounts.entry.reversed',
      'certificates.certificate.revoked',
      'recognition.application.decided',
      'recognition.application.rejected',
    ]
    const withReasons = (await retainedEvents())
      .map((v) => JSON.parse(v))
      .filter((e) => e.subject === mine.id && reasoned.includes(e.type))
    t.same(
      [...new Set(withReasons.map((e) => e.type))].sort(),
      reasoned,
      'the reversal, the revocation and the rejection were published',
    )
    t.same(
      withReasons.filter((e) => 'reason' in e.data).map((e) => e.type),
      [],
      'none carries a reason',
    )
    const added = (await retainedEvents())
      .map((v) => JSON.parse(v))
      .find((e) => e.type === 'portfolio.evidence.added' && e.data.evidenceId === evidence.id)
    t.same(
      Object.keys(added.data).sort(),
      ['evidenceId', 'learnerId', 'mediaType', 'sha256', 'sizeBytes'],
      'the retained evidence event has no file name',
    )

    // The opening school corrects the name: both services ask accounts again.
    await call(acc.app, 'POST', `/v1/learners/${mine.id}/corrections`, registrar(source), {
      name: corrected,
    })
    await eventually(async () => (await sharedName()) === corrected, 30_000)
    await eventually(async () => (await reviewedName()) === corrected, 30_000)
    t.pass('portfolio and recognition show the corrected name')
    const account = await call(acc.app, 'GET', `/v1/learners/${mine.id}/account`, learner)
    const res = await acc.app.inject({
      method: 'POST',
      url: `/v1/learners/${mine.id}/erasure`,
      headers: learner,
      payload: {},
    })
    t.equal(res.statusCode, 201, res.body)
    const done = await eventually(async () => {
      const e = await call(acc.app, 'GET', `/v1/learners/${mine.id}/erasure`, learner)
      return e.complete ? e : undefined
    }, 30_000)
    t.same(
      done.services.map((s: { service: string }) => s.service),
      ['accounts', 'certificates', 'recognition', 'portfolio'],
      'each service reported its part',
    )

    // No table of any schema (outboxes and inboxes included) and no log line holds them.
    await eventually(async () => {
      for (const schema of ['accounts', 'certificates', 'recognition', 'portfolio']) {
        const r = await sql<{
          n: string
        }>`select count(*)::text as n from ${sql.table(`${schema}.outbox_event`)}`.execute(
          platform.database.kysely,
        )
        if (r.rows[0]!.n !== '0') return false
      }
      return true
    })
    for (const needle of [me.name, corrected, me.nationalId])
      t.same(
        await clearTextIn(needle),
        [],
        `no column holds ${needle === me.nationalId ? 'the 身份证号' : 'the name'}`,
      )
    // Every event the topics retain, read from the beginning: no name, no number, no masked number.
    const retained = await retainedEvents()
    t.ok(
      retained.some((v) => v.includes(mine.id)),
      `the learner's events were read (${retained.length} retained)`,
    )
    const holding = retained.flatMap((v) => {
      const e = JSON.parse(v) as { type: string }
      return personalIn(v, [me, { ...me, name: corrected }]).length ? [e.type] : []
    })
    t.same(
      holding,
      [],
      'no retained event holds the name (first or corrected), the 身份证号 or its masked form: not even an evidence file name',
    )
    t.equal(await sharedName().catch(() => null), null, 'the share is gone')
    t.equal(await reviewedName(), null, 'recognition shows no name')
    t.match(await reviewedFile(), [{ id: evidence.id, filename: null }], 'nor the file name')

    const logs = captured.lines.join('')
    t.ok(logs.includes(mine.id), 'the logs were captured')
    t.notOk(logs.includes(me.name), 'no log line holds the name')
    t.notOk(logs.includes(corrected), 'nor the corrected one')
    t.notOk(logs.includes(me.nationalId), 'no log line holds the 身份证号')

    // What the erasure's own events carry: ids and times only.
    for (const type of [
      'accounts.learner.erased',
      'certificates.erasure.completed',
      'recognition.erasure.completed',
      'portfolio.erasure.completed',
    ] as const) {
      const events = platform.transport.events(type).filter((e) => e.subject === mine.id)
      t.equal(events.length, 1, `one ${type}`)
      t.notOk(JSON.stringify(events).includes(me.name), `${type} carries no name`)
    }

    // The account remains: the same balances, a chain that verifies, the credential still answers.
    t.same(await call(acc.app, 'GET', `/v1/learners/${mine.id}/account`, learner), account)
    t.match(await call(acc.app, 'GET', `/v1/learners/${mine.id}/chain`, learner), { valid: true })
    t.match(await call(acc.app, 'GET', `/v1/learners/${mine.id}`, learner), {
      erased: true,
      name: null,
    })
    const cert = await call(cer.app, 'GET', `/v1/certificates/${certificate.id}`, admin)
    t.equal(cert.status, 'valid', 'the certificate already issued stays valid')
    const evidenceGone = await portfolio.inject({
      method: 'GET',
      url: `/v1/evidence/${evidence.id}`,
      headers: learner,
    })
    t.equal(evidenceGone.statusCode, 404, 'the evidence file is deleted')
    const shareGone = await portfolio.inject({ method: 'GET', url: `/v1/shared/${share.token}` })
    t.equal(shareGone.statusCode, 404, 'the share is deleted')

    // Another learner is untouched.
    t.match(await call(acc.app, 'GET', `/v1/learners/${theirs.id}`, admin), { name: someone.name })
    // portfolio keeps their name sealed under their own key (decision 0730): a share shows it.
    const theirShare = await call(
      portfolio,
      'POST',
      '/v1/shares',
      keys.auth({ roles: ['learner'], learner: theirs.id }),
      { scope: 'all', expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    )
    t.equal(
      (await call(portfolio, 'GET', `/v1/shared/${theirShare.token}`, {})).learner.name,
      someone.name,
      'the other learner’s name still shows',
    )

    // A replayed erasure event changes nothing: no second report from any service.
    const first = platform.transport
      .events('accounts.learner.erased')
      .find((e) => e.subject === mine.id)!
    await platform.transport.publish([
      { topic: 'creditbank.accounts.v1', key: mine.id, value: JSON.stringify(first) },
    ])
    const again = await acc.app.inject({
      method: 'POST',
      url: `/v1/learners/${mine.id}/erasure`,
      headers: learner,
      payload: {},
    })
    t.equal(again.statusCode, 200)
    await new Promise((r) => setTimeout(r, 1_000))
    t.equal(
      platform.transport.events('portfolio.erasure.completed').filter((e) => e.subject === mine.id)
        .length,
      1,
      'a replay is a no-op',
    )
    t.same(await call(acc.app, 'GET', `/v1/learners/${mine.id}/account`, learner), account)

    // The opening replayed after the erasure (a new delivery, as a rebuild makes): no name back.
    await platform.transport.publish([
      {
        topic: 'creditbank.accounts.v1',
        key: mine.id,
        value: JSON.stringify({ ...opened, id: randomUUID() }),
      },
    ])
    await new Promise((r) => setTimeout(r, 1_000))
    t.same(await clearTextIn(corrected), [], 'a replayed opening brings no name back')
    t.equal(await reviewedName(), null)
    // The evidence event replayed after the erasure: recognition asks portfolio, which has no file.
    await platform.transport.publish([
      {
        topic: 'creditbank.portfolio.v1',
        key: mine.id,
        value: JSON.stringify({ ...added, id: randomUUID() }),
      },
    ])
    await new Promise((r) => setTimeout(r, 1_000))
    t.same(await clearTextIn(me.name), [], 'a replayed evidence event brings no file name back')
    t.match(await reviewedFile(), [{ id: evidence.id, filename: null }])
    void myTimeline
    void application
    void enrollment
    void theirCourse
  },
)
