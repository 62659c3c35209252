import { createEvent } from '@creditbank/events'
import { eventually } from '@creditbank/testing'
import t from 'tap'
import { buildCertificates, madeUpPerson } from './helper.js'

// Who looked, everywhere (decision 0725): an issuer reading holders by name, and the public
// confirming a name against a certificate, reach the learner's one who-looked log at accounts as
// events; the learner sees them in their list, the admins in their search; the learner's own
// reads are not in it, and neither the learner nor another organization reads the admins' log.

const h = await buildCertificates({}, { withAccounts: true })
t.teardown(() => h.close())
const { app } = h
const accounts = h.accounts!

const [own] = await h.orgs([{ name: '工业和信息化部教育与考试中心' }])
const web = await h.type(own!.id, { name: 'Web前端开发' })
const wang = madeUpPerson('王看看')
const [wangAccount] = await h.people([wang])
const learnerId = wangAccount!.id
const issuerId = '0195e2a0-0000-7000-8000-00000000a001'
const issuer = h.keys.auth({ roles: ['issuer'], org: own!.id, sub: issuerId })
const me = h.keys.auth({ roles: ['learner'], learner: learnerId })

const issued = await app.inject({
  method: 'POST',
  url: '/v1/certificates',
  headers: h.issuerOf(own!.id),
  payload: {
    typeCode: web.code,
    level: 'junior',
    issuedOn: '2026-06-01',
    nationalId: wang.nationalId,
    holderName: wang.name,
  },
})
if (issued.statusCode !== 201) throw new Error(issued.body)
const cert = issued.json() as { id: string; number: string }

type Read = { what: string; service: string; role: string; organization: { id: string } | null }
const mine = async () =>
  (
    await accounts.inject({
      method: 'GET',
      url: `/v1/learners/${learnerId}/access-log?limit=50`,
      headers: me,
    })
  ).json().items as Read[]
const fromCertificates = async () => (await mine()).filter((r) => r.service === 'certificates')

t.test("an issuer's reads by name and the public's check reach the learner's log", async (t) => {
  const one = await app.inject({
    method: 'GET',
    url: `/v1/certificates/${cert.id}`,
    headers: issuer,
  })
  t.equal(one.statusCode, 200)
  const list = await app.inject({ method: 'GET', url: '/v1/certificates', headers: issuer })
  t.equal(list.statusCode, 200)
  const byName = await app.inject({
    method: 'POST',
    url: '/v1/certificates/search',
    headers: issuer,
    payload: { holderName: wang.name },
  })
  t.equal(byName.statusCode, 200, byName.body)
  const verified = await app.inject({
    method: 'POST',
    url: '/v1/certificates/verify',
    payload: { number: cert.number, holderName: wang.name },
  })
  t.equal(verified.json().status, 'valid')
  const wrongName = await app.inject({
    method: 'POST',
    url: '/v1/certificates/verify',
    payload: { number: cert.number, holderName: '别人' },
  })
  t.equal(wrongName.json().status, 'not_found', 'a wrong name reads nothing, and is not a read')

  await eventually(async () => (await fromCertificates()).length === 4)
  const reads = await fromCertificates()
  t.same(reads.map((r) => r.what).sort(), [
    'certificate',
    'certificate-search',
    'certificates',
    'verification',
  ])
  t.match(
    reads.find((r) => r.what === 'certificate'),
    { role: 'issuer', organization: { id: own!.id } },
  )
  t.match(
    reads.find((r) => r.what === 'verification'),
    { role: 'public', organization: null },
  )
})

t.test("the learner's own reads are not listed; a replayed event adds nothing", async (t) => {
  const before = (await fromCertificates()).length
  const self = await app.inject({ method: 'GET', url: `/v1/certificates/${cert.id}`, headers: me })
  t.equal(self.statusCode, 200)
  // One event delivered twice (a redelivery): one line.
  const event = createEvent('/creditbank/certificates', {
    type: 'certificates.learner.read',
    subject: learnerId,
    data: {
      learnerId,
      actorKind: 'user',
      actorId: issuerId,
      role: 'issuer',
      orgId: own!.id,
      route: 'GET /v1/certificates/:id',
      what: 'certificate',
      ip: '127.0.0.1',
      at: new Date().toISOString(),
    },
  })
  for (let i = 0; i < 2; i++)
    await h.platform.transport.publish([
      { topic: 'creditbank.certificates.v1', key: learnerId, value: JSON.stringify(event) },
    ])
  await eventually(async () => (await fromCertificates()).length === before + 1)
  // The learner's own read came first on the same key (the learner): had it made a line, it
  // would be here too.
  t.equal((await fromCertificates()).length, before + 1, 'the replay once, the own read never')
})

t.test(
  "the admins' search finds the reads by 身份证号, name, organization, staff and dates",
  async (t) => {
    const search = (payload: object, headers = h.admin) =>
      accounts.inject({ method: 'POST', url: '/v1/access-log/search', headers, payload })
    const byId = await search({ nationalId: wang.nationalId })
    t.equal(byId.statusCode, 200, byId.body)
    t.ok(
      byId.json().items.some((r: Read & { actorId: string }) => r.actorId === issuerId),
      'with the staff id for admins',
    )
    const d = wang.nationalId.slice(6, 14)
    const birthDate = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`
    const byName = await search({ name: wang.name, birthDate, orgId: own!.id, actorId: issuerId })
    t.same(
      byName
        .json()
        .items.map((r: Read) => r.what)
        .sort(),
      ['certificate', 'certificate', 'certificate-search', 'certificates'],
      'the replayed read once',
    )
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString()
    t.equal((await search({ name: wang.name, birthDate, from: tomorrow })).json().items.length, 0)
    const nameAlone = await search({ name: wang.name })
    t.equal(nameAlone.statusCode, 422, 'a name alone names nobody: it goes with the birth date')
    t.match(nameAlone.json().errors, [{ path: '/birthDate' }])
    t.equal(
      (await search({ nationalId: madeUpPerson('某某').nationalId })).json().items.length,
      0,
      'a person without an account',
    )
    const bad = await search({ nationalId: '123' })
    t.equal(bad.statusCode, 422)
    t.equal(bad.json().code, 'ACCOUNTS_ACCESS_LOG_QUERY_INVALID')
    const backwards = await search({ from: tomorrow, to: new Date().toISOString() })
    t.equal(backwards.json().code, 'ACCOUNTS_ACCESS_LOG_QUERY_INVALID')

    // Neither the learner nor another organization's admin or staff reads the admins' log.
    const otherAdmin = h.keys.auth({
      roles: ['issuer'],
      org: '0195e2a0-0000-7000-8000-00000000b002',
      orgAdmin: ['0195e2a0-0000-7000-8000-00000000b002'],
    })
    for (const headers of [me, otherAdmin, issuer]) {
      t.equal((await search({ nationalId: wang.nationalId }, headers)).statusCode, 403)
      t.equal(
        (await accounts.inject({ method: 'GET', url: '/v1/access-log', headers })).statusCode,
        403,
      )
    }
  },
)
