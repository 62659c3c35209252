import { randomUUID } from 'node:crypto'
import { forSchema } from '@creditbank/db'
import { encrypt } from '@creditbank/service-kit'
import { freePort, testDatabase, testKeys } from '@creditbank/testing'
import { sql } from 'kysely'
import t from 'tap'
import { uuidv7 } from 'uuidv7'
import { migrations } from '../src/db/migrations.js'
import { GENESIS_HASH } from '../src/domain/chain.js'
import { jwksServer, startChild, stopChild } from './child.js'
import { course, PII_KEY } from './helper.js'

/**
 * The service is killed with SIGKILL while a 1,000-item batch is in its transaction. After a
 * restart the batch is entirely absent (never a part), and a retry with the same key gives what a
 * clean first run gives; a second retry replays it.
 */
if (!process.env.DATABASE_URL) {
  t.plan(
    0,
    'needs real Postgres (DATABASE_URL): the crash drill kills a server process holding pooled connections; embedded PGlite lives inside one process',
  )
} else {
  const url = process.env.DATABASE_URL
  const tdb = await testDatabase({ accounts: migrations })
  const db = forSchema<any>(tdb.database, 'accounts')
  const dbUrl = (() => {
    const u = new URL(url)
    u.pathname = `/${tdb.name}`
    return u.toString()
  })()
  const keys = testKeys()
  const jwks = await jwksServer(keys)
  const org = uuidv7()
  await db
    .insertInto('organization')
    .values({ id: org, kind: 'school', name: '测试学校', code: 'KILL' })
    .execute()
  const learners = Array.from({ length: 10 }, () => uuidv7())
  for (const [i, id] of learners.entries()) {
    await db
      .insertInto('learner')
      .values({
        id,
        account_no: `K${i}`,
        national_id_hash: randomUUID(),
        // Sealed as the service seals it: the server seals each learner under their own key at start.
        national_id_sealed: encrypt(Buffer.from(PII_KEY, 'hex'), `41010519990101${1000 + i}`),
        national_id_masked: 'm',
        name: 'n',
        birth_date: '1999-01-01',
        category: 'other',
        opened_by_org_id: org,
      })
      .execute()
    await db.insertInto('account').values({ learner_id: id, head_hash: GENESIS_HASH }).execute()
  }
  const registrar = {
    authorization: `Bearer ${keys.token({ roles: ['registrar'], org, sub: randomUUID() })}`,
  }
  const admin = { authorization: `Bearer ${keys.token({ roles: ['admin'] })}` }
  const items = Array.from({ length: 1_000 }, (_, i) => ({
    ...course(learners[i % 10]!, { title: `课程${i}` }),
    externalRef: `KILL-${i}`,
  }))
  const body = JSON.stringify({ items })
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const send = () =>
    fetch(`${base}/v1/outcomes/batch`, {
      method: 'POST',
      headers: {
        ...registrar,
        'content-type': 'application/json',
        'idempotency-key': 'kill-batch-1',
      },
      body,
    })
  const entries = async () =>
    Number(
      (
        (await db
          .selectFrom('ledger_entry')
          .select((eb: any) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()) as { n: string }
      ).n,
    )
  // A backend of the service's database inside a transaction that has taken row locks or written.
  const writing = async () =>
    Number(
      (
        await sql<{
          n: string
        }>`select count(*) as n from pg_stat_activity where datname = ${tdb.name} and backend_xid is not null and pid <> pg_backend_pid()`.execute(
          tdb.database.kysely,
        )
      ).rows[0]!.n,
    )

  t.teardown(async () => {
    await tdb.destroy()
    await new Promise((r) => jwks.server.close(r))
  })

  t.test(
    'SIGKILL in the middle of a batch leaves none of it; the retry writes it all once',
    async (t) => {
      let child = await startChild({ databaseUrl: dbUrl, identityUrl: jwks.url, port })
      const inFlight = send().then(
        (r) => ({ status: r.status }),
        (err: Error) => ({ error: err.message }),
      )
      let killedInFlight = false
      const until = Date.now() + 30_000
      while (Date.now() < until) {
        if ((await writing()) > 0) {
          child.kill('SIGKILL')
          killedInFlight = true
          break
        }
        await new Promise((r) => setImmediate(r))
      }
      if (!killedInFlight) child.kill('SIGKILL')
      await new Promise((r) =>
        child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r),
      )
      const outcome = await inFlight
      t.ok(killedInFlight, 'killed while the batch transaction was open')
      t.ok('error' in outcome, `the client saw the connection drop (${JSON.stringify(outcome)})`)
      // Postgres rolls the orphaned transaction back when it notices the client is gone.
      for (let i = 0; i < 200 && (await writing()) > 0; i++)
        await new Promise((r) => setTimeout(r, 50))
      t.equal(await entries(), 0, 'no partial batch: none of the 1,000')
      t.equal(
        Number(
          (
            (await db
              .selectFrom('idempotency_key')
              .select((eb: any) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()) as { n: string }
          ).n,
        ),
        0,
        'no remembered answer either',
      )

      child = await startChild({ databaseUrl: dbUrl, identityUrl: jwks.url, port })
      try {
        const retry = await send()
        t.equal(retry.status, 201)
        const first = (await retry.json()) as {
          created: number
          existing: number
          items: { externalRef: string; seq: number }[]
        }
        t.equal(first.created, 1_000, 'as a clean first run: all 1,000 created')
        t.equal(first.existing, 0)
        t.same(
          first.items.map((e) => e.externalRef),
          items.map((i) => i.externalRef),
          'in the order sent',
        )
        t.equal(await entries(), 1_000)
        const replay = await send()
        t.equal(replay.status, 201)
        t.equal(replay.headers.get('idempotency-replayed'), 'true')
        t.same(await replay.json(), first, 'the same key again answers the same result')
        t.equal(await entries(), 1_000, 'and writes nothing more')
        for (const l of learners) {
          const chain = (await (
            await fetch(`${base}/v1/learners/${l}/chain`, { headers: admin })
          ).json()) as { valid: boolean; entryCount: number }
          t.match(chain, { valid: true, entryCount: 100 })
        }
      } finally {
        await stopChild(child)
      }
    },
  )
}
