import { randomUUID } from 'node:crypto'
import { forSchema } from '@creditbank/db'
import { createEvent } from '@creditbank/events'
import { eventually, testPlatform, testService } from '@creditbank/testing'
import type { Kysely } from 'kysely'
import certificatesApp, { type CertificatesOptions, SCHEMA } from '../src/app.js'
import { migrations } from '../src/db/migrations.js'
import type { CertificatesDB } from '../src/db/schema.js'

export const SECRET_KEY = 'c4'.repeat(32)

let seq = 0
const tag = () => `${++seq}${Math.random().toString(36).slice(2, 6)}`.toUpperCase()

/** certificates on its own database and topics, as server.ts builds it, with helpers to drive its projections. */
export async function buildCertificates(
  options: Partial<Omit<CertificatesOptions, 'platform'>> = {},
) {
  const platform = await testPlatform({ [SCHEMA]: migrations })
  const app = await testService('certificates', certificatesApp, platform, {
    secretKeyHex: SECRET_KEY,
    verifyRateLimit: { max: 10_000, windowS: 60 },
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

  return {
    app,
    platform,
    db: db as Kysely<CertificatesDB>,
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
