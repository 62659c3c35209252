import { randomUUID } from 'node:crypto'
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
import { decoyHash, verifySecret } from './passwords.js'
import { currentSigningKey } from './signing-keys.js'

export interface TokenSettings {
  issuer: string
  audience: string
  ttlS: number
  sealKey: Buffer
  /** Failed sign-ins allowed per username in the window before it is locked for the window. */
  maxFailures: number
  failureWindowMs: number
}

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
    memberships,
  }
}

/**
 * The password grant. Unknown user and wrong password fail the same way, after the same work;
 * a username with too many recent failures is locked for the window whatever the password.
 */
export async function passwordGrant(
  db: Kysely<IdentityDB>,
  s: TokenSettings,
  username: string,
  password: string,
  orgId?: string,
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
  const { memberships: _m, ...claims } = await userClaims(db, user, orgId)
  return sign(db, s, claims)
}

export async function clientCredentialsGrant(
  db: Kysely<IdentityDB>,
  s: TokenSettings,
  clientId: string,
  clientSecret: string,
) {
  const client = await findClient(db, clientId)
  const ok = await verifySecret(clientSecret, client?.secret_hash ?? (await decoyHash()))
  if (!client || !ok) throw identityErrors.IDENTITY_CREDENTIALS_INVALID()
  return sign(db, s, {
    sub: client.client_id,
    typ: 'client',
    roles: [],
    org: client.org_id,
    scope: client.scopes.join(' '),
  })
}
