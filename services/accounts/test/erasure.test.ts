import { encrypt } from '@creditbank/service-kit'
import { capturedLogger, eventually } from '@creditbank/testing'
import { sql } from 'kysely'
import t from 'tap'
import { sealLearnersAtStart } from '../src/domain/seal-at-start.js'
import {
  buildAccounts,
  clearTextIn,
  course,
  nationalId,
  nationalIdHash,
  PII_KEY,
  person,
} from './helper.js'

const captured = capturedLogger()
const a = await buildAccounts(captured.logger)
t.teardown(() => a.close())
const { app } = a
const school = await a.registerOrg('school')
const piiKey = Buffer.from(PII_KEY, 'hex')

const get = (url: string, headers = a.admin) => app.inject({ method: 'GET', url, headers })

t.test(
  'erasure: nothing readable left, the chain and balances unchanged, another learner untouched',
  async (t) => {
    const victim = person({ name: '陈抹去' })
    const other = person({ name: '李留存' })
    const l = await a.openLearner(victim, a.registrar(school))
    const o = await a.openLearner(other, a.registrar(school))
    const enrolled = await app.inject({
      method: 'POST',
      url: '/v1/enrollments',
      headers: a.registrar(school),
      payload: {
        learnerId: l.id,
        studentNo: 'S-ERASE-1',
        programCode: 'P-WEB',
        programName: '网页设计',
        startedOn: '2024-09-01',
      },
    })
    t.equal(enrolled.statusCode, 201, enrolled.body)
    const posted: string[] = []
    for (const title of ['网页设计', '数据库']) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/outcomes',
        headers: a.registrar(school),
        payload: course(l.id, {
          title,
          externalRef: `E-${title.length}-${Math.random().toString(36).slice(2, 8)}`,
        }),
      })
      t.equal(res.statusCode, 201, res.body)
      posted.push(res.json().id)
    }
    // A reversal whose reason names the person (sealed under their key, chained by digest), sent
    // with an Idempotency-Key as a school's system would.
    const reason = '陈抹去成绩录入有误'
    const reversed = await app.inject({
      method: 'POST',
      url: `/v1/entries/${posted[1]}/reversal`,
      headers: { ...a.registrar(school), 'idempotency-key': `erasure-reversal-${l.id}` },
      payload: { reason },
    })
    t.equal(reversed.statusCode, 201, reversed.body)
    t.equal(reversed.json().reason, reason)
    // A correction first: the old name is kept sealed, and must be gone with the rest.
    const corrected = await app.inject({
      method: 'POST',
      url: `/v1/learners/${l.id}/corrections`,
      headers: a.registrar(school),
      payload: { name: '陈抹除', reason: '户籍姓名更正' },
    })
    t.equal(corrected.statusCode, 200, corrected.body)
    t.equal(corrected.json().name, '陈抹除')
    // An import sent with an Idempotency-Key: its remembered answer lists the learner by name.
    const imported = await app.inject({
      method: 'POST',
      url: '/v1/outcomes/import',
      headers: {
        ...a.registrar(school),
        'content-type': 'text/csv',
        'idempotency-key': `erasure-import-${l.id}`,
      },
      payload: `身份证号,姓名,课程名称,学分,成绩,日期\n${victim.nationalId},陈抹除,职业素养,1,90,2024-06-30\n`,
    })
    t.equal(imported.statusCode, 201, imported.body)
    const remembered = await a.db.selectFrom('idempotency_key').select('body').execute()
    t.ok(
      remembered.some((r) => r.body.includes('陈抹除') && r.body.includes(l.accountNo)),
      'the import’s remembered answer names the learner, by account number and name',
    )
    const account = (await get(`/v1/learners/${l.id}/account`)).json()
    const me = a.learnerAuth(l.id)

    // Non-owners are refused and change nothing.
    const stranger = await app.inject({
      method: 'POST',
      url: `/v1/learners/${l.id}/erasure`,
      headers: a.learnerAuth(o.id),
      payload: {},
    })
    t.equal(stranger.statusCode, 404)
    const staff = await app.inject({
      method: 'POST',
      url: `/v1/learners/${l.id}/erasure`,
      headers: a.registrar(school),
      payload: {},
    })
    t.equal(staff.statusCode, 404)
    const noRef = await app.inject({
      method: 'POST',
      url: `/v1/learners/${l.id}/erasure`,
      headers: a.admin,
      payload: {},
    })
    t.equal(noRef.statusCode, 422)
    t.equal(noRef.json().code, 'ACCOUNTS_ERASURE_REF_REQUIRED')
    const badRef = await app.inject({
      method: 'POST',
      url: `/v1/learners/${l.id}/erasure`,
      headers: a.admin,
      payload: { requestRef: '陈抹除 asked by phone' },
    })
    t.equal(badRef.statusCode, 400)
    t.equal((await get(`/v1/learners/${l.id}`)).json().name, '陈抹除', 'refusals changed nothing')
    t.equal((await get(`/v1/learners/${l.id}/erasure`, me)).statusCode, 404)

    const res = await app.inject({
      method: 'POST',
      url: `/v1/learners/${l.id}/erasure`,
      headers: me,
      payload: {},
    })
    t.equal(res.statusCode, 201, res.body)
    t.match(res.json(), {
      learnerId: l.id,
      requestedBy: 'learner',
      requestRef: null,
      complete: false,
      services: [
        { service: 'accounts', completedAt: String },
        { service: 'certificates', completedAt: null },
        { service: 'recognition', completedAt: null },
        { service: 'portfolio', completedAt: null },
      ],
    })
    const again = await app.inject({
      method: 'POST',
      url: `/v1/learners/${l.id}/erasure`,
      headers: a.admin,
      payload: { requestRef: 'PIPL-2026-0001' },
    })
    t.equal(again.statusCode, 200, 'a second request answers the first')
    t.equal(again.json().requestedBy, 'learner')
    // Once the relay has published everything (on Kafka, after the commit), there is one event.
    await eventually(
      async () => !(await a.db.selectFrom('outbox_event').select('seq').executeTakeFirst()),
    )
    t.equal(
      a.platform.transport.events('accounts.learner.erased').filter((e) => e.subject === l.id)
        .length,
      1,
      'one event',
    )
    const erased = a.platform.transport
      .events('accounts.learner.erased')
      .find((e) => e.subject === l.id)!
    t.same(
      Object.keys(erased.data).sort(),
      ['erasedAt', 'learnerId'],
      'the event carries no personal data',
    )

    // Each service reports; a replayed report changes nothing.
    for (const service of ['certificates', 'recognition', 'portfolio']) {
      for (let i = 0; i < 2; i++) {
        const ev = await a.deliver(
          `creditbank.${service}.v1`,
          `${service}.erasure.completed`,
          l.id,
          {
            learnerId: l.id,
            completedAt: new Date().toISOString(),
          },
        )
        await a.applied(ev.id)
      }
    }
    const done = (await get(`/v1/learners/${l.id}/erasure`, me)).json()
    t.equal(done.complete, true)
    t.ok(done.services.every((s: { completedAt: string | null }) => s.completedAt !== null))

    // The account stays, anonymous; the chain verifies; the balances are the same.
    const view = (await get(`/v1/learners/${l.id}`)).json()
    t.match(view, { id: l.id, name: null, nationalIdMasked: null, birthDate: null, erased: true })
    t.same((await get(`/v1/learners/${l.id}/account`)).json(), account)
    t.match((await get(`/v1/learners/${l.id}/chain`)).json(), { valid: true })
    const items = (await get(`/v1/learners/${l.id}/entries`, me)).json().items as {
      id: string
      reason: string | null
      reversedBy: { reason: string | null } | null
    }[]
    t.equal(items.length, 4)
    t.equal(items.find((e) => e.id === reversed.json().id)?.reason, null, 'the reason is gone')
    t.same(items.find((e) => e.id === posted[1])?.reversedBy?.reason, null)

    // Found by none of what identified them.
    const lookup = await app.inject({
      method: 'POST',
      url: '/v1/learners/lookup',
      headers: a.registrar(school),
      payload: { nationalId: victim.nationalId, name: '陈抹除' },
    })
    t.equal(lookup.statusCode, 404)
    const correctErased = await app.inject({
      method: 'POST',
      url: `/v1/learners/${l.id}/corrections`,
      headers: a.registrar(school),
      payload: { name: '陈又来' },
    })
    t.equal(correctErased.json().code, 'ACCOUNTS_LEARNER_ERASED')

    // No table, no pending event and no log line holds the names or the 身份证号.
    await eventually(async () => {
      const r = await a.db.selectFrom('outbox_event').select('seq').executeTakeFirst()
      return !r
    })
    const needles = [
      '陈抹去',
      '陈抹除',
      victim.nationalId,
      victim.nationalId.slice(-4) + '"',
      reason,
    ]
    t.same(await clearTextIn(a.db, needles), [], 'no column holds them')
    t.same(
      await a.db
        .selectFrom('idempotency_key')
        .select('key')
        .where(sql<boolean>`strpos(body, ${l.id}) > 0 or strpos(body, ${l.accountNo}) > 0`)
        .execute(),
      [],
      'no remembered answer names the learner',
    )
    const logs = captured.lines.join('')
    t.ok(logs.includes(l.id), 'the logs were captured')
    for (const n of needles.slice(0, 3)) t.notOk(logs.includes(n), `no log line holds ${n}`)

    // The other learner is untouched.
    const kept = (await get(`/v1/learners/${o.id}`)).json()
    t.match(kept, { name: '李留存', erased: false })
    t.same(await clearTextIn(a.db, ['李留存']), [], 'and sealed too')

    // The person may open a new account: the old one is not theirs by any look-up.
    const reopened = await a.openLearner({ ...victim, name: '陈抹除' }, a.registrar(school))
    t.not(reopened.id, l.id)
  },
)

t.test(
  'correction: only the opening organization; the old value kept sealed and audited',
  async (t) => {
    const other = await a.registerOrg('school')
    const l = await a.openLearner(person({ name: '王更正' }), a.registrar(school))
    const refused = await app.inject({
      method: 'POST',
      url: `/v1/learners/${l.id}/corrections`,
      headers: a.registrar(other),
      payload: { name: '王改正' },
    })
    t.equal(refused.statusCode, 403)
    t.equal(refused.json().code, 'ACCOUNTS_CORRECTION_FORBIDDEN')
    const empty = await app.inject({
      method: 'POST',
      url: `/v1/learners/${l.id}/corrections`,
      headers: a.registrar(school),
      payload: { name: '王更正' },
    })
    t.equal(empty.json().code, 'ACCOUNTS_CORRECTION_EMPTY')
    const newId = nationalId()
    const ok = await app.inject({
      method: 'POST',
      url: `/v1/learners/${l.id}/corrections`,
      headers: a.registrar(school),
      payload: { name: '王改正', nationalId: newId },
    })
    t.equal(ok.statusCode, 200, ok.body)
    t.match(ok.json(), {
      name: '王改正',
      nationalIdMasked: `${newId.slice(0, 6)}********${newId.slice(-4)}`,
    })
    const rows = await a.db
      .selectFrom('learner_correction')
      .selectAll()
      .where('learner_id', '=', l.id)
      .execute()
    t.equal(rows.length, 1)
    t.same(rows[0]!.fields, ['name', 'nationalId'])
    t.notOk(JSON.stringify(rows).includes('王更正'), 'the old name only sealed')
    const byNew = await app.inject({
      method: 'POST',
      url: '/v1/learners/lookup',
      headers: a.registrar(school),
      payload: { nationalId: newId, name: '王改正' },
    })
    t.equal(byNew.json().id, l.id, 'found by the corrected values')
    // The relay publishes after the commit (on Kafka, a moment later).
    const ev = await eventually(async () =>
      a.platform.transport.events('accounts.learner.corrected').find((e) => e.subject === l.id),
    )
    t.same(
      ev.data,
      { learnerId: l.id, fields: ['name', 'nationalId'], orgId: school },
      'which fields, no values',
    )
    t.notOk(JSON.stringify(ev).includes(newId), 'the event never carries the number')
    t.notOk(JSON.stringify(ev).includes('王改正'), 'nor the name')
  },
)

t.test(
  'start-up moves learners opened before per-learner keys, once, and sets aside a row that does not open',
  async (t) => {
    // Rows as the code before decision 0730 wrote them: clear name and birth date, the 身份证号
    // under the service key. A representative fill: 120 learners, one of them with entries.
    const legacy = Array.from({ length: 120 }, (_, i) => {
      const id = nationalId()
      return {
        id: crypto.randomUUID(),
        account_no: `CBLEGACY${String(i).padStart(6, '0')}`,
        national_id_hash: nationalIdHash(id),
        national_id_sealed: encrypt(piiKey, id),
        national_id_masked: `${id.slice(0, 6)}********${id.slice(-4)}`,
        name: `旧户${i}`,
        birth_date: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
        category: 'student',
        nationalId: id,
      }
    })
    for (const { nationalId: _, ...row } of legacy) {
      await a.db.insertInto('learner').values(row).execute()
      await a.db
        .insertInto('account')
        .values({ learner_id: row.id, head_hash: '0'.repeat(64) })
        .execute()
    }
    // Two rows that cannot be sealed: a 身份证号 sealed under another key, a missing birth date.
    const bad = [
      {
        national_id_sealed: encrypt(Buffer.alloc(32, 7), '410102199001011234'),
        birth_date: '1990-01-01',
      },
      { national_id_sealed: encrypt(piiKey, '410102199001015678'), birth_date: null },
    ].map((fields, i) => ({
      id: crypto.randomUUID(),
      account_no: `CBBROKEN${i}`,
      national_id_hash: nationalIdHash(`41010219900101${i}00X`),
      national_id_masked: '410102********1234',
      name: `坏行${i}`,
      category: 'student',
      ...fields,
    }))
    for (const row of bad) await a.db.insertInto('learner').values(row).execute()
    const first = await sealLearnersAtStart(a.db, piiKey)
    t.equal(first.sealed, 120)
    t.same(
      [...first.setAside].sort(),
      bad.map((b) => b.id).sort(),
      'the rows that do not open are set aside, by id, and the others sealed',
    )
    const again = await sealLearnersAtStart(a.db, piiKey)
    t.equal(again.sealed, 0, 'a second start seals nothing')
    t.equal(again.setAside.length, 2, 'and names the set-aside rows again')
    const left = await a.db
      .selectFrom('learner')
      .select(['name', 'personal_sealed'])
      .where(
        'id',
        'in',
        bad.map((b) => b.id),
      )
      .orderBy('account_no')
      .execute()
    t.same(
      left,
      [
        { name: '坏行0', personal_sealed: null },
        { name: '坏行1', personal_sealed: null },
      ],
      'a set-aside row is left exactly as it was',
    )
    t.same(await clearTextIn(a.db, ['旧户']), [], 'no clear name left')
    const one = legacy[7]!
    const lookup = await app.inject({
      method: 'POST',
      url: '/v1/learners/lookup',
      headers: a.admin,
      payload: { nationalId: one.nationalId, name: one.name },
    })
    t.equal(lookup.json().id, one.id, 'found by 身份证号 and name as before')
    t.match((await get(`/v1/learners/${one.id}`)).json(), {
      name: one.name,
      nationalIdMasked: one.national_id_masked,
      birthDate: one.birth_date,
    })
  },
)

t.test(
  'admins list erasures newest first, with the account number and each part; nobody else does',
  async (t) => {
    const first = await a.openLearner(person({ name: '周先删' }), a.registrar(school))
    const second = await a.openLearner(person({ name: '吴后删' }), a.registrar(school))
    for (const [l, ref] of [
      [first, 'PIPL-2026-0101'],
      [second, 'PIPL-2026-0102'],
    ] as const) {
      const res = await app.inject({
        method: 'POST',
        url: `/v1/learners/${l.id}/erasure`,
        headers: a.admin,
        payload: { requestRef: ref },
      })
      t.equal(res.statusCode, 201, res.body)
    }
    const page1 = await get('/v1/erasures?limit=1')
    t.equal(page1.statusCode, 200, page1.body)
    t.match(page1.json().items, [
      {
        learnerId: second.id,
        accountNo: second.accountNo,
        requestedBy: 'admin',
        requestRef: 'PIPL-2026-0102',
        complete: false,
        services: [{ service: 'accounts', completedAt: String }, {}, {}, {}],
      },
    ])
    const page2 = await get(`/v1/erasures?limit=1&cursor=${page1.json().nextCursor}`)
    t.match(page2.json().items, [{ learnerId: first.id, requestRef: 'PIPL-2026-0101' }])
    t.notOk(JSON.stringify([page1.json(), page2.json()]).includes('删'), 'no name in the list')

    // The first finishes everywhere: the pending list no longer has it, the whole list still does.
    for (const service of ['certificates', 'recognition', 'portfolio']) {
      const ev = await a.deliver(
        `creditbank.${service}.v1`,
        `${service}.erasure.completed`,
        first.id,
        { learnerId: first.id, completedAt: new Date().toISOString() },
      )
      await a.applied(ev.id)
    }
    const ids = async (url: string) =>
      (await get(url)).json().items.map((e: { learnerId: string }) => e.learnerId)
    const pending = await ids('/v1/erasures?pending=true&limit=100')
    t.ok(pending.includes(second.id) && !pending.includes(first.id), 'pending: the unfinished')
    const all = await ids('/v1/erasures?limit=100')
    t.same(all.slice(0, 2), [second.id, first.id], 'all: both, newest first')

    for (const [who, headers] of [
      ['a registrar', a.registrar(school)],
      ['the learner', a.learnerAuth(first.id)],
    ] as const)
      t.equal((await get('/v1/erasures', headers)).statusCode, 403, `${who} is refused`)
    const made = Buffer.from(JSON.stringify(['yesterday', 2])).toString('base64url')
    for (const cursor of ['bm90LWEtY3Vyc29y', made]) {
      const bad = await get(`/v1/erasures?cursor=${cursor}`)
      t.equal(bad.statusCode, 400, `a cursor not ours (${cursor}) is refused`)
      t.equal(bad.json().code, 'CURSOR_MALFORMED')
    }
    const badFlag = await get('/v1/erasures?pending=maybe')
    t.equal(badFlag.statusCode, 400, 'pending is true or false')
  },
)
