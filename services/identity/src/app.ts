import { staticKeyResolver } from '@creditbank/auth'
import type { IdentityEventType } from '@creditbank/contracts'
import { forSchema } from '@creditbank/db'
import {
  type Platform,
  parseKey,
  scheduleRetention,
  servicePlatform,
} from '@creditbank/service-kit'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { IdentityContext } from './context.js'
import type { IdentityDB } from './db/schema.js'
import { findUserByUsername } from './db/user.repository.js'
import { tokenStanding } from './db/user-admin.repository.js'
import { identityErrors } from './domain/errors.js'
import { setPasswordCost } from './domain/passwords.js'
import { retentionRules } from './domain/retention.js'
import { jwks } from './domain/signing-keys.js'
import type { TokenSettings } from './domain/tokens.js'
import { createUser } from './domain/users.js'
import { handlers } from './events/handlers.js'
import { adminRoutes, keyRoutes } from './routes/admin.routes.js'
import { authRoutes } from './routes/auth.routes.js'
import { staffRoutes } from './routes/staff.routes.js'

export const SCHEMA = 'identity'

export interface IdentityOptions {
  platform: Platform
  secretKeyHex: string
  tokenTtlS?: number
  loginMaxFailures?: number
  /** log2 of scrypt's N for new hashes (IDENTITY_PASSWORD_COST). */
  passwordCost?: number
  loginFailureWindowS?: number
  bootstrapAdmin?: { username: string; password: string }
  /** SERVICE_CLIENT_SECRET: the platform's own services sign in with it (decision 0730). */
  serviceClientSecret?: string
  /** SIGN_IN_LIMIT_PER_MINUTE and SIGN_UP_LIMIT_PER_MINUTE: requests a minute from one address. */
  signInPerMinute?: number
  signUpPerMinute?: number
  startWorkers?: boolean
}

/**
 * identity: organizations, users and memberships, system clients, and the tokens everyone else
 * verifies. It verifies its own tokens from its own key table rather than over HTTP.
 */
export default async function identityApp(app: FastifyInstance, o: IdentityOptions) {
  const sealKey = parseKey(o.secretKeyHex, 'IDENTITY_SECRET_KEY')
  setPasswordCost(o.passwordCost ?? 15)
  const settings: TokenSettings = {
    issuer: o.platform.issuer,
    audience: o.platform.audience,
    ttlS: o.tokenTtlS ?? 900,
    sealKey,
    maxFailures: o.loginMaxFailures ?? 5,
    failureWindowMs: (o.loginFailureWindowS ?? 900) * 1000,
    ...(o.serviceClientSecret ? { serviceClientSecret: o.serviceClientSecret } : {}),
    perAddress: { signIn: o.signInPerMinute ?? 300, signUp: o.signUpPerMinute ?? 60 },
  }
  const ownDb = forSchema<IdentityDB>(o.platform.database, SCHEMA)
  const platform: Platform = {
    ...o.platform,
    resolveKey: staticKeyResolver(() => jwks(ownDb, settings.ttlS)),
  }
  const svc = await servicePlatform<IdentityDB, IdentityEventType>(app, {
    service: 'identity',
    schema: SCHEMA,
    platform,
    publishes: true,
    consumes: { topics: ['creditbank.accounts.v1'], handlers },
    startWorkers: o.startWorkers,
  })
  // Per-address limits on the sign-in routes (per replica); per-username lockout lives in Postgres.
  await app.register(rateLimit, { global: false })
  refuseEndedSessions(app, svc.db)
  await authRoutes(app, svc, settings)
  await adminRoutes(app, svc)
  await staffRoutes(app, svc)
  await keyRoutes(app, svc, sealKey)
  // Old failed sign-ins are removed hourly by whichever replica takes the lock (decision 0727).
  scheduleRetention(app, svc.db, 'identity', retentionRules, { start: o.startWorkers !== false })
  if (o.bootstrapAdmin) await ensureBootstrapAdmin(svc, o.bootstrapAdmin)
}

/** The first platform operator, from configuration; created once, never overwritten. */
async function ensureBootstrapAdmin(
  { db, events }: IdentityContext,
  admin: { username: string; password: string },
) {
  if (await findUserByUsername(db, admin.username)) return
  await db
    .transaction()
    .execute((trx) =>
      createUser(
        trx,
        { ...admin, displayName: 'Platform administrator' },
        { selfRegistered: false, platformAdmin: true },
        events.write,
      ),
    )
    .catch(async (err) => {
      // Another replica may have created it at the same moment.
      if (!(await findUserByUsername(db, admin.username))) throw err
    })
}

/**
 * identity answers a disabled user's tokens, and tokens issued before a password reset, with 401
 * at once (one primary-key read per authenticated request). The other services verify tokens
 * offline: for them such a token works until it expires (15 minutes at most).
 */
function refuseEndedSessions(app: FastifyInstance, db: Kysely<IdentityDB>) {
  app.addHook('onRequest', async (request) => {
    const p = request.principal
    if (p?.kind !== 'user') return
    const u = await tokenStanding(db, p.subject)
    if (u && (u.disabled_at || p.sessionVersion < u.session_version))
      throw identityErrors.IDENTITY_TOKEN_REVOKED()
  })
}
