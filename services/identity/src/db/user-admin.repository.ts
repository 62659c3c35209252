import { type Kysely, sql, type Transaction } from 'kysely'
import { likeEscaped } from './like.js'
import type { IdentityDB } from './schema.js'
import type { UserRow } from './user.repository.js'

export interface UserFilter {
  /** Username prefix or part of the display name, case-insensitive. */
  q?: string
  /** Members of any of these organizations; undefined: everyone (platform admins). */
  orgIds?: string[]
  role?: string
  disabled?: boolean
  /** lower(username) of the last user of the previous page. */
  after?: string
  limit: number
}

/** By username (case-insensitive, unique), `limit + 1` rows. */
export async function listUsers(db: Kysely<IdentityDB>, f: UserFilter): Promise<UserRow[]> {
  if (f.orgIds?.length === 0) return []
  let q = db
    .selectFrom('app_user as u')
    .selectAll('u')
    .orderBy(sql`lower(u.username)`)
    .limit(f.limit + 1)
  if (f.q) {
    const term = likeEscaped(f.q.toLowerCase())
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(u.username)`, 'like', `${term}%`),
        eb(sql`lower(u.display_name)`, 'like', `%${term}%`),
      ]),
    )
  }
  if (f.orgIds || f.role) {
    q = q.where((eb) => {
      let m = eb
        .selectFrom('membership as m')
        .select('m.user_id')
        .whereRef('m.user_id', '=', 'u.id')
      if (f.orgIds) m = m.where('m.org_id', 'in', f.orgIds)
      if (f.role) m = m.where('m.role', '=', f.role)
      return eb.exists(m)
    })
  }
  if (f.disabled !== undefined) q = q.where('u.disabled_at', f.disabled ? 'is not' : 'is', null)
  if (f.after) q = q.where(sql`lower(u.username)`, '>', f.after)
  return (await q.execute()) as UserRow[]
}

/** The memberships of these users with their organizations' names, for lists. */
export function membershipsWithNames(db: Kysely<IdentityDB>, userIds: string[]) {
  if (userIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('membership as m')
    .innerJoin('organization as o', 'o.id', 'm.org_id')
    .select(['m.user_id', 'm.org_id', 'm.role', 'o.name as org_name', 'o.code as org_code'])
    .where('m.user_id', 'in', userIds)
    .orderBy('m.created_at')
    .orderBy('m.org_id')
    .execute()
}

export function findUserForUpdate(trx: Transaction<IdentityDB>, id: string) {
  return trx
    .selectFrom('app_user')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst() as Promise<UserRow | undefined>
}

export async function updateUser(
  db: Kysely<IdentityDB>,
  id: string,
  set: Partial<
    Pick<
      UserRow,
      | 'disabled_at'
      | 'disabled_reason'
      | 'password_hash'
      | 'password_change_required'
      | 'temporary_password_expires_at'
      | 'session_version'
      | 'last_sign_in_at'
    >
  >,
) {
  return (await db
    .updateTable('app_user')
    .set(set)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()) as UserRow
}

/** What identity needs to refuse a user's older tokens: one primary-key probe per request. */
export function tokenStanding(db: Kysely<IdentityDB>, id: string) {
  return db
    .selectFrom('app_user')
    .select(['disabled_at', 'session_version'])
    .where('id', '=', id)
    .executeTakeFirst()
}
