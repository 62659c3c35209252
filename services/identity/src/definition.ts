import type { ServiceDefinition } from '@creditbank/service-kit'
import identityApp, { type IdentityOptions, SCHEMA } from './app.js'
import { identityConfig } from './config.js'
import { migrations } from './db/migrations.js'

/** How identity is assembled from configuration: used by server.ts and by the embedded run. */
export const definition: ServiceDefinition<Omit<IdentityOptions, 'platform'>> = {
  service: 'identity',
  schema: SCHEMA,
  migrations,
  port: 3001,
  app: identityApp,
  config: identityConfig,
  options: (c) => ({
    secretKeyHex: c.IDENTITY_SECRET_KEY,
    tokenTtlS: c.ACCESS_TOKEN_TTL_S,
    loginMaxFailures: c.LOGIN_MAX_FAILURES,
    passwordCost: c.IDENTITY_PASSWORD_COST,
    loginFailureWindowS: c.LOGIN_FAILURE_WINDOW_S,
    signInPerMinute: c.SIGN_IN_LIMIT_PER_MINUTE,
    signUpPerMinute: c.SIGN_UP_LIMIT_PER_MINUTE,
    ...(c.SERVICE_CLIENT_SECRET ? { serviceClientSecret: c.SERVICE_CLIENT_SECRET } : {}),
    ...(c.BOOTSTRAP_ADMIN_USERNAME && c.BOOTSTRAP_ADMIN_PASSWORD
      ? {
          bootstrapAdmin: {
            username: c.BOOTSTRAP_ADMIN_USERNAME,
            password: c.BOOTSTRAP_ADMIN_PASSWORD,
          },
        }
      : {}),
  }),
}
