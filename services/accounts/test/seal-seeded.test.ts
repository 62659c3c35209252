import { forSchema } from '@creditbank/db'
import { MemoryTransport } from '@creditbank/events'
import { assembleService, encrypt, parseKey } from '@creditbank/service-kit'
import { capturedLogger, TEST_AUDIENCE, TEST_ISSUER, testKeys } from '@creditbank/testing'
import { sql } from 'kysely'
import t from 'tap'
import * as seeds from '../../../seeds/data.js'
import { SCHEMA } from '../src/app.js'
import type { AccountsDB } from '../src/db/schema.js'
import { definition } from '../src/definition.js'
import { learnerView } from '../src/domain/learners.js'
import { maskNationalId } from '../src/domain/national-id.js'
import { personalOf } from '../src/domain/personal.js'
import { sealLearnersAtStart } from '../src/domain/seal-at-start.js'
import { demoSeeded } from './demo-seeded.js'
import { clearTextIn, rowCount } from './helper.js'

// Decision 0730's start-up migration to per-learner keys, on a database filled by the demo seeds
// (issue 17): the one-process run loads them as on a first `pnpm start`, the accounts rows are put
// back as the code before per-learner keys kept them, and accounts starts on that database.
t.setTimeout(420_000)

/**
 * A migration after per-learner keys whose work the rows put back need done again; it and every
 * migration after it run again at the start, so each of those is written to run again harmlessly.
 */
const REMEMBERED_BY_ID = '2026-12-08T0101_remembered_learners_by_id'

const run = await demoSeeded()
t.teardown(() => run.destroy())
interface Person {
  name: string
  nationalId: string
}
const people: Person[] = seeds.learners.map((l, i) => ({
  name: l.name,
  nationalId: seeds.nationalIdOf(l, i),
}))

/** The public API of the running system, through its gateway, as its admin. */
const token = await fetch(`${run.base}/v1/auth/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    grant_type: 'password',
    username: run.secrets.BOOTSTRAP_ADMIN_USERNAME,
    password: run.secrets.BOOTSTRAP_ADMIN_PASSWORD,
  }),
}).then(async (r) => ((await r.json()) as { accessToken: string }).accessToken)

async function seen<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const r = await fetch(`${run.base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`)
  return (await r.json()) as T
}

/** The seeded learners as the API showed them (the views' fields are compared whole). */
const before: (Person & {
  id: string
  view: { birthDate: string }
  account: unknown
  chain: { valid: boolean }
  entries: unknown
})[] = []
for (const p of people) {
  const { id } = await seen<{ id: string }>('POST', '/v1/learners/lookup', p)
  before.push({
    ...p,
    id,
    view: await seen<{ birthDate: string }>('GET', `/v1/learners/${id}`),
    account: await seen('GET', `/v1/learners/${id}/account`),
    chain: await seen<{ valid: boolean }>('GET', `/v1/learners/${id}/chain`),
    entries: await seen('GET', `/v1/learners/${id}/entries?limit=100`),
  })
}

const database = await run.stopAndOpen()
const db = forSchema<AccountsDB>(database, SCHEMA)
const piiKey = parseKey(run.secrets.ACCOUNTS_PII_KEY!, 'ACCOUNTS_PII_KEY')
const needles = people.flatMap((p) => [p.name, p.nationalId])

t.test('the demo seeds filled accounts as expected', async (t) => {
  const n = (table: 'learner' | 'ledger_entry' | 'learner_correction') => rowCount(db, table)
  t.equal(await n('learner'), people.length, 'every seeded learner, and no one else')
  t.ok((await n('ledger_entry')) > people.length, 'with years of entries')
  // Put-back keys are new keys: a correction's old values, sealed under the old key, would be lost.
  t.equal(
    await n('learner_correction'),
    0,
    'no corrections (their sealed values need the old keys)',
  )
  // The seeds reverse one posting; its reason is sealed under the learner's key (0730, 2026-12-11).
  const sealedReasons = await db
    .selectFrom('ledger_entry')
    .select('learner_id')
    .where('reason_sealed', 'is not', null)
    .execute()
  t.ok(sealedReasons.length > 0, 'a reversal with its reason sealed')
  t.ok(
    before.every((b) => b.chain.valid),
    'every chain verifies before',
  )
})

t.test('the rows put back as the code before per-learner keys kept them', async (t) => {
  await db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom('learner').selectAll().execute()
    const personal = await personalOf(trx, piiKey, rows)
    for (const r of rows) {
      const p = personal.get(r.id)!
      await trx
        .updateTable('learner')
        .set({
          name: p.name,
          birth_date: p.birthDate,
          national_id_sealed: encrypt(piiKey, p.nationalId),
          national_id_masked: maskNationalId(p.nationalId),
          personal_sealed: null,
          name_hash: null,
        })
        .where('id', '=', r.id)
        .execute()
      // Answers of opened and claimed learners were remembered whole.
      await trx
        .updateTable('idempotency_key')
        .set({ body: JSON.stringify(learnerView(r, p)) })
        .where('body', '=', JSON.stringify({ id: r.id }))
        .execute()
    }
    // Every key goes but those a reversal's reason is sealed under: entries cannot be put back as
    // the code before wrote them (their hashes cover the digest), and a new key would leave the
    // reason unreadable. Their learners are sealed at start all the same, under the kept key.
    await trx
      .deleteFrom('learner_key')
      .where('learner_id', 'not in', (eb) =>
        eb.selectFrom('ledger_entry').select('learner_id').where('reason_sealed', 'is not', null),
      )
      .execute()
    await sql`delete from accounts.kysely_migration where name >= ${REMEMBERED_BY_ID}`.execute(trx)
  })
  const hits = await clearTextIn(db, needles)
  t.ok(hits.includes('accounts.learner.name'), 'names in the clear in learner')
  t.ok(hits.includes('accounts.idempotency_key.body'), 'and in remembered answers')
})

t.test('accounts started on it seals every learner, and the API answers as before', async (t) => {
  const captured = capturedLogger()
  const keys = testKeys()
  const transport = new MemoryTransport()
  await transport.connect()
  // As a service starts (run.ts): its migrations, then the app, which seals before it serves.
  const app = await assembleService(
    definition,
    {
      database,
      transport,
      resolveKey: keys.resolveKey,
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
    },
    { ACCOUNTS_PII_KEY: run.secrets.ACCOUNTS_PII_KEY },
    captured.logger,
  )
  t.teardown(async () => {
    await app.close()
    await transport.close()
  })
  const logged = captured.lines.map((l) => JSON.parse(l) as { msg: string; sealed?: number })
  t.equal(
    logged.find((l) => l.msg === 'learners moved to per-learner keys')?.sealed,
    people.length,
    'the start sealed every seeded learner',
  )
  t.notOk(
    logged.some((l) => l.msg.startsWith('learners set aside')),
    'and set none aside',
  )
  const admin = keys.auth({ roles: ['admin'] })
  const call = async (method: 'GET' | 'POST', url: string, headers = admin, payload?: object) => {
    const res = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) })
    t.equal(res.statusCode, 200, `${method} ${url}`)
    return res.json()
  }
  let searchedByName = 0
  for (const b of before) {
    const found = await call('POST', '/v1/learners/lookup', admin, {
      nationalId: b.nationalId,
      name: b.name,
    })
    t.equal(found.id, b.id, `${b.name}: found by 身份证号 and name`)
    // A name is searched with the birth date among the learners an organization enrolled.
    const enrolled = await db
      .selectFrom('enrollment')
      .select('org_id')
      .where('learner_id', '=', b.id)
      .executeTakeFirst()
    if (enrolled) {
      const byName = await call(
        'POST',
        '/v1/learners/find',
        keys.auth({ roles: ['registrar'], org: enrolled.org_id }),
        { name: b.name, birthDate: b.view.birthDate },
      )
      t.same(
        byName.items.map((l: { id: string }) => l.id),
        [b.id],
        `${b.name}: found by name and birth date by a school that enrolled them`,
      )
      searchedByName += 1
    }
    t.same(await call('GET', `/v1/learners/${b.id}`), b.view, `${b.name}: the same learner`)
    t.same(await call('GET', `/v1/learners/${b.id}/account`), b.account, 'the same balances')
    const chain = await call('GET', `/v1/learners/${b.id}/chain`)
    t.same(chain, b.chain, 'the same chain')
    t.ok(chain.valid, 'which verifies')
    t.same(
      await call('GET', `/v1/learners/${b.id}/entries?limit=100`),
      b.entries,
      'the same entries, reasons included',
    )
  }
  t.ok(
    searchedByName > 0,
    `${searchedByName} of them searched by name (the others have no enrollment)`,
  )
  t.same(
    await clearTextIn(db, needles),
    [],
    'no name or 身份证号 in the clear in any accounts table',
  )
  const again = await sealLearnersAtStart(db, piiKey)
  t.same(again, { sealed: 0, setAside: [] }, 'a second start has nothing to seal')
})
