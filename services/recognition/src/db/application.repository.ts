import type { ApplicationStatus } from '@creditbank/contracts'
import {
  type Expression,
  type Kysely,
  type SqlBool,
  sql,
  type Transaction,
  type Updateable,
} from 'kysely'
import type { ApplicationTable, RecognitionDB, SourceUseTable } from './schema.js'

type Db = Kysely<RecognitionDB>

export type ApplicationRow = Omit<
  ApplicationTable,
  'appealed' | 'flags' | 'created_at' | 'updated_at' | 'limits_applied' | 'steps' | 'evidence_ids'
> & {
  evidence_ids: string[]
  appealed: boolean
  flags: string[]
  created_at: Date
  updated_at: Date
  limits_applied: unknown
  steps: unknown
}

export type NewApplication = Omit<
  ApplicationRow,
  | 'appealed'
  | 'flags'
  | 'created_at'
  | 'updated_at'
  | 'limits_applied'
  | 'steps'
  | 'recognized_entry_id'
  | 'evidence_ids'
> & {
  limits_applied: string
  steps: string
  evidence_ids?: string[]
}

/** Inserts; for rule applications a second insert of the same (entry, rule version, program) returns undefined. */
export async function insertApplication(
  db: Db,
  row: NewApplication,
): Promise<ApplicationRow | undefined> {
  return (await insertApplications(db, [row]))[0]
}

/** Inserts in one statement and returns the rows written: a rule application whose (entry, rule version, program) exists is skipped. */
export async function insertApplications(
  db: Db,
  rows: readonly NewApplication[],
): Promise<ApplicationRow[]> {
  if (rows.length === 0) return []
  let q = db.insertInto('application').values(rows)
  if (rows.some((r) => r.origin === 'rule'))
    q = q.onConflict((oc) =>
      oc
        .columns(['trigger_entry_id', 'rule_version_id', 'program_code'])
        .where('origin', '=', 'rule')
        .doNothing(),
    )
  return (await q.returningAll().execute()) as ApplicationRow[]
}

export const activeStatuses = ['open', 'in_review', 'appealed', 'approved'] as const
export const pendingStatuses = ['open', 'in_review', 'appealed'] as const

/** What counts against the caps: the learner's active applications at the target, bounded. */
export async function activeApplications(db: Db, learnerId: string, targetOrgId: string) {
  return (
    (await activeApplicationsAt(db, [{ learnerId, targetOrgId }])).get(
      activeKey(learnerId, targetOrgId),
    ) ?? []
  )
}

export const activeKey = (learnerId: string, targetOrgId: string) =>
  `${learnerId.toLowerCase()}|${targetOrgId.toLowerCase()}`

/** `activeApplications` for several (learner, target) pairs in one round trip, by `activeKey`; bounded per pair. */
export async function activeApplicationsAt(
  db: Db,
  pairs: readonly { learnerId: string; targetOrgId: string }[],
) {
  const rows =
    pairs.length === 0
      ? []
      : await db
          .selectFrom('application')
          .select([
            'learner_id',
            'target_org_id',
            'credits',
            'counted_on',
            'program_code',
            'source_org_id',
            'source_entry_ids',
            'course_code',
          ])
          .where((eb) =>
            eb(
              eb.refTuple('learner_id', 'target_org_id'),
              'in',
              pairs.map((p) => eb.tuple(p.learnerId, p.targetOrgId)),
            ),
          )
          .where('status', 'in', activeStatuses)
          .limit(5_000 * pairs.length)
          .execute()
  const byKey = new Map<string, Omit<(typeof rows)[number], 'learner_id' | 'target_org_id'>[]>()
  for (const { learner_id, target_org_id, ...counted } of rows) {
    const key = activeKey(learner_id, target_org_id)
    const list = byKey.get(key) ?? []
    if (list.length < 5_000) list.push(counted)
    byKey.set(key, list)
  }
  return byKey
}

export async function findApplication(db: Db, id: string) {
  return (await db.selectFrom('application').selectAll().where('id', '=', id).executeTakeFirst()) as
    | ApplicationRow
    | undefined
}

/** The application, its row locked until the transaction ends. */
export async function findApplicationForUpdate(trx: Transaction<RecognitionDB>, id: string) {
  return (await trx
    .selectFrom('application')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()) as ApplicationRow | undefined
}

export async function updateApplication(
  db: Db,
  id: string,
  set: Omit<Updateable<ApplicationTable>, 'id'>,
) {
  return (await db
    .updateTable('application')
    .set({ ...set, updated_at: sql`now()` as never })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()) as ApplicationRow
}

export interface TrailRow {
  application_id: string
  actor: string
  /** The organization a reviewer decided for (an escalated step's is the parent center). */
  actor_org_id?: string | null
  action: string
  step: number | null
  /** The system's own words; what a person wrote goes sealed in `reason_sealed`. */
  reason: string | null
  reason_sealed?: string | null
  at?: string
}

export async function addTrail(db: Db, rows: TrailRow[]) {
  if (rows.length) await db.insertInto('application_trail').values(rows).execute()
}

export async function trailsOf(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return []
  return db
    .selectFrom('application_trail')
    .selectAll()
    .where('application_id', 'in', ids)
    .orderBy('seq')
    .execute()
}

/**
 * Trail lines and source claims in one statement (an auto-approval writes both); false if a source
 * was already used for its target course.
 */
export async function addTrailAndClaimSources(
  db: Db,
  trail: TrailRow[],
  claims: readonly SourceUseTable[],
) {
  if (claims.length === 0) {
    await addTrail(db, trail)
    return true
  }
  if (trail.length === 0) return claimSources(db, claims)
  const row = await db
    .with('c', (qb) =>
      qb
        .insertInto('source_use')
        .values(claims)
        .onConflict((oc) => oc.doNothing())
        .returning('entry_id'),
    )
    .with('t', (qb) => qb.insertInto('application_trail').values(trail))
    .selectFrom('c')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n) === claims.length
}

/** Records each source as used for its target course; false if one already was (the same source twice). */
export async function claimSources(db: Db, claims: readonly SourceUseTable[]) {
  if (claims.length === 0) return true
  const rows = await db
    .insertInto('source_use')
    .values(claims)
    .onConflict((oc) => oc.doNothing())
    .returning('entry_id')
    .execute()
  return rows.length === claims.length
}

export async function pendingApplicationsUsing(trx: Transaction<RecognitionDB>, entryId: string) {
  return (await trx
    .selectFrom('application')
    .selectAll()
    .where(sql<boolean>`source_entry_ids @> array[${entryId}]::uuid[]`)
    .forUpdate()
    .execute()) as ApplicationRow[]
}

export async function addFlag(db: Db, id: string, flag: string) {
  await db
    .updateTable('application')
    .set({ flags: sql`array_append(flags, ${flag})` as never, updated_at: sql`now()` as never })
    .where('id', '=', id)
    .where(sql<boolean>`not (${flag} = any(flags))`)
    .execute()
}

export interface ListFilter {
  learnerId?: string
  targetOrgId?: string
  status?: ApplicationStatus
  /** A reviewer's queue: current step in their scope, or overdue and escalated to their center. */
  queue?: {
    orgId: string
    regionCode: string | null
    allianceIds: string[]
    notLearner: string | null
  }
  /**
   * A reviewer's search and history (decision 0542): applications of their organization as the
   * target, with any step in their scope, one they decided, or escalated to them now.
   */
  inScope?: {
    orgId: string
    regionCode: string | null
    allianceIds: string[]
    subject: string
  }
  /**
   * Part of the learner's name (its search tokens, all of which the name's must hold: candidates,
   * checked against the opened name by the caller), or their account number.
   */
  learner?: { text: string; tokens: string[] }
  ruleCode?: string
  /** Opened on or after / on or before (dates). */
  from?: string
  to?: string
  decidedBy?: string
  after?: { dueAt: string | null; id: string }
  limit: number
}

/** The region one level up of a char(6) column, as `parentRegion` in scope.ts computes it. */
const parentOf = (col: string) =>
  sql`(case when substr(${sql.ref(col)}, 5, 2) <> '00' then substr(${sql.ref(col)}, 1, 4) || '00' when substr(${sql.ref(col)}, 3, 2) <> '00' then substr(${sql.ref(col)}, 1, 2) || '0000' end)`

/** Overdue, pending, and the current step's region (its own, or its center's) is a child of `region`. */
const escalatedTo = (db: Db, region: string) =>
  sql<boolean>`(application.status in ('open', 'in_review', 'appealed') and application.due_at < now() and (${parentOf('application.step_region')} = ${region} or application.step_org_id in (${db
    .selectFrom('organization as o')
    .select('o.id')
    .where('o.kind', '=', 'recognition_center')
    .where(sql<boolean>`${parentOf('o.region_code')} = ${region}`)})))`

/** A reviewer decided a step of the application (their trail line). */
const decidedBy = (db: Db, subject: string) =>
  sql<boolean>`exists (${db
    .selectFrom('application_trail as t')
    .select('t.seq')
    .where(sql<boolean>`t.application_id = application.id`)
    .where('t.actor', '=', subject)
    .where('t.action', 'in', ['step_approved', 'approved', 'rejected'])})`

export async function listApplications(db: Db, f: ListFilter) {
  let q = db
    .selectFrom('application')
    .selectAll()
    .limit(f.limit + 1)
  if (f.learnerId) q = q.where('learner_id', '=', f.learnerId)
  if (f.targetOrgId) q = q.where('target_org_id', '=', f.targetOrgId)
  if (f.status) q = q.where('status', '=', f.status)
  if (f.ruleCode) q = q.where('rule_code', '=', f.ruleCode)
  if (f.from) q = q.where('opened_on', '>=', f.from)
  if (f.to) q = q.where('opened_on', '<=', f.to)
  if (f.decidedBy) q = q.where(decidedBy(db, f.decidedBy))
  if (f.learner) {
    const { text, tokens } = f.learner
    q = q.where(
      'learner_id',
      'in',
      db
        .selectFrom('learner')
        .select('id')
        .where((eb) =>
          eb.or([sql<boolean>`name_tokens @> ${tokens}::text[]`, eb('account_no', '=', text)]),
        ),
    )
  }
  if (f.inScope) {
    const s = f.inScope
    q = q.where((eb) => {
      const ors: Expression<SqlBool>[] = [
        eb('target_org_id', '=', s.orgId),
        sql<boolean>`steps @> ${JSON.stringify([{ orgId: s.orgId }])}::jsonb`,
        decidedBy(db, s.subject),
      ]
      if (s.regionCode) {
        ors.push(sql<boolean>`steps @> ${JSON.stringify([{ regionCode: s.regionCode }])}::jsonb`)
        ors.push(escalatedTo(db, s.regionCode))
      }
      for (const a of s.allianceIds)
        ors.push(sql<boolean>`steps @> ${JSON.stringify([{ allianceId: a }])}::jsonb`)
      return eb.or(ors)
    })
  }
  if (f.queue) {
    const s = f.queue
    q = q.where('status', 'in', pendingStatuses).where((eb) => {
      const ors: Expression<SqlBool>[] = [eb('step_org_id', '=', s.orgId)]
      if (s.regionCode) {
        ors.push(eb('step_region', '=', s.regionCode))
        ors.push(escalatedTo(db, s.regionCode))
      }
      if (s.allianceIds.length) ors.push(eb('step_alliance_id', 'in', s.allianceIds))
      return eb.or(ors)
    })
    if (s.notLearner) q = q.where('learner_id', '<>', s.notLearner)
    // Ordered by due date: the overdue ones (earliest due) come first.
    q = q.orderBy('due_at', 'asc').orderBy('id', 'asc')
    if (f.after) {
      const { dueAt, id } = f.after
      q = q.where((eb) =>
        dueAt === null
          ? eb('id', '>', id)
          : eb.or([
              eb('due_at', '>', dueAt as never),
              eb.and([eb('due_at', '=', dueAt as never), eb('id', '>', id)]),
            ]),
      )
    }
  } else {
    q = q.orderBy('id', 'desc')
    if (f.after) q = q.where('id', '<', f.after.id)
  }
  return (await q.execute()) as ApplicationRow[]
}

/** Who each learner is, for the pages (from accounts.learner.opened). */
export async function upsertLearner(db: Db, l: { id: string; account_no: string }) {
  // The name and masked number are written from accounts' answer after the batch (learnerNames).
  await db
    .insertInto('learner')
    .values({ ...l, name: null, national_id_masked: null, personal_sealed: null })
    .onConflict((oc) => oc.column('id').doUpdateSet({ account_no: l.account_no }))
    .execute()
}

export function insertEvidence(
  db: Db,
  row: {
    id: string
    learner_id: string
    media_type: string | null
    size_bytes: number | null
  },
) {
  return db
    .insertInto('evidence')
    .values({ ...row, filename: null, filename_sealed: null })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute()
}

/** The ids among `ids` that are evidence files of this learner. */
export async function evidenceOf(db: Db, learnerId: string, ids: readonly string[]) {
  if (ids.length === 0) return new Set<string>()
  const rows = await db
    .selectFrom('evidence')
    .select('id')
    .where('learner_id', '=', learnerId)
    .where('id', 'in', ids)
    .execute()
  return new Set(rows.map((r) => r.id))
}
