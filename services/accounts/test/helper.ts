import { randomUUID } from 'node:crypto'
import { forSchema } from '@creditbank/db'
import { createEvent } from '@creditbank/events'
import { keyedHash } from '@creditbank/service-kit'
import { eventually, testPlatform, testService, clearTextIn as textIn } from '@creditbank/testing'
import type { Kysely } from 'kysely'
import { uuidv7 } from 'uuidv7'
import accountsApp, { SCHEMA } from '../src/app.js'
import { migrations } from '../src/db/migrations.js'
import type { AccountsDB } from '../src/db/schema.js'
import { checkCharacter } from '../src/domain/national-id.js'

export const PII_KEY = 'c4'.repeat(32)

let serial = Math.floor(Math.random() * 5_000)
/** A valid resident id (GB 11643) for a made-up person, unique within a test file. */
export function nationalId(birth?: string, region = '410105') {
  serial += 1
  const day = new Date(Date.UTC(1970, 0, 1) + (serial % 12_000) * 86_400_000)
    .toISOString()
    .slice(0, 10)
    .replaceAll('-', '')
  const first17 = `${region}${birth ?? day}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`
  return `${first17}${checkCharacter(first17)}`
}

/** The keyed hash accounts finds a learner by: tests find rows without any clear column. */
export function nationalIdHash(id: string) {
  return keyedHash(Buffer.from(PII_KEY, 'hex'), id)
}

export function person(over: Record<string, unknown> = {}) {
  return {
    nationalId: nationalId(),
    name: `学习者${Math.random().toString(36).slice(2, 6)}`,
    category: 'student',
    ...over,
  }
}

/** accounts on its own database and topics, workers running, as server.ts builds it. */
export async function buildAccounts(logger?: Parameters<typeof testService>[4]) {
  const platform = await testPlatform({ [SCHEMA]: migrations })
  const app = await testService('accounts', accountsApp, platform, { piiKeyHex: PII_KEY }, logger)
  const db = forSchema<AccountsDB>(platform.database, SCHEMA)
  const keys = platform.keys
  const admin = keys.auth({ roles: ['admin'] })

  /** identity.organization.registered, delivered over the bus as identity would publish it. */
  async function registerOrg(kind = 'school', id: string = uuidv7()) {
    const event = createEvent('/creditbank/identity', {
      type: 'identity.organization.registered',
      data: {
        organizationId: id,
        code: `ORG-${id.slice(-8)}`,
        name: `机构${id.slice(-4)}`,
        kind,
        regionCode: '410100',
        schoolLevel: kind === 'school' ? 'higher_vocational' : null,
      },
    })
    await platform.transport.publish([
      { topic: 'creditbank.identity.v1', key: id, value: JSON.stringify(event) },
    ])
    await eventually(
      async () =>
        !!(await db
          .selectFrom('organization')
          .select('id')
          .where('id', '=', id)
          .executeTakeFirst()),
    )
    return id
  }

  /** Publishes an event of another service and waits until this service has applied it. */
  async function deliver(topic: string, type: string, subject: string, data: unknown) {
    const event = createEvent(`/creditbank/${topic.split('.')[1]}`, { type, subject, data })
    await platform.transport.publish([{ topic, key: subject, value: JSON.stringify(event) }])
    return event
  }

  async function applied(eventId: string) {
    return eventually(
      async () =>
        !!(await db
          .selectFrom('inbox_event')
          .select('event_id')
          .where('event_id', '=', eventId)
          .executeTakeFirst()),
    )
  }

  const registrar = (org: string) => keys.auth({ roles: ['registrar'], org })
  const client = (org: string, scope = 'outcomes:write enrollments:write learners:write') =>
    keys.auth({ typ: 'client', org, scope })
  const learnerAuth = (learner: string, sub = randomUUID()) =>
    keys.auth({ roles: ['learner'], learner, sub })

  /**
   * Opens an account, by an admin unless told who: an organization that opens it knows the
   * learner; any other needs `proof` (their 身份证号 and name) to act on them by id.
   */
  async function openLearner(body: Record<string, unknown> = person(), headers = admin) {
    const res = await app.inject({ method: 'POST', url: '/v1/learners', headers, payload: body })
    if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(res.body)
    const proof = { nationalId: body.nationalId as string, name: body.name as string }
    return { ...(res.json() as { id: string; accountNo: string }), proof }
  }

  /** Enrolls as the school's registrar; `proof` for a learner the school does not know yet. */
  async function enroll(
    learnerId: string,
    org: string,
    programCode = 'P-WEB',
    proof: { nationalId: string; name: string } | Record<string, never> = {},
  ) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/enrollments',
      headers: registrar(org),
      payload: {
        learnerId,
        programCode,
        programName: '网页设计',
        startedOn: '2024-09-01',
        ...proof,
      },
    })
    if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(res.body)
    return res.json()
  }

  return {
    app,
    platform,
    db,
    keys,
    admin,
    registrar,
    client,
    learnerAuth,
    registerOrg,
    deliver,
    applied,
    openLearner,
    enroll,
    async close() {
      await app.close()
      await platform.close()
    },
  }
}

export type Accounts = Awaited<ReturnType<typeof buildAccounts>>

export function course(learnerId: string, over: Record<string, unknown> = {}) {
  return {
    learnerId,
    kind: 'course',
    title: '网页设计',
    code: 'WEB201',
    credits: '4',
    grade: { score: '85', scale: '100' },
    occurredOn: '2024-06-30',
    ...over,
  }
}

/**
 * Counts rows in the service's tables (to check that a refused request wrote nothing). The outbox
 * is left out: the relay empties it as it publishes; events commit with the rows counted here.
 */
export async function counts(db: Kysely<AccountsDB>) {
  const n = (t: keyof AccountsDB) => rowCount(db, t)
  return {
    entries: await n('ledger_entry'),
    learners: await n('learner'),
    accounts: await n('account'),
    keys: await n('learner_key'),
    enrollments: await n('enrollment'),
    balances: await n('balance'),
    uses: await n('entry_use'),
    corrections: await n('learner_correction'),
  }
}

/** How many rows a table holds. */
export async function rowCount(db: Kysely<AccountsDB>, table: keyof AccountsDB) {
  const r = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Every text-like column of accounts' tables holding any of the needles: `accounts.table.column`. */
export const clearTextIn = (db: Kysely<AccountsDB>, needles: string[]) =>
  textIn(db, ['accounts'], needles)
