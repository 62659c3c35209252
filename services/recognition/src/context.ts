import type { RecognitionEventType } from '@creditbank/contracts'
import type { ServiceContext } from '@creditbank/service-kit'
import type { RecognitionDB } from './db/schema.js'

/** What recognition's routes are given: its database and the events it publishes, typed. */
export type RecognitionContext = ServiceContext<RecognitionDB, RecognitionEventType>
