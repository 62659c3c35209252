import Type from 'typebox'
import { Id, Timestamp } from '../primitives.js'

/**
 * Portfolio's events. Subject (Kafka key) = learnerId. No file names (free text, often the
 * learner's name: decision 0730), no bytes.
 */
export const portfolioEvents = {
  /**
   * A learner kept an evidence file: recognition learns whose it is, so an application may name
   * only the learner's own files.
   */
  'portfolio.evidence.added': Type.Object(
    {
      evidenceId: Id,
      learnerId: Id,
      sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
      mediaType: Type.String(),
      sizeBytes: Type.Integer({ minimum: 1 }),
      /**
       * Retired (decision 0730): never written, ignored by consumers. Kept so topics written before
       * replay; recognition asks portfolio's `POST /v1/evidence/names/batch` for the name reviewers
       * see, and an erased learner's files have none.
       */
      filename: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    },
    { additionalProperties: false },
  ),
  /** portfolio has destroyed its copy of an erased learner's personal data (decision 0730). */
  'portfolio.erasure.completed': Type.Object(
    { learnerId: Id, completedAt: Timestamp },
    { additionalProperties: false },
  ),
}
