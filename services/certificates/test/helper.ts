import { randomUUID } from 'node:crypto'
import { definition as accountsDefinition } from '@creditbank/accounts/definition'
import { forSchema } from '@creditbank/db'
import { createEvent } from '@creditbank/events'
import { eventually, testPlatform, testService } from '@creditbank/testing'
import type { FastifyInstance } from 'fastify'
import certificatesApp, { type CertificatesOptions, SCHEMA } from '../src/app.js'
import { migrations } from '../src/db/migrations.js'
import type { CertificatesDB } from '../src/db/schema.js'
import { type LearnerDirectory, learnerDirectory } from '../src/domain/learner-directory.js'

export const SECRET_KEY = 'c4'.repeat(32)

let seq = 0
const tag = () => `${++seq}${Math.random().toString(36).slice(2, 6)}`.toUpperCase()

/** The learner directory of a real accounts app, called through `inject` as certificates calls it over HTTP. */
function injectedDirectory(accounts: FastifyInstance): LearnerDirectory {
  return learnerDirectory(async (path, body, headers) => {
    const res = await accounts.inject({
      method: 'POST',
      url: path,
      payload: body as object,
      headers,
    })
    return { status: res.statusCode, json: async () => res.json() }
  })
}

/**
 * certificates on its own database and topics, as server.ts builds it, with helpers to drive its
 * projections. `withAccounts` runs the real accounts service beside it on the same platform: its
 * learners reach certificates over the bus, and look-ups by 身份证号 go to it.
 */
export async function buildCertificates(
  options: Partial<Omit<CertificatesOptions, 'platform'>> = {},
  { withAccounts = false } = {},
) {
  const platform = await testPlatform({
    [SCHEMA]: migrations,
    ...(withAccounts ? { [accountsDefinition.schema]: accountsDefinition.migrations } : {}),
  })
  const accounts = withAccounts
    ? await testService('accounts', accountsDefinition.app, platform, {
        piiKeyHex: 'ab'.repeat(32),
      })
    : undefined
  const app = await testService('certificates', certificatesApp, platform, {
    secretKeyHex: SECRET_KEY,
    verifyRateLimit: { max: 10_000, windowS: 60 },
    // Without accounts, look-ups go to a port where nothing listens (the discard port).
    ...(accounts
      ? { learners: injectedDirectory(accounts) }
      : { accountsUrl: 'http://127.0.0.1:9' }),
    ...options,
  })
  const db = forSchema<CertificatesDB>(platform.database, SCHEMA)
  const keys = platform.keys

  async function inject(
    topic: string,
    events: { type: string; subject?: string; data: unknown }[],
  ) {
    await platform.transport.publish(
      events.map((e) => {
        const event = createEvent(`/creditbank/${e.type.split('.')[0]}`, e)
        return { topic, key: e.subject ?? null, value: JSON.stringify(event) }
      }),
    )
  }

  /** Registers organizations in identity's name and waits until the projection has them. */
  async function orgs(specs: { kind?: string; regionCode?: string; name?: string }[]) {
    const made = specs.map((s) => ({
      organizationId: randomUUID(),
      code: `ORG-${tag()}`,
      name: s.name ?? `评价组织${tag()}`,
      kind: s.kind ?? 'evaluation_org',
      regionCode: s.regionCode ?? '110000',
      schoolLevel: null,
    }))
    await inject(
      'creditbank.identity.v1',
      made.map((data) => ({ type: 'identity.organization.registered', data })),
    )
    const ids = made.map((m) => m.organizationId)
    await eventually(
      async () =>
        (await db.selectFrom('organization').select('id').where('id', 'in', ids).execute())
          .length === ids.length,
    )
    return made.map((m) => ({ id: m.organizationId, name: m.name, regionCode: m.regionCode }))
  }

  /** Opens learner accounts in accounts' name and waits until the projection has them. */
  async function learners(n: number) {
    const ids = Array.from({ length: n }, () => randomUUID())
    await inject(
      'creditbank.accounts.v1',
      ids.map((learnerId) => ({
        type: 'accounts.learner.opened',
        subject: learnerId,
        data: {
          learnerId,
          accountNo: `CB${tag()}`,
          category: 'student',
          openedByOrgId: null,
          birthDate: null,
        },
      })),
    )
    await eventually(
      async () =>
        (await db.selectFrom('learner').select('id').where('id', 'in', ids).execute()).length === n,
    )
    return ids
  }

  const admin = keys.auth({ roles: ['admin'] })
  const issuerOf = (org: string) => keys.auth({ roles: ['issuer'], org })
  const clientOf = (org: string, scope = 'certificates:write') =>
    keys.auth({ typ: 'client', org, scope })
  const learnerToken = (learner: string) => keys.auth({ roles: ['learner'], learner })

  /** Publishes a type owned by `org` with junior and intermediate levels (fees 80 and 120). */
  async function type(org: string, extra: Record<string, unknown> = {}) {
    const code = `T${tag()}`
    const res = await app.inject({
      method: 'POST',
      url: '/v1/certificate-types',
      headers: admin,
      payload: {
        code,
        name: 'Web前端开发',
        nameEn: 'Web Front-End Development',
        evaluationOrgId: org,
        levels: ['junior', 'intermediate'],
        validityYears: 3,
        fees: { junior: '80', intermediate: '120.00' },
        majors: ['软件技术'],
        ...extra,
      },
    })
    if (res.statusCode !== 201) throw new Error(res.body)
    return res.json() as { code: string }
  }

  const count = async (
    table:
      | 'certificate'
      | 'outbox_event'
      | 'certificate_type'
      | 'certificate_number_counter'
      | 'idempotency_key',
  ) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  /** Opens learner accounts at accounts (by 身份证号 and name) and waits until certificates knows them. */
  async function people(specs: { nationalId: string; name: string }[]) {
    if (!accounts) throw new Error('people() needs withAccounts')
    const opened: { id: string; accountNo: string }[] = []
    for (const s of specs) {
      const res = await accounts.inject({
        method: 'POST',
        url: '/v1/learners',
        headers: admin,
        payload: { ...s, category: 'student' },
      })
      if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(res.body)
      opened.push(res.json())
    }
    const ids = opened.map((o) => o.id)
    await eventually(
      async () =>
        (await db.selectFrom('learner').select('id').where('id', 'in', ids).execute()).length ===
        new Set(ids).size,
    )
    return opened
  }

  return {
    app,
    accounts,
    people,
    platform,
    db,
    inject,
    orgs,
    learners,
    type,
    admin,
    issuerOf,
    clientOf,
    learnerToken,
    keys,
    count,
    async close() {
      await app.close()
      await accounts?.close()
      if (platform.database.kind === 'postgres') {
        // pg's pool.end() resolves before its sockets have closed; the forced DROP DATABASE in
        // platform.close() can then kill a closing connection and crash the file with an
        // unhandled pool error. Closing first and letting the sockets go avoids the race.
        await platform.database.close()
        await new Promise((r) => setTimeout(r, 250))
      }
      await platform.close()
    },
  }
}

export type Harness = Awaited<ReturnType<typeof buildCertificates>>

export const PROBLEM_JSON = 'application/problem+json; charset=utf-8'

let personSeq = Math.floor(Math.random() * 5_000)
/** A made-up person with a valid 身份证号 (GB 11643: ISO 7064 MOD 11-2 check character). */
export function madeUpPerson(name: string) {
  personSeq += 1
  const birth = new Date(Date.UTC(1995, 0, 1) + (personSeq % 3_000) * 86_400_000)
  const first17 = `410105${birth.toISOString().slice(0, 10).replaceAll('-', '')}${String(personSeq % 1000).padStart(3, '0')}`
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i]!, 0)
  return { nationalId: `${first17}${'10X98765432'[sum % 11]}`, name }
}
