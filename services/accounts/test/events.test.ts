import { eventually } from '@creditbank/testing'
import t from 'tap'
import { uuidv7 } from 'uuidv7'
import { buildAccounts, course, person } from './helper.js'

const a = await buildAccounts()
t.teardown(() => a.close())
const { app } = a
const school = await a.registerOrg('school')
const target = await a.registerOrg('school')
const evaluator = await a.registerOrg('evaluation_org')

const issued = (learnerId: string, certificateId = uuidv7()) => ({
  certificateId,
  number: `X-${certificateId.slice(-6)}`,
  learnerId,
  typeCode: 'WEB-FE',
  typeName: 'Web前端开发',
  level: 'intermediate',
  score: '88',
  issuedOn: '2024-07-01',
  expiresOn: null,
  evaluationOrgId: evaluator,
})

const entriesOf = async (learnerId: string) =>
  (
    await app.inject({
      method: 'GET',
      url: `/v1/learners/${learnerId}/entries?limit=100`,
      headers: a.admin,
    })
  ).json().items

t.test('organization events build the projection; a replayed event changes nothing', async (t) => {
  const id = uuidv7()
  await a.registerOrg('training_body', id)
  const e = await a.deliver('creditbank.identity.v1', 'identity.organization.registered', id, {
    organizationId: id,
    code: 'TB-1',
    name: '培训机构',
    kind: 'training_body',
    regionCode: '410100',
    schoolLevel: null,
  })
  await a.applied(e.id)
  await a.platform.transport.publish([
    { topic: 'creditbank.identity.v1', key: id, value: JSON.stringify(e) },
  ])
  // A later event with the same key comes after the replay on the same partition.
  const sentinel = await a.deliver(
    'creditbank.identity.v1',
    'identity.organization.registered',
    id,
    {
      organizationId: uuidv7(),
      code: 'TB-2',
      name: '别的机构',
      kind: 'enterprise',
      regionCode: '410100',
      schoolLevel: null,
    },
  )
  await a.applied(sentinel.id)
  t.equal(
    (await a.db.selectFrom('inbox_event').select('event_id').where('event_id', '=', e.id).execute())
      .length,
    1,
  )
  const rows = await a.db.selectFrom('organization').selectAll().where('id', '=', id).execute()
  t.equal(rows.length, 1)
  t.match(rows[0], { kind: 'training_body', name: '培训机构' })
})

t.test(
  'certificate issued → a certificate entry by the evaluation organization, once',
  async (t) => {
    const l = await a.openLearner(person(), a.registrar(school))
    const c = issued(l.id)
    const ev = await a.deliver(
      'creditbank.certificates.v1',
      'certificates.certificate.issued',
      l.id,
      c,
    )
    await a.applied(ev.id)
    // The same certificate in another event (a re-publish with a new id) is still one entry.
    const again = await a.deliver(
      'creditbank.certificates.v1',
      'certificates.certificate.issued',
      l.id,
      c,
    )
    await a.applied(again.id)
    const entries = await entriesOf(l.id)
    t.equal(entries.length, 1)
    t.match(entries[0], {
      kind: 'certificate',
      entryCode: 'certificate.issued',
      orgId: evaluator,
      certificateId: c.certificateId,
      typeCode: 'WEB-FE',
      level: 'intermediate',
      occurredOn: '2024-07-01',
    })
    await eventually(async () =>
      a.platform.transport
        .events('accounts.outcome.posted')
        .some((e) => e.data.certificateId === c.certificateId),
    )

    const revoked = {
      certificateId: c.certificateId,
      number: c.number,
      learnerId: l.id,
      evaluationOrgId: evaluator,
      reason: '考试作弊',
      revokedAt: new Date().toISOString(),
    }
    const r1 = await a.deliver(
      'creditbank.certificates.v1',
      'certificates.certificate.revoked',
      l.id,
      revoked,
    )
    await a.applied(r1.id)
    const r2 = await a.deliver(
      'creditbank.certificates.v1',
      'certificates.certificate.revoked',
      l.id,
      revoked,
    )
    await a.applied(r2.id)
    const after = await entriesOf(l.id)
    t.equal(after.length, 2, 'one reversal, however often revoked')
    t.match(
      after.find((e: { kind: string }) => e.kind === 'reversal'),
      // The issuer's reason stays with the certificate (0730): the reversal keeps none.
      { reversesEntryId: entries[0].id, reason: null, orgId: evaluator },
    )
    const acct = (
      await app.inject({ method: 'GET', url: `/v1/learners/${l.id}/account`, headers: a.admin })
    ).json()
    t.equal(acct.balances.byKind.certificate.entryCount, 2)
    await eventually(async () =>
      a.platform.transport
        .events('accounts.entry.reversed')
        .some((e) => e.data.reversedEntryId === entries[0].id),
    )
    const byHand = await app.inject({
      method: 'POST',
      url: `/v1/entries/${entries[0].id}/reversal`,
      headers: a.registrar(evaluator),
      payload: { reason: 'x' },
    })
    t.equal(byHand.statusCode, 422, 'certificate entries are reversed by revocation only')
  },
)

t.test(
  'recognition approved → a recognized entry at the target, sources marked used, once per application',
  async (t) => {
    const l = await a.openLearner(person(), a.registrar(school))
    const src = (
      await app.inject({
        method: 'POST',
        url: '/v1/outcomes',
        headers: a.registrar(school),
        payload: course(l.id),
      })
    ).json()
    const cert = issued(l.id)
    await a.applied(
      (await a.deliver('creditbank.certificates.v1', 'certificates.certificate.issued', l.id, cert))
        .id,
    )
    const certEntry = (await entriesOf(l.id)).find(
      (e: { kind: string }) => e.kind === 'certificate',
    )
    const approval = {
      applicationId: uuidv7(),
      learnerId: l.id,
      targetOrgId: target,
      programCode: 'P-WEB',
      courseCode: 'WEB201',
      courseName: '网页设计',
      courseType: 'core',
      credits: '4',
      sourceEntryIds: [src.id, certEntry.id],
      rule: { code: 'HN-X-WEB-2025', version: 1 },
    }
    await a.applied(
      (
        await a.deliver(
          'creditbank.recognition.v1',
          'recognition.application.approved',
          l.id,
          approval,
        )
      ).id,
    )
    await a.applied(
      (
        await a.deliver(
          'creditbank.recognition.v1',
          'recognition.application.approved',
          l.id,
          approval,
        )
      ).id,
    )
    const entries = await entriesOf(l.id)
    const recognized = entries.filter((e: { kind: string }) => e.kind === 'recognized')
    t.equal(recognized.length, 1, 'idempotent on the application id')
    t.match(recognized[0], {
      entryCode: 'recognition.approved',
      orgId: target,
      credits: '4.00',
      code: 'WEB201',
      applicationId: approval.applicationId,
    })
    const used = entries.filter((e: { usedAt: unknown[] }) => e.usedAt.length > 0)
    t.same(
      used.map((e: { id: string }) => e.id).sort(),
      [src.id, certEntry.id].sort(),
      'the statement shows where each outcome was used',
    )
    t.same(used[0].usedAt, [
      { targetOrgId: target, courseCode: 'WEB201', applicationId: approval.applicationId },
    ])
    const acct = (
      await app.inject({ method: 'GET', url: `/v1/learners/${l.id}/account`, headers: a.admin })
    ).json()
    t.match(acct.balances, { total: { credits: '8.00' }, recognized: { credits: '4.00' } })
    await eventually(async () =>
      a.platform.transport
        .events('accounts.credit.recognized')
        .some((e) => e.data.applicationId === approval.applicationId),
    )
    t.match(
      a.platform.transport
        .events('accounts.credit.recognized')
        .find((e) => e.data.applicationId === approval.applicationId)!.data,
      {
        learnerId: l.id,
        orgId: target,
        courseCode: 'WEB201',
        credits: '4.00',
        sourceEntryIds: approval.sourceEntryIds,
      },
    )

    // The same outcome for the same course at the same target again: refused and parked, nothing posted.
    const reuse = { ...approval, applicationId: uuidv7(), sourceEntryIds: [src.id] }
    await a.deliver('creditbank.recognition.v1', 'recognition.application.approved', l.id, reuse)
    await eventually(
      async () =>
        a.platform.transport.published.some(
          (m) => m.topic.startsWith('creditbank.dlq.') && m.value.includes(reuse.applicationId),
        ),
      30_000,
    )
    t.equal(
      (await entriesOf(l.id)).filter((e: { kind: string }) => e.kind === 'recognized').length,
      1,
      'no second credit',
    )
    // Another course at that target may use it.
    const other = {
      ...approval,
      applicationId: uuidv7(),
      courseCode: 'WEB202',
      courseName: '网页设计实训',
      credits: '2',
      sourceEntryIds: [src.id],
    }
    await a.applied(
      (
        await a.deliver(
          'creditbank.recognition.v1',
          'recognition.application.approved',
          l.id,
          other,
        )
      ).id,
    )
    t.equal(
      (await entriesOf(l.id)).filter((e: { kind: string }) => e.kind === 'recognized').length,
      2,
    )
    const chain = (
      await app.inject({ method: 'GET', url: `/v1/learners/${l.id}/chain`, headers: a.admin })
    ).json()
    t.equal(chain.valid, true)
  },
)
