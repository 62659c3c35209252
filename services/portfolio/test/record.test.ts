import { createHash } from 'node:crypto'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import t from 'tap'
import { BASE_URL, buildPortfolio, fixtures, ids } from './helper.js'

// Issue 14: the printable record (学习成果证明), its digest and the public check of it; shares'
// links shown again, the learner's name and each line's verification in the shared view.
const pf = await buildPortfolio()
t.teardown(() => pf.close())
const { app } = pf
const f = fixtures()
const me = pf.learner(f.learnerId)
const web = f.outcome({ title: '网页设计', occurredOn: '2024-06-30' })
const wrong = f.outcome({ title: '录错的课程', code: 'X1', occurredOn: '2024-07-01' })
const cert = f.certificateIssued()
const certId = String(cert.data.certificateId)
// The name printed on the record is accounts' (decision 0730), asked when the account opens.
pf.accounts.name(f.learnerId, '张晓梅')
await pf.apply(
  f.orgRegistered(f.school, '郑州职业技术学院'),
  f.orgRegistered(f.evalOrg, '工业和信息化部教育与考试中心', 'evaluation_org'),
  f.learnerOpened(),
  f.typePublished(),
  web,
  wrong,
  cert,
  f.outcome({
    kind: 'certificate',
    certificateId: certId,
    title: 'Web前端开发',
    occurredOn: '2026-05-01',
  }),
  {
    type: 'accounts.entry.reversed',
    data: {
      entryId: ids(),
      reversedEntryId: wrong.data.entryId,
      learnerId: f.learnerId,
      orgId: f.school,
      reason: '录入错误',
      postedAt: new Date().toISOString(),
    },
  },
)

async function pdfText(bytes: Buffer) {
  const doc = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false }).promise
  const pages: string[] = []
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent()
    pages.push(content.items.map((it) => ('str' in it ? it.str : '')).join(''))
  }
  await doc.destroy()
  return pages.join('\n')
}

const count = async () =>
  Number(
    (
      await pf.db
        .selectFrom('record')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

t.test('the account’s record: a PDF whose text, QR link and digest are right', async (t) => {
  const res = await app.inject({
    method: 'GET',
    url: `/v1/learners/${f.learnerId}/record.pdf`,
    headers: me,
  })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/pdf')
  const digest = String(res.headers['x-record-digest'])
  t.match(digest, /^[0-9a-f]{64}$/)
  const text = await pdfText(res.rawPayload)
  for (const expected of [
    '学习成果证明',
    '张晓梅',
    `4101${f.learnerId.slice(-8)}`,
    '网页设计',
    '2024-06-30',
    '郑州职业技术学院',
    'Web前端开发（中级）',
    '工业和信息化部教育与考试中心',
    '2026-05-01',
    '有效期至 Valid until 2029-04-30',
    `${BASE_URL}/#/record/${digest}`,
    digest.slice(0, 16).match(/.{4}/g)!.join(' '),
    digest,
  ])
    t.ok(text.includes(expected), `the PDF says ${expected}`)
  t.notOk(text.includes('录错的课程'), 'a reversed entry is not printed')
  t.equal(
    text.split('Web前端开发').length - 1,
    1,
    'a certificate is printed once, not with its ledger copy',
  )

  const before = await count()
  const again = await app.inject({
    method: 'GET',
    url: `/v1/learners/${f.learnerId}/record.pdf`,
    headers: me,
  })
  t.equal(again.headers['x-record-digest'], digest, 'the same record the same day, the same digest')
  t.equal(await count(), before, 'printing again stores nothing new')

  const checked = await app.inject({ method: 'GET', url: `/v1/records/${digest}` })
  t.equal(checked.statusCode, 200)
  const body = checked.json()
  t.equal(createHash('sha256').update(body.canonical, 'utf8').digest('hex'), digest)
  t.match(body, {
    digest,
    valid: true,
    record: { title: '学习成果证明', learner: { name: '张晓梅' }, scope: 'account' },
  })
  t.same(
    body.record.items.map((i: { title: string; status: string }) => [i.title, i.status]),
    [
      ['网页设计', 'valid'],
      ['Web前端开发（中级）', 'valid'],
    ],
  )
  const byCode = await app.inject({ method: 'GET', url: `/v1/records/${digest.slice(0, 16)}` })
  t.equal(byCode.json().digest, digest, 'the printed code finds it too')

  // Revoked after printing: the check says so.
  await pf.apply({
    type: 'certificates.certificate.revoked',
    data: {
      certificateId: certId,
      number: cert.data.number,
      learnerId: f.learnerId,
      evaluationOrgId: f.evalOrg,
      reason: '考试违纪',
      revokedAt: new Date().toISOString(),
    },
  })
  const later = (await app.inject({ method: 'GET', url: `/v1/records/${digest}` })).json()
  t.equal(later.valid, false)
  t.equal(later.record.items[1].status, 'revoked')
  t.equal(later.canonical, body.canonical, 'what was printed does not change')
})

t.test('records: unknown, malformed and someone else’s', async (t) => {
  const unknown = await app.inject({ method: 'GET', url: `/v1/records/${'0'.repeat(64)}` })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().code, 'PORTFOLIO_RECORD_NOT_FOUND')
  const [first] = await pf.db.selectFrom('record').select('digest').execute()
  const wrongTail = `${first!.digest.slice(0, 16)}${'f'.repeat(48)}`
  t.equal((await app.inject({ method: 'GET', url: `/v1/records/${wrongTail}` })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: '/v1/records/xyz' })).statusCode, 400)
  const other = ids()
  const theirs = await app.inject({
    method: 'GET',
    url: `/v1/learners/${f.learnerId}/record.pdf`,
    headers: pf.learner(other),
  })
  t.equal(theirs.statusCode, 403)
  const anon = await app.inject({ method: 'GET', url: `/v1/learners/${f.learnerId}/record.pdf` })
  t.equal(anon.statusCode, 401)
})

t.test(
  'shares: the same link again, the name and a verdict per line, its own record',
  async (t) => {
    const made = await app.inject({
      method: 'POST',
      url: '/v1/shares',
      headers: me,
      payload: {
        scope: 'selected',
        entryIds: [web.data.entryId],
        expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        label: '求职',
      },
    })
    t.equal(made.statusCode, 201)
    const share = made.json()
    t.equal(share.pageUrl, `${BASE_URL}/#/shared/${share.token}`)
    const link = await app.inject({
      method: 'GET',
      url: `/v1/shares/${share.id}/link`,
      headers: me,
    })
    t.same(link.json(), { token: share.token, url: share.url, pageUrl: share.pageUrl })
    const notMine = await app.inject({
      method: 'GET',
      url: `/v1/shares/${share.id}/link`,
      headers: pf.learner(ids()),
    })
    t.equal(notMine.statusCode, 404, 'another learner’s share does not exist for the caller')
    t.equal(
      (
        await pf.db
          .selectFrom('share')
          .select('personal_sealed')
          .where('id', '=', share.id)
          .executeTakeFirstOrThrow()
      ).personal_sealed?.includes(share.token),
      false,
      'the token is kept sealed (under the learner’s key, decision 0730)',
    )

    const view = (await app.inject({ method: 'GET', url: `/v1/shared/${share.token}` })).json()
    t.same(view.learner, { accountNo: `4101${f.learnerId.slice(-8)}`, name: '张晓梅' })
    t.equal(view.items.length, 1, 'only what was shared')
    t.same(view.items[0].verification, {
      status: 'valid',
      issuer: '郑州职业技术学院',
      holder: '张晓梅',
      occurredOn: '2024-06-30',
      validUntil: null,
    })

    const pdf = await app.inject({ method: 'GET', url: `/v1/shared/${share.token}/record.pdf` })
    t.equal(pdf.statusCode, 200)
    const text = await pdfText(pdf.rawPayload)
    t.ok(text.includes('网页设计') && text.includes('张晓梅'))
    t.notOk(text.includes('Web前端开发'), 'what was not shared is not printed')
    const record = (
      await app.inject({ method: 'GET', url: `/v1/records/${pdf.headers['x-record-digest']}` })
    ).json()
    t.equal(record.record.scope, 'share')

    t.equal(
      (await app.inject({ method: 'DELETE', url: `/v1/shares/${share.id}`, headers: me }))
        .statusCode,
      204,
    )
    const gone = await app.inject({
      method: 'GET',
      url: `/v1/shares/${share.id}/link`,
      headers: me,
    })
    t.equal(gone.statusCode, 409)
    t.equal(gone.json().code, 'PORTFOLIO_SHARE_LINK_GONE')
    const goneRecord = await app.inject({
      method: 'GET',
      url: `/v1/shared/${share.token}/record.pdf`,
    })
    t.equal(goneRecord.statusCode, 404)
  },
)

t.test('the timeline is dated by when the learning happened, posting time second', async (t) => {
  const late = f.outcome({ title: '早年的培训', kind: 'training', occurredOn: '2019-03-01' })
  await pf.apply(late)
  const page = (
    await app.inject({
      method: 'GET',
      url: `/v1/learners/${f.learnerId}/timeline?limit=100`,
      headers: me,
    })
  ).json()
  const days = page.items.map((i: { occurredOn: string }) => i.occurredOn)
  t.same(days, [...days].sort().reverse(), 'newest learning first')
  const item = page.items.find((i: { title: string }) => i.title === '早年的培训')
  t.equal(item.occurredOn, '2019-03-01')
  t.ok(Date.parse(item.at) > Date.parse('2026-01-01'), 'posted later; its posting time is kept')
  t.equal(page.items.at(-1).title, '早年的培训', 'posted last, learned first: it is at the end')
  // Paged two at a time: the same items in the same order.
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const p = (
      await app.inject({
        method: 'GET',
        url: `/v1/learners/${f.learnerId}/timeline?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        headers: me,
      })
    ).json() as { items: { id: string }[]; nextCursor: string | null }
    seen.push(...p.items.map((i) => i.id))
    cursor = p.nextCursor
  } while (cursor)
  t.same(
    seen,
    page.items.map((i: { id: string }) => i.id),
  )
})
