import { type KyselyPlugin, sql } from 'kysely'
import t from 'tap'
import { findEntries, lockAccounts } from '../src/db/ledger.repository.js'
import { canonicalJson, chainedFields, entryHash, GENESIS_HASH } from '../src/domain/chain.js'
import { appendEntries, draft } from '../src/domain/ledger.js'
import { statement } from '../src/domain/statement.js'
import { buildAccounts, clearTextIn, course, PII_KEY, person, rowCount } from './helper.js'

// Decision 0730, "2026-12-11 — Reversal reasons sealed, chained by digest": a reversal's reason is
// free text about a person; it is sealed under the learner's key and the chain covers its keyed
// digest, so an erasure leaves the chain verifiable and the reason unreadable.

const a = await buildAccounts()
t.teardown(() => a.close())
const { app } = a
const school = await a.registerOrg('school')
const piiKey = Buffer.from(PII_KEY, 'hex')

const get = (url: string, headers = a.admin) => app.inject({ method: 'GET', url, headers })
const post = (url: string, headers: Record<string, string>, payload: unknown) =>
  app.inject({ method: 'POST', url, headers, payload: payload as object })

async function posted(learnerId: string, title: string) {
  const res = await post('/v1/outcomes', a.registrar(school), course(learnerId, { title }))
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json().id as string
}

const entryRow = (id: string) =>
  a.db.selectFrom('ledger_entry').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

type Item = { id: string; reason: string | null; reversedBy: { reason: string | null } | null }
const entriesOf = async (learnerId: string, headers = a.admin) =>
  (await get(`/v1/learners/${learnerId}/entries?limit=100`, headers)).json().items as Item[]

/**
 * A reversal as the code before 2026-12-11 wrote it: the reason in the clear in `reason`, covered
 * by the hash as text. Made with the ledger's own append, as reverseEntry then did.
 */
async function reverseTheOldWay(entryId: string, reason: string) {
  return a.db.transaction().execute(async (trx) => {
    const [original] = await findEntries(trx, [entryId])
    const heads = await lockAccounts(trx, [original!.learner_id])
    const [row] = await appendEntries(trx, heads, [
      draft({
        learner_id: original!.learner_id,
        code: 'reversal',
        kind: 'reversal',
        balance_kind: original!.balance_kind,
        org_id: original!.org_id,
        title: original!.title,
        outcome_code: original!.outcome_code,
        credits: `-${original!.credits}`,
        occurred_on: '2026-12-01',
        reverses_entry_id: original!.id,
        reason,
        posted_by: 'registrar-before',
      }),
    ])
    return row!
  })
}

t.test('entries written before hash byte for byte as they did', async (t) => {
  // Two entries as the database now reads them back (the new columns null), hashed by the code
  // at de6136a (before this change) into these constants.
  const outcome = {
    id: '0190aaaa-0000-7000-8000-000000000001',
    learner_id: '0190aaaa-0000-7000-8000-0000000000aa',
    seq: '1',
    code: 'outcome.posted',
    kind: 'course',
    balance_kind: 'course',
    org_id: '0190aaaa-0000-7000-8000-0000000000bb',
    title: '网页设计',
    outcome_code: 'WEB201',
    credits: '4.00',
    hours: null,
    grade_score: '85',
    grade_scale: '100',
    level: null,
    category: null,
    occurred_on: '2024-06-30',
    external_ref: null,
    content_hash: null,
    certificate_id: null,
    type_code: null,
    application_id: null,
    reverses_entry_id: null,
    reason: null,
    posted_by: 'registrar-1',
    posted_at: '2026-12-01T08:00:00.000Z',
    reason_sealed: null,
    reason_digest: null,
  }
  const h1 = entryHash(GENESIS_HASH, outcome)
  t.equal(h1, 'a7d55c8cf0c58fa1c04ffccb7a0e0dbc4bee14587cc10249c3cc2c8af91e67e0')
  const oldReversal = {
    ...outcome,
    id: '0190aaaa-0000-7000-8000-000000000002',
    seq: '2',
    code: 'reversal',
    kind: 'reversal',
    credits: '-4.00',
    reverses_entry_id: outcome.id,
    reason: '张三成绩录入有误',
    posted_at: '2026-12-02T08:00:00.000Z',
  }
  t.equal(
    entryHash(h1, oldReversal),
    '92d0225e016e2a551edc8faf401faf6731077bf1491d55fabe5f3b89889079e2',
    'a clear reason is still covered as text',
  )
  t.notOk(canonicalJson(chainedFields(oldReversal)).includes('reasonDigest'))
  // A new one: the text is in no hashed field, its digest is.
  const text = canonicalJson(
    chainedFields({ ...oldReversal, reason: null, reason_sealed: 'v1.x', reason_digest: 'v1.d' }),
  )
  t.ok(text.includes('"reason":null,"reasonDigest":"v1.d"'), text)
  t.notOk(text.includes('v1.x'), 'the sealed value is not chained (it is opened and checked)')
})

t.test(
  'a reversal’s reason: sealed, chained by digest, read by the learner and the registrar, by no stranger',
  async (t) => {
    const other = await a.registerOrg('school')
    const l = await a.openLearner(person({ name: '张理由' }), a.registrar(school))
    const o = await a.openLearner(person(), a.registrar(school))
    await a.enroll(l.id, other, 'P-OTHER', l.proof)
    const id = await posted(l.id, '数据库')
    const reason = '张理由成绩录入有误，应为 78 分'
    const headers = { ...a.registrar(school), 'idempotency-key': `reverse-${id}` }
    const rev = await post(`/v1/entries/${id}/reversal`, headers, { reason })
    t.equal(rev.statusCode, 201, rev.body)
    t.match(rev.json(), { reversesEntryId: id, reason, kind: 'reversal' })

    const row = await entryRow(rev.json().id)
    t.equal(row.reason, null, 'no clear reason in the row')
    t.match(row.reason_sealed, /^v1\./)
    t.match(row.reason_digest, /^v1\.[0-9a-f]{64}$/)
    t.same(await clearTextIn(a.db, [reason, '张理由']), [], 'no table holds it in the clear')
    t.match((await get(`/v1/learners/${l.id}/chain`)).json(), { valid: true, entryCount: 2 })

    const readers = {
      learner: a.learnerAuth(l.id),
      registrar: a.registrar(school),
      admin: a.admin,
    }
    for (const [who, h] of Object.entries(readers)) {
      const items = await entriesOf(l.id, h)
      t.equal(items.find((e) => e.id === rev.json().id)?.reason, reason, `${who}: the reversal`)
      t.equal(items.find((e) => e.id === id)?.reversedBy?.reason, reason, `${who}: reversedBy`)
    }
    // Strangers: another learner, a school that does not know them (404), and one that does but
    // posted neither entry (sees only what it posted).
    t.equal((await get(`/v1/learners/${l.id}/entries`, a.learnerAuth(o.id))).statusCode, 404)
    const unknown = await a.registerOrg('school')
    t.equal((await get(`/v1/learners/${l.id}/entries`, a.registrar(unknown))).statusCode, 404)
    const enrolling = await get(`/v1/learners/${l.id}/entries`, a.registrar(other))
    t.equal(enrolling.statusCode, 200)
    t.notOk(enrolling.body.includes(reason), 'a school that enrolled them reads no other’s reason')

    // The same request again: the same answer, nothing new written, no second event.
    const before = {
      entries: await rowCount(a.db, 'ledger_entry'),
      keys: await rowCount(a.db, 'learner_key'),
    }
    const events = a.platform.transport.events('accounts.entry.reversed').length
    const replay = await post(`/v1/entries/${id}/reversal`, headers, { reason })
    t.equal(replay.statusCode, 201)
    t.equal(replay.headers['idempotency-replayed'], 'true')
    t.same(replay.json(), rev.json())
    t.same(
      {
        entries: await rowCount(a.db, 'ledger_entry'),
        keys: await rowCount(a.db, 'learner_key'),
      },
      before,
    )
    t.equal(a.platform.transport.events('accounts.entry.reversed').length, events)
    t.same(await clearTextIn(a.db, [reason]), [], 'the remembered answer holds no reason')
  },
)

t.test(
  'a chain of entries written before and after verifies; erasure leaves it valid and the new reason unreadable',
  async (t) => {
    const l = await a.openLearner(person({ name: '李旧新' }), a.registrar(school))
    const first = await posted(l.id, '网页设计')
    const second = await posted(l.id, '数据库')
    const third = await posted(l.id, '职业素养')
    const oldReason = '李旧新 旧的理由（明文）'
    const old = await reverseTheOldWay(first, oldReason)
    t.equal((await entryRow(old.id)).reason, oldReason, 'written the old way: clear, no digest')
    t.equal((await entryRow(old.id)).reason_digest, null)
    const newReason = '李旧新 新的理由'
    const rev = await post(`/v1/entries/${second}/reversal`, a.registrar(school), {
      reason: newReason,
    })
    t.equal(rev.statusCode, 201, rev.body)
    const chain = (await get(`/v1/learners/${l.id}/chain`)).json()
    t.match(chain, { valid: true, entryCount: 5 })
    t.notOk('firstBadEntryId' in chain)
    let items = await entriesOf(l.id)
    t.equal(items.find((e) => e.id === old.id)?.reason, oldReason, 'the old one reads as before')
    t.equal(items.find((e) => e.id === first)?.reversedBy?.reason, oldReason)
    t.equal(items.find((e) => e.id === rev.json().id)?.reason, newReason)

    // Someone with the owner's rights replaces the sealed reason by another sealed for the same
    // learner (the hash covers only the digest): the chain check opens it and finds it out.
    const raw = a.platform.database.kysely
    const other = await post(`/v1/entries/${third}/reversal`, a.registrar(school), {
      reason: '另一个理由',
    })
    const swapped = (await entryRow(other.json().id)).reason_sealed
    const kept = (await entryRow(rev.json().id)).reason_sealed
    const setSealed = (v: string | null) =>
      sql`update accounts.ledger_entry set reason_sealed = ${v} where id = ${rev.json().id}`.execute(
        raw,
      )
    await sql`alter table accounts.ledger_entry disable trigger ledger_entry_append_only`.execute(
      raw,
    )
    try {
      await setSealed(swapped)
      t.match((await get(`/v1/learners/${l.id}/chain`)).json(), {
        valid: false,
        firstBadEntryId: rev.json().id,
      })
      await setSealed(kept)
    } finally {
      await sql`alter table accounts.ledger_entry enable trigger ledger_entry_append_only`.execute(
        raw,
      )
    }
    t.match((await get(`/v1/learners/${l.id}/chain`)).json(), { valid: true, entryCount: 6 })

    const account = (await get(`/v1/learners/${l.id}/account`)).json()
    const erased = await post(`/v1/learners/${l.id}/erasure`, a.learnerAuth(l.id), {})
    t.equal(erased.statusCode, 201, erased.body)
    items = await entriesOf(l.id, a.learnerAuth(l.id))
    t.equal(items.find((e) => e.id === rev.json().id)?.reason, null, 'the new reason: gone')
    t.equal(items.find((e) => e.id === second)?.reversedBy?.reason, null)
    t.equal(
      items.find((e) => e.id === old.id)?.reason,
      oldReason,
      'the old clear one stays (its hash covers the text; decision 0730, Not covered)',
    )
    t.match((await get(`/v1/learners/${l.id}/chain`)).json(), { valid: true, entryCount: 6 })
    t.same((await get(`/v1/learners/${l.id}/account`)).json(), account, 'balances unchanged')

    // A reversal after the erasure keeps no reason and makes no key.
    const fourth = await posted(l.id, '毕业设计')
    const late = await post(`/v1/entries/${fourth}/reversal`, a.registrar(school), {
      reason: '李旧新 抹除之后的理由',
    })
    t.equal(late.statusCode, 201, late.body)
    t.equal(late.json().reason, null)
    t.match(await entryRow(late.json().id), {
      reason: null,
      reason_sealed: null,
      reason_digest: null,
    })
    const key = await a.db
      .selectFrom('learner_key')
      .select('key_sealed')
      .where('learner_id', '=', l.id)
      .execute()
    t.same(key, [{ key_sealed: null }], 'the tombstone stays')
    t.match((await get(`/v1/learners/${l.id}/chain`)).json(), { valid: true, entryCount: 8 })
    t.same(await clearTextIn(a.db, ['李旧新 新的理由', '抹除之后']), [])
  },
)

t.test('a page of reasons costs one key read, whatever its size', async (t) => {
  const l = await a.openLearner(person(), a.registrar(school))
  for (let i = 0; i < 8; i++) {
    const id = await posted(l.id, `课程${i}`)
    const r = await post(`/v1/entries/${id}/reversal`, a.registrar(school), {
      reason: `理由${i}`,
    })
    t.equal(r.statusCode, 201)
  }
  let statements = 0
  const counting: KyselyPlugin = {
    transformQuery: (args) => {
      statements += 1
      return args.node
    },
    transformResult: async (args) => args.result,
  }
  const page = await statement(
    a.db.withPlugin(counting),
    piiKey,
    l.id,
    { scope: 'all' },
    { limit: 100 },
  )
  t.equal(page.items.length, 16)
  t.equal(
    page.items.filter((e) => e.kind === 'reversal' && /^理由\d$/.test(e.reason ?? '')).length,
    8,
  )
  t.equal(
    page.items.filter((e) => /^理由\d$/.test(e.reversedBy?.reason ?? '')).length,
    8,
    'every reversed entry says why',
  )
  t.equal(statements, 4, 'the entries, their uses, their reversals, and the key')
})
