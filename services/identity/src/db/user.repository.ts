import { now } from '@creditbank/contracts'
import { type Kysely, sql } from 'kysely'
import type { IdentityDB } from './schema.js'

export interface UserRow {
  id: string
  username: string
  password_hash: string
  display_name: string
  platform_admin: boolean
  learner_id: string | null
  self_registered: boolean
  created_at: Date
  disabled_at: Date | null
  disabled_reason: string | null
  password_change_required: boolean
  temporary_password_expires_at: Date | null
  session_version: number
  last_sign_in_at: Date | null
}

/** What a new user starts with; the administration columns start empty. */
export type NewUserRow = Pick<
  UserRow,
  | 'id'
  | 'username'
  | 'password_hash'
  | 'display_name'
  | 'platform_admin'
  | 'learner_id'
  | 'self_registered'
>

export function findUserByUsername(db: Kysely<IdentityDB>, username: string) {
  return db
    .selectFrom('app_user')
    .selectAll()
    .where(sql<string>`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst() as Promise<UserRow | undefined>
}

export function findUser(db: Kysely<IdentityDB>, id: string) {
  return db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst() as Promise<
    UserRow | undefined
  >
}

export async function insertUser(db: Kysely<IdentityDB>, row: NewUserRow) {
  return (await db
    .insertInto('app_user')
    .values(row)
    .returningAll()
    .executeTakeFirstOrThrow()) as UserRow
}

export async function insertMemberships(
  db: Kysely<IdentityDB>,
  userId: string,
  memberships: { orgId: string; role: string }[],
) {
  if (memberships.length === 0) return
  await db
    .insertInto('membership')
    .values(memberships.map((m) => ({ user_id: userId, org_id: m.orgId, role: m.role })))
    .onConflict((oc) => oc.doNothing())
    .execute()
}

export function membershipsOf(db: Kysely<IdentityDB>, userId: string) {
  return db
    .selectFrom('membership')
    .select(['org_id', 'role'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('org_id')
    .execute()
}

export async function linkLearner(db: Kysely<IdentityDB>, userId: string, learnerId: string) {
  await db.updateTable('app_user').set({ learner_id: learnerId }).where('id', '=', userId).execute()
}

export async function recordLoginFailure(db: Kysely<IdentityDB>, username: string) {
  // The one clock, so that tests move time for the lock-out and its retention (0727) alike.
  await db
    .insertInto('login_failure')
    .values({ username: username.toLowerCase(), failed_at: now() })
    .execute()
}

export async function recentLoginFailures(
  db: Kysely<IdentityDB>,
  username: string,
  sinceMs: number,
) {
  const r = await db
    .selectFrom('login_failure')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('username', '=', username.toLowerCase())
    .where('failed_at', '>', new Date(now().getTime() - sinceMs))
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

export async function clearLoginFailures(db: Kysely<IdentityDB>, username: string) {
  await db.deleteFrom('login_failure').where('username', '=', username.toLowerCase()).execute()
}
