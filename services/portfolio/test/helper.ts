import { randomUUID } from 'node:crypto'
import { topicOf } from '@creditbank/contracts'
import { forSchema } from '@creditbank/db'
import { createEvent } from '@creditbank/events'
import { accountsStandIn, eventually, testPlatform, testService } from '@creditbank/testing'
import { uuidv7 } from 'uuidv7'
import portfolioApp, { SCHEMA } from '../src/app.js'
import { Issuers } from '../src/credentials/issuers.js'
import { migrations } from '../src/db/migrations.js'
import type { PortfolioDB } from '../src/db/schema.js'
import { OVERSIGHT_GROUP } from '../src/oversight/consumer.js'
import { oversightTypes } from '../src/oversight/projection.js'

export const SECRET_KEY = 'c5'.repeat(32)
export const BASE_URL = 'https://creditbank.test'

/** portfolio on its own database and topics, as server.ts builds it. */
export async function buildPortfolio() {
  const platform = await testPlatform({ [SCHEMA]: migrations })
  // Who the learners are, as accounts would answer (decision 0730: events carry no names).
  const accounts = accountsStandIn()
  const app = await testService('portfolio', portfolioApp, platform, {
    secretKeyHex: SECRET_KEY,
    publicBaseUrl: BASE_URL,
    learnerPersonal: accounts.source,
  })
  const db = forSchema<PortfolioDB>(platform.database, SCHEMA)
  const sources: Record<string, string> = {
    identity: '/creditbank/identity',
    accounts: '/creditbank/accounts',
    certificates: '/creditbank/certificates',
    recognition: '/creditbank/recognition',
  }

  /** Publishes events as the other services would (their topic, the learner as key); returns them. */
  async function publish(
    ...events: {
      type: string
      data: Record<string, unknown>
      subject?: string
      id?: string
      time?: Date
    }[]
  ) {
    const built = events.map((e) => {
      const subject =
        e.subject ?? (typeof e.data.learnerId === 'string' ? e.data.learnerId : undefined)
      return createEvent(
        sources[e.type.split('.')[0] as string] as string,
        {
          type: e.type,
          data: e.data,
          ...(subject ? { subject } : {}),
          ...(e.id ? { id: e.id } : {}),
        },
        e.time ?? new Date(),
      )
    })
    await platform.transport.publish(
      built.map((e) => ({
        topic: topicOf(e.type),
        key: e.subject ?? null,
        value: JSON.stringify(e),
      })),
    )
    return built
  }

  /**
   * Waits until every published event of ours reached the timeline's inbox, and those the
   * oversight figures read theirs too (applied or skipped as a duplicate).
   */
  async function settled(eventIds: string[]) {
    await eventually(async () => {
      const rows = await db
        .selectFrom('inbox_event')
        .select(['consumer', 'event_type'])
        .where('event_id', 'in', eventIds)
        .execute()
      const timeline = rows.filter((r) => r.consumer === 'creditbank.portfolio')
      const oversight = rows.filter((r) => r.consumer === OVERSIGHT_GROUP)
      const wanted = timeline.filter((r) => oversightTypes.includes(r.event_type as never))
      return timeline.length === eventIds.length && oversight.length === wanted.length
    })
  }

  return {
    app,
    accounts,
    platform,
    db,
    publish,
    settled,
    /** Publishes and waits until the consumer applied them. */
    async apply(...events: Parameters<typeof publish>) {
      const built = await publish(...events)
      await settled(built.map((e) => e.id))
      return built
    },
    learner(learnerId: string) {
      return platform.keys.auth({ roles: ['learner'], learner: learnerId })
    },
    admin: platform.keys.auth({ roles: ['admin'] }),
    /** The DID an organization (or PLATFORM_ISSUER, for an admin) signs as: what a VC API caller names as `issuer`. */
    async didOf(issuerId: string) {
      return (await new Issuers(Buffer.from(SECRET_KEY, 'hex')).get(db, issuerId)).did
    },
    async close() {
      await app.close()
      await platform.close()
    },
  }
}

export type Portfolio = Awaited<ReturnType<typeof buildPortfolio>>

export const ids = () => uuidv7()
export { randomUUID }

/** A small world: an organization, a learner with an account, and a certificate type with its English name. */
export function fixtures() {
  const school = ids()
  const evalOrg = ids()
  const learnerId = ids()
  return {
    school,
    evalOrg,
    learnerId,
    orgRegistered: (id: string, name: string, kind = 'school') => ({
      type: 'identity.organization.registered',
      data: {
        organizationId: id,
        code: `C-${id.slice(-6)}`,
        name,
        kind,
        regionCode: '410100',
        schoolLevel: kind === 'school' ? 'higher_vocational' : null,
      },
    }),
    learnerOpened: (lid = learnerId) => ({
      type: 'accounts.learner.opened',
      data: {
        learnerId: lid,
        accountNo: `4101${lid.slice(-8)}`,
        category: 'student',
        openedByOrgId: school,
        birthDate: null,
      },
    }),
    outcome: (over: Record<string, unknown> = {}) => ({
      type: 'accounts.outcome.posted',
      data: {
        entryId: ids(),
        learnerId,
        orgId: school,
        kind: 'course',
        title: '网页设计',
        code: 'WEB201',
        credits: '4',
        hours: '64',
        grade: { score: '88', scale: '100' },
        level: null,
        category: null,
        occurredOn: '2026-06-30',
        externalRef: `ext-${Math.random().toString(36).slice(2)}`,
        postedAt: new Date().toISOString(),
        ...over,
      },
    }),
    /** The ledger's copy of a 1+X certificate (accounts posts one for each certificate issued). */
    ledgerCopy(certificateId: string, over: Record<string, unknown> = {}) {
      return this.outcome({
        kind: 'certificate',
        title: 'Web前端开发（中级）',
        code: null,
        credits: null,
        hours: null,
        grade: null,
        level: 'intermediate',
        certificateId,
        typeCode: 'WEB-FE',
        orgId: evalOrg,
        ...over,
      })
    },
    typePublished: () => ({
      type: 'certificates.type.published',
      data: {
        code: 'WEB-FE',
        name: 'Web前端开发',
        nameEn: 'Web Front-End Development',
        evaluationOrgId: evalOrg,
        levels: ['junior', 'intermediate', 'senior'],
        validityYears: 3,
      },
    }),
    certificateIssued: (certificateId = ids()) => ({
      type: 'certificates.certificate.issued',
      data: {
        certificateId,
        number: `X-${certificateId.slice(-8)}`,
        learnerId,
        typeCode: 'WEB-FE',
        typeName: 'Web前端开发',
        level: 'intermediate',
        score: '91',
        issuedOn: '2026-05-01',
        expiresOn: '2029-04-30',
        evaluationOrgId: evalOrg,
      },
    }),
  }
}
