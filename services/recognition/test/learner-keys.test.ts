import { randomBytes, randomUUID } from 'node:crypto'
import { encrypt, openFor } from '@creditbank/service-kit'
import { eventually, testService, clearTextIn as textIn } from '@creditbank/testing'
import { sql } from 'kysely'
import t from 'tap'
import recognitionApp from '../src/app.js'
import { sealRecognitionAtStart } from '../src/domain/seal-at-start.js'
import { buildRecognition, monthsAgo, SECRET_KEY_HEX } from './helper.js'

// Per-learner keys in recognition (decision 0730, issue 17): what it holds about a person is
// sealed under that learner's key, reviewers still find the learner by part of the name, the
// erasure destroys the key (copies taken before no longer open), and rows written before are
// sealed at start.
const r = await buildRecognition()
t.teardown(() => r.close())
const { app } = r

const NAME = '张建国'
const MASKED = '410105********123X'
const school = await r.organization('school')

const get = (id: string, headers: Record<string, string>) =>
  app.inject({ method: 'GET', url: `/v1/applications/${id}`, headers })
const post = (url: string, headers: Record<string, string>, payload: unknown) =>
  app.inject({ method: 'POST', url, headers, payload: payload as object })
const search = async (part: string, headers: Record<string, string>, limit = 20) =>
  (
    await app.inject({
      method: 'GET',
      url: `/v1/applications?limit=${limit}&learner=${encodeURIComponent(part)}`,
      headers,
    })
  ).json() as { items: { id: string; learner: { name: string } }[]; nextCursor: string | null }

/** A learner known by name, enrolled at the school, with `outcomes` course outcomes. */
async function learnerNamed(name: string, program: string, outcomes = 1) {
  const learner = randomUUID()
  r.accounts.name(learner, name, MASKED)
  const courses = Array.from({ length: outcomes }, (_, k) =>
    r.outcome(learner, {
      kind: 'course',
      title: `课程${k}`,
      code: `C${k}-${randomUUID().slice(0, 6)}`,
      credits: '2',
      occurredOn: monthsAgo(2),
    }),
  )
  await r.deliver([
    {
      type: 'accounts.learner.opened',
      subject: learner,
      data: {
        learnerId: learner,
        accountNo: `CB${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`,
        category: 'student',
        openedByOrgId: null,
        regionCode: '410105',
      },
    },
    r.enrollment(learner, school, program),
    ...courses,
  ])
  return { learner, entries: courses.map((c) => c.data.entryId as string) }
}

/** The learner applies (no rule: the school's reviewers decide) with a statement and files. */
async function apply(
  learner: string,
  entryId: string,
  program: string,
  statement?: string,
  evidenceIds: string[] = [],
) {
  const res = await post('/v1/applications', r.learner(learner), {
    sourceEntryIds: [entryId],
    targetOrgId: school,
    programCode: program,
    ...(statement ? { statement } : {}),
    evidenceIds,
    award: {
      courseCode: `K-${randomUUID().slice(0, 6)}`,
      courseName: '认定课程',
      courseType: 'elective',
      credits: '2',
    },
  })
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`)
  return res.json().id as string
}

const columnsHolding = (needle: string) =>
  textIn(r.platform.database.kysely, ['recognition'], [needle])

const outboxRelayed = () => eventually(async () => (await r.count('outbox_event')) === 0, 20_000)

t.test('sealed at rest, shown as before, found by part of the name; erased for good', async (t) => {
  const program = 'P-KEYS'
  const { learner, entries } = await learnerNamed(NAME, program, 2)
  const file = randomUUID()
  r.portfolio.name(file, `${NAME}-成绩单.pdf`)
  await r.deliver([
    {
      type: 'portfolio.evidence.added',
      subject: learner,
      data: {
        evidenceId: file,
        learnerId: learner,
        sha256: 'a'.repeat(64),
        mediaType: 'application/pdf',
        sizeBytes: 10,
      },
    },
  ])
  const reviewer = r.reviewer(school, { sub: 'rev-keys' })
  const first = await apply(learner, entries[0]!, program, `请认定：${NAME}的课程`, [file])
  const second = await apply(learner, entries[1]!, program)
  const decide = (id: string, decision: string, reason: string, by = reviewer) =>
    post(`/v1/applications/${id}/decisions`, by, { decision, reason })
  t.equal((await decide(first, 'reject', `${NAME}的材料不全`)).statusCode, 200)
  t.equal(
    (
      await post(`/v1/applications/${first}/appeal`, r.learner(learner), {
        reason: `${NAME}补交了材料`,
      })
    ).statusCode,
    200,
  )
  // The appeal goes to another reviewer: the one who rejected it does not decide it again.
  const other = r.reviewer(school, { sub: 'rev-keys-2' })
  t.equal((await decide(first, 'approve', `同意${NAME}`, other)).statusCode, 200)
  t.equal(
    (
      await post(`/v1/applications/${second}/withdrawal`, r.learner(learner), {
        reason: `${NAME}撤回`,
      })
    ).statusCode,
    200,
  )
  t.equal(
    (await post(`/v1/applications/${first}/evidence/${file}/reads`, reviewer, {})).statusCode,
    201,
  )

  // Shown as before: the reviewer's view, the learner's, the evidence reads.
  const view = (await get(first, reviewer)).json()
  t.match(view.learner, { name: NAME, nationalIdMasked: '4101**********123X' })
  t.equal(view.statement, `请认定：${NAME}的课程`)
  t.match(view.evidence, [{ id: file, filename: `${NAME}-成绩单.pdf` }])
  t.same(
    view.trail.map((s: { action: string; reason: string | null }) => [s.action, s.reason]),
    [
      ['opened', 'no rule matches: reviewed by the target organization'],
      ['rejected', `${NAME}的材料不全`],
      ['appealed', `${NAME}补交了材料`],
      ['approved', `同意${NAME}`],
    ],
    "the people's reasons open, the system's words as they were",
  )
  t.equal((await get(second, r.learner(learner))).json().trail.at(-1).reason, `${NAME}撤回`)
  const reads = await app.inject({
    method: 'GET',
    url: `/v1/applications/${first}/evidence-reads`,
    headers: reviewer,
  })
  t.match(reads.json().items, [{ evidenceId: file, filename: `${NAME}-成绩单.pdf` }])

  // Found by one character, by two, by all three, and by the account number; not by what the name
  // does not hold.
  for (const part of ['张', '建国', NAME])
    t.same(
      (await search(part, reviewer)).items.map((i) => i.id).sort(),
      [first, second].sort(),
      `found by ${part}`,
    )
  t.same((await search('国建', reviewer)).items, [], 'the characters out of order find nothing')
  t.same((await search('张建国国', reviewer)).items, [], 'more than the name finds nothing')

  // Nothing personal in the clear in any table (the outbox relayed: the decided and rejected
  // events carry the reviewer's reason by contract, in the topics, not here).
  await outboxRelayed()
  t.same(await columnsHolding(NAME), [], 'no column holds the name or a text that names them')
  t.same(await columnsHolding(MASKED), [], 'no column holds the masked number')
  t.same(await columnsHolding('成绩单.pdf'), [], 'no column holds the file name')

  // A backup, as taken before the erasure: the sealed values and the learner's key row.
  const backup = {
    personal: await r.db
      .selectFrom('learner')
      .select(['personal_sealed', 'name_tokens'])
      .where('id', '=', learner)
      .executeTakeFirstOrThrow(),
    statements: (
      await r.db
        .selectFrom('application')
        .select('statement_sealed')
        .where('learner_id', '=', learner)
        .execute()
    ).flatMap((a) => (a.statement_sealed ? [a.statement_sealed] : [])),
    file: (
      await r.db
        .selectFrom('evidence')
        .select('filename_sealed')
        .where('id', '=', file)
        .executeTakeFirstOrThrow()
    ).filename_sealed,
    reasons: (
      await r.db
        .selectFrom('application_trail')
        .select('reason_sealed')
        .where('application_id', 'in', [first, second])
        .where('reason_sealed', 'is not', null)
        .execute()
    ).map((x) => x.reason_sealed!),
  }
  t.equal(backup.reasons.length, 4, 'four reasons people wrote, sealed')
  t.equal(backup.statements.length, 1)
  const sealedCopies = [
    backup.personal.personal_sealed!,
    ...backup.statements,
    backup.file!,
    ...backup.reasons,
  ]
  t.ok(backup.personal.name_tokens.length > 0, 'the name has search tokens')

  // Erased: the key is destroyed, and with it every copy; the search finds nothing; the views show nothing.
  const bystander = await learnerNamed('赵旁人', program)
  r.accounts.erase(learner)
  const erasure = {
    type: 'accounts.learner.erased',
    subject: learner,
    data: { learnerId: learner, erasedAt: new Date().toISOString() },
  }
  await r.deliver([erasure])
  const keyRow = await r.db
    .selectFrom('learner_key')
    .selectAll()
    .where('learner_id', '=', learner)
    .executeTakeFirstOrThrow()
  t.equal(keyRow.key_sealed, null, 'the key row is a tombstone')
  t.ok(keyRow.destroyed_at)
  // Everything the database holds afterwards: every key still there, opened as the service opens it.
  const keys = await r.personal.keys.getMany(
    r.db,
    (await r.db.selectFrom('learner_key').select('learner_id').execute()).map((k) => k.learner_id),
  )
  t.ok(keys.has(bystander.learner), 'another learner keeps their key')
  t.equal((await r.personalOf(bystander.learner)).name, '赵旁人', 'and reads the same')
  const opens = sealedCopies.filter((c) =>
    [...keys.values()].some((k) => {
      try {
        openFor(k, c)
        return true
      } catch {
        return false
      }
    }),
  )
  t.same(opens, [], 'no copy taken before the erasure opens under any key the database holds')
  const after = await r.db
    .selectFrom('learner')
    .selectAll()
    .where('id', '=', learner)
    .executeTakeFirstOrThrow()
  t.same(
    [after.personal_sealed, after.name_tokens, after.name],
    [null, [], null],
    'the name and its tokens are gone',
  )
  t.same((await search('张', reviewer)).items, [], 'the search finds nothing')
  const shown = (await get(first, reviewer)).json()
  t.match(shown, { learner: { name: null, nationalIdMasked: null }, statement: null })
  t.match(shown.evidence, [{ id: file, filename: null }])
  t.ok(
    shown.trail
      .filter((s: { actor: string }) => s.actor !== 'system')
      .every((s: { reason: unknown }) => s.reason === null),
    'no reason about the person',
  )
  t.equal(shown.status, 'approved', 'the decision stays')

  // A replayed erasure changes nothing; a late opening makes no key and writes no name.
  await r.deliver([{ ...erasure }])
  const again = await r.db
    .selectFrom('learner_key')
    .selectAll()
    .where('learner_id', '=', learner)
    .executeTakeFirstOrThrow()
  t.same(again, keyRow, 'the tombstone is as it was')
  r.accounts.name(learner, NAME, MASKED) // as if accounts still answered
  await r.deliver([
    {
      type: 'accounts.learner.corrected',
      subject: learner,
      data: { learnerId: learner, fields: ['name'] },
    },
  ])
  t.same(
    await r.personalOf(learner),
    { name: null, nationalIdMasked: null },
    'nothing sealed again',
  )
  t.same(
    (
      await r.db
        .selectFrom('learner')
        .select('name_tokens')
        .where('id', '=', learner)
        .executeTakeFirstOrThrow()
    ).name_tokens,
    [],
  )
})

t.test(
  'a candidate whose pairs match but not in a row is dropped, and the page reads on',
  async (t) => {
    const program = 'P-FALSE'
    const real = await learnerNamed('王张建国', program)
    // Two decoys hold 张, 建, 国, 张建 and 建国 but not 张建国; their applications are newer, so
    // with one a page the list meets them first.
    const decoys = [
      await learnerNamed('张建华建国', program),
      await learnerNamed('张建明建国', program),
    ]
    const realApp = await apply(real.learner, real.entries[0]!, program)
    const decoyApps = [
      await apply(decoys[0]!.learner, decoys[0]!.entries[0]!, program),
      await apply(decoys[1]!.learner, decoys[1]!.entries[0]!, program),
    ]
    const reviewer = r.reviewer(school, { sub: 'rev-false' })
    const page = await search('张建国', reviewer, 1)
    t.same(
      page.items.map((i) => i.id),
      [realApp],
      'the decoys are dropped and the page reads on to it',
    )
    t.equal(page.nextCursor, null, 'nothing after it')
    const all = await search('建国', reviewer)
    t.same(
      all.items.map((i) => i.id),
      [decoyApps[1], decoyApps[0], realApp],
      'all three, newest first',
    )
    const one = await search('建国', reviewer, 1)
    t.same(
      one.items.map((i) => i.id),
      [decoyApps[1]],
      'a page of one',
    )
    const next = (
      await app.inject({
        method: 'GET',
        url: `/v1/applications?limit=1&learner=${encodeURIComponent('建国')}&cursor=${one.nextCursor}`,
        headers: reviewer,
      })
    ).json()
    t.same(
      next.items.map((i: { id: string }) => i.id),
      [decoyApps[0]],
      'the next page goes on',
    )
    t.same((await search('华国', reviewer)).items, [], 'a pair no name holds finds nothing')
  },
)

t.test(
  'rows written before per-learner keys are sealed at start; a second start seals nothing',
  async (t) => {
    const program = 'P-START'
    const reviewer = r.reviewer(school, { sub: 'rev-start' })
    // Three learners as the code before wrote them: names, statements, file names and people's
    // reasons in the clear, no key. One of them was erased before (no key row either) and wrote a
    // statement after (the code before did not refuse it).
    const people = [await learnerNamed('钱旧名', program), await learnerNamed('孙旧名', program)]
    const apps: string[] = []
    for (const [k, p] of people.entries()) {
      const id = await apply(p.learner, p.entries[0]!, program, `旧的陈述${k}`)
      await post(`/v1/applications/${id}/decisions`, reviewer, {
        decision: 'reject',
        reason: `旧的理由${k}`,
      })
      apps.push(id)
    }
    const file = randomUUID()
    await r.deliver([
      {
        type: 'portfolio.evidence.added',
        subject: people[0]!.learner,
        data: {
          evidenceId: file,
          learnerId: people[0]!.learner,
          sha256: 'b'.repeat(64),
          mediaType: 'image/png',
          sizeBytes: 5,
        },
      },
    ])
    const erased = await learnerNamed('李已删', program)
    const erasedApp = await apply(erased.learner, erased.entries[0]!, program)
    const ids = people.map((p) => p.learner)
    await r.db
      .deleteFrom('learner_key')
      .where('learner_id', 'in', [...ids, erased.learner])
      .execute()
    for (const [k, id] of ids.entries())
      await r.db
        .updateTable('learner')
        .set({
          name: ['钱旧名', '孙旧名'][k]!,
          national_id_masked: MASKED,
          personal_sealed: null,
          name_tokens: sql`'{}'` as never,
        })
        .where('id', '=', id)
        .execute()
    for (const [k, id] of apps.entries()) {
      await r.db
        .updateTable('application')
        .set({ statement: `旧的陈述${k}`, statement_sealed: null })
        .where('id', '=', id)
        .execute()
      await r.db
        .updateTable('application_trail')
        .set({ reason: `旧的理由${k}`, reason_sealed: null })
        .where('application_id', '=', id)
        .where('action', '=', 'rejected')
        .execute()
    }
    await r.db
      .updateTable('evidence')
      .set({ filename: '旧文件.png', filename_sealed: null })
      .where('id', '=', file)
      .execute()
    await r.db
      .updateTable('learner')
      .set({ personal_sealed: null, name_tokens: sql`'{}'` as never, erased_at: new Date() })
      .where('id', '=', erased.learner)
      .execute()
    await r.db
      .updateTable('application')
      .set({ statement: '删除后写的' })
      .where('id', '=', erasedApp)
      .execute()
    // A learner whose key row was sealed under another key (a restored table from elsewhere): set aside.
    const stray = await learnerNamed('周错钥', program)
    const strayApp = await apply(stray.learner, stray.entries[0]!, program)
    await r.db
      .updateTable('learner_key')
      .set({ key_sealed: encrypt(randomBytes(32), randomBytes(32).toString('hex')) })
      .where('learner_id', '=', stray.learner)
      .execute()
    await r.db
      .updateTable('application')
      .set({ statement: '错钥的陈述' })
      .where('id', '=', strayApp)
      .execute()

    // A replica starts (no workers): the sealing runs before it serves.
    await outboxRelayed()
    const replica = await testService('recognition', recognitionApp, r.platform, {
      secretKeyHex: SECRET_KEY_HEX,
      startWorkers: false,
    })
    t.teardown(() => replica.close())
    for (const needle of ['旧名', '旧的陈述', '旧的理由', '旧文件', '删除后写的'])
      t.same(await columnsHolding(needle), [], `${needle}: nowhere in the clear`)
    t.same(
      await columnsHolding('错钥的陈述'),
      ['recognition.application.statement'],
      'the set-aside row is left as it was',
    )
    t.same(
      await columnsHolding('no rule matches'),
      ['recognition.application_trail.reason'],
      "the system's words stay clear",
    )
    const tomb = await r.db
      .selectFrom('learner_key')
      .selectAll()
      .where('learner_id', '=', erased.learner)
      .executeTakeFirstOrThrow()
    t.equal(tomb.key_sealed, null, 'a learner erased before gets a tombstone, not a key')

    // Shown and found as before.
    for (const [k, id] of apps.entries()) {
      const v = (
        await replica.inject({ method: 'GET', url: `/v1/applications/${id}`, headers: reviewer })
      ).json()
      t.equal(v.learner.name, ['钱旧名', '孙旧名'][k])
      t.equal(v.learner.nationalIdMasked, '4101**********123X')
      t.equal(v.statement, `旧的陈述${k}`)
      t.equal(
        v.trail.find((s: { action: string }) => s.action === 'rejected').reason,
        `旧的理由${k}`,
      )
    }
    t.equal(await r.fileNameOf(file), '旧文件.png')
    t.same(
      (await search('旧名', reviewer)).items.map((i) => i.id).sort(),
      [...apps].sort(),
      'found by part of the name',
    )
    t.equal((await get(erasedApp, reviewer)).json().statement, null)

    const second = await sealRecognitionAtStart(r.db, r.personal)
    t.equal(second.sealed, 0, 'a second start seals nothing')
    t.same(second.setAside, [strayApp], 'and sets the same row aside again')
  },
)
