/**
 * Issue 6 (portfolio): credentials issued and signed per second, verified per second (both
 * cryptosuites), and the first timeline page of a learner with 1,000 items, through the real
 * service (Fastify inject: JWT check, routing, Postgres, serialization) on a database of its own.
 * Runnable standalone: DATABASE_URL=postgres://… tsx bench/suites/portfolio.ts
 */

import { randomUUID as uuidv7 } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { forSchema } from '@creditbank/db'
import { createEvent, MemoryTransport } from '@creditbank/events'
import {
  TEST_AUDIENCE,
  TEST_ISSUER,
  testDatabase,
  testKeys,
  testService,
} from '@creditbank/testing'
import portfolioApp, { SCHEMA } from '../../services/portfolio/src/app.js'
import { Issuers, PLATFORM_ISSUER } from '../../services/portfolio/src/credentials/issuers.js'
import { signCredential } from '../../services/portfolio/src/credentials/sign.js'
import { migrations } from '../../services/portfolio/src/db/migrations.js'
import type { PortfolioDB } from '../../services/portfolio/src/db/schema.js'
import { applyEvent } from '../../services/portfolio/src/domain/projection.js'
import { percentile } from '../lib.js'
import type { BenchContext, BenchResult, BenchSuite } from '../types.js'

const TIMELINE_ITEMS = 1_000
const TIMELINE_REQUESTS = 2_000
const CREDENTIALS = 400
const CONCURRENCY = 4
const WARMUP = 30

async function pool<T>(items: T[], concurrency: number, f: (item: T) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await f(items[next++] as T)
    }),
  )
}

async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const database = await testDatabase({ [SCHEMA]: migrations }, ctx.databaseUrl)
  const keys = testKeys()
  const transport = new MemoryTransport()
  const platform = {
    database: database.database,
    transport,
    resolveKey: keys.resolveKey,
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
  }
  const app = await testService('portfolio', portfolioApp, platform, {
    secretKeyHex: 'b7'.repeat(32),
    publicBaseUrl: 'https://bench.creditbank',
    startWorkers: false,
  })
  const db = forSchema<PortfolioDB>(database.database, SCHEMA)
  const results: BenchResult[] = []
  try {
    const school = uuidv7()
    const learnerId = uuidv7()
    const t0 = Date.now() - TIMELINE_ITEMS * 60_000
    const event = (type: string, data: Record<string, unknown>, i: number) =>
      createEvent('/bench', { type, subject: learnerId, data }, new Date(t0 + i * 60_000))
    ctx.log(`projecting ${TIMELINE_ITEMS} events of one learner through the projection code`)
    await db.transaction().execute(async (trx) => {
      await applyEvent(
        trx,
        event(
          'identity.organization.registered',
          {
            organizationId: school,
            code: 'BENCH',
            name: '基准测试学院',
            kind: 'school',
            regionCode: '410100',
            schoolLevel: 'higher_vocational',
          },
          0,
        ) as never,
      )
      await applyEvent(
        trx,
        event(
          'accounts.learner.opened',
          {
            learnerId,
            accountNo: '41010000000001',
            category: 'student',
            openedByOrgId: school,
            birthDate: null,
          },
          0,
        ) as never,
      )
      for (let i = 1; i < TIMELINE_ITEMS; i++) {
        const data = {
          entryId: uuidv7(),
          learnerId,
          orgId: school,
          kind: 'course',
          title: `课程 ${i}`,
          code: `C${i}`,
          credits: '2',
          hours: '32',
          grade: { score: '85', scale: '100' },
          level: null,
          category: null,
          occurredOn: '2026-06-30',
          externalRef: `b-${i}`,
          postedAt: new Date().toISOString(),
        }
        await applyEvent(trx, event('accounts.outcome.posted', data, i) as never)
      }
    })
    const me = keys.auth({ roles: ['learner'], learner: learnerId })
    const entries = (
      await db
        .selectFrom('timeline_item')
        .select('ref_id')
        .where('category', '=', 'outcome')
        .limit(CREDENTIALS)
        .execute()
    ).map((r) => r.ref_id as string)

    // Timeline: the first page (20 items), sequentially, after a warm-up.
    for (let i = 0; i < 100; i++)
      await app.inject({ method: 'GET', url: `/v1/learners/${learnerId}/timeline`, headers: me })
    const times: number[] = []
    for (let i = 0; i < TIMELINE_REQUESTS; i++) {
      const s = performance.now()
      const res = await app.inject({
        method: 'GET',
        url: `/v1/learners/${learnerId}/timeline`,
        headers: me,
      })
      times.push(performance.now() - s)
      if (res.statusCode !== 200 || res.json().items.length !== 20)
        throw new Error(`timeline answered ${res.statusCode}`)
    }
    times.sort((a, b) => a - b)
    const p99 = percentile(times, 99)
    results.push({
      issue: '6',
      metric: `timeline first page p99 (learner with ${TIMELINE_ITEMS} items, ${TIMELINE_REQUESTS} requests)`,
      value: p99,
      unit: 'ms',
      target: '≤ 20 ms',
      pass: p99 <= 20,
      notes: `p50 ${percentile(times, 50).toFixed(2)} ms, max ${times.at(-1)?.toFixed(2)} ms; inject through JWT check, Postgres and serialization`,
    })

    for (const suite of ['eddsa-rdfc-2022', 'eddsa-jcs-2022'] as const) {
      const issued: unknown[] = []
      for (const id of entries.slice(0, WARMUP))
        await app.inject({
          method: 'GET',
          url: `/v1/learners/${learnerId}/credentials/${id}?cryptosuite=${suite}`,
          headers: me,
        })
      let s = performance.now()
      await pool(entries, CONCURRENCY, async (id) => {
        const res = await app.inject({
          method: 'GET',
          url: `/v1/learners/${learnerId}/credentials/${id}?cryptosuite=${suite}`,
          headers: me,
        })
        if (res.statusCode !== 200) throw new Error(`issue answered ${res.statusCode}: ${res.body}`)
        issued.push(res.json())
      })
      const issueRate = entries.length / ((performance.now() - s) / 1000)

      // Baseline: the library alone signing the same kind of credential (no HTTP, no Postgres).
      const issuer = await new Issuers(Buffer.from('b7'.repeat(32), 'hex')).get(db, PLATFORM_ISSUER)
      const template = issued[0] as Record<string, unknown>
      const { proof: _p, ...unsigned } = template
      s = performance.now()
      for (let i = 0; i < 200; i++)
        await signCredential(
          issuer,
          { ...unsigned, issuer: { id: issuer.did, name: 'x' }, id: `urn:uuid:${uuidv7()}` },
          suite,
        )
      const rawSign = 200 / ((performance.now() - s) / 1000)
      results.push({
        issue: '6',
        metric: `issue and sign Open Badges 3.0 credentials (${suite}, GET /v1/learners/{id}/credentials/{entryId}, ${CONCURRENCY} at a time)`,
        value: issueRate,
        unit: 'credentials/s',
        target: '≥ 100 credentials/s',
        pass: issueRate >= 100,
        baseline: { metric: 'the library signing alone', value: rawSign, unit: 'credentials/s' },
        notes: `${entries.length} credentials; each allocates a random status list index in Postgres (one statement; the jcs run reuses the rdfc run's entries)`,
      })

      for (const vc of issued.slice(0, WARMUP))
        await app.inject({
          method: 'POST',
          url: '/credentials/verify',
          payload: { verifiableCredential: vc },
        })
      s = performance.now()
      await pool(issued, CONCURRENCY, async (vc) => {
        const res = await app.inject({
          method: 'POST',
          url: '/credentials/verify',
          payload: { verifiableCredential: vc },
        })
        if (res.statusCode !== 200)
          throw new Error(`verify answered ${res.statusCode}: ${res.body}`)
      })
      const verifyRate = issued.length / ((performance.now() - s) / 1000)
      results.push({
        issue: '6',
        metric: `verify credentials (${suite}, POST /credentials/verify: schema, signature, expiry, status)`,
        value: verifyRate,
        unit: 'credentials/s',
        target: '≥ 100 credentials/s',
        pass: verifyRate >= 100,
        notes: `${issued.length} credentials, ${CONCURRENCY} at a time; the status check reads the credential's bit from Postgres`,
      })
      ctx.log(
        `${suite}: issue ${issueRate.toFixed(0)}/s (library alone ${rawSign.toFixed(0)}/s), verify ${verifyRate.toFixed(0)}/s`,
      )
    }
  } finally {
    await app.close()
    await transport.close()
    await database.destroy()
  }
  return results
}

const suite: BenchSuite = {
  name: 'portfolio',
  description:
    'Issue 6: Open Badges 3.0 credentials issued and signed per second and verified per second through the portfolio service (Fastify inject, real Postgres), for eddsa-rdfc-2022 and eddsa-jcs-2022, with the library signing alone as the baseline; and the p99 of the first timeline page of a learner with 1,000 items.',
  run,
}
export default suite

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const databaseUrl = process.env.DATABASE_URL
  if (!databaseUrl) throw new Error('DATABASE_URL is required')
  const out = await run({
    root: new URL('../../', import.meta.url).pathname,
    databaseUrl,
    kafkaBrokers: [],
    log: (m) => process.stdout.write(`  ${m}\n`),
  })
  for (const r of out)
    process.stdout.write(
      `${r.metric}: ${r.value.toFixed(1)} ${r.unit} ${r.target ?? ''} ${r.pass === undefined ? '' : r.pass ? 'pass' : 'FAIL'}${r.baseline ? ` (baseline ${r.baseline.value.toFixed(0)} ${r.baseline.unit})` : ''}\n`,
    )
  process.exit(0)
}
