/**
 * The deployed shape, tested: infra/cluster starts every service as its own process, two replicas
 * each, on real Postgres and Kafka, behind the gateway. Postings go in through the gateway; both
 * accounts replicas serve them, both portfolio replicas share the accounts topic's partitions and
 * apply its events, and no event is applied twice. Needs DATABASE_URL and KAFKA_BROKERS (it runs in
 * CI's real pass) and a database of its own; its topics and groups are under a namespace of its own.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { topicOf } from '@creditbank/contracts'
import { openDatabase } from '@creditbank/db'
import { type Cluster, startCluster } from '@creditbank/testing'
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs'
import { sql } from 'kysely'
import t from 'tap'
import { nationalIdOf } from '../../../seeds/data.js'

const databaseUrl = process.env.DATABASE_URL
const brokers = process.env.KAFKA_BROKERS
const POSTINGS = 120
const LEARNERS = 12
// The cluster's own topics and groups: other tests publish to the broker's shared topics, and a
// group that starts behind their backlog would spend the test reading it.
const NAMESPACE = `cluster-${randomBytes(4).toString('hex')}.`
const ACCOUNTS_TOPIC = `${NAMESPACE}${topicOf('accounts.outcome.posted')}`
const PORTFOLIO_GROUP = `${NAMESPACE}creditbank.portfolio`

/** JSON over fetch through the gateway; throws with the answer on an unexpected status. */
function client(base: string) {
  return async <T = any>(
    method: string,
    path: string,
    o: { token?: string; body?: unknown; status?: number } = {},
  ): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(o.body ? { 'content-type': 'application/json' } : {}),
        ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
        ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
      },
      ...(o.body ? { body: JSON.stringify(o.body) } : {}),
      signal: AbortSignal.timeout(60_000),
    })
    const text = await res.text()
    if (res.status !== (o.status ?? (method === 'POST' ? 201 : 200)))
      throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`)
    return (text ? JSON.parse(text) : undefined) as T
  }
}

/** Requests a replica has answered with this method, route and status, from its /metrics. */
async function served(url: string, method: string, route: string, status: number) {
  const text = await (await fetch(`${url}/metrics`)).text()
  let n = 0
  for (const line of text.split('\n')) {
    if (!line.startsWith('http_request_duration_seconds_count{')) continue
    if (
      line.includes(`method="${method}"`) &&
      line.includes(`route="${route}"`) &&
      line.includes(`status="${status}"`)
    )
      n += Number(line.split(' ').pop())
  }
  return n
}

t.test(
  'two replicas of every service behind the gateway share the requests and the partitions',
  {
    skip:
      !(databaseUrl && brokers) && 'needs DATABASE_URL and KAFKA_BROKERS (real Postgres and Kafka)',
  },
  async (t) => {
    const name = `cb_cluster_${randomBytes(4).toString('hex')}`
    const admin = await openDatabase({ url: databaseUrl!, poolMax: 1 })
    await sql.raw(`create database "${name}"`).execute(admin.kysely)
    const url = new URL(databaseUrl!)
    url.pathname = `/${name}`
    const db = await openDatabase({ url: url.toString(), poolMax: 2 })
    const dataDir = mkdtempSync(join(tmpdir(), 'cb-cluster-'))
    const pagesDir = join(dataDir, 'pages')
    mkdirSync(pagesDir)
    const kafka = new Kafka({ brokers: brokers!.split(','), logLevel: logLevel.NOTHING })
    const kafkaAdmin = kafka.admin()
    await kafkaAdmin.connect()
    const secrets = {
      IDENTITY_SECRET_KEY: randomBytes(32).toString('hex'),
      ACCOUNTS_PII_KEY: randomBytes(32).toString('hex'),
      CERTIFICATES_SECRET_KEY: randomBytes(32).toString('hex'),
      RECOGNITION_SECRET_KEY: randomBytes(32).toString('hex'),
      PORTFOLIO_SECRET_KEY: randomBytes(32).toString('hex'),
      SERVICE_CLIENT_SECRET: randomBytes(32).toString('hex'),
      BOOTSTRAP_ADMIN_USERNAME: 'admin',
      BOOTSTRAP_ADMIN_PASSWORD: `admin-${randomBytes(6).toString('hex')}`,
    }
    let cluster: Cluster | undefined
    t.teardown(async () => {
      await cluster?.stop()
      await kafkaAdmin.disconnect()
      await db.close()
      await sql.raw(`drop database if exists "${name}" with (force)`).execute(admin.kysely)
      await admin.close()
      rmSync(dataDir, { recursive: true, force: true })
    })
    cluster = await startCluster({
      databaseUrl: url.toString(),
      kafkaBrokers: brokers!,
      namespace: NAMESPACE,
      replicas: 2,
      gateway: true,
      logDir: join(dataDir, 'logs'),
      secrets,
      pagesDir,
      env: { DB_POOL_MAX: '4', IDENTITY_PASSWORD_COST: '12' },
    })
    t.equal(cluster.processes.length, 11, 'five services × two replicas, and the gateway')
    const api = client(cluster.gatewayUrl!)

    const login = async (username: string, password: string) =>
      (
        await api<{ accessToken: string }>('POST', '/v1/auth/token', {
          body: { grant_type: 'password', username, password },
          status: 200,
        })
      ).accessToken
    const adminToken = await login('admin', secrets.BOOTSTRAP_ADMIN_PASSWORD)
    const org = await api<{ id: string }>('POST', '/v1/organizations', {
      token: adminToken,
      body: {
        code: `HN-CLUSTER-${randomBytes(3).toString('hex').toUpperCase()}`,
        name: '集群测试职业学院',
        kind: 'school',
        regionCode: '410100',
        schoolLevel: 'higher_vocational',
      },
    })
    const password = `registrar-${randomBytes(6).toString('hex')}`
    await api('POST', '/v1/users', {
      token: adminToken,
      body: {
        username: 'registrar.cluster',
        password,
        displayName: '集群注册员',
        memberships: [{ orgId: org.id, role: 'registrar' }],
      },
    })
    const registrar = await login('registrar.cluster', password)
    const learners: string[] = []
    for (let i = 0; i < LEARNERS; i++) {
      const person = {
        key: `c${i}`,
        name: `测试学员${i}`,
        region: '410102',
        birth: '2003-05-17',
        category: 'student' as const,
        login: `c${i}`,
      }
      const opened = await api<{ id: string }>('POST', '/v1/learners', {
        token: registrar,
        body: {
          nationalId: nationalIdOf(person, 200 + i),
          name: person.name,
          birthDate: person.birth,
          category: person.category,
        },
      })
      learners.push(opened.id)
    }

    const before = await kafkaAdmin.fetchOffsets({
      groupId: PORTFOLIO_GROUP,
      topics: [ACCOUNTS_TOPIC],
    })
    let next = 0
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < POSTINGS) {
          const i = next++
          await api('POST', '/v1/outcomes', {
            token: registrar,
            body: {
              learnerId: learners[i % LEARNERS],
              kind: 'course',
              title: `集群课程 ${i}`,
              code: `CL${i}`,
              credits: '2',
              grade: { score: '85', scale: '100' },
              occurredOn: '2025-06-30',
              externalRef: `CLUSTER-${i}`,
            },
          })
        }
      }),
    )

    const accounts = cluster.replicasOf('accounts')
    const perReplica = await Promise.all(
      accounts.map((p) => served(p.url, 'POST', '/v1/outcomes', 201)),
    )
    t.equal(
      perReplica.reduce((a, b) => a + b, 0),
      POSTINGS,
      `every posting answered once: ${perReplica.join(' + ')}`,
    )
    t.ok(
      perReplica.every((n) => n > 0),
      'both accounts replicas served postings',
    )

    // Both portfolio replicas are members of its group, each holding some of the partitions.
    // (after any rebalance the replicas' start caused has settled)
    let group = (await kafkaAdmin.describeGroups([PORTFOLIO_GROUP])).groups[0]
    for (let i = 0; i < 60 && group?.state !== 'Stable'; i++) {
      await new Promise((r) => setTimeout(r, 1_000))
      group = (await kafkaAdmin.describeGroups([PORTFOLIO_GROUP])).groups[0]
    }
    const members = group?.members ?? []
    const held = members.map(
      (m) =>
        AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[ACCOUNTS_TOPIC] ??
        [],
    )
    t.equal(members.length, 2, 'two consumers in the portfolio group')
    t.ok(
      held.every((p) => p.length > 0),
      `each holds partitions of ${ACCOUNTS_TOPIC}: ${JSON.stringify(held)}`,
    )
    t.equal(new Set(held.flat()).size, held.flat().length, 'no partition is held twice')

    // Every posting reaches the timeline exactly once.
    const timeline = async () =>
      Number(
        (
          await sql<{
            n: string
          }>`select count(*) as n from portfolio.timeline_item where event_type = 'accounts.outcome.posted' and org_id = ${org.id}::uuid`.execute(
            db.kysely,
          )
        ).rows[0]!.n,
      )
    const until = Date.now() + 120_000
    while ((await timeline()) < POSTINGS && Date.now() < until)
      await new Promise((r) => setTimeout(r, 500))
    t.equal(await timeline(), POSTINGS, 'each posting is on the timeline once')
    const ledger = await sql<{
      n: string
    }>`select count(*) as n from accounts.ledger_entry where org_id = ${org.id}::uuid`.execute(
      db.kysely,
    )
    t.equal(Number(ledger.rows[0]!.n), POSTINGS, 'and in the ledger once')

    // The group's committed offsets moved in partitions of both members: both applied events.
    await new Promise((r) => setTimeout(r, 6_000)) // the consumers commit on an interval
    const after = await kafkaAdmin.fetchOffsets({
      groupId: PORTFOLIO_GROUP,
      topics: [ACCOUNTS_TOPIC],
    })
    const offset = (o: typeof after, p: number) =>
      Math.max(0, Number(o[0]?.partitions.find((x) => x.partition === p)?.offset ?? 0))
    const moved = new Set(
      (after[0]?.partitions ?? [])
        .filter((p) => offset(after, p.partition) > offset(before, p.partition))
        .map((p) => p.partition),
    )
    t.ok(
      held.every((partitions) => partitions.some((p) => moved.has(p))),
      `each replica committed events it applied (partitions moved: ${[...moved].join(', ')})`,
    )
  },
)
