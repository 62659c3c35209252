import { configSchema, serviceClientSecret } from '@creditbank/service-kit'
import Type from 'typebox'

export const identityConfig = configSchema({
  PORT: Type.Integer({ minimum: 1, maximum: 65_535, default: 3001 }),
  /** 64 hex characters: seals the token signing keys at rest. */
  IDENTITY_SECRET_KEY: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }),
  ACCESS_TOKEN_TTL_S: Type.Integer({ minimum: 60, maximum: 900, default: 900 }),
  /**
   * log2 of scrypt's N for new password and client-secret hashes: 15 (about 0.1 s a hash on one
   * core). Test runs set 12: each sign-in then costs a tenth, and CI signs in thousands of times.
   */
  IDENTITY_PASSWORD_COST: Type.Integer({ minimum: 12, maximum: 20, default: 15 }),
  LOGIN_MAX_FAILURES: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  /**
   * Sign-ins (and password changes) and sign-ups a minute from one address, per replica. Schools
   * reach the platform through one address (a lab of fifty signing in at the start of a lesson);
   * guessing is bounded per username by LOGIN_MAX_FAILURES, and these bound one address's spraying.
   */
  SIGN_IN_LIMIT_PER_MINUTE: Type.Integer({ minimum: 5, maximum: 100_000, default: 300 }),
  SIGN_UP_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 100_000, default: 60 }),
  LOGIN_FAILURE_WINDOW_S: Type.Integer({ minimum: 10, maximum: 86_400, default: 900 }),
  /**
   * The secret the platform's own services (portfolio, recognition) sign in with as
   * `service:<name>`, for the names accounts shows them (decision 0730). Unset: no service token.
   */
  SERVICE_CLIENT_SECRET: Type.Optional(serviceClientSecret),
  BOOTSTRAP_ADMIN_USERNAME: Type.Optional(Type.String({ minLength: 3, maxLength: 64 })),
  BOOTSTRAP_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 10, maxLength: 200 })),
})
