import { forSchema } from '@creditbank/db'
import { MemoryTransport } from '@creditbank/events'
import { assembleService, encrypt } from '@creditbank/service-kit'
import {
  capturedLogger,
  TEST_AUDIENCE,
  TEST_ISSUER,
  testKeys,
  clearTextIn as textIn,
} from '@creditbank/testing'
import { sql } from 'kysely'
import t from 'tap'
// The one-process run filled by the demo seeds, as accounts' start-up test uses it.
import { demoSeeded } from '../../accounts/test/demo-seeded.js'
import { SCHEMA } from '../src/app.js'
import type { CertificatesDB } from '../src/db/schema.js'
import { definition } from '../src/definition.js'
import { certificateViews } from '../src/domain/certificates.js'
import { holderNameKeys } from '../src/domain/holder-name.js'
import { sealCertificatesAtStart } from '../src/domain/seal-at-start.js'

// Decision 0730's start-up migration to per-learner keys, on a database filled by the demo seeds
// (issue 17): the certificates rows are put back as the code before per-learner keys kept them
// (names under the service key, reasons in the clear, the keys migration undone), and certificates
// starts on that database.
t.setTimeout(480_000)

const NEW = '2026-12-09T0301_certificates_learner_keys'
const run = await demoSeeded({ serve: false })
t.teardown(() => run.destroy())
const secret = run.secrets.CERTIFICATES_SECRET_KEY!
const keys = holderNameKeys(Buffer.from(secret, 'hex'))
const database = await run.stopAndOpen()
const db = forSchema<CertificatesDB>(database, SCHEMA)

/** Every certificate as the API shows it (read here through the same functions). */
async function views() {
  const rows = await db
    .selectFrom('certificate as c')
    .innerJoin('certificate_type as ty', 'ty.code', 'c.type_code')
    .innerJoin('organization as o', 'o.id', 'c.evaluation_org_id')
    .selectAll('c')
    .select(['ty.name as type_name', 'o.name as org_name'])
    .orderBy('c.id')
    .execute()
  return certificateViews(db, keys, rows)
}

const before = await views()
const needles = [
  ...new Set(
    before.flatMap((v) => [v.holderName, ...(v.revocationReason ? [v.revocationReason] : [])]),
  ),
]

/** Where the needles are in the clear in certificates' tables. */
const clearTextIn = () => textIn(db, ['certificates'], needles)

t.test('the demo seeds filled certificates as expected', async (t) => {
  t.ok(before.length >= 5, `${before.length} certificates`)
  t.ok(
    before.every((v) => v.holderName !== ''),
    'every holder named',
  )
  t.ok(
    before.some((v) => v.revocationReason),
    'one revoked, with its reason',
  )
})

t.test('the rows put back as the code before per-learner keys kept them', async (t) => {
  await db.transaction().execute(async (trx) => {
    for (const v of before)
      await trx
        .updateTable('certificate')
        .set({
          holder_name_sealed: encrypt(keys.sealKey, v.holderName),
          revocation_reason: v.revocationReason,
        })
        .where('id', '=', v.id)
        .execute()
    for (const statement of [
      'drop index certificates.certificate_legacy',
      'drop table certificates.learner_key',
      'alter table certificates.certificate drop column holder_name_legacy',
      'alter table certificates.certificate drop column revocation_reason_legacy',
      'alter table certificates.certificate drop constraint certificate_revoked_check',
      'alter table certificates.certificate alter column holder_name_sealed set not null',
      'alter table certificates.certificate add check ((revoked_at is null) = (revocation_reason is null))',
    ])
      await sql.raw(statement).execute(trx)
    await sql`delete from certificates.kysely_migration where name = ${NEW}`.execute(trx)
  })
  t.same(
    await clearTextIn(),
    ['certificates.certificate.revocation_reason'],
    'the reason in the clear (the names sealed under the service key)',
  )
})

t.test('certificates started on it seals every certificate, and reads as before', async (t) => {
  const captured = capturedLogger()
  const tokens = testKeys()
  const transport = new MemoryTransport()
  await transport.connect()
  // As a service starts (run.ts): its migrations, then the app, which seals before it serves.
  const app = await assembleService(
    definition,
    {
      database,
      transport,
      resolveKey: tokens.resolveKey,
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
    },
    { CERTIFICATES_SECRET_KEY: secret },
    captured.logger,
  )
  t.teardown(async () => {
    await app.close()
    await transport.close()
  })
  const logged = captured.lines.map((l) => JSON.parse(l) as { msg: string; sealed?: number })
  t.equal(
    logged.find((l) => l.msg === 'certificates moved to per-learner keys')?.sealed,
    before.length,
    'the start sealed every seeded certificate',
  )
  t.notOk(
    logged.some((l) => l.msg.startsWith('certificates set aside')),
    'and set none aside',
  )
  const admin = tokens.auth({ roles: ['admin'] })
  for (const v of before) {
    const res = await app.inject({ method: 'GET', url: `/v1/certificates/${v.id}`, headers: admin })
    t.same(res.json(), v, `${v.number}: the same certificate`)
  }
  t.same(await clearTextIn(), [], 'no name or reason in the clear in any certificates table')
  t.same(
    await sealCertificatesAtStart(db, keys),
    { sealed: 0, setAside: [] },
    'a second start has nothing to seal',
  )
})
