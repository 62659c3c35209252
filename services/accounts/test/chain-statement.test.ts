import { createHash } from 'node:crypto'
import { CREDITS_SCALE, fixedScale, HOURS_SCALE } from '@creditbank/contracts'
import { CompiledQuery, sql } from 'kysely'
import t from 'tap'
import { uuidv7 } from 'uuidv7'
import { statementQuery } from '../src/db/ledger.repository.js'
import { canonicalJson, chainedFields, entryHash } from '../src/domain/chain.js'
import { contentHash, type OutcomeInput } from '../src/domain/outcomes.js'
import { buildAccounts, course, person } from './helper.js'

const a = await buildAccounts()
t.teardown(() => a.close())
const { app } = a
const school = await a.registerOrg('school')
const enterprise = await a.registerOrg('enterprise')
const raw = a.platform.database.kysely

t.test('an entry edited behind the service’s back breaks the chain at that entry', async (t) => {
  const l = await a.openLearner(person(), a.registrar(school))
  const ids: string[] = []
  for (let i = 0; i < 5; i++)
    ids.push(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/outcomes',
          headers: a.registrar(school),
          payload: course(l.id, { title: `C${i}` }),
        })
      ).json().id,
    )
  const ok = (
    await app.inject({ method: 'GET', url: `/v1/learners/${l.id}/chain`, headers: a.admin })
  ).json()
  t.match(ok, { valid: true, entryCount: 5 })
  t.notOk('firstBadEntryId' in ok)
  // Someone with the owner's rights turns the append-only trigger off and raises the credits of
  // the third entry.
  await sql`alter table accounts.ledger_entry disable trigger ledger_entry_append_only`.execute(raw)
  t.teardown(() =>
    sql`alter table accounts.ledger_entry enable trigger ledger_entry_append_only`.execute(raw),
  )
  await sql`update accounts.ledger_entry set credits = 40 where id = ${ids[2]}`.execute(raw)
  const bad = (
    await app.inject({ method: 'GET', url: `/v1/learners/${l.id}/chain`, headers: a.admin })
  ).json()
  t.match(bad, { valid: false, entryCount: 5, firstBadEntryId: ids[2] })
  // Restoring the value restores the chain: the hash covers the content, not the write.
  await sql`update accounts.ledger_entry set credits = 4 where id = ${ids[2]}`.execute(raw)
  t.equal(
    (
      await app.inject({ method: 'GET', url: `/v1/learners/${l.id}/chain`, headers: a.admin })
    ).json().valid,
    true,
  )
  // A removed entry leaves a gap the next one is blamed for.
  await sql`update accounts.ledger_entry set hash = repeat('0', 64) where id = ${ids[4]}`.execute(
    raw,
  )
  t.match(
    (
      await app.inject({ method: 'GET', url: `/v1/learners/${l.id}/chain`, headers: a.admin })
    ).json(),
    { valid: false, firstBadEntryId: ids[4] },
  )
})

t.test(
  'an entry’s hash is sha256 over the previous hash and its canonical JSON (sorted keys), as documented',
  async (t) => {
    const l = await a.openLearner(person(), a.registrar(school))
    const posted = async (title: string) =>
      (
        await app.inject({
          method: 'POST',
          url: '/v1/outcomes',
          headers: a.registrar(school),
          payload: course(l.id, { title }),
        })
      ).json().id as string
    await posted('甲')
    const id = await posted('含 "引号" 与 \\ 的课程')
    const row = await a.db
      .selectFrom('ledger_entry')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    const expected = createHash('sha256')
      .update(row.prev_hash)
      .update(canonicalJson(chainedFields(row)))
      .digest('hex')
    t.equal(row.hash, expected)
    t.equal(entryHash(row.prev_hash, row), expected)
  },
)

t.test(
  'an outcome’s content hash is sha256 of its canonical JSON (credits and hours at scale, title in NFC)',
  async (t) => {
    const variants = [
      course(uuidv7()),
      course(uuidv7(), { credits: '4.5', externalRef: 'X-1', code: undefined }),
      {
        learnerId: uuidv7(),
        kind: 'training',
        title: 'Cafe\u0301 培训',
        hours: '16',
        category: '岗前',
        occurredOn: '2024-01-10',
      },
      {
        learnerId: uuidv7(),
        kind: 'competition',
        title: '技能大赛 "一等奖"',
        level: 'provincial',
        occurredOn: '2023-05-01',
      },
    ] as OutcomeInput[]
    for (const o of variants) {
      const normal = {
        ...o,
        credits: fixedScale(o.credits, CREDITS_SCALE),
        hours: fixedScale(o.hours, HOURS_SCALE),
        title: o.title.normalize('NFC'),
      }
      t.equal(
        contentHash(o),
        createHash('sha256').update(canonicalJson(normal)).digest('hex'),
        o.title,
      )
    }
  },
)

t.test(
  'the statement: newest first, kind and date filters, cursor pages, org sees what it posted',
  async (t) => {
    const l = await a.openLearner(person(), a.registrar(school))
    await a.enroll(l.id, school)
    const dates = [
      '2021-01-10',
      '2023-05-01',
      '2022-03-15',
      '2023-05-01',
      '2020-09-01',
      '2024-02-02',
    ]
    for (const [i, d] of dates.entries())
      await app.inject({
        method: 'POST',
        url: '/v1/outcomes',
        headers: a.registrar(school),
        payload: course(l.id, { occurredOn: d, title: `S${i}` }),
      })
    await app.inject({
      method: 'POST',
      url: '/v1/outcomes',
      headers: a.registrar(enterprise),
      payload: {
        ...l.proof,
        learnerId: l.id,
        kind: 'work',
        title: '实习',
        hours: '320',
        occurredOn: '2023-08-31',
      },
    })
    const all = (
      await app.inject({ method: 'GET', url: `/v1/learners/${l.id}/entries`, headers: a.admin })
    ).json()
    t.same(
      all.items.map((e: { occurredOn: string }) => e.occurredOn),
      [
        '2024-02-02',
        '2023-08-31',
        '2023-05-01',
        '2023-05-01',
        '2022-03-15',
        '2021-01-10',
        '2020-09-01',
      ],
    )
    t.same(
      all.items.slice(2, 4).map((e: { title: string }) => e.title),
      ['S3', 'S1'],
      'same day: later posting first',
    )
    t.equal(all.nextCursor, null)
    const pages: string[] = []
    let cursor: string | null = null
    do {
      const q: string = `/v1/learners/${l.id}/entries?limit=2${cursor ? `&cursor=${cursor}` : ''}`
      const page = (await app.inject({ method: 'GET', url: q, headers: a.admin })).json()
      pages.push(...page.items.map((e: { id: string }) => e.id))
      cursor = page.nextCursor
    } while (cursor)
    t.same(
      pages,
      all.items.map((e: { id: string }) => e.id),
      'pages walk the same order without repeats',
    )
    const work = (
      await app.inject({
        method: 'GET',
        url: `/v1/learners/${l.id}/entries?kind=work`,
        headers: a.admin,
      })
    ).json()
    t.same(
      work.items.map((e: { kind: string }) => e.kind),
      ['work'],
    )
    const range = (
      await app.inject({
        method: 'GET',
        url: `/v1/learners/${l.id}/entries?from=2022-01-01&to=2023-05-01`,
        headers: a.admin,
      })
    ).json()
    t.same(
      range.items.map((e: { occurredOn: string }) => e.occurredOn),
      ['2023-05-01', '2023-05-01', '2022-03-15'],
    )
    const asSchool = (
      await app.inject({
        method: 'GET',
        url: `/v1/learners/${l.id}/entries?limit=100`,
        headers: a.registrar(school),
      })
    ).json()
    t.equal(asSchool.items.length, 6, 'the school sees the entries it posted, not the enterprise’s')
    t.ok(asSchool.items.every((e: { orgId: string }) => e.orgId === school))
    for (const bad of [
      'limit=0',
      'limit=101',
      'kind=party',
      'from=yesterday',
      'cursor=%%%',
      'cursor=WzFd',
      'extra=1',
    ]) {
      const res = await app.inject({
        method: 'GET',
        url: `/v1/learners/${l.id}/entries?${bad}`,
        headers: a.admin,
      })
      t.equal(res.statusCode, 400, bad)
    }
  },
)

t.test(
  'the statement query is served by its index at a realistic size (no Seq Scan on ledger_entry)',
  async (t) => {
    // 300 learners × 100 entries, generated in SQL; their hashes are placeholders (only the plan matters here).
    await sql`insert into accounts.learner (id, account_no, national_id_hash, national_id_sealed, national_id_masked, name, birth_date, category)
    select gen_random_uuid(), 'PLAN' || g, md5('plan' || g) || md5('x' || g), 'sealed', 'masked', 'n', date '1990-01-01', 'other' from generate_series(1, 300) g`.execute(
      raw,
    )
    await sql`insert into accounts.account (learner_id, last_seq, head_hash) select id, 100, 'h' from accounts.learner where account_no like 'PLAN%'`.execute(
      raw,
    )
    await sql`insert into accounts.ledger_entry (id, learner_id, seq, code, kind, balance_kind, org_id, title, credits, occurred_on, posted_by, posted_at, prev_hash, hash)
    select gen_random_uuid(), l.id, s, 'outcome.posted', k, k, ${school}::uuid, 'T', 1, date '2015-01-01' + (s * 37 % 3000), 'plan', now(), 'p', 'h'
    from accounts.learner l cross join generate_series(1, 100) s cross join lateral (select (array['course', 'training', 'competition', 'work'])[1 + s % 4] as k) kk
    where l.account_no like 'PLAN%'`.execute(raw)
    await sql`analyze accounts.ledger_entry`.execute(raw)
    const learner = (
      await sql<{ id: string }>`select id from accounts.learner where account_no = 'PLAN7'`.execute(
        raw,
      )
    ).rows[0]!.id
    const variants = {
      plain: { learnerId: learner, limit: 50 },
      kind: { learnerId: learner, kind: 'course', limit: 20 },
      dates: { learnerId: learner, from: '2016-01-01', to: '2018-12-31', limit: 20 },
      cursor: { learnerId: learner, after: { occurredOn: '2017-06-01', seq: '50' }, limit: 20 },
      org: { learnerId: learner, orgId: school, limit: 20 },
    }
    for (const [name, filter] of Object.entries(variants)) {
      const c = statementQuery(a.db, filter).compile()
      const plan = await raw.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`explain ${c.sql}`, [...c.parameters]),
      )
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n')
      t.notMatch(text, /Seq Scan on ledger_entry/, `${name}: no sequential scan\n${text}`)
      t.match(
        text,
        /(Index (Only )?Scan (Backward )?using|Bitmap Index Scan on) ledger_entry_/,
        `${name}: an index of ledger_entry serves it`,
      )
      if (name !== 'kind') t.match(text, /ledger_entry_statement/, `${name}: the statement index`)
    }
  },
)
