import { createHash, randomUUID, timingSafeEqual } from 'node:crypto'
import type { AccessClaims, Role } from '@creditbank/auth'
import { createSigner } from 'fast-jwt'
import type { Kysely } from 'kysely'
import { findClient } from '../db/client.repository.js'
import type { IdentityDB } from '../db/schema.js'
import {
  clearLoginFailures,
  findUserByUsername,
  membershipsOf,
  recentLoginFailures,
  recordLoginFailure,
  type UserRow,
} from '../db/user.repository.js'
import { identityErrors } from './errors.js'
import { decoyHash, hashSecret, verifySecret } from './passwords.js'
import { currentSigningKey } from './signing-keys.js'

export interface TokenSettings {
  issuer: string
  audience: string
  ttlS: number
  sealKey: Buffer
  /** Failed sign-ins allowed per username in the window before it is locked for the window. */
  maxFailures: number
  failureWindowMs: number
  /** The built-in service clients' one secret (SERVICE_CLIENT_SECRET); absent, there are none. */
  serviceClientSecret?: string
  /** Requests a minute from one address: sign-ins (and password changes), and sign-ups. */
  perAddress: { signIn: number; signUp: number }
}

/**
 * The platform's own services, as built-in clients `service:<name>` (decision 0730): no row, no
 * organization, one secret from the deployment's environment, and the `service` role that only
 * they get. No admin can create them or grant the role.
 */
export const SERVICE_CLIENTS = [
  'service:accounts',
  'service:certificates',
  'service:recognition',
  'service:portfolio',
] as const

const digest = (s: string) => createHash('sha256').update(s).digest()

export interface IssuedToken {
  accessToken: string
  tokenType: 'Bearer'
  expiresIn: number
}

async function sign(
  db: Kysely<IdentityDB>,
  s: TokenSettings,
  claims: Omit<AccessClaims, 'iss' | 'aud' | 'exp' | 'iat' | 'jti'>,
): Promise<IssuedToken> {
  const key = await currentSigningKey(db, s.sealKey)
  const signer = createSigner({
    key: key.privatePem,
    algorithm: 'EdDSA',
    kid: key.kid,
    iss: s.issuer,
    aud: s.audience,
    expiresIn: s.ttlS * 1000,
    jti: randomUUID(),
  })
  return { accessToken: signer({ ...claims }), tokenType: 'Bearer', expiresIn: s.ttlS }
}

/** What a user's token says: roles in the chosen organization, platform admin, learner. */
export async function userClaims(db: Kysely<IdentityDB>, user: UserRow, orgId?: string) {
  const memberships = await membershipsOf(db, user.id)
  const org = orgId ?? memberships.find((m) => m.role !== 'admin')?.org_id ?? memberships[0]?.org_id
  if (orgId && !memberships.some((m) => m.org_id === orgId))
    throw identityErrors.IDENTITY_ORG_NOT_SELECTABLE()
  const roles = new Set<Role>()
  if (user.platform_admin) roles.add('admin')
  if (user.self_registered || user.learner_id) roles.add('learner')
  for (const m of memberships) if (m.org_id === org && m.role !== 'admin') roles.add(m.role as Role)
  const orgAdmin = memberships.filter((m) => m.role === 'admin').map((m) => m.org_id)
  return {
    sub: user.id,
    typ: 'user' as const,
    roles: [...roles],
    ...(org ? { org } : {}),
    ...(user.learner_id ? { learner: user.learner_id } : {}),
    ...(orgAdmin.length ? { orgAdmin } : {}),
    ...(user.session_version ? { sv: user.session_version } : {}),
    memberships,
  }
}

/**
 * The user behind a username and password, or an error. Unknown user and wrong password fail the
 * same way, after the same work; a username with too many recent failures is locked for the
 * window whatever the password. Only the right password learns that the account is disabled or
 * that its temporary password has expired.
 */
async function authenticate(
  db: Kysely<IdentityDB>,
  s: TokenSettings,
  username: string,
  password: string,
) {
  if ((await recentLoginFailures(db, username, s.failureWindowMs)) >= s.maxFailures)
    throw identityErrors.IDENTITY_LOGIN_LOCKED()
  const user = await findUserByUsername(db, username)
  const ok = await verifySecret(password, user?.password_hash ?? (await decoyHash()))
  if (!user || !ok) {
    await recordLoginFailure(db, username)
    throw identityErrors.IDENTITY_CREDENTIALS_INVALID()
  }
  await clearLoginFailures(db, username)
  if (user.disabled_at) throw identityErrors.IDENTITY_USER_DISABLED()
  const expires = user.temporary_password_expires_at
  if (user.password_change_required && expires && expires.getTime() <= Date.now())
    throw identityErrors.IDENTITY_TEMPORARY_PASSWORD_EXPIRED()
  return user
}

async function signIn(db: Kysely<IdentityDB>, s: TokenSettings, user: UserRow, orgId?: string) {
  const { memberships: _m, ...claims } = await userClaims(db, user, orgId)
  const token = await sign(db, s, claims)
  await db
    .updateTable('app_user')
    .set({ last_sign_in_at: new Date() })
    .where('id', '=', user.id)
    .execute()
  return token
}

/** The password grant; after an admin's reset, it answers that a new password must be chosen. */
export async function passwordGrant(
  db: Kysely<IdentityDB>,
  s: TokenSettings,
  username: string,
  password: string,
  orgId?: string,
) {
  const user = await authenticate(db, s, username, password)
  if (user.password_change_required) throw identityErrors.IDENTITY_PASSWORD_CHANGE_REQUIRED()
  return signIn(db, s, user, orgId)
}

/**
 * A new password for the one given (a temporary one after a reset, or the current one), and a
 * token. Throttled and checked exactly as the password grant; `changed` runs in the transaction
 * of the change (the audit entry).
 */
export async function changePassword(
  db: Kysely<IdentityDB>,
  s: TokenSettings,
  input: { username: string; password: string; newPassword: string; orgId?: string },
  changed: (trx: Kysely<IdentityDB>, user: UserRow) => Promise<void>,
) {
  const user = await authenticate(db, s, input.username, input.password)
  if (input.newPassword === input.password)
    throw identityErrors.IDENTITY_PASSWORD_REUSED(undefined, [
      { path: '/newPassword', message: 'must differ from the current password' },
    ])
  const hash = await hashSecret(input.newPassword)
  const updated = await db.transaction().execute(async (trx) => {
    const row = (await trx
      .updateTable('app_user')
      .set({
        password_hash: hash,
        password_change_required: false,
        temporary_password_expires_at: null,
      })
      .where('id', '=', user.id)
      .returningAll()
      .executeTakeFirstOrThrow()) as UserRow
    await changed(trx, row)
    return row
  })
  return signIn(db, s, updated, input.orgId)
}

export async function clientCredentialsGrant(
  db: Kysely<IdentityDB>,
  s: TokenSettings,
  clientId: string,
  clientSecret: string,
) {
  if (clientId.startsWith('service:')) {
    const known = (SERVICE_CLIENTS as readonly string[]).includes(clientId)
    const expected = s.serviceClientSecret
    // Compared as digests: equal lengths, constant time, whatever was sent.
    const ok = !!expected && timingSafeEqual(digest(clientSecret), digest(expected))
    if (!known || !ok) throw identityErrors.IDENTITY_CREDENTIALS_INVALID()
    return sign(db, s, { sub: clientId, typ: 'client', roles: ['service'] })
  }
  const client = await findClient(db, clientId)
  const ok = await verifySecret(clientSecret, client?.secret_hash ?? (await decoyHash()))
  // A revoked client fails as an unknown one does.
  if (!client || !ok || client.revoked_at) throw identityErrors.IDENTITY_CREDENTIALS_INVALID()
  return sign(db, s, {
    sub: client.client_id,
    typ: 'client',
    roles: [],
    org: client.org_id,
    scope: client.scopes.join(' '),
  })
}
