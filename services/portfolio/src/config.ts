import { configSchema, serviceClientSecret } from '@creditbank/service-kit'
import Type from 'typebox'

export const portfolioConfig = configSchema({
  PORT: Type.Integer({ minimum: 1, maximum: 65_535, default: 3005 }),
  /** 64 hex characters: seals each organization's credential signing key at rest. */
  PORTFOLIO_SECRET_KEY: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }),
  /**
   * The public base URL (the gateway) that goes into credentials (status lists) and share links,
   * read by verifiers and people for years: https://, except for a run on this machine alone
   * (localhost), so a deployment cannot sign http:// addresses into credentials by default.
   */
  PUBLIC_BASE_URL: Type.String({
    pattern:
      '^(https://[^\\s/]+|http://(localhost|127\\.0\\.0\\.1|\\[::1\\])(:[0-9]+)?)(/[^\\s]*)?$',
    default: 'http://127.0.0.1:3000',
  }),
  /** recognition, asked whether a reviewer may read an evidence file (with the reviewer's token). */
  RECOGNITION_URL: Type.String({ default: 'http://127.0.0.1:3004', pattern: '^https?://' }),
  /** accounts and certificates, asked (with the learner's token) for their part of a learner's copy of their data. */
  ACCOUNTS_URL: Type.String({ default: 'http://127.0.0.1:3002', pattern: '^https?://' }),
  CERTIFICATES_URL: Type.String({ default: 'http://127.0.0.1:3003', pattern: '^https?://' }),
  /** Signs in at identity as `service:portfolio`, to ask accounts for the names it shows (decision 0730). */
  SERVICE_CLIENT_SECRET: serviceClientSecret,
})
