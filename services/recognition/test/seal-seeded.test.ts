import { forSchema } from '@creditbank/db'
import { MemoryTransport } from '@creditbank/events'
import { assembleService, openFor, parseKey } from '@creditbank/service-kit'
import { capturedLogger, TEST_AUDIENCE, TEST_ISSUER, testKeys } from '@creditbank/testing'
import { sql } from 'kysely'
import t from 'tap'
import * as seeds from '../../../seeds/data.js'
import { demoSeeded } from '../../accounts/test/demo-seeded.js'
import { SCHEMA } from '../src/app.js'
import type { RecognitionDB } from '../src/db/schema.js'
import { definition } from '../src/definition.js'
import { openLearner, RecognitionPersonal } from '../src/domain/personal.js'
import { PEOPLE_REASON_ACTIONS } from '../src/domain/seal-at-start.js'

// Decision 0730's start-up migration to per-learner keys in recognition, on a database filled by
// the demo seeds (issue 17): the one-process run loads them as on a first `pnpm start`; recognition
// is started on it and its answers kept; its rows are put back as the code before per-learner keys
// kept them (clear, no keys); recognition started again seals them and answers the same.
t.setTimeout(420_000)

const run = await demoSeeded({ serve: false })
t.teardown(() => run.destroy())
const database = await run.stopAndOpen()
const db = forSchema<RecognitionDB>(database, SCHEMA)
const secret = run.secrets.RECOGNITION_SECRET_KEY!
const personal = new RecognitionPersonal(parseKey(secret, 'RECOGNITION_SECRET_KEY'))
const names = seeds.learners.map((l) => l.name)

const keys = testKeys()
const admin = keys.auth({ roles: ['admin'] })
/** recognition as a service starts (migrations, then the app, which seals before it serves). */
async function start() {
  const captured = capturedLogger()
  const transport = new MemoryTransport()
  await transport.connect()
  const app = await assembleService(
    definition,
    {
      database,
      transport,
      resolveKey: keys.resolveKey,
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
    },
    {
      RECOGNITION_SECRET_KEY: secret,
      SERVICE_CLIENT_SECRET: run.secrets.SERVICE_CLIENT_SECRET,
      IDENTITY_URL: 'http://127.0.0.1:9',
      ACCOUNTS_URL: 'http://127.0.0.1:9',
      PORTFOLIO_URL: 'http://127.0.0.1:9',
    },
    captured.logger,
  )
  return {
    app,
    logged: () => captured.lines.map((l) => JSON.parse(l) as { msg: string; sealed?: number }),
    async close() {
      await app.close()
      await transport.close()
    },
  }
}

/** Every application the admin sees, each in full, and what a search by each surname finds. */
async function answers(app: Awaited<ReturnType<typeof start>>['app']) {
  const get = async (url: string) => {
    const res = await app.inject({ method: 'GET', url, headers: admin })
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  const ids: string[] = []
  let cursor: string | null = null
  do {
    const page: { items: { id: string }[]; nextCursor: string | null } = await get(
      `/v1/applications?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
    )
    ids.push(...page.items.map((i) => i.id))
    cursor = page.nextCursor
  } while (cursor)
  const views = []
  for (const id of ids) views.push(await get(`/v1/applications/${id}`))
  const searches: Record<string, string[]> = {}
  for (const part of [...new Set(names.flatMap((n) => [n.slice(0, 1), n.slice(1), n]))])
    searches[part] = (
      await get(`/v1/applications?limit=100&learner=${encodeURIComponent(part)}`)
    ).items.map((i: { id: string }) => i.id)
  return { views, searches }
}

/** Every text, JSON and array column of recognition's tables that holds one of the needles. */
async function clearIn(needles: string[]) {
  const cols = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'recognition' and t.table_type = 'BASE TABLE'
      and c.data_type in ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY')`.execute(
    database.kysely,
  )
  const hits = new Set<string>()
  for (const c of cols.rows)
    for (const n of needles) {
      const r = await sql<{ n: string }>`select count(*)::text as n
        from ${sql.table(`recognition.${c.table_name}`)}
        where ${sql.ref(c.column_name)}::text like ${`%${n}%`}`.execute(database.kysely)
      if (r.rows[0]!.n !== '0') hits.add(`${c.table_name}.${c.column_name}`)
    }
  return [...hits].sort()
}

const positionSearches: Record<string, string[]> = {}
const first = await start()
const before = await answers(first.app)
await first.close()

t.test('the demo seeds filled recognition as expected', async (t) => {
  t.ok(before.views.length > 5, `applications: ${before.views.length}`)
  t.ok(
    before.views.some((v) => v.learner?.name === '张建国'),
    'the reviewers see 张建国 by name',
  )
  t.ok(before.searches['张']!.length > 0, 'and find him by 张')
  t.ok(
    before.views.some((v) =>
      v.trail.some(
        (s: { by: { role: string }; reason: string | null }) => s.by.role !== 'system' && s.reason,
      ),
    ),
    'with reasons people wrote',
  )
  t.same(await clearIn(names), [], 'no name in the clear')
})

t.test('the rows put back as the code before per-learner keys kept them', async (t) => {
  await db.transaction().execute(async (trx) => {
    const all = await personal.keys.getMany(
      trx,
      (await trx.selectFrom('learner_key').select('learner_id').execute()).map((k) => k.learner_id),
    )
    for (const l of await trx.selectFrom('learner').selectAll().execute()) {
      const p = openLearner(all.get(l.id), l.personal_sealed)
      await trx
        .updateTable('learner')
        .set({
          name: p.name,
          national_id_masked: p.nationalIdMasked,
          personal_sealed: null,
          name_tokens: sql`'{}'` as never,
        })
        .where('id', '=', l.id)
        .execute()
    }
    const trail = await trx
      .selectFrom('application_trail as t')
      .innerJoin('application as a', 'a.id', 't.application_id')
      .select(['t.seq', 't.reason_sealed', 'a.learner_id'])
      .where('t.reason_sealed', 'is not', null)
      .execute()
    for (const x of trail)
      await trx
        .updateTable('application_trail')
        .set({ reason: openFor(all.get(x.learner_id), x.reason_sealed), reason_sealed: null })
        .where('seq', '=', x.seq)
        .execute()
    await trx.deleteFrom('learner_key').execute()
  })
  t.same(await clearIn(names), ['learner.name'], 'the names in the clear, as before')
  // What the search answered before the names were sealed: `position` in the clear name, or the
  // account number, newest first (the admin's list, as listApplications wrote it).
  for (const part of Object.keys(before.searches))
    positionSearches[part] = (
      await sql<{ id: string }>`select id from recognition.application
        where learner_id in (select id from recognition.learner
          where position(${part} in name) > 0 or account_no = ${part})
        order by id desc limit 100`.execute(database.kysely)
    ).rows.map((r) => r.id)
  t.same(before.searches, positionSearches, 'the blind index found what position finds')
})

t.test('recognition started on it seals every row, and answers as before', async (t) => {
  const people = Number(
    (
      await db
        .selectFrom('learner')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('name', 'is not', null)
        .executeTakeFirstOrThrow()
    ).n,
  )
  const reasons = Number(
    (
      await db
        .selectFrom('application_trail')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('reason', 'is not', null)
        .where('actor', '<>', 'system')
        .where('action', 'in', [...PEOPLE_REASON_ACTIONS])
        .executeTakeFirstOrThrow()
    ).n,
  )
  t.ok(reasons > 0, `people's reasons to seal: ${reasons}`)
  const second = await start()
  t.teardown(() => second.close())
  const logged = second.logged()
  t.equal(
    logged.find((l) => l.msg === 'personal values moved to per-learner keys')?.sealed,
    people + reasons,
    `the start sealed every learner (${people}) and every reason people wrote (${reasons})`,
  )
  t.notOk(
    logged.some((l) => l.msg.startsWith('rows set aside')),
    'and set none aside',
  )
  t.same(await clearIn(names), [], 'no name in the clear')
  const after = await answers(second.app)
  t.same(after.views, before.views, 'every application reads as before')
  t.same(after.searches, positionSearches, 'every search finds what position found, in its order')
})
