import { configSchema } from '@creditbank/service-kit'
import Type from 'typebox'

export const accountsConfig = configSchema({
  PORT: Type.Integer({ minimum: 1, maximum: 65_535, default: 3002 }),
  /** 64 hex characters: keys the national id hash (HMAC-SHA256) and seals its encrypted copy (AES-256-GCM). */
  ACCOUNTS_PII_KEY: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }),
})
