import { type Kysely, sql } from 'kysely'
import type { PortfolioDB } from './schema.js'

export interface NewNotification {
  id: string
  learner_id: string
  kind: string
  at: string
  ref_id: string | null
  org_id: string | null
  data: Record<string, unknown>
}

/** One row per id: a replayed event (the same id) inserts nothing. */
export async function insertNotification(db: Kysely<PortfolioDB>, n: NewNotification) {
  await db
    .insertInto('notification')
    .values({ ...n, data: JSON.stringify(n.data) })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute()
}

/** A pending application's due date. Opening never reopens a closed one (a replay after closing). */
export async function watchApplication(
  db: Kysely<PortfolioDB>,
  row: {
    application_id: string
    learner_id: string
    target_org_id: string
    course_name: string
    due_at: string | null
  },
) {
  await db
    .insertInto('application_watch')
    .values({ ...row, open: true })
    .onConflict((oc) => oc.column('application_id').doNothing())
    .execute()
}

/** Moves a watched application: closed by a final decision, reopened by an appeal, a new due date. */
export async function updateWatch(
  db: Kysely<PortfolioDB>,
  applicationId: string,
  set: { open?: boolean; due_at?: string | null },
) {
  return db
    .updateTable('application_watch')
    .set(set)
    .where('application_id', '=', applicationId)
    .returning(['course_name', 'target_org_id'])
    .executeTakeFirst()
}

/**
 * "Due" notifications for the learner's open applications whose decision date has passed, one per
 * application and due date (the id is derived from both, so asking again inserts nothing).
 */
export async function insertDueNotifications(db: Kysely<PortfolioDB>, learnerId: string) {
  await sql`
    insert into portfolio.notification (id, learner_id, kind, at, ref_id, org_id, data)
    select (substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-8' || substr(h, 14, 3) || '-8' ||
            substr(h, 18, 3) || '-' || substr(h, 21, 12))::uuid,
           w.learner_id, 'application_due', w.due_at, w.application_id, w.target_org_id,
           jsonb_build_object('courseName', w.course_name, 'dueAt', w.due_at)
    from portfolio.application_watch w,
         lateral (select md5('due:' || w.application_id || ':' || w.due_at::text) as h) d
    where w.learner_id = ${learnerId} and w.open and w.due_at < now()
    on conflict (id) do nothing`.execute(db)
}

export function notificationRows(
  db: Kysely<PortfolioDB>,
  learnerId: string,
  o: { limit: number; after?: { read: boolean; at: string; id: string } },
) {
  let q = db
    .selectFrom('notification as n')
    .leftJoin('organization as o', 'o.id', 'n.org_id')
    .select([
      'n.id',
      'n.kind',
      'n.at',
      'n.ref_id',
      'n.org_id',
      'n.data',
      'n.read_at',
      'o.name as org_name',
    ])
    .where('n.learner_id', '=', learnerId)
    // Unread first, then newest first.
    .orderBy(sql`(n.read_at is not null)`)
    .orderBy('n.at', 'desc')
    .orderBy('n.id', 'desc')
    .limit(o.limit + 1)
  if (o.after) {
    // After the last row in (read, at desc, id desc) order.
    const { read, at, id } = o.after
    q = q.where(
      sql<boolean>`((n.read_at is not null) > ${read}::boolean or ((n.read_at is not null) = ${read}::boolean and (n.at, n.id) < (${at}::timestamptz, ${id}::uuid)))`,
    )
  }
  return q.execute()
}

export async function unreadCount(db: Kysely<PortfolioDB>, learnerId: string) {
  const r = await db
    .selectFrom('notification')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('learner_id', '=', learnerId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Marks the given notifications (or all) of the learner read; others' ids change nothing. */
export async function markRead(db: Kysely<PortfolioDB>, learnerId: string, ids: string[] | 'all') {
  let q = db
    .updateTable('notification')
    .set({ read_at: new Date() })
    .where('learner_id', '=', learnerId)
    .where('read_at', 'is', null)
  if (ids !== 'all') q = q.where('id', 'in', ids)
  const r = await q.executeTakeFirst()
  return Number(r.numUpdatedRows)
}
