import { sql } from 'kysely'
import t from 'tap'
import { SCHEMA } from '../src/app.js'
import { bitAt, decodeList } from '../src/credentials/status-list.js'
import { BASE_URL, buildPortfolio, fixtures } from './helper.js'

const pf = await buildPortfolio()
t.teardown(() => pf.close())
const { app } = pf
const f = fixtures()
const me = pf.learner(f.learnerId)
const entries = Array.from({ length: 24 }, (_, i) =>
  f.outcome({ title: `课程 ${i}`, code: `C${i}` }),
)
await pf.apply(f.orgRegistered(f.school, '郑州职业技术学院'), f.learnerOpened(), ...entries)

const credentialOf = async (entryId: string) => {
  const res = await app.inject({
    method: 'GET',
    url: `/v1/learners/${f.learnerId}/credentials/${entryId}`,
    headers: me,
  })
  if (res.statusCode !== 200) throw new Error(`issue answered ${res.statusCode}: ${res.body}`)
  return res.json()
}
const verify = (verifiableCredential: unknown) =>
  app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } })
const listOf = async (url: string) =>
  (await app.inject({ method: 'GET', url: url.slice(BASE_URL.length) })).json()

t.test('status indexes are random, unused and unique: issuance order does not show', async (t) => {
  // All at once: concurrent allocations for one issuer must not collide.
  const issued = await Promise.all(
    entries.slice(0, 20).map((e) => credentialOf(e.data.entryId as string)),
  )
  const lists = new Set(issued.map((vc) => vc.credentialStatus.statusListCredential))
  t.equal(lists.size, 1, 'one list while it has room')
  const indexes = issued.map((vc) => Number(vc.credentialStatus.statusListIndex))
  t.equal(new Set(indexes).size, indexes.length, 'no index is given twice')
  t.ok(
    indexes.every((i) => Number.isInteger(i) && i >= 0 && i < 131_072),
    'every index is inside the list',
  )
  // Sequential allocation would give 0, 1, 2, …; 20 random draws in increasing order or all
  // below 1,000 have odds far below one in a trillion.
  t.notSame(
    indexes,
    [...indexes].sort((a, b) => a - b),
    'not in issuance order',
  )
  t.ok(Math.max(...indexes) >= 1_000, 'spread over the list, not packed at its start')
  const stored = await pf.db
    .selectFrom('credential_status')
    .select(['status_list_id', 'status_index'])
    .where('issuer_id', '=', f.school)
    .execute()
  t.equal(stored.length, 20, 'one status entry per credentialed entry')
  t.equal(new Set(stored.map((s) => `${s.status_list_id}:${s.status_index}`)).size, 20)

  const twice = await Promise.all([
    credentialOf(entries[22]?.data.entryId as string),
    credentialOf(entries[22]?.data.entryId as string),
  ])
  t.same(
    twice[0].credentialStatus,
    twice[1].credentialStatus,
    'the same entry asked for twice at once gets one entry',
  )
})

t.test(
  'a full list is closed and the next entry goes to a new list of 131,072 entries',
  async (t) => {
    const before = await credentialOf(entries[0]?.data.entryId as string)
    const oldUrl: string = before.credentialStatus.statusListCredential
    const oldId = oldUrl.split('/').pop() as string
    // Every remaining index of the open list taken (as if 131,072 things had been credentialed).
    const statusTable = sql.table(`${SCHEMA}.credential_status`)
    await sql`
    insert into ${statusTable} (ref_id, issuer_id, status_list_id, status_index)
    select 'filler-' || i, ${f.school}, ${oldId}::uuid, i from generate_series(0, 131071) as i
    where not exists (select 1 from ${statusTable} s where s.status_list_id = ${oldId}::uuid and s.status_index = i)
  `.execute(pf.db)

    const next = await credentialOf(entries[20]?.data.entryId as string)
    const newUrl: string = next.credentialStatus.statusListCredential
    t.not(newUrl, oldUrl, 'a new list')
    const lists = await pf.db
      .selectFrom('status_list')
      .select(['id', 'closed_at', 'size'])
      .where('issuer_id', '=', f.school)
      .orderBy('created_at')
      .execute()
    t.equal(lists.length, 2)
    t.ok(lists[0]?.closed_at, 'the full list is closed')
    t.equal(lists[1]?.closed_at, null, 'the new one is open')
    const fresh = await listOf(newUrl)
    t.equal(decodeList(fresh.credentialSubject.encodedList).length * 8, 131_072)
    t.notOk(
      bitAt(
        decodeList(fresh.credentialSubject.encodedList),
        Number(next.credentialStatus.statusListIndex),
      ),
    )

    // The old list is still served and its credentials still verify; the same entry keeps its bit.
    t.equal((await verify(before)).statusCode, 200)
    t.equal((await verify(next)).statusCode, 200)
    t.equal(
      (await credentialOf(entries[0]?.data.entryId as string)).credentialStatus
        .statusListCredential,
      oldUrl,
    )
    const third = await credentialOf(entries[21]?.data.entryId as string)
    t.equal(
      third.credentialStatus.statusListCredential,
      newUrl,
      'later entries go to the open list',
    )
  },
)
