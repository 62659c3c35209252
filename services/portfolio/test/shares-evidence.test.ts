import { eventually } from '@creditbank/testing'
import t from 'tap'
import { plainJpeg, plainPdf, plainPng } from './evidence-files.js'
import { buildPortfolio, fixtures, ids } from './helper.js'

const pf = await buildPortfolio()
t.teardown(() => pf.close())
const { app } = pf
const f = fixtures()
const me = pf.learner(f.learnerId)
const a = f.outcome({ title: '网页设计' })
const b = f.outcome({ title: '数据库', code: 'DB101' })
await pf.apply(f.orgRegistered(f.school, '河南职业技术学院'), f.learnerOpened(), a, b)

const count = async (table: 'evidence' | 'evidence_blob' | 'share' | 'share_access') =>
  Number(
    (
      await pf.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )
const png = await plainPng()
const pdf = await plainPdf()
const jpeg = await plainJpeg()
const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100)])
const upload = (
  body: Buffer,
  contentType: string,
  filename?: string,
  headers: Record<string, string> = me,
  learnerId = f.learnerId,
) =>
  app.inject({
    method: 'POST',
    url: `/v1/learners/${learnerId}/evidence${filename ? `?filename=${encodeURIComponent(filename)}` : ''}`,
    headers: { ...headers, 'content-type': contentType },
    payload: body,
  })

t.test(
  'evidence: PDF, PNG and JPEG judged by their bytes, stored once per learner and sha256',
  async (t) => {
    const p = await upload(pdf, 'application/pdf', '成绩单.pdf')
    t.equal(p.statusCode, 201, `answers 201${p.statusCode === 201 ? '' : `: ${p.body}`}`)
    t.match(p.json(), {
      mediaType: 'application/pdf',
      sizeBytes: pdf.length,
      filename: '成绩单.pdf',
      sha256: /^[0-9a-f]{64}$/,
    })
    const disguised = await upload(png, 'application/pdf', 'photo.pdf')
    t.equal(disguised.statusCode, 201)
    t.equal(disguised.json().mediaType, 'image/png', 'a PNG named .pdf is a PNG')
    t.equal((await upload(jpeg, 'application/octet-stream')).json().mediaType, 'image/jpeg')

    const rows = await count('evidence')
    const again = await upload(png, 'image/png', 'same.png')
    t.equal(again.statusCode, 200, 'the same file again answers the stored one')
    t.equal(again.json().id, disguised.json().id)
    const other = fixtures()
    const theirs = await upload(
      png,
      'image/png',
      undefined,
      pf.learner(other.learnerId),
      other.learnerId,
    )
    t.equal(theirs.statusCode, 201)
    t.equal(
      await count('evidence'),
      rows + 1,
      'the same file again is not kept twice for a learner',
    )
    // Per-learner keys (decision 0730): each learner's copy is their own, sealed under their key.
    const copies = await pf.db
      .selectFrom('evidence')
      .select(['content_sealed', 'filename', 'filename_sealed'])
      .where('id', 'in', [disguised.json().id, theirs.json().id])
      .execute()
    t.equal(copies.length, 2, 'another learner with the same file keeps a copy of their own')
    t.ok(
      copies.every((c) => c.content_sealed && !c.content_sealed.includes(png.subarray(16, 64))),
      'neither copy holds the bytes in the clear',
    )
    t.notSame(copies[0]!.content_sealed, copies[1]!.content_sealed, 'each sealed under its own key')
    t.ok(
      copies.every((c) => c.filename === null && !c.filename_sealed?.includes('photo')),
      'nor the file name',
    )
    t.equal(await count('evidence_blob'), 0, 'nothing goes to the shared store of the code before')
    // Recognition learns whose each file is from one event per evidence row (none for a repeat).
    const added = await eventually(async () => {
      const evs = pf.platform.transport
        .events('portfolio.evidence.added')
        .filter((e) => e.data.sha256 === disguised.json().sha256)
      return evs.length === 2 ? evs : undefined
    })
    t.same(
      added.map((e) => e.data.evidenceId).sort(),
      [disguised.json().id, theirs.json().id].sort(),
    )
    t.same(added.find((e) => e.data.evidenceId === theirs.json().id)?.data, {
      evidenceId: theirs.json().id,
      learnerId: other.learnerId,
      sha256: theirs.json().sha256,
      mediaType: 'image/png',
      sizeBytes: png.length,
    })

    const got = await app.inject({
      method: 'GET',
      url: `/v1/evidence/${disguised.json().id}`,
      headers: me,
    })
    t.equal(got.statusCode, 200)
    t.equal(got.headers['content-type'], 'image/png')
    t.equal(got.headers.etag, `"${disguised.json().sha256}"`)
    t.same(got.rawPayload, png)
    t.equal(
      (
        await app.inject({
          method: 'GET',
          url: `/v1/evidence/${disguised.json().id}`,
          headers: pf.learner(other.learnerId),
        })
      ).statusCode,
      404,
      'someone else’s file is not there',
    )
    t.equal(
      (await app.inject({ method: 'GET', url: `/v1/evidence/${ids()}`, headers: me })).statusCode,
      404,
    )
    const list = await app.inject({
      method: 'GET',
      url: `/v1/learners/${f.learnerId}/evidence`,
      headers: me,
    })
    t.equal(list.json().items.length, 3)
  },
)

t.test('evidence: bad files and bad callers write nothing', async (t) => {
  const before = [await count('evidence'), await count('evidence_blob')]
  const exeRes = await upload(exe, 'application/pdf', 'setup.pdf')
  t.equal(exeRes.statusCode, 415)
  t.equal(exeRes.json().code, 'PORTFOLIO_EVIDENCE_TYPE_UNSUPPORTED')
  t.equal((await upload(exe, 'application/x-msdownload', 'setup.exe')).statusCode, 415)
  const big = Buffer.concat([pdf, Buffer.alloc(10 * 1024 * 1024)])
  const tooBig = await upload(big, 'application/pdf')
  t.equal(tooBig.statusCode, 413)
  t.match(tooBig.headers['content-type'], /problem\+json/)
  t.equal((await upload(Buffer.alloc(0), 'application/pdf')).statusCode, 400)
  t.equal((await upload(pdf, 'application/pdf', '../../etc/passwd')).statusCode, 400)
  t.equal(
    (await upload(pdf, 'application/pdf', undefined, pf.learner(ids()))).statusCode,
    403,
    'another learner’s record',
  )
  t.equal((await upload(pdf, 'application/pdf', undefined, pf.admin)).statusCode, 403)
  t.equal((await upload(pdf, 'application/pdf', undefined, {})).statusCode, 401)
  t.same([await count('evidence'), await count('evidence_blob')], before)
})

const inAYear = () => new Date(Date.now() + 300 * 24 * 3600 * 1000).toISOString()
const share = (payload: object, headers: Record<string, string> = me) =>
  app.inject({ method: 'POST', url: '/v1/shares', headers, payload })

t.test(
  'a share of selected entries shows only those, with a verifiable presentation, and logs each access',
  async (t) => {
    const res = await share({
      scope: 'selected',
      entryIds: [b.data.entryId],
      expiresAt: inAYear(),
      label: '求职',
    })
    t.equal(res.statusCode, 201, `answers 201${res.statusCode === 201 ? '' : `: ${res.body}`}`)
    const { token, url, id } = res.json()
    t.match(token, /^[A-Za-z0-9_-]{43}$/)
    t.ok(url.endsWith(`/v1/shared/${token}`))
    const stored = await pf.db
      .selectFrom('share')
      .select('token_hash')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    t.not(stored.token_hash, token, 'only a hash of the token is stored')

    const view = await app.inject({
      method: 'GET',
      url: `/v1/shared/${token}`,
      headers: { 'user-agent': 'HR-Portal/1.0' },
    })
    t.equal(view.statusCode, 200, `answers 200${view.statusCode === 200 ? '' : `: ${view.body}`}`)
    const body = view.json()
    t.same(
      body.items.map((i: { entryId: string }) => i.entryId),
      [b.data.entryId],
      'only what was shared',
    )
    t.equal(body.presentation.verifiableCredential.length, 1)
    const verified = await app.inject({
      method: 'POST',
      url: '/presentations/verify',
      payload: { verifiablePresentation: body.presentation },
    })
    t.equal(
      verified.statusCode,
      200,
      `answers 200${verified.statusCode === 200 ? '' : `: ${verified.body}`}`,
    )

    await app.inject({ method: 'GET', url: `/v1/shared/${token}` })
    const list = await app.inject({ method: 'GET', url: '/v1/shares', headers: me })
    t.equal(list.statusCode, 200)
    const mine = list.json().items.find((s: { id: string }) => s.id === id)
    t.equal(mine.accessCount, 2)
    t.equal(mine.accesses[1].userAgent, 'HR-Portal/1.0')
    t.notOk(mine.token, 'the token is not shown again')
    t.equal(
      (await app.inject({ method: 'GET', url: '/v1/shares', headers: pf.learner(ids()) })).json()
        .items.length,
      0,
      'another learner sees none of them',
    )
  },
)

t.test('a share of everything; revoked and expired shares show nothing', async (t) => {
  const res = await share({ scope: 'all', expiresAt: inAYear() })
  t.equal(res.statusCode, 201)
  const { token, id } = res.json()
  const view = (await app.inject({ method: 'GET', url: `/v1/shared/${token}` })).json()
  t.same(
    new Set(view.items.map((i: { entryId: string }) => i.entryId)),
    new Set([a.data.entryId, b.data.entryId]),
  )
  t.notOk(
    view.items.some((i: { category: string }) => i.category === 'account'),
    'account details are never shared',
  )
  t.equal(
    (await app.inject({ method: 'DELETE', url: `/v1/shares/${id}`, headers: pf.learner(ids()) }))
      .statusCode,
    404,
    'someone else’s share',
  )
  t.equal(
    (await app.inject({ method: 'DELETE', url: `/v1/shares/${id}`, headers: me })).statusCode,
    204,
  )
  t.equal(
    (await app.inject({ method: 'DELETE', url: `/v1/shares/${id}`, headers: me })).statusCode,
    204,
    'revoking twice is fine',
  )
  const gone = await app.inject({ method: 'GET', url: `/v1/shared/${token}` })
  t.equal(gone.statusCode, 404)
  t.equal(gone.json().code, 'PORTFOLIO_SHARED_VIEW_GONE')

  const short = await share({
    scope: 'all',
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
  })
  await pf.db
    .updateTable('share')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where('id', '=', short.json().id)
    .execute()
  t.equal(
    (await app.inject({ method: 'GET', url: `/v1/shared/${short.json().token}` })).statusCode,
    404,
    'expired',
  )
  t.equal(
    (await app.inject({ method: 'GET', url: `/v1/shared/${'A'.repeat(43)}` })).statusCode,
    404,
    'unknown token',
  )
  t.equal((await app.inject({ method: 'GET', url: '/v1/shared/short' })).statusCode, 400)
})

t.test(
  'bad shares write nothing; a replayed key answers the first share without its token',
  async (t) => {
    const before = await count('share')
    const cases: [string, object, Record<string, string>, number, string][] = [
      [
        'past expiry',
        { scope: 'all', expiresAt: new Date(Date.now() - 1000).toISOString() },
        me,
        422,
        'PORTFOLIO_SHARE_EXPIRY_INVALID',
      ],
      [
        'more than a year',
        { scope: 'all', expiresAt: new Date(Date.now() + 400 * 24 * 3600 * 1000).toISOString() },
        me,
        422,
        'PORTFOLIO_SHARE_EXPIRY_INVALID',
      ],
      [
        'someone else’s entry',
        { scope: 'selected', entryIds: [a.data.entryId, ids()], expiresAt: inAYear() },
        me,
        422,
        'PORTFOLIO_SHARE_ENTRIES_INVALID',
      ],
      [
        'selected with no entries',
        { scope: 'selected', expiresAt: inAYear() },
        me,
        422,
        'PORTFOLIO_SHARE_ENTRIES_INVALID',
      ],
      [
        'all with entries',
        { scope: 'all', entryIds: [a.data.entryId], expiresAt: inAYear() },
        me,
        422,
        'PORTFOLIO_SHARE_ENTRIES_INVALID',
      ],
      [
        'unknown field',
        { scope: 'all', expiresAt: inAYear(), public: true },
        me,
        400,
        'VALIDATION_FAILED',
      ],
      ['bad scope', { scope: 'some', expiresAt: inAYear() }, me, 400, 'VALIDATION_FAILED'],
      [
        'a registrar',
        { scope: 'all', expiresAt: inAYear() },
        pf.platform.keys.auth({ roles: ['registrar'], org: f.school }),
        403,
        'AUTH_FORBIDDEN',
      ],
      [
        'a learner token with no account',
        { scope: 'all', expiresAt: inAYear() },
        pf.platform.keys.auth({ roles: ['learner'] }),
        403,
        'PORTFOLIO_NOT_A_LEARNER',
      ],
    ]
    for (const [name, payload, headers, status, code] of cases) {
      const res = await share(payload, headers)
      t.equal(res.statusCode, status, `${name}: ${res.body}`)
      t.equal(res.json().code, code, name)
    }
    const bad = await share({
      scope: 'selected',
      entryIds: [a.data.entryId, ids()],
      expiresAt: inAYear(),
    })
    t.same(bad.json().errors, [{ path: '/entryIds/1', message: 'is not in this learner’s record' }])
    t.equal(await count('share'), before, 'nothing written')

    const payload = { scope: 'all', expiresAt: inAYear() }
    const first = await app.inject({
      method: 'POST',
      url: '/v1/shares',
      headers: { ...me, 'idempotency-key': 'share-1' },
      payload,
    })
    const replay = await app.inject({
      method: 'POST',
      url: '/v1/shares',
      headers: { ...me, 'idempotency-key': 'share-1' },
      payload,
    })
    t.equal(replay.statusCode, 201)
    t.equal(replay.headers['idempotency-replayed'], 'true')
    t.equal(replay.json().id, first.json().id)
    t.notOk(replay.json().token)
    const reused = await app.inject({
      method: 'POST',
      url: '/v1/shares',
      headers: { ...me, 'idempotency-key': 'share-1' },
      payload: { ...payload, label: 'x' },
    })
    t.equal(reused.statusCode, 422)
    t.equal(await count('share'), before + 1)
  },
)
