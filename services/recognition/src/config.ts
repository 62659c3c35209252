import { configSchema, serviceClientSecret } from '@creditbank/service-kit'
import Type from 'typebox'

export const recognitionConfig = configSchema({
  PORT: Type.Integer({ minimum: 1, maximum: 65_535, default: 3004 }),
  /** Seals each learner's data key and keys the name search tokens (decision 0730). */
  RECOGNITION_SECRET_KEY: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }),
  /** Signs in at identity as `service:recognition`, to ask accounts and portfolio for the names it shows (decision 0730). */
  SERVICE_CLIENT_SECRET: serviceClientSecret,
  /** accounts, asked for the learners' names and masked numbers reviewers see (decision 0730). */
  ACCOUNTS_URL: Type.String({ default: 'http://127.0.0.1:3002', pattern: '^https?://' }),
  /** portfolio, asked for the names of the evidence files reviewers see (decision 0730). */
  PORTFOLIO_URL: Type.String({ default: 'http://127.0.0.1:3005', pattern: '^https?://' }),
})
