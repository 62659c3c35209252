import Type from 'typebox'
import { Id, Timestamp } from '../primitives.js'

/** Portfolio's events. Subject (Kafka key) = learnerId. No file names (free text), no bytes. */
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
      /** The name the learner gave the file, so reviewers see it by name (decision 0540). */
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
