import { randomUUID } from 'node:crypto'
import { eventually } from '@creditbank/testing'
import t from 'tap'
import { appliedWithEvidence, buildRecognition } from './helper.js'

// Who looked (decision 0725): a reviewer opening an application (the learner's name, the
// evidence), listing applications, or reading an evidence file publishes
// recognition.learner.read, which accounts keeps in the learner's log; the evidence-read log
// (0544) still has its line. The learner's own reads publish nothing.

const r = await buildRecognition()
t.teardown(() => r.close())
const { app } = r
const { school, learner, file, id } = await appliedWithEvidence(r)

const reviewerId = randomUUID()
const reviewer = r.reviewer(school, { sub: reviewerId })
const reads = () =>
  r.platform.transport
    .events('recognition.learner.read')
    .filter((e) => e.data.learnerId === learner)
    .map((e) => e.data)

t.test("a reviewer's opening, list and evidence read are each a read of the learner", async (t) => {
  const opened = await app.inject({
    method: 'GET',
    url: `/v1/applications/${id}`,
    headers: reviewer,
  })
  t.equal(opened.statusCode, 200)
  const list = await app.inject({ method: 'GET', url: '/v1/applications', headers: reviewer })
  t.equal(list.statusCode, 200)
  const read = await app.inject({
    method: 'POST',
    url: `/v1/applications/${id}/evidence/${file}/reads`,
    headers: reviewer,
  })
  t.equal(read.statusCode, 201, read.body)
  const got = await eventually(async () => (reads().length >= 3 ? reads() : undefined))
  t.same(got.map((d) => d.what).sort(), ['application', 'applications', 'evidence'])
  t.match(got[0], {
    actorKind: 'user',
    actorId: reviewerId,
    role: 'reviewer',
    orgId: school,
    ip: '127.0.0.1',
  })
  t.match(
    got.find((d) => d.what === 'application'),
    { route: 'GET /v1/applications/:id' },
  )
  const log = await app.inject({
    method: 'GET',
    url: `/v1/applications/${id}/evidence-reads`,
    headers: r.admin,
  })
  t.equal(log.json().items.length, 1, 'the evidence-read log has its line as before')
})

t.test("the learner's own reads publish nothing", async (t) => {
  const before = reads().length
  const mine = await app.inject({
    method: 'GET',
    url: `/v1/applications/${id}`,
    headers: r.learner(learner),
  })
  t.equal(mine.statusCode, 200)
  await app.inject({ method: 'GET', url: '/v1/applications', headers: r.learner(learner) })
  // A read by staff after them arrives; the learner's own never did.
  await app.inject({ method: 'GET', url: `/v1/applications/${id}`, headers: reviewer })
  await eventually(async () => reads().length === before + 1)
  t.equal(reads().length, before + 1)
})
