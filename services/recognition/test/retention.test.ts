import { setClock } from '@creditbank/contracts'
import { runRetention } from '@creditbank/service-kit'
import t from 'tap'
import { retentionRules } from '../src/domain/retention.js'
import { appliedWithEvidence, buildRecognition } from './helper.js'

// Retention in recognition (decision 0727): a reviewer's read of an evidence file is kept 3 years,
// as long as the who-looked log; the job removes older reads and nothing else.

const r = await buildRecognition()
t.teardown(() => r.close())
const { app } = r
const day = 86_400_000
const { school, file, id } = await appliedWithEvidence(r)

/** A reviewer of the school reads the file with the clock at `at`. */
async function readAt(at: Date | null, sub: string) {
  setClock(at)
  try {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/applications/${id}/evidence/${file}/reads`,
      headers: r.reviewer(school, { sub }),
    })
    if (res.statusCode !== 201) throw new Error(res.body)
  } finally {
    setClock(null)
  }
}
const readers = async () =>
  (
    await app.inject({
      method: 'GET',
      url: `/v1/applications/${id}/evidence-reads`,
      headers: r.admin,
    })
  )
    .json()
    .items.map((i: { reader: { userId: string } }) => i.reader.userId)
    .sort()
// The service's own schedules; remembered answers' (every service's) are tested in service-kit.
const ownRules = retentionRules.filter((r) => r.name !== 'idempotency_key')
const sweep = () => runRetention(r.db, 'recognition', ownRules)

t.test('reads older than 3 years are removed, younger ones kept', async (t) => {
  await readAt(new Date(Date.now() - (3 * 365 + 5) * day), 'rev-old')
  await readAt(new Date(Date.now() - 2 * 365 * day), 'rev-2y')
  await readAt(null, 'rev-now')
  t.same(await readers(), ['rev-2y', 'rev-now', 'rev-old'])
  t.same(await sweep(), { evidence_read: 1 })
  t.same(await readers(), ['rev-2y', 'rev-now'])
  t.same(await sweep(), { evidence_read: 0 }, 'a second run finds nothing')
  setClock(new Date(Date.now() + 365 * day + day))
  t.teardown(() => setClock(null))
  t.same(await sweep(), { evidence_read: 1 }, 'a year on, the 2-year-old read has expired')
  t.same(await readers(), ['rev-now'])
})

t.test('remembered answers are swept too (their rule is tested in service-kit)', async (t) => {
  t.ok(retentionRules.some((r) => r.name === 'idempotency_key'))
})
