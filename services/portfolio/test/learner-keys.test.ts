import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { encrypt, openBytesFor, openFor } from '@creditbank/service-kit'
import { clearTextIn as textIn } from '@creditbank/testing'
import { sql } from 'kysely'
import t from 'tap'
import { portfolioKeys } from '../src/domain/personal.js'
import { sealAtStartAll } from '../src/domain/seal-at-start.js'
import { plainPdf, plainPng } from './evidence-files.js'
import { buildPortfolio, fixtures, SECRET_KEY } from './helper.js'

// Decision 0730, portfolio under per-learner keys: the learner's name, their evidence files and the
// files' names are sealed under the learner's own key. After normal use no column holds them in
// the clear and every answer shows them as before; a copy of the sealed values taken before an
// erasure (as a backup holds them) no longer opens with anything the database holds afterwards;
// rows written as the code before wrote them are sealed at start, once.

const pf = await buildPortfolio()
t.teardown(() => pf.close())
const { app, db } = pf
const keys = portfolioKeys(Buffer.from(SECRET_KEY, 'hex'))
const f = fixtures()
const other = fixtures()
const NAME = '柳青青'
const OTHER = '石磊磊'
pf.accounts.name(f.learnerId, NAME)
pf.accounts.name(other.learnerId, OTHER)
await pf.apply(f.learnerOpened(), other.learnerOpened(), f.outcome())
const me = pf.learner(f.learnerId)
const service = pf.platform.keys.auth({
  typ: 'client',
  sub: 'service:recognition',
  roles: ['service'],
})
const png = await plainPng()
const fileName = `${NAME}的获奖证书.png`

async function upload(learnerId: string, body: Buffer, type: string, filename: string) {
  const res = await app.inject({
    method: 'POST',
    url: `/v1/learners/${learnerId}/evidence?filename=${encodeURIComponent(filename)}`,
    headers: { ...pf.learner(learnerId), 'content-type': type },
    payload: body,
  })
  return res
}
const names = async (ids: string[]) =>
  (
    await app.inject({
      method: 'POST',
      url: '/v1/evidence/names/batch',
      headers: service,
      payload: { ids },
    })
  ).json().items

const clearTextIn = (needle: string) => textIn(db, ['portfolio'], [needle])

/** Every bytea column of portfolio's tables holding these bytes: `table.column`. */
async function clearBytesIn(needle: Buffer) {
  const cols = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = 'portfolio' and data_type = 'bytea'`.execute(db)
  const hits: string[] = []
  for (const c of cols.rows) {
    const r = await sql<{ n: string }>`select count(*)::text as n
      from ${sql.table(`portfolio.${c.table_name}`)}
      where position(${needle} in ${sql.ref(c.column_name)}) > 0`.execute(db)
    if (r.rows[0]!.n !== '0') hits.push(`${c.table_name}.${c.column_name}`)
  }
  return hits
}

t.test('sealed at rest, shown as before', async (t) => {
  const res = await upload(f.learnerId, png, 'image/png', fileName)
  t.equal(res.statusCode, 201, res.body)
  const evidence = res.json()
  t.equal(evidence.filename, fileName, 'the upload answers the name')
  t.equal((await upload(f.learnerId, png, 'image/png', 'again.png')).json().filename, fileName)
  const label = `${NAME}给用人单位`
  const sharePayload = {
    scope: 'all',
    label,
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  }
  const shared = (
    await app.inject({
      method: 'POST',
      url: '/v1/shares',
      headers: { ...me, 'idempotency-key': 'keys-share-1' },
      payload: sharePayload,
    })
  ).json()
  t.equal(shared.label, label)
  const printed = await app.inject({
    method: 'GET',
    url: `/v1/learners/${f.learnerId}/record.pdf`,
    headers: me,
  })
  t.equal(printed.statusCode, 200)
  const digest = String(printed.headers['x-record-digest'])

  t.same(await clearTextIn(NAME), [], 'no text column holds the name (nor the file’s name)')
  t.same(await clearBytesIn(png.subarray(8, 200)), [], 'no bytea column holds the file')
  t.match(
    (
      await app.inject({ method: 'GET', url: `/v1/learners/${f.learnerId}/evidence`, headers: me })
    ).json().items,
    [{ id: evidence.id, filename: fileName }],
    'the list shows the name',
  )
  const file = await app.inject({ method: 'GET', url: `/v1/evidence/${evidence.id}`, headers: me })
  t.same(file.rawPayload, png, 'the file opens as uploaded')
  t.equal(file.headers.etag, `"${createHash('sha256').update(png).digest('hex')}"`)
  t.same(await names([evidence.id]), [{ evidenceId: evidence.id, filename: fileName }])
  const view = await app.inject({
    method: 'GET',
    url: `/v1/shared/${shared.token}`,
    headers: { 'user-agent': 'Recruiter-Browser/9.9' },
  })
  t.equal(view.json().learner.name, NAME, 'the shared view shows the name')
  t.equal(view.json().share.label, label, 'and the label')
  const mine = await app.inject({ method: 'GET', url: '/v1/shares', headers: me })
  t.match(
    mine.json().items,
    [{ id: shared.id, label, accessCount: 1, accesses: [{ userAgent: 'Recruiter-Browser/9.9' }] }],
    'the learner’s shares show the label and who opened them',
  )
  t.same(await clearTextIn('Recruiter-Browser'), [], 'who opened a share is sealed too')
  const link = await app.inject({
    method: 'GET',
    url: `/v1/shares/${shared.id}/link`,
    headers: me,
  })
  t.equal(link.json().token, shared.token, 'the same link again')
  const record = (await app.inject({ method: 'GET', url: `/v1/records/${digest}` })).json()
  t.equal(record.record.learner.name, NAME, 'the printed record shows the name as printed')
  t.equal(createHash('sha256').update(record.canonical, 'utf8').digest('hex'), digest)
  const replay = await app.inject({
    method: 'POST',
    url: '/v1/shares',
    headers: { ...me, 'idempotency-key': 'keys-share-1' },
    payload: sharePayload,
  })
  t.match(
    replay.json(),
    { id: shared.id, label: null },
    'a replay answers the share without the label',
  )
  t.same(await clearTextIn(NAME), [], 'still: no column holds the name, the label or the record')
})

t.test('backups included: copies taken before the erasure do not open after it', async (t) => {
  const [evidence] = await db
    .selectFrom('evidence')
    .select(['id', 'content_sealed', 'filename_sealed'])
    .where('learner_id', '=', f.learnerId)
    .execute()
  // What a backup taken now holds: the sealed values and the learner's key row.
  const backup = {
    key: await db
      .selectFrom('learner_key')
      .selectAll()
      .where('learner_id', '=', f.learnerId)
      .executeTakeFirstOrThrow(),
    name: (await db
      .selectFrom('learner')
      .select('name_sealed')
      .where('learner_id', '=', f.learnerId)
      .executeTakeFirstOrThrow())!.name_sealed,
    content: evidence!.content_sealed,
    filename: evidence!.filename_sealed,
    share: (await db
      .selectFrom('share')
      .select('personal_sealed')
      .where('learner_id', '=', f.learnerId)
      .executeTakeFirstOrThrow())!.personal_sealed,
    record: (await db
      .selectFrom('record')
      .select('canonical_sealed')
      .where('learner_id', '=', f.learnerId)
      .executeTakeFirstOrThrow())!.canonical_sealed,
    visitor: (await db
      .selectFrom('share_access as a')
      .innerJoin('share as s', 's.id', 'a.share_id')
      .select('a.visitor_sealed')
      .where('s.learner_id', '=', f.learnerId)
      .executeTakeFirstOrThrow())!.visitor_sealed,
  }
  const before = await keys.get(db, f.learnerId)
  t.equal(openFor(before, backup.name), NAME, 'before: the backup’s copy opens')
  t.same(openBytesFor(before, backup.content), png)
  t.match(openFor(before, backup.share), NAME)
  t.match(openFor(before, backup.record), NAME)
  t.match(openFor(before, backup.visitor), 'Recruiter-Browser')

  pf.accounts.erase(f.learnerId)
  await pf.apply({
    type: 'accounts.learner.erased',
    data: { learnerId: f.learnerId, erasedAt: new Date().toISOString() },
  })
  const tomb = await db
    .selectFrom('learner_key')
    .selectAll()
    .where('learner_id', '=', f.learnerId)
    .executeTakeFirstOrThrow()
  t.equal(tomb.key_sealed, null, 'the key row is a tombstone')
  t.ok(tomb.destroyed_at)
  t.equal(await keys.get(db, f.learnerId), null, 'the service has no key for the learner')
  // Every key the database still holds, opened with the service key: none opens the copies.
  const everyKey = await db.selectFrom('learner_key').select('learner_id').execute()
  const held = await keys.getMany(
    db,
    everyKey.map((k) => k.learner_id),
  )
  t.ok(held.size > 0, 'other learners’ keys are still there')
  const opens = (f: () => unknown) => {
    try {
      return f() !== null
    } catch {
      return false
    }
  }
  const opened = [...held.values()].filter(
    (k) =>
      [backup.name, backup.filename, backup.share, backup.record, backup.visitor].some((v) =>
        opens(() => openFor(k, v)),
      ) || opens(() => openBytesFor(k, backup.content)),
  )
  t.equal(
    opened.length,
    0,
    'no key left opens the backup’s name, file, file name, label, record or visitor',
  )

  // accounts still answering a name (a race with its own erasure): nothing is sealed again.
  pf.accounts.name(f.learnerId, NAME)
  await pf.apply({ ...f.learnerOpened(), id: randomUUID() })
  await pf.apply({
    type: 'accounts.learner.corrected',
    data: { learnerId: f.learnerId, fields: ['name'] },
  })
  const row = await db
    .selectFrom('learner')
    .select(['name', 'name_sealed'])
    .where('learner_id', '=', f.learnerId)
    .executeTakeFirstOrThrow()
  t.same(row, { name: null, name_sealed: null }, 'a late name is not stored for an erased learner')
  t.equal(await keys.get(db, f.learnerId), null, 'and no key is made again')
  const late = await upload(f.learnerId, await plainPdf(), 'application/pdf', `${NAME}.pdf`)
  t.equal(late.statusCode, 409, 'an upload after the erasure is refused')
  t.equal(late.json().code, 'PORTFOLIO_LEARNER_ERASED')
  t.same(await clearTextIn(NAME), [])
  const view = await app.inject({
    method: 'GET',
    url: `/v1/learners/${other.learnerId}/evidence`,
    headers: pf.learner(other.learnerId),
  })
  t.equal(view.statusCode, 200, 'the other learner reads as before')
})

t.test(
  'at start: rows written the old way are sealed once; a row that does not open is set aside',
  async (t) => {
    // Three learners as the code before kept them: the name in the clear, files' bytes in
    // evidence_blob shared by sha256, their names in evidence.filename. A fourth row belongs to a
    // learner whose key was destroyed: it cannot be sealed.
    const people = Array.from({ length: 3 }, (_, i) => ({ id: randomUUID(), name: `旧名${i}号` }))
    const erased = randomUUID()
    await db.transaction().execute((trx) => keys.destroy(trx, erased))
    for (const p of [...people, { id: erased, name: null }])
      await db
        .insertInto('learner')
        .values({
          learner_id: p.id,
          account_no: `OLD${p.id.slice(0, 8)}`,
          opened_at: new Date().toISOString(),
          name: p.name,
        })
        .execute()
    const pdf = await plainPdf('old transcript')
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
    for (const [bytes, type] of [
      [pdf, 'application/pdf'],
      [png, 'image/png'],
    ] as const)
      await db
        .insertInto('evidence_blob')
        .values({ sha256: sha(bytes), media_type: type, size_bytes: bytes.length, content: bytes })
        .onConflict((oc) => oc.column('sha256').doNothing())
        .execute()
    // The same PDF for all three (one blob shared), a PNG for the first; the erased learner's PNG.
    const old = [
      ...people.map((p) => ({ learner: p.id, bytes: pdf, name: `${p.name}的成绩单.pdf` })),
      { learner: people[0]!.id, bytes: png, name: null },
      { learner: erased, bytes: png, name: '旧名删的.png' },
    ].map((e) => ({ ...e, id: randomUUID() }))
    for (const e of old)
      await db
        .insertInto('evidence')
        .values({
          id: e.id,
          learner_id: e.learner,
          sha256: sha(e.bytes),
          filename: e.name,
          media_type: e.bytes === pdf ? 'application/pdf' : 'image/png',
          size_bytes: e.bytes.length,
          created_by: 'legacy',
        })
        .execute()

    // A share and a printed record as they were kept: the label clear, the token under the
    // service key, the record's canonical form clear; and a share whose token does not open.
    const first = people[0]!
    const serviceKey = Buffer.from(SECRET_KEY, 'hex')
    const token = randomBytes(32).toString('base64url')
    const oldShares = [
      { label: `${first.name}的旧分享`, token_sealed: encrypt(serviceKey, token), token },
      {
        label: null,
        token_sealed: encrypt(randomBytes(32), 'x'.repeat(43)),
        token: 'x'.repeat(43),
      },
    ].map((o) => ({ ...o, id: randomUUID() }))
    for (const o of oldShares)
      await db
        .insertInto('share')
        .values({
          id: o.id,
          learner_id: first.id,
          token_hash: createHash('sha256').update(o.token, 'utf8').digest('hex'),
          scope: 'all',
          entry_ids: [],
          label: o.label,
          token_sealed: o.token_sealed,
          expires_at: new Date(Date.now() + 86_400_000).toISOString(),
          created_by: 'legacy',
        })
        .execute()
    await db
      .insertInto('share_access')
      .values({
        id: randomUUID(),
        share_id: oldShares[0]!.id,
        user_agent: 'Old-Visitor/1.0',
        client_ip: '10.1.2.0/24',
      })
      .execute()
    const canonical = JSON.stringify({
      asOf: '2026-11-30',
      items: [],
      learner: { accountNo: `OLD${first.id.slice(0, 8)}`, name: first.name },
      scope: 'account',
      title: '学习成果证明',
      v: 1,
    })
    const oldDigest = sha(Buffer.from(canonical))
    await db
      .insertInto('record')
      .values({ digest: oldDigest, code: oldDigest.slice(0, 16), learner_id: first.id, canonical })
      .execute()

    const logged: unknown[] = []
    const log = { info: () => {}, error: (...a: unknown[]) => logged.push(a) }
    await sealAtStartAll(db, keys, Buffer.from(SECRET_KEY, 'hex'), log as never)
    t.same(
      await clearTextIn('旧名'),
      ['portfolio.evidence.filename'],
      'only the set-aside row keeps its clear name',
    )
    t.equal(logged.length, 2, 'the set-aside rows are logged, the file and the share')
    t.match(JSON.stringify(logged), old.at(-1)!.id)
    t.match(JSON.stringify(logged), oldShares[1]!.id)
    t.notOk(JSON.stringify(logged).includes('旧名'), 'by id, without its name')
    const blobs = await db.selectFrom('evidence_blob').select('sha256').execute()
    t.same(
      blobs.map((b) => b.sha256),
      [sha(png)],
      'the shared store keeps only the set-aside row’s bytes',
    )
    t.same(await clearBytesIn(pdf.subarray(0, 200)), [], 'no clear copy of the PDF is left')

    // Shown as before: names, files, the names to recognition, the share, the record.
    const link = await app.inject({
      method: 'GET',
      url: `/v1/shares/${oldShares[0]!.id}/link`,
      headers: pf.learner(first.id),
    })
    t.equal(link.json().token, token, 'the old share’s link is the same')
    t.same(await clearTextIn('Old-Visitor'), [], 'the old access is sealed')
    const list0 = await app.inject({
      method: 'GET',
      url: '/v1/shares',
      headers: pf.learner(first.id),
    })
    t.match(
      list0.json().items.find((x: { id: string }) => x.id === oldShares[0]!.id).accesses,
      [{ userAgent: 'Old-Visitor/1.0', clientIp: '10.1.2.0/24' }],
      'and shown as before',
    )
    const view = (await app.inject({ method: 'GET', url: `/v1/shared/${token}` })).json()
    t.equal(view.share.label, oldShares[0]!.label, 'with its label')
    t.equal(view.learner.name, first.name)
    const rec = (await app.inject({ method: 'GET', url: `/v1/records/${oldDigest}` })).json()
    t.equal(rec.canonical, canonical, 'the old record reads as printed')
    t.equal(rec.record.learner.name, first.name)
    const list = (
      await app.inject({
        method: 'GET',
        url: `/v1/learners/${first.id}/evidence`,
        headers: pf.learner(first.id),
      })
    ).json().items as { id: string; filename: string | null }[]
    t.same(
      Object.fromEntries(list.map((e) => [e.id, e.filename])),
      { [old[0]!.id]: old[0]!.name, [old[3]!.id]: null },
      'the list shows the names',
    )
    for (const e of old.slice(0, 4)) {
      const got = await app.inject({
        method: 'GET',
        url: `/v1/evidence/${e.id}`,
        headers: pf.learner(e.learner),
      })
      t.same(got.rawPayload, e.bytes, 'the file opens as stored before')
    }
    t.same(
      await names(old.map((e) => e.id)),
      old.map((e, i) => ({ evidenceId: e.id, filename: i < 4 ? e.name : null })),
    )
    t.equal(
      openFor(
        await keys.get(db, first.id),
        (await db
          .selectFrom('learner')
          .select('name_sealed')
          .where('learner_id', '=', first.id)
          .executeTakeFirstOrThrow())!.name_sealed,
      ),
      first.name,
      'the name is sealed under the learner’s key',
    )

    logged.length = 0
    const before = await db.selectFrom('evidence').select(['id', 'content_sealed']).execute()
    await sealAtStartAll(db, keys, Buffer.from(SECRET_KEY, 'hex'), log as never)
    t.same(
      await db.selectFrom('evidence').select(['id', 'content_sealed']).execute(),
      before,
      'a second start seals nothing again',
    )
    t.equal(logged.length, 2, 'and names the set-aside rows again')
  },
)
