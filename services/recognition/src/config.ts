import { configSchema } from '@creditbank/service-kit'
import Type from 'typebox'

export const recognitionConfig = configSchema({
  PORT: Type.Integer({ minimum: 1, maximum: 65_535, default: 3004 }),
})
