import { createHash, randomUUID } from 'node:crypto'
import { forSchema, migrate } from '@creditbank/db'
import { encrypt } from '@creditbank/service-kit'
import { capturedLogger, testPlatform, testService } from '@creditbank/testing'
import { sql } from 'kysely'
import t from 'tap'
import certificatesApp, { SCHEMA } from '../src/app.js'
import { migrations } from '../src/db/migrations.js'
import type { CertificatesDB } from '../src/db/schema.js'
import { hashHolderName, holderNameKeys } from '../src/domain/holder-name.js'
import { sealCertificatesAtStart } from '../src/domain/seal-at-start.js'
import { SECRET_KEY } from './helper.js'

// Issue 17, the migration to per-learner keys (decision 0730): a registry written by the code
// before (names sealed under the service key, reasons in the clear, an erased holder's name
// cleared to '') is migrated, and the service's start seals it under the holders' keys.

t.setTimeout(240_000)
const NEW = '2026-12-09T0301_certificates_learner_keys'
const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name !== NEW))
const platform = await testPlatform({ [SCHEMA]: before })
const db = forSchema<CertificatesDB>(platform.database, SCHEMA)
const keys = holderNameKeys(Buffer.from(SECRET_KEY, 'hex'))
const table = (name: string) => sql.table(`${SCHEMA}.${name}`)

// Everything runs inside the tests: PGlite keeps no handle open, so the file's root would end
// (and tear the database down) while the top level awaited it.
async function setup() {
  // As the code before wrote them: 120 holders with a certificate each (every fifth revoked),
  // one erased holder (name '' and a revoked certificate), one name sealed under another key.
  const org = randomUUID()
  await sql`insert into ${table('organization')} (id, code, name, kind, region_code)
    values (${org}, 'EVAL', '评价组织', 'evaluation_org', '110000')`.execute(db)
  await sql`insert into ${table('certificate_type')} (code, name, evaluation_org_id, levels, validity_years, created_by)
    values ('OLD-T', '旧证书', ${org}, array['junior'], 3, 'test')`.execute(db)
  const holders = Array.from({ length: 123 }, (_, i) => ({
    id: randomUUID(),
    cert: randomUUID(),
    name: `旧名${i}`,
    reason: i % 5 === 0 || i === 120 ? `旧因${i}` : null,
    sealed: i === 120 ? '' : encrypt(i === 121 ? Buffer.alloc(32, 7) : keys.sealKey, `旧名${i}`),
  }))
  const erasedOne = holders[120]!
  const badOne = holders[121]!
  for (const [i, x] of holders.entries()) {
    await sql`insert into ${table('learner')} (id) values (${x.id})`.execute(db)
    await sql`insert into ${table('certificate')} (id, number, type_code, level, learner_id,
        holder_name_hash, holder_name_sealed, issued_on, expires_on, evaluation_org_id, region_code,
        issued_by, revoked_at, revocation_reason, revoked_by)
      values (${x.cert}, ${`OLD-T-2025-${String(i + 1).padStart(7, '0')}`}, 'OLD-T', 'junior', ${x.id},
        ${hashHolderName(keys, x.name)}, ${x.sealed}, '2025-01-01', '2028-01-01', ${org}, '110000',
        'test', ${x.reason ? new Date() : null}, ${x.reason}, ${x.reason ? 'test' : null})`.execute(
      db,
    )
  }

  // A batch's answer remembered whole, as the code before kept it (the name in the clear).
  const one = holders[7]!
  const rememberedBody = {
    items: [
      {
        typeCode: 'OLD-T',
        level: 'junior',
        learnerId: one.id,
        holderName: one.name,
        issuedOn: '2025-01-01',
      },
    ],
  }
  const issuer = platform.keys.auth({ roles: ['issuer'], org, sub: 'issuer-of-old' })
  await sql`insert into ${table('idempotency_key')} (actor, key, request_hash, status, body)
    values ('issuer-of-old', 'old-batch', ${createHash('sha256')
      .update('POST /v1/certificates/batch')
      .update(JSON.stringify(rememberedBody))
      .digest('hex')}, 201, ${JSON.stringify({
      items: [
        {
          index: 0,
          created: true,
          id: one.cert,
          number: 'OLD-T-2025-0000008',
          learnerId: one.id,
          holderName: one.name,
          typeCode: 'OLD-T',
          level: 'junior',
          issuedOn: '2025-01-01',
          accountNo: null,
        },
      ],
      created: 1,
      existing: 0,
      dryRun: false,
    })})`.execute(db)
  const ran = await migrate(platform.database, SCHEMA, migrations)
  if (ran.join() !== NEW) throw new Error(`migrations run: ${ran.join()}`)
  const captured = capturedLogger()
  const app = await testService(
    'certificates',
    certificatesApp,
    platform,
    { secretKeyHex: SECRET_KEY, accountsUrl: 'http://127.0.0.1:9' },
    captured.logger,
  )
  t.teardown(() => app.close())
  return { app, captured, org, holders, erasedOne, badOne, issuer, rememberedBody }
}
const ready = setup()
t.teardown(async () => {
  await (await ready).app.close()
  await platform.close()
})

t.test(
  'the start sealed every row under its holder key, set one aside, and logged it',
  async (t) => {
    t.ok(migrations[NEW], 'the migration is there')
    const { captured, badOne, erasedOne } = await ready
    const setAsideLog = captured.lines.find((l) => l.includes('certificates set aside'))
    t.ok(setAsideLog?.includes(badOne.cert), 'the set-aside row is named in the log')
    t.match(JSON.parse(setAsideLog!), { count: 1 })
    const rows = await db.selectFrom('certificate').selectAll().orderBy('number').execute()
    const left = rows.filter(
      (r) => r.holder_name_legacy !== null || r.revocation_reason_legacy !== null,
    )
    t.same(
      left.map((r) => r.id),
      [badOne.cert],
      'only the set-aside row keeps its legacy value',
    )
    t.equal(left[0]!.holder_name_legacy, badOne.sealed, 'left exactly as it was')
    t.equal(
      (await db.selectFrom('learner_key').selectAll().execute()).filter((k) => k.key_sealed).length,
      122,
      'a key for each holder but the erased one (the set-aside one gets one too, and keeps it)',
    )
    const erasedKey = await db
      .selectFrom('learner_key')
      .selectAll()
      .where('learner_id', '=', erasedOne.id)
      .executeTakeFirstOrThrow()
    t.equal(erasedKey.key_sealed, null, 'the holder erased before has a tombstone')
    const erasedRow = rows.find((r) => r.id === erasedOne.cert)!
    t.same(
      [erasedRow.holder_name_sealed, erasedRow.revocation_reason],
      [null, null],
      "the erased holder's reason is cleared, not sealed",
    )
    const clear = await sql<{ n: string }>`select count(*)::text as n from ${table('certificate')}
    where revocation_reason like '旧因%' or holder_name_sealed like '%旧名%'`.execute(db)
    t.equal(clear.rows[0]!.n, '0', 'no reason or name left in the clear')
  },
)

t.test('views, lists and verification answer as before', async (t) => {
  const { app, org, holders, erasedOne, badOne } = await ready
  const admin = platform.keys.auth({ roles: ['admin'] })
  const one = holders[5]!
  const res = await app.inject({
    method: 'GET',
    url: `/v1/certificates/${one.cert}`,
    headers: admin,
  })
  t.match(res.json(), { holderName: one.name, revocationReason: one.reason, status: 'revoked' })
  // Two pages: each opens its holders' keys at once.
  const names = new Map<string, string>()
  let cursor: string | null = null
  do {
    const page: { items: { id: string; holderName: string }[]; nextCursor: string | null } = (
      await app.inject({
        method: 'GET',
        url: `/v1/certificates?orgId=${org}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        headers: admin,
      })
    ).json()
    for (const c of page.items) names.set(c.id, c.holderName)
    cursor = page.nextCursor
  } while (cursor)
  t.equal(names.size, 123)
  t.ok(
    [...holders.slice(0, 120), holders[122]!].every((x) => names.get(x.cert) === x.name),
    'every sealed name opens in the list',
  )
  t.equal(names.get(erasedOne.cert), '', 'the erased holder shows no name')
  t.equal(names.get(badOne.cert), '', 'the set-aside row shows no name until it opens')
  const verified = await app.inject({
    method: 'POST',
    url: '/v1/certificates/verify',
    payload: { number: 'OLD-T-2025-0000008', holderName: holders[7]!.name },
  })
  t.equal(verified.json().status, 'valid')
})

t.test('a remembered answer keeps no name, and its replay answers as before', async (t) => {
  const { app, issuer, rememberedBody, holders } = await ready
  const kept = await db.selectFrom('idempotency_key').select('body').executeTakeFirstOrThrow()
  t.notOk(kept.body.includes('旧名'), 'the remembered answer was cut to the rows without the name')
  const replay = await app.inject({
    method: 'POST',
    url: '/v1/certificates/batch',
    headers: { ...issuer, 'idempotency-key': 'old-batch' },
    payload: rememberedBody,
  })
  t.equal(replay.statusCode, 201, replay.body)
  t.equal(replay.headers['idempotency-replayed'], 'true')
  t.match(replay.json().items, [{ id: holders[7]!.cert, holderName: holders[7]!.name, index: 0 }])
})

t.test('a second start seals nothing and names the set-aside row again', async (t) => {
  const { badOne } = await ready
  const again = await sealCertificatesAtStart(db, keys)
  t.equal(again.sealed, 0)
  t.same(again.setAside, [badOne.cert])
})
