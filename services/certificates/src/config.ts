import { configSchema } from '@creditbank/service-kit'
import Type from 'typebox'

export const certificatesConfig = configSchema({
  PORT: Type.Integer({ minimum: 1, maximum: 65_535, default: 3003 }),
  /** 64 hex characters: keys the holder-name hash and seals the holder name at rest. */
  CERTIFICATES_SECRET_KEY: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }),
  /** Public verification: requests per address per window, per replica. */
  VERIFY_RATE_LIMIT_MAX: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 60 }),
  VERIFY_RATE_LIMIT_WINDOW_S: Type.Integer({ minimum: 1, maximum: 3_600, default: 60 }),
  /** accounts, asked to find learners by 身份证号 + name or account number (with the caller's token). */
  ACCOUNTS_URL: Type.String({ default: 'http://127.0.0.1:3002', pattern: '^https?://' }),
})
