import t from 'tap'
import { buildPortfolio, fixtures, ids } from './helper.js'

// Issue 16, bug 2: a 1+X certificate reaches the timeline twice, as the certificate and as its
// ledger copy (an outcome naming it). The CLR export has each achievement once, and no credential
// of the ledger copy outlives the certificate's own validity.

const pf = await buildPortfolio()
t.teardown(() => pf.close())
const { app } = pf
const f = fixtures()
const me = pf.learner(f.learnerId)

const ledgerCopyOf = (certificateId: string) =>
  f.ledgerCopy(certificateId, { occurredOn: '2020-05-01' })

const expiredId = ids()
const expired = f.certificateIssued(expiredId)
expired.data.issuedOn = '2020-05-01'
expired.data.expiresOn = '2023-04-30'
const expiredCopy = ledgerCopyOf(expiredId)
const liveId = ids()
const live = f.certificateIssued(liveId)
const liveCopy = ledgerCopyOf(liveId)
const course = f.outcome()
const past = new Date('2020-05-01T02:00:00Z')
await pf.apply(
  f.orgRegistered(f.school, '郑州职业技术学院'),
  f.orgRegistered(f.evalOrg, '工业和信息化部教育与考试中心', 'evaluation_org'),
  f.typePublished(),
  f.learnerOpened(),
  course,
  { ...expired, time: past },
  { ...expiredCopy, time: past },
  live,
  liveCopy,
)

const verify = (verifiableCredential: unknown) =>
  app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } })
const checksFailed = async (vc: unknown) => {
  const res = await verify(vc)
  return (res.json().problemDetails ?? []).map((p: { check: string }) => p.check)
}

t.test('the CLR export lists each certificate once, with its own validity', async (t) => {
  const res = await app.inject({
    method: 'GET',
    url: `/v1/learners/${f.learnerId}/exports/clr`,
    headers: me,
  })
  t.equal(res.statusCode, 200, `answers 200${res.statusCode === 200 ? '' : `: ${res.body}`}`)
  const inner: Record<string, any>[] = res.json().credentialSubject.verifiableCredential
  t.equal(inner.length, 3, 'the course and the two certificates, no ledger copies')
  const achievements = inner.map((vc) => vc.credentialSubject.achievement.id)
  t.equal(new Set(achievements).size, achievements.length - 1, 'two certificates of one type')
  const certificates = inner.filter(
    (vc) => vc.credentialSubject.achievement.achievementType === 'Certificate',
  )
  t.same(certificates.map((vc) => vc.validUntil).sort(), [
    '2023-04-30T23:59:59Z',
    '2029-04-30T23:59:59Z',
  ])
  for (const vc of certificates) t.ok(vc.validUntil, 'every certificate carries its validity')
  const old = certificates.find((vc) => vc.validUntil === '2023-04-30T23:59:59Z')
  t.same(await checksFailed(old), ['expiry'], 'the expired certificate does not verify')
  const current = certificates.find((vc) => vc.validUntil === '2029-04-30T23:59:59Z')
  t.same(await checksFailed(current), [], 'the live one does')
})

t.test('a ledger copy’s own credential carries the certificate’s validity', async (t) => {
  const res = await app.inject({
    method: 'GET',
    url: `/v1/learners/${f.learnerId}/credentials/${expiredCopy.data.entryId}`,
    headers: me,
  })
  t.equal(res.statusCode, 200, `answers 200${res.statusCode === 200 ? '' : `: ${res.body}`}`)
  t.equal(res.json().validUntil, '2023-04-30T23:59:59Z')
  t.same(await checksFailed(res.json()), ['expiry'], 'an expired certificate fails through it too')
})

t.test('a revoked certificate leaves the export with its ledger copy', async (t) => {
  await pf.apply({
    type: 'certificates.certificate.revoked',
    data: {
      certificateId: liveId,
      number: live.data.number,
      learnerId: f.learnerId,
      evaluationOrgId: f.evalOrg,
      reason: '考核作弊',
      revokedAt: new Date().toISOString(),
    },
  })
  const res = await app.inject({
    method: 'GET',
    url: `/v1/learners/${f.learnerId}/exports/clr`,
    headers: me,
  })
  const inner: Record<string, any>[] = res.json().credentialSubject.verifiableCredential
  t.same(inner.map((vc) => vc.validUntil ?? null).sort(), ['2023-04-30T23:59:59Z', null])
})
