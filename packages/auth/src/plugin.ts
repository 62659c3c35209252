import { AppError, defineErrors } from '@creditbank/contracts'
import fastifyJwt from '@fastify/jwt'
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { KeyResolver, RevokedKeys } from './keys.js'
import { type AccessClaims, type Principal, principalFromClaims, type Role } from './principal.js'

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null
  }
}

export interface AuthOptions {
  issuer: string
  audience: string
  resolveKey: KeyResolver
  /** Kids revoked in an emergency: their tokens are refused (see RevokedKeys). */
  revoked?: RevokedKeys
}

export const authErrors = defineErrors({
  AUTH_TOKEN_MISSING: ['unauthenticated', 'A bearer token is required', '请先登录'],
  AUTH_TOKEN_INVALID: [
    'unauthenticated',
    'The bearer token is not valid',
    '登录已失效，请重新登录',
  ],
  AUTH_FORBIDDEN: ['forbidden', 'This caller may not do this', '你没有权限这样做'],
  AUTH_KEYS_UNAVAILABLE: [
    'unavailable',
    'Tokens cannot be checked right now; try again shortly',
    '暂时无法验证登录，请稍后再试',
  ],
})

/**
 * Verifies bearer tokens issued by identity: EdDSA only, the key chosen by `kid` from identity's
 * JWKS, `iss`, `aud`, `exp` and `nbf` checked. Every failure is a 401 whatever the library's
 * own error was; the principal is null for anonymous calls and guards decide.
 */
export const authPlugin = fp<AuthOptions>(
  async (app, options) => {
    // A key source that failed (identity's own key table while its database restarts) is not a
    // bad token: that error is answered as itself (503), not as a 401.
    const keySourceFailed = new WeakMap<FastifyRequest, unknown>()
    await app.register(fastifyJwt, {
      secret: {
        public: async (request: FastifyRequest, token: unknown) => {
          const kid = (token as { header?: { kid?: unknown } })?.header?.kid
          if (typeof kid !== 'string')
            throw authErrors.AUTH_TOKEN_INVALID('The token names no key (kid)')
          const pem = await options.resolveKey(kid).catch((err: unknown) => {
            keySourceFailed.set(request, err)
            throw err
          })
          if (!pem) throw authErrors.AUTH_TOKEN_INVALID('The token is signed with an unknown key')
          return pem
        },
      },
      decode: { complete: true },
      verify: {
        algorithms: ['EdDSA'],
        allowedIss: options.issuer,
        allowedAud: options.audience,
        // fast-jwt checks iss and aud only when present: a token without them must not pass.
        requiredClaims: ['exp', 'iat', 'sub', 'jti', 'iss', 'aud'],
        maxAge: 15 * 60 * 1000 + 5_000,
        clockTolerance: 5,
        // A client sends the same token for its whole life: its signature is checked once, and
        // the result kept until the token expires (fast-jwt bounds the entry by exp; 1,000 tokens).
        cache: 1_000,
      },
    })
    app.decorateRequest('principal', null)
    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization
      if (!header) return
      if (!/^Bearer [A-Za-z0-9_\-.]+$/.test(header))
        throw authErrors.AUTH_TOKEN_INVALID('The authorization header is not a bearer token')
      try {
        const claims = (await request.jwtVerify()) as {
          payload?: AccessClaims
          header?: { kid?: string }
        } & AccessClaims
        // After the verification (fast-jwt may answer it from its cache, made before a revocation).
        if (claims.header?.kid && options.revoked?.has(claims.header.kid))
          throw authErrors.AUTH_TOKEN_INVALID('The token is signed with a revoked key')
        request.principal = principalFromClaims(claims.payload ?? claims)
      } catch (err) {
        if (err instanceof AppError) throw err
        if (keySourceFailed.has(request)) throw keySourceFailed.get(request)
        throw authErrors.AUTH_TOKEN_INVALID()
      }
    })
  },
  { name: 'creditbank-auth', fastify: '5.x' },
)

/** The caller, or a 401. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw authErrors.AUTH_TOKEN_MISSING()
  return request.principal
}

/** A guard: the caller holds one of the roles (or, for system clients, one of the scopes). */
export function requireRole(allowed: Role[], scopes: string[] = []): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const p = principalOf(request)
    const byRole = p.roles.some((r) => allowed.includes(r))
    const byScope = p.kind === 'client' && p.scopes.some((s) => scopes.includes(s))
    if (!byRole && !byScope) throw authErrors.AUTH_FORBIDDEN()
  }
}

/** A guard: any valid token. */
export const requireAuth: preHandlerAsyncHookHandler = async (request) => {
  principalOf(request)
}
