import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { topicOf } from '@creditbank/contracts'
import { forSchema } from '@creditbank/db'
import { createEvent } from '@creditbank/events'
import type { ServiceEvents } from '@creditbank/service-kit'
import { openFor, parseKey } from '@creditbank/service-kit'
import {
  accountsStandIn,
  eventually,
  portfolioStandIn,
  type TestPlatform,
  testPlatform,
  testService,
} from '@creditbank/testing'
import type { FastifyInstance } from 'fastify'
import recognitionApp, { SCHEMA } from '../src/app.js'
import { migrations } from '../src/db/migrations.js'
import type { RecognitionDB } from '../src/db/schema.js'
import { openLearner, RecognitionPersonal } from '../src/domain/personal.js'
import type { WorkerStats } from '../src/events/handlers.js'

/** recognition's RECOGNITION_SECRET_KEY in the tests. */
export const SECRET_KEY_HEX = 'c6'.repeat(32)

export const today = () => new Date().toISOString().slice(0, 10)
export const monthsAgo = (n: number) => {
  const d = new Date()
  d.setUTCMonth(d.getUTCMonth() - n)
  return d.toISOString().slice(0, 10)
}

/** recognition on its own database and topics, as server.ts builds it, with helpers to drive its worker. */
export async function buildRecognition(platformIn?: TestPlatform) {
  const platform = platformIn ?? (await testPlatform({ [SCHEMA]: migrations }))
  const stats: WorkerStats = { opened: 0, refused: 0, duplicates: 0 }
  let events: ServiceEvents | undefined
  // Who the learners are, as accounts would answer (decision 0730: events carry no names).
  const accounts = accountsStandIn()
  // What the learners named their evidence files, as portfolio would answer (events carry no names).
  const portfolio = portfolioStandIn()
  const app: FastifyInstance = await testService('recognition', recognitionApp, platform, {
    secretKeyHex: SECRET_KEY_HEX,
    learnerPersonal: accounts.source,
    evidenceNames: portfolio.source,
    workerStats: stats,
    exposeEvents: (e: ServiceEvents) => (events = e),
  })
  const db = forSchema<RecognitionDB>(platform.database, SCHEMA)
  const keys = platform.keys
  const admin = keys.auth({ roles: ['admin'] })
  const reviewer = (org: string, extra: { sub?: string; learner?: string } = {}) =>
    keys.auth({ roles: ['reviewer'], org, ...extra })
  const learner = (learnerId: string, sub?: string) =>
    keys.auth({ roles: ['learner'], learner: learnerId, ...(sub ? { sub } : {}) })
  const registrar = (org: string) => keys.auth({ roles: ['registrar'], org })

  /** Injects events as other services publish them, and waits until the worker has applied each one. */
  async function deliver(events: { type: string; subject?: string; data: unknown; id?: string }[]) {
    const built = events.map((e) =>
      createEvent(
        e.type.startsWith('identity') ? '/creditbank/identity' : '/creditbank/accounts',
        e,
      ),
    )
    await platform.transport.publish(
      built.map((e) => ({
        topic: topicOf(e.type),
        key: e.subject ?? null,
        value: JSON.stringify(e),
      })),
    )
    const ids = built.map((e) => e.id)
    await eventually(async () => {
      const rows = await db
        .selectFrom('inbox_event')
        .select('event_id')
        .where('event_id', 'in', ids)
        .execute()
      return rows.length === ids.length
    }, 30_000)
    return built
  }

  async function organization(kind = 'school', regionCode = '410100') {
    const id = randomUUID()
    await deliver([
      {
        type: 'identity.organization.registered',
        data: {
          organizationId: id,
          code: `O-${id.slice(0, 8)}`,
          name: 'org',
          kind,
          regionCode,
          schoolLevel: kind === 'school' ? 'higher_vocational' : null,
        },
      },
    ])
    return id
  }

  function enrollment(learnerId: string, orgId: string, programCode: string) {
    return {
      type: 'accounts.enrollment.created',
      subject: learnerId,
      data: {
        enrollmentId: randomUUID(),
        learnerId,
        orgId,
        programCode,
        programName: programCode,
        startedOn: '2025-09-01',
      },
    }
  }

  function outcome(learnerId: string, fields: Record<string, unknown>) {
    const data = {
      entryId: randomUUID(),
      learnerId,
      orgId: randomUUID(),
      kind: 'course',
      title: 'a course',
      code: null,
      credits: null,
      hours: null,
      grade: null,
      level: null,
      category: null,
      occurredOn: monthsAgo(2),
      externalRef: null,
      postedAt: new Date().toISOString(),
      ...fields,
    }
    return {
      type: 'accounts.outcome.posted',
      subject: learnerId,
      data: data as typeof data & Record<string, any>,
    }
  }

  async function createRule(body: Record<string, unknown>, auth = admin) {
    const res = await app.inject({ method: 'POST', url: '/v1/rules', headers: auth, payload: body })
    if (res.statusCode !== 201) throw new Error(`rule ${body.code}: ${res.statusCode} ${res.body}`)
    return res.json()
  }

  const count = async (
    table:
      | 'application'
      | 'rule_version'
      | 'alliance'
      | 'application_trail'
      | 'source_use'
      | 'outbox_event'
      | 'entry'
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

  const applicationsOf = (learnerId: string) =>
    db
      .selectFrom('application')
      .selectAll()
      .where('learner_id', '=', learnerId)
      .orderBy('created_at')
      .orderBy('id')
      .execute()

  // The tests read what the database holds, opened as the service opens it.
  const personal = new RecognitionPersonal(parseKey(SECRET_KEY_HEX, 'RECOGNITION_SECRET_KEY'))
  const keyOf = async (learnerId: string) =>
    (await personal.keys.getMany(db, [learnerId.toLowerCase()])).get(learnerId.toLowerCase())
  /** The learner's name and masked number as recognition holds them (sealed under their key). */
  async function personalOf(learnerId: string) {
    const row = await db
      .selectFrom('learner')
      .select('personal_sealed')
      .where('id', '=', learnerId)
      .executeTakeFirstOrThrow()
    return openLearner(await keyOf(learnerId), row.personal_sealed)
  }
  /** An evidence file's name as recognition holds it (sealed under its learner's key). */
  async function fileNameOf(evidenceId: string) {
    const row = await db
      .selectFrom('evidence')
      .select(['learner_id', 'filename_sealed'])
      .where('id', '=', evidenceId)
      .executeTakeFirstOrThrow()
    return row.filename_sealed ? openFor(await keyOf(row.learner_id), row.filename_sealed) : null
  }

  return {
    app,
    personal,
    personalOf,
    fileNameOf,
    accounts,
    portfolio,
    get events() {
      return events!
    },
    platform,
    db,
    stats,
    admin,
    reviewer,
    learner,
    registrar,
    deliver,
    organization,
    enrollment,
    outcome,
    createRule,
    count,
    applicationsOf,
    async close() {
      await app.close()
      if (!platformIn) await platform.close()
    },
  }
}

export type Recognition = Awaited<ReturnType<typeof buildRecognition>>

/** A rule fixture from seeds/rules with its placeholders filled in. */
export function fixture(name: string, vars: Record<string, string>) {
  let text = readFileSync(new URL(`../../../seeds/rules/${name}.json`, import.meta.url), 'utf8')
  for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{{${k}}}`, v)
  if (/\{\{[A-Z_]+\}\}/.test(text)) throw new Error(`fixture ${name} has unfilled placeholders`)
  return JSON.parse(text) as { description: string; rules: Record<string, any>[] }
}

/** A small auto rule for a target; override any part. */
export function autoRule(targetOrgId: string, over: Record<string, unknown> = {}) {
  return {
    code: `R-${randomUUID().slice(0, 8)}`,
    name: 'test rule',
    targetOrgId,
    source: { kind: 'certificate', typeCode: 'WEB-FE', minLevel: 'intermediate' },
    award: { courseCode: 'WEB201', courseName: '网页设计', courseType: 'core', credits: '4' },
    review: { mode: 'auto' },
    validFrom: '2025-01-01',
    ...over,
  }
}

/**
 * A learner enrolled at a new school applies there with one evidence file: what the tests of
 * reads and their retention start from.
 */
export async function appliedWithEvidence(r: Recognition) {
  const school = await r.organization('school')
  const learner = randomUUID()
  const file = randomUUID()
  const course = r.outcome(learner, { kind: 'course', title: '大学物理', code: 'PHY1' })
  await r.deliver([
    r.enrollment(learner, school, 'P-FILE'),
    course,
    {
      type: 'portfolio.evidence.added',
      subject: learner,
      data: {
        evidenceId: file,
        learnerId: learner,
        sha256: 'd'.repeat(64),
        mediaType: 'image/png',
        sizeBytes: 10,
      },
    },
  ])
  const applied = await r.app.inject({
    method: 'POST',
    url: '/v1/applications',
    headers: r.learner(learner),
    payload: {
      sourceEntryIds: [course.data.entryId],
      targetOrgId: school,
      programCode: 'P-FILE',
      evidenceIds: [file],
      award: {
        courseCode: 'PHY101',
        courseName: '大学物理',
        courseType: 'foundation',
        credits: '3',
      },
    },
  })
  if (applied.statusCode !== 201) throw new Error(applied.body)
  return { school, learner, file, id: applied.json().id as string }
}
