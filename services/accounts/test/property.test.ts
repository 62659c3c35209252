import { sql } from 'kysely'
import t from 'tap'
import { uuidv7 } from 'uuidv7'
import { buildAccounts, person } from './helper.js'

/**
 * A seeded random workload of postings (single and batch), reversals, certificates, revocations
 * and recognized credits. After every step the balances must equal the sums of the entries, and
 * every chain must verify. The seed is printed so a failure can be replayed (PROPERTY_SEED=…).
 */
const seed = Number(process.env.PROPERTY_SEED ?? Date.now() % 100_000)
t.comment(`seed ${seed}`)
function mulberry32(a: number) {
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296
  }
}
const rnd = mulberry32(seed)
const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!
const amount = (max: number, places: number) =>
  (Math.floor(rnd() * max * 10 ** places) / 10 ** places).toFixed(places)

const a = await buildAccounts()
t.teardown(() => a.close())
const { app } = a
const school = await a.registerOrg('school')
const enterprise = await a.registerOrg('enterprise')
const evaluator = await a.registerOrg('evaluation_org')
const opened = await Promise.all(
  Array.from({ length: 4 }, () => a.openLearner(person(), a.registrar(school))),
)
const learners = opened.map((l) => l.id)

const posted: { id: string; learner: string; org: string; reversed: boolean }[] = []
// The enterprise names each learner by 身份证号 + name once; by id from then on.
for (const l of opened) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/outcomes',
    headers: a.registrar(enterprise),
    payload: {
      ...l.proof,
      learnerId: l.id,
      kind: 'training',
      title: '岗前培训',
      hours: '8',
      occurredOn: '2023-06-01',
    },
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  posted.push({ id: res.json().id, learner: l.id, org: enterprise, reversed: false })
}
const certificates: { id: string; learner: string; revoked: boolean }[] = []

function outcome(org: string, learner: string) {
  const kind =
    org === school
      ? pick(['course', 'training', 'competition', 'work'])
      : pick(['training', 'work', 'competition'])
  const base = {
    learnerId: learner,
    kind,
    title: `${kind}-${Math.floor(rnd() * 1e6)}`,
    occurredOn: '2023-06-01',
  }
  if (kind === 'course')
    return {
      ...base,
      credits: amount(10, 2),
      ...(rnd() < 0.5 ? { hours: amount(100, 1) } : {}),
      grade: { score: '80', scale: '100' },
    }
  if (kind === 'competition')
    return { ...base, level: 'provincial', ...(rnd() < 0.5 ? { credits: amount(3, 1) } : {}) }
  return { ...base, hours: amount(500, 1), ...(rnd() < 0.3 ? { credits: amount(2, 2) } : {}) }
}

const steps: Record<string, () => Promise<void>> = {
  async post() {
    const org = pick([school, enterprise])
    const res = await app.inject({
      method: 'POST',
      url: '/v1/outcomes',
      headers: a.registrar(org),
      payload: outcome(org, pick(learners)),
    })
    if (res.statusCode !== 201) throw new Error(res.body)
    posted.push({ id: res.json().id, learner: res.json().learnerId, org, reversed: false })
  },
  async batch() {
    const org = pick([school, enterprise])
    const items = Array.from({ length: 1 + Math.floor(rnd() * 30) }, () =>
      outcome(org, pick(learners)),
    )
    const res = await app.inject({
      method: 'POST',
      url: '/v1/outcomes/batch',
      headers: a.client(org),
      payload: { items },
    })
    if (res.statusCode !== 201) throw new Error(res.body)
    for (const e of res.json().items)
      posted.push({ id: e.id, learner: e.learnerId, org, reversed: false })
  },
  async reverse() {
    const open = posted.filter((p) => !p.reversed)
    if (!open.length) return
    const p = pick(open)
    const res = await app.inject({
      method: 'POST',
      url: `/v1/entries/${p.id}/reversal`,
      headers: a.registrar(p.org),
      payload: { reason: 'property' },
    })
    if (res.statusCode !== 201) throw new Error(res.body)
    p.reversed = true
  },
  async certificate() {
    const c = { id: uuidv7(), learner: pick(learners), revoked: false }
    const data = {
      certificateId: c.id,
      number: c.id.slice(-8),
      learnerId: c.learner,
      typeCode: 'T',
      typeName: 'T',
      level: 'junior',
      score: null,
      issuedOn: '2023-01-01',
      expiresOn: null,
      evaluationOrgId: evaluator,
    }
    await a.applied(
      (
        await a.deliver(
          'creditbank.certificates.v1',
          'certificates.certificate.issued',
          c.learner,
          data,
        )
      ).id,
    )
    certificates.push(c)
  },
  async revoke() {
    const open = certificates.filter((c) => !c.revoked)
    if (!open.length) return
    const c = pick(open)
    const data = {
      certificateId: c.id,
      number: c.id.slice(-8),
      learnerId: c.learner,
      evaluationOrgId: evaluator,
      reason: 'property',
      revokedAt: new Date().toISOString(),
    }
    await a.applied(
      (
        await a.deliver(
          'creditbank.certificates.v1',
          'certificates.certificate.revoked',
          c.learner,
          data,
        )
      ).id,
    )
    c.revoked = true
  },
  async recognize() {
    const learner = pick(learners)
    const sources = posted.filter((p) => p.learner === learner)
    if (!sources.length) return
    const data = {
      applicationId: uuidv7(),
      learnerId: learner,
      targetOrgId: school,
      programCode: 'P',
      courseCode: `C${Math.floor(rnd() * 1e9)}`,
      courseName: 'C',
      courseType: 'core',
      credits: amount(8, 1),
      sourceEntryIds: [...new Set([pick(sources).id, pick(sources).id])],
      rule: null,
    }
    await a.applied(
      (
        await a.deliver(
          'creditbank.recognition.v1',
          'recognition.application.approved',
          learner,
          data,
        )
      ).id,
    )
  },
}
const weights: [string, number][] = [
  ['post', 6],
  ['batch', 2],
  ['reverse', 3],
  ['certificate', 1],
  ['revoke', 1],
  ['recognize', 2],
]
const chooseStep = () => {
  let r = rnd() * weights.reduce((s, [, w]) => s + w, 0)
  for (const [name, w] of weights) if ((r -= w) < 0) return name
  return 'post'
}

async function invariants() {
  const mismatches = await sql<{ learner_id: string; what: string }>`
    with sums as (
      select learner_id,
        coalesce(sum(credits) filter (where balance_kind <> 'recognized'), 0) as credits,
        coalesce(sum(hours) filter (where balance_kind <> 'recognized'), 0) as hours,
        coalesce(sum(credits) filter (where balance_kind = 'recognized'), 0) as recognized,
        count(*) as n, max(seq) as last
      from accounts.ledger_entry group by learner_id
    ), kinds as (
      select learner_id, balance_kind, coalesce(sum(credits), 0) as credits, coalesce(sum(hours), 0) as hours, count(*) as n
      from accounts.ledger_entry group by learner_id, balance_kind
    )
    select a.learner_id, 'account' as what from accounts.account a join sums s using (learner_id)
      where a.total_credits <> s.credits or a.total_hours <> s.hours or a.recognized_credits <> s.recognized or a.last_seq <> s.n or s.last <> s.n
    union all
    select coalesce(b.learner_id, k.learner_id), 'kind ' || coalesce(b.kind, k.balance_kind) from accounts.balance b
      full join kinds k on k.learner_id = b.learner_id and k.balance_kind = b.kind
      where b.learner_id is null or k.learner_id is null or b.credits <> k.credits or b.hours <> k.hours or b.entry_count <> k.n`.execute(
    a.platform.database.kysely,
  )
  return mismatches.rows
}

t.test(
  'balances equal the sum of entries and chains stay valid under a random workload',
  async (t) => {
    const counts: Record<string, number> = {}
    for (let i = 0; i < 120; i++) {
      const step = chooseStep()
      counts[step] = (counts[step] ?? 0) + 1
      await steps[step]!()
      if (i % 10 === 9) t.same(await invariants(), [], `after step ${i + 1}`)
    }
    t.same(await invariants(), [], 'at the end')
    for (const l of learners) {
      const chain = (
        await app.inject({ method: 'GET', url: `/v1/learners/${l}/chain`, headers: a.admin })
      ).json()
      t.equal(chain.valid, true, `chain of ${l}`)
      const acct = (
        await app.inject({ method: 'GET', url: `/v1/learners/${l}/account`, headers: a.admin })
      ).json()
      t.equal(acct.entryCount, chain.entryCount)
      t.equal(acct.headHash, chain.headHash)
    }
    t.comment(JSON.stringify(counts))
  },
)
