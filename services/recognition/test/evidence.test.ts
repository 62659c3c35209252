import { randomUUID } from 'node:crypto'
import { eventually } from '@creditbank/testing'
import t from 'tap'
import { buildRecognition } from './helper.js'

// Issue 14: a learner's application names evidence files; only the learner's own are accepted
// (portfolio says whose each file is), and the opened event carries them.
const r = await buildRecognition()
t.teardown(() => r.close())
const { app } = r

const evidenceAdded = (learnerId: string, evidenceId = randomUUID()) => ({
  type: 'portfolio.evidence.added',
  subject: learnerId,
  data: {
    evidenceId,
    learnerId,
    sha256: 'a'.repeat(64),
    mediaType: 'application/pdf',
    sizeBytes: 9,
  },
})

t.test(
  'an application names the learner’s own evidence; others’ are refused unrevealed',
  async (t) => {
    const learner = randomUUID()
    const other = randomUUID()
    const target = await r.organization('school')
    const course = r.outcome(learner, {
      kind: 'course',
      title: '高等数学',
      code: 'MATH1',
      credits: '4',
      grade: { score: '88', scale: '100' },
    })
    const mine = evidenceAdded(learner)
    const theirs = evidenceAdded(other)
    await r.deliver([r.enrollment(learner, target, 'P-MATH'), course, mine, theirs])
    const body = {
      sourceEntryIds: [course.data.entryId],
      targetOrgId: target,
      programCode: 'P-MATH',
      statement: '附成绩单',
      award: {
        courseCode: 'MATH101',
        courseName: '高等数学',
        courseType: 'foundation',
        credits: '4',
      },
    }
    const before = await r.count('application')
    const refusals = []
    for (const evidenceIds of [
      [theirs.data.evidenceId],
      [randomUUID()],
      [mine.data.evidenceId, mine.data.evidenceId],
    ]) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/applications',
        headers: r.learner(learner),
        payload: { ...body, evidenceIds },
      })
      t.equal(res.statusCode, 422)
      t.equal(res.json().code, 'RECOGNITION_EVIDENCE_NOT_YOURS')
      refusals.push(res.json().errors)
    }
    t.same(refusals[0], refusals[1], 'another’s file and an unknown id get the same answer')
    t.same(refusals[0], [{ path: '/evidenceIds/0', message: 'is not an evidence file of yours' }])
    t.same(refusals[2], [{ path: '/evidenceIds', message: 'has duplicates' }])
    const tooMany = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: r.learner(learner),
      payload: { ...body, evidenceIds: Array.from({ length: 21 }, () => randomUUID()) },
    })
    t.equal(tooMany.statusCode, 400)
    t.equal(await r.count('application'), before, 'nothing written')

    const opened = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: r.learner(learner),
      payload: { ...body, evidenceIds: [mine.data.evidenceId] },
    })
    t.equal(opened.statusCode, 201)
    const a = opened.json()
    t.same(a.evidenceIds, [mine.data.evidenceId])
    t.match(a.trail, [{ action: 'opened', by: { role: 'learner', orgId: null } }])
    const ev = await eventually(async () =>
      r.platform.transport
        .events('recognition.application.opened')
        .find((e) => e.data.applicationId === a.id),
    )
    t.same(ev.data.evidenceIds, [mine.data.evidenceId], 'the event carries the evidence')
    const seen = await app.inject({
      method: 'GET',
      url: `/v1/applications/${a.id}`,
      headers: r.reviewer(target),
    })
    t.same(seen.json().evidenceIds, [mine.data.evidenceId])

    // A reviewer's decision reads as the organization's, not a person's id.
    const decided = await app.inject({
      method: 'POST',
      url: `/v1/applications/${a.id}/decisions`,
      headers: r.reviewer(target),
      payload: { decision: 'reject', reason: '成绩单不清晰' },
    })
    t.equal(decided.statusCode, 200)
    t.match(decided.json().trail.at(-1), {
      action: 'rejected',
      by: { role: 'reviewer', orgId: target },
      reason: '成绩单不清晰',
    })

    // The same evidence event again changes nothing.
    await r.deliver([{ ...mine, id: randomUUID() }])
    t.equal(
      Number(
        (
          await r.db
            .selectFrom('evidence')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('id', '=', mine.data.evidenceId)
            .executeTakeFirstOrThrow()
        ).n,
      ),
      1,
    )
  },
)

t.test('the simulator answers for exactly the entries chosen', async (t) => {
  const learner = randomUUID()
  const target = await r.organization('school')
  await r.createRule({
    code: `MATH-${target.slice(-6)}`,
    name: '高等数学 → 高等数学',
    targetOrgId: target,
    source: { kind: 'course', code: 'MATH1' },
    award: {
      courseCode: 'MATH101',
      courseName: '高等数学',
      courseType: 'foundation',
      credits: '4',
    },
    review: { mode: 'manual', steps: [{ role: 'reviewer', orgId: target }], dueDays: 15 },
    validFrom: '2020-01-01',
    validTo: null,
  })
  const math = r.outcome(learner, {
    kind: 'course',
    title: '高等数学',
    code: 'MATH1',
    credits: '4',
  })
  const art = r.outcome(learner, { kind: 'course', title: '美术', code: 'ART1', credits: '2' })
  const theirs = r.outcome(randomUUID(), {
    kind: 'course',
    title: '高等数学',
    code: 'MATH1',
    credits: '4',
  })
  await r.deliver([r.enrollment(learner, target, 'P-MATH'), math, art, theirs])
  const simulate = (payload: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: '/v1/simulations',
      headers: r.learner(learner),
      payload: { targetOrgId: target, programCode: 'P-MATH', ...payload },
    })
  const chosen = (await simulate({ sourceEntryIds: [math.data.entryId] })).json()
  t.same(
    chosen.items.map((i: { sourceRef: string }) => i.sourceRef),
    [math.data.entryId],
  )
  t.equal(chosen.items[0].award.courseCode, 'MATH101')
  const other = (await simulate({ sourceEntryIds: [art.data.entryId] })).json()
  t.same(other.items, [], 'an entry no rule takes gives nothing')
  const foreign = (await simulate({ sourceEntryIds: [theirs.data.entryId] })).json()
  t.same(foreign.items, [], 'another learner’s entry is not simulated')
  const both = await simulate({
    sourceEntryIds: [math.data.entryId],
    entryIds: [math.data.entryId],
  })
  t.equal(both.statusCode, 422)
  t.equal(both.json().code, 'RECOGNITION_ENTRIES_AMBIGUOUS')
})
