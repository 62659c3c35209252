import { createEvent } from '@creditbank/events'
import { decrypt } from '@creditbank/service-kit'
import { eventually, clearTextIn as textIn } from '@creditbank/testing'
import t from 'tap'
import { holderNameKeys } from '../src/domain/holder-name.js'
import { buildCertificates, SECRET_KEY } from './helper.js'

// Issue 17, per-learner keys (decision 0730): holder names and revocation reasons are sealed under
// the holder's own key; nothing of theirs is in the clear in any table; erasure destroys the key,
// so copies taken before it (a backup) no longer open with anything the database holds after.

const h = await buildCertificates()
t.teardown(() => h.close())
const { app } = h
const [org] = await h.orgs([{ name: '工业和信息化部教育与考试中心' }])
const web = await h.type(org!.id)
const [me, other] = await h.learners(2)
const issuer = h.issuerOf(org!.id)
const MY_NAME = '钱可删'
const THEIR_NAME = '赵旁人'
const REASON = `${MY_NAME}的考核记录有误`
const serviceKeys = holderNameKeys(Buffer.from(SECRET_KEY, 'hex'))

const post = (url: string, payload: object, headers: Record<string, string> = issuer) =>
  app.inject({ method: 'POST', url, headers, payload })
const get = (url: string, headers: Record<string, string> = h.admin) =>
  app.inject({ method: 'GET', url, headers })

const clearTextIn = (needles: string[]) => textIn(h.db, ['certificates'], needles)

const issueOne = (learnerId: string, holderName: string, level: string, key: string) =>
  post(
    '/v1/certificates',
    { typeCode: web.code, level, learnerId, holderName, issuedOn: '2025-06-30' },
    { ...issuer, 'idempotency-key': key },
  )

// Normal use: one issued alone, two in a batch (both with Idempotency-Keys), one revoked. Run
// inside the tests: tap ends a file's root that asserts at the top level and then waits.
const batchBody = {
  items: [
    {
      typeCode: web.code,
      level: 'intermediate',
      learnerId: me,
      holderName: MY_NAME,
      issuedOn: '2025-07-01',
    },
    {
      typeCode: web.code,
      level: 'junior',
      learnerId: other,
      holderName: THEIR_NAME,
      issuedOn: '2025-07-01',
    },
  ],
}
const used = (async () => {
  const single = await issueOne(me!, MY_NAME, 'junior', 'one-1')
  const batch = await post('/v1/certificates/batch', batchBody, {
    ...issuer,
    'idempotency-key': 'batch-1',
  })
  const [mine2, theirs] = (batch.json().items ?? []) as { id: string; holderName: string }[]
  const revoked = await post(`/v1/certificates/${mine2?.id}/revocation`, { reason: REASON })
  await eventually(async () => (await h.count('outbox_event')) === 0)
  return { single, batch, mine2: mine2!, theirs: theirs!, revoked }
})()

t.test(
  'after normal use every view shows the names, and no table holds them in the clear',
  async (t) => {
    const { single, batch, mine2, revoked } = await used
    t.equal(single.statusCode, 201, single.body)
    t.equal(batch.statusCode, 201, batch.body)
    t.equal(revoked.statusCode, 200, revoked.body)
    t.equal(single.json().holderName, MY_NAME)
    t.same(
      batch.json().items.map((i: { holderName: string }) => i.holderName),
      [MY_NAME, THEIR_NAME],
    )
    t.equal(revoked.json().revocationReason, REASON)
    const one = (await get(`/v1/certificates/${mine2.id}`)).json()
    t.match(one, { holderName: MY_NAME, revocationReason: REASON, status: 'revoked' })
    const mineOnly = (await get(`/v1/certificates?learnerId=${me}`, h.learnerToken(me!))).json()
    t.same(
      mineOnly.items.map((c: { holderName: string }) => c.holderName),
      [MY_NAME, MY_NAME],
      "the learner's own list",
    )
    const list = (await get('/v1/certificates', issuer)).json()
    t.same(
      list.items.map((c: { holderName: string }) => c.holderName).sort(),
      [MY_NAME, MY_NAME, THEIR_NAME].sort(),
      "the issuer's list",
    )
    const found = (await post('/v1/certificates/search', { holderName: MY_NAME })).json()
    t.equal(found.items.length, 2, 'found by the holder name (its keyed hash)')
    // Replays answer as the first time, names included, though nothing remembered them.
    const again = await issueOne(me!, MY_NAME, 'junior', 'one-1')
    t.equal(again.headers['idempotency-replayed'], 'true')
    t.same(again.json(), single.json(), 'a replayed issuance answers the same')
    const batchAgain = await post('/v1/certificates/batch', batchBody, {
      ...issuer,
      'idempotency-key': 'batch-1',
    })
    t.equal(batchAgain.headers['idempotency-replayed'], 'true')
    t.same(batchAgain.json(), batch.json(), 'a replayed batch answers the same')
    const verified = await post('/v1/certificates/verify', {
      number: single.json().number,
      holderName: MY_NAME,
    })
    t.equal(verified.json().status, 'valid')
    t.same(
      await clearTextIn([MY_NAME, THEIR_NAME, '考核记录']),
      [],
      'no name, no reason in the clear',
    )
    const keyRows = await h.db.selectFrom('learner_key').selectAll().execute()
    t.equal(keyRows.length, 2, 'one key per holder')
  },
)

t.test(
  'erasure destroys the key: copies taken before (a backup) no longer open; hashes still verify',
  async (t) => {
    const { single, mine2, theirs } = await used
    const backup = await h.db
      .selectFrom('certificate')
      .select(['id', 'holder_name_sealed', 'revocation_reason'])
      .where('learner_id', '=', me!)
      .execute()
    const keyBackup = await h.db
      .selectFrom('learner_key')
      .selectAll()
      .where('learner_id', '=', me!)
      .executeTakeFirstOrThrow()
    const myKey = Buffer.from(decrypt(serviceKeys.sealKey, keyBackup.key_sealed!), 'hex')
    t.equal(
      decrypt(myKey, backup.find((b) => b.revocation_reason)!.revocation_reason!),
      REASON,
      'before: the copy opens with the key the database holds',
    )
    const theirsBefore = (await get(`/v1/certificates/${theirs.id}`)).json()

    const erased = createEvent('/creditbank/accounts', {
      type: 'accounts.learner.erased',
      subject: me,
      data: { learnerId: me, erasedAt: new Date().toISOString() },
    })
    const send = () =>
      h.platform.transport.publish([
        { topic: 'creditbank.accounts.v1', key: me!, value: JSON.stringify(erased) },
      ])
    await send()
    await eventually(
      async () => h.platform.transport.events('certificates.erasure.completed').length === 1,
    )

    const tomb = await h.db
      .selectFrom('learner_key')
      .selectAll()
      .where('learner_id', '=', me!)
      .executeTakeFirstOrThrow()
    t.equal(tomb.key_sealed, null, 'the key row is a tombstone')
    t.ok(tomb.destroyed_at)
    // Everything the database holds now: every key still sealed there, and the service's key.
    const held = await h.db.selectFrom('learner_key').select('key_sealed').execute()
    const candidates = [
      serviceKeys.sealKey,
      serviceKeys.hashKey,
      ...held
        .filter((k) => k.key_sealed !== null)
        .map((k) => Buffer.from(decrypt(serviceKeys.sealKey, k.key_sealed!), 'hex')),
    ]
    const copies = backup
      .flatMap((b) => [b.holder_name_sealed, b.revocation_reason])
      .filter((v): v is string => v !== null)
    t.equal(copies.length, 3, 'two names and a reason were copied')
    const opened = copies.filter((c) =>
      candidates.some((k) => {
        try {
          decrypt(k, c)
          return true
        } catch {
          return false
        }
      }),
    )
    t.same(opened, [], 'no copy opens with any key the database holds after the erasure')

    const now = await h.db
      .selectFrom('certificate')
      .select(['holder_name_sealed', 'revocation_reason', 'holder_name_hash'])
      .where('learner_id', '=', me!)
      .execute()
    t.ok(
      now.every((c) => c.holder_name_sealed === null && c.revocation_reason === null),
      'the sealed copies are cleared as well',
    )
    const one = (await get(`/v1/certificates/${mine2.id}`)).json()
    t.match(one, { holderName: '', revocationReason: null, status: 'revoked' })
    const verified = await post('/v1/certificates/verify', {
      number: single.json().number,
      holderName: MY_NAME,
    })
    t.equal(verified.json().status, 'valid', 'a certificate already issued still verifies by name')
    t.same(
      (await get(`/v1/certificates/${theirs.id}`)).json(),
      theirsBefore,
      "another holder's certificate reads the same",
    )
    t.same(
      (await h.db.selectFrom('idempotency_key').select('key').execute()).map((k) => k.key),
      ['one-1'],
      "the batch's remembered answer (naming the learner by id) is forgotten",
    )
    const replay = await issueOne(me!, MY_NAME, 'junior', 'one-1')
    t.equal(replay.headers['idempotency-replayed'], 'true')
    t.equal(replay.json().holderName, '', 'a replay after the erasure shows no name')

    // A replayed erasure changes nothing.
    const state = async () => ({
      keys: await h.db.selectFrom('learner_key').selectAll().orderBy('learner_id').execute(),
      certificates: await h.db.selectFrom('certificate').selectAll().orderBy('id').execute(),
    })
    const before = await state()
    await send()
    await new Promise((r) => setTimeout(r, 300))
    t.same(await state(), before, 'a replayed erasure changes nothing')
    t.equal(h.platform.transport.events('certificates.erasure.completed').length, 1)

    // A late issuance for the erased learner: no key is made, no name kept; the hash verifies.
    const late = await post(
      '/v1/certificates',
      {
        typeCode: web.code,
        level: 'junior',
        learnerId: me,
        holderName: MY_NAME,
        issuedOn: '2025-08-01',
      },
      { ...issuer, 'idempotency-key': 'late-1' },
    )
    t.equal(late.statusCode, 201, late.body)
    t.equal(late.json().holderName, '', 'no name is shown')
    const lateRow = await h.db
      .selectFrom('certificate')
      .select('holder_name_sealed')
      .where('id', '=', late.json().id)
      .executeTakeFirstOrThrow()
    t.equal(lateRow.holder_name_sealed, null, 'nothing sealed for an erased learner')
    t.equal(
      (
        await h.db
          .selectFrom('learner_key')
          .select('key_sealed')
          .where('learner_id', '=', me!)
          .executeTakeFirstOrThrow()
      ).key_sealed,
      null,
      'and no new key made',
    )
    t.same(await clearTextIn([MY_NAME, '考核记录']), [], 'no clear name or reason afterwards')
  },
)
