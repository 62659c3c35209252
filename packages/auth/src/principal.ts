/**
 * `service`: the platform's own services (identity's built-in service clients, decision 0730),
 * never a person's or an institution's token.
 */
export const roles = ['admin', 'registrar', 'issuer', 'reviewer', 'learner', 'service'] as const
export type Role = (typeof roles)[number]

/** Who is calling, as the token says: a person (user) or an institution's system (client). */
export interface Principal {
  subject: string
  kind: 'user' | 'client'
  roles: Role[]
  /** The organization staff or a system client act for. */
  org: string | null
  /** The learner a claimed learner account belongs to. */
  learner: string | null
  scopes: string[]
  /** Organizations where the caller holds the admin role (org admins manage their own org). */
  adminOf: string[]
  /** The user's session version when the token was issued: identity refuses older ones (disable, password reset). */
  sessionVersion: number
}

/** The claims identity puts in an access token. */
export interface AccessClaims {
  sub: string
  typ: 'user' | 'client'
  roles: Role[]
  org?: string
  learner?: string
  scope?: string
  orgAdmin?: string[]
  /** Session version (users): raised when an admin disables the user or resets their password. */
  sv?: number
  iss: string
  aud: string | string[]
  exp: number
  iat: number
  nbf?: number
  jti: string
}

export function principalFromClaims(c: AccessClaims): Principal {
  return {
    subject: c.sub,
    kind: c.typ === 'client' ? 'client' : 'user',
    roles: Array.isArray(c.roles)
      ? c.roles.filter((r): r is Role => (roles as readonly string[]).includes(r))
      : [],
    org: c.org ?? null,
    learner: c.learner ?? null,
    scopes: typeof c.scope === 'string' && c.scope ? c.scope.split(' ') : [],
    adminOf: Array.isArray(c.orgAdmin) ? c.orgAdmin : [],
    sessionVersion: typeof c.sv === 'number' ? c.sv : 0,
  }
}
