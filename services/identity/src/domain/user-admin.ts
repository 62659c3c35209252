import { randomInt } from 'node:crypto'
import type { Principal } from '@creditbank/auth'
import type { Kysely, Transaction } from 'kysely'
import type { IdentityDB } from '../db/schema.js'
import { clearLoginFailures, membershipsOf, type UserRow } from '../db/user.repository.js'
import {
  findUserForUpdate,
  listUsers,
  membershipsWithNames,
  type UserFilter,
  updateUser,
} from '../db/user-admin.repository.js'
import { type AuditActor, recordAudit } from './audit.js'
import { identityErrors } from './errors.js'
import { hashSecret } from './passwords.js'

/** A temporary password works for this long, and only to choose a new one. */
export const TEMPORARY_PASSWORD_TTL_MS = 72 * 3600 * 1000

type Named = Awaited<ReturnType<typeof membershipsWithNames>>[number]

export function staffView(u: UserRow, memberships: Named[]) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    platformAdmin: u.platform_admin,
    learnerId: u.learner_id,
    memberships: memberships
      .filter((m) => m.user_id === u.id)
      .map((m) => ({ orgId: m.org_id, orgName: m.org_name, orgCode: m.org_code, role: m.role })),
    disabled: u.disabled_at !== null,
    disabledAt: u.disabled_at?.toISOString() ?? null,
    disabledReason: u.disabled_reason,
    passwordChangeRequired: u.password_change_required,
    lastSignInAt: u.last_sign_in_at?.toISOString() ?? null,
    createdAt: u.created_at.toISOString(),
  }
}

/** The organizations whose people the caller administers; undefined for platform admins (all). */
export function administeredOrgs(p: Principal): string[] | undefined {
  if (p.roles.includes('admin')) return undefined
  if (p.adminOf.length > 0) return p.adminOf
  throw identityErrors.IDENTITY_NOT_ORG_ADMIN()
}

/** The organizations a list is narrowed to: the one asked for, if the caller administers it, or all theirs. */
export function orgScope(p: Principal, orgId: string | undefined): string[] | undefined {
  const mine = administeredOrgs(p)
  if (orgId && mine && !mine.includes(orgId)) throw identityErrors.IDENTITY_NOT_ORG_ADMIN()
  return orgId ? [orgId] : mine
}

export async function listStaff(
  db: Kysely<IdentityDB>,
  p: Principal,
  f: Omit<UserFilter, 'orgIds'> & { orgId?: string },
) {
  const rows = await listUsers(db, { ...f, orgIds: orgScope(p, f.orgId) })
  const names = await membershipsWithNames(
    db,
    rows.map((r) => r.id),
  )
  return { rows, view: (u: UserRow) => staffView(u, names) }
}

/**
 * The user an admin acts on, locked. A platform admin acts on anyone but themselves; an
 * organization's admin on people all of whose memberships are in organizations they administer
 * (someone also working elsewhere, or a platform admin, is beyond them). Users they cannot see
 * at all are as unknown as a wrong id.
 */
async function target(trx: Transaction<IdentityDB>, p: Principal, id: string) {
  const user = await findUserForUpdate(trx, id)
  if (!user) throw identityErrors.IDENTITY_USER_NOT_FOUND()
  const mine = administeredOrgs(p)
  if (mine) {
    const orgs = (await membershipsOf(trx, id)).map((m) => m.org_id)
    if (!orgs.some((o) => mine.includes(o))) throw identityErrors.IDENTITY_USER_NOT_FOUND()
    if (user.platform_admin || orgs.some((o) => !mine.includes(o)))
      throw identityErrors.IDENTITY_NOT_ORG_ADMIN()
  }
  if (user.id === p.subject) throw identityErrors.IDENTITY_NOT_ON_SELF()
  return user
}

async function audited(
  trx: Kysely<IdentityDB>,
  actor: AuditActor,
  user: UserRow,
  action: 'user.disabled' | 'user.enabled' | 'user.password_reset',
  detail: Record<string, unknown> = {},
) {
  const names = await membershipsWithNames(trx, [user.id])
  await recordAudit(trx, actor, {
    action,
    target: { kind: 'user', id: user.id, label: `${user.display_name} (${user.username})` },
    orgIds: names.map((m) => m.org_id),
    detail,
  })
  return staffView(user, names)
}

/** Disabled: no sign-in, and identity refuses the user's tokens at once (others at their expiry). */
export async function disableUser(
  trx: Transaction<IdentityDB>,
  p: Principal,
  actor: AuditActor,
  id: string,
  reason: string | undefined,
) {
  const user = await target(trx, p, id)
  if (user.disabled_at) throw identityErrors.IDENTITY_USER_ALREADY_DISABLED()
  const now = new Date()
  const updated = await updateUser(trx, id, {
    disabled_at: now,
    disabled_reason: reason ?? null,
    session_version: user.session_version + 1,
  })
  return audited(trx, actor, updated, 'user.disabled', reason ? { reason } : {})
}

export async function enableUser(
  trx: Transaction<IdentityDB>,
  p: Principal,
  actor: AuditActor,
  id: string,
) {
  const user = await target(trx, p, id)
  if (!user.disabled_at) throw identityErrors.IDENTITY_USER_NOT_DISABLED()
  const updated = await updateUser(trx, id, { disabled_at: null, disabled_reason: null })
  await clearLoginFailures(trx, user.username)
  return audited(trx, actor, updated, 'user.enabled')
}

/** Letters and digits that cannot be mistaken for one another when read out over the phone. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789'

/** 12 characters (about 69 bits) in groups of four: `Hk7m-PqR2-x9Zt`. */
export function temporaryPassword() {
  const chars = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)])
  return [0, 4, 8].map((i) => chars.slice(i, i + 4).join('')).join('-')
}

/**
 * A temporary password, shown once to the admin, that signs in only to choose a new one, within
 * 72 hours. The user's sessions end in identity at once; lockouts are lifted.
 */
export async function resetPassword(
  trx: Transaction<IdentityDB>,
  p: Principal,
  actor: AuditActor,
  id: string,
) {
  const user = await target(trx, p, id)
  const password = temporaryPassword()
  const now = Date.now()
  const expiresAt = new Date(now + TEMPORARY_PASSWORD_TTL_MS)
  const updated = await updateUser(trx, id, {
    password_hash: await hashSecret(password),
    password_change_required: true,
    temporary_password_expires_at: expiresAt,
    session_version: user.session_version + 1,
  })
  await clearLoginFailures(trx, user.username)
  const view = await audited(trx, actor, updated, 'user.password_reset', {
    expiresAt: expiresAt.toISOString(),
  })
  return { user: view, temporaryPassword: password, expiresAt: expiresAt.toISOString() }
}
