import Type from 'typebox'
import { Credits, Id, Timestamp } from '../primitives.js'
import { LearnerRead } from './reads.js'

const Nullable = <T extends Type.TSchema>(s: T) => Type.Union([s, Type.Null()])

/** The rule version an application was opened and decided under (null for a learner's free application). */
export const RuleRef = Type.Object(
  { code: Type.String(), version: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
)

export const ApplicationStatus = Type.Enum([
  'open',
  'in_review',
  'approved',
  'rejected',
  'withdrawn',
  'appealed',
])
export const ApplicationOrigin = Type.Enum(['rule', 'learner'])
export type ApplicationStatus = Type.Static<typeof ApplicationStatus>
export type ApplicationOrigin = Type.Static<typeof ApplicationOrigin>

/** What an application asks for at the target: a course and its credits. */
export const AwardPayload = Type.Object(
  {
    courseCode: Type.String(),
    courseName: Type.String(),
    courseType: Type.String(),
    credits: Nullable(Credits),
  },
  { additionalProperties: false },
)

/**
 * Recognition events. Subject (Kafka key) = learnerId. Payloads carry ids only: no names, no
 * national ids, and no free text (a reviewer's reason is about the learner and the topic keeps it
 * past an erasure; it is read in the application's trail, sealed under the learner's key).
 */
export const recognitionEvents = {
  /** Approval: accounts posts a `recognized` entry at the target, idempotent on the application id. */
  'recognition.application.approved': Type.Object(
    {
      applicationId: Id,
      learnerId: Id,
      targetOrgId: Id,
      programCode: Type.String(),
      courseCode: Type.String(),
      courseName: Type.String(),
      courseType: Type.String(),
      credits: Credits,
      sourceEntryIds: Type.Array(Id, { minItems: 1 }),
      rule: Type.Union([
        Type.Object(
          { code: Type.String(), version: Type.Integer() },
          { additionalProperties: false },
        ),
        Type.Null(),
      ]),
    },
    { additionalProperties: false },
  ),
  /** An application was opened, by a rule (the worker) or by the learner. */
  'recognition.application.opened': Type.Object(
    {
      applicationId: Id,
      learnerId: Id,
      targetOrgId: Id,
      programCode: Type.String(),
      origin: ApplicationOrigin,
      rule: Nullable(RuleRef),
      sourceEntryIds: Type.Array(Id, { minItems: 1 }),
      award: AwardPayload,
      /** `open` or `in_review` (step 1 of a manual chain); an auto rule's approval follows as its own event. */
      status: ApplicationStatus,
      step: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
      dueAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
      /** The learner's evidence files attached to the application (portfolio lets reviewers in scope read them). */
      evidenceIds: Type.Optional(Type.Array(Id, { maxItems: 20 })),
    },
    { additionalProperties: false },
  ),
  /** One step's decision (approve or reject) by a reviewer; `status` is the application's status after it. */
  'recognition.application.decided': Type.Object(
    {
      applicationId: Id,
      learnerId: Id,
      step: Type.Integer({ minimum: 1 }),
      decision: Type.Enum(['approve', 'reject']),
      /**
       * Retired (decision 0730): never written, ignored by consumers; kept so topics written before
       * replay. The reason is read where it was written (the application's trail), under the learner's key.
       */
      reason: Type.Optional(Type.String()),
      status: ApplicationStatus,
      /** The next step when the chain moves on. */
      nextStep: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
      /** When the next step is due (the chain moved on). */
      dueAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    },
    { additionalProperties: false },
  ),
  'recognition.application.rejected': Type.Object(
    {
      applicationId: Id,
      learnerId: Id,
      targetOrgId: Id,
      programCode: Type.String(),
      rule: Nullable(RuleRef),
      sourceEntryIds: Type.Array(Id),
      step: Nullable(Type.Integer({ minimum: 1 })),
      /**
       * Retired (decision 0730): never written, ignored by consumers; kept so topics written before
       * replay. The reason is read where it was written (the application's trail), under the learner's key.
       */
      reason: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
  /** Withdrawn by the learner, or closed by the system (e.g. its evidence entry was reversed). */
  'recognition.application.withdrawn': Type.Object(
    {
      applicationId: Id,
      learnerId: Id,
      targetOrgId: Id,
      by: Type.Enum(['learner', 'system']),
      /**
       * The system's reason (`by: system`). A learner's own words are theirs: recognition keeps
       * them sealed under the learner's key and the event leaves them out (decision 0730).
       */
      reason: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
  /** The learner appealed a rejection; the chain starts again at step 1. */
  'recognition.application.appealed': Type.Object(
    {
      applicationId: Id,
      learnerId: Id,
      targetOrgId: Id,
      status: ApplicationStatus,
      step: Nullable(Type.Integer({ minimum: 1 })),
    },
    { additionalProperties: false },
  ),
  /** A rule version was published (POST creates version 1, PUT version n+1). */
  'recognition.rule.published': Type.Object(
    {
      code: Type.String(),
      version: Type.Integer({ minimum: 1 }),
      targetOrgId: Id,
      sourceKind: Type.String(),
      reviewMode: Type.Enum(['auto', 'manual']),
      validFrom: Type.String({ format: 'date' }),
      validTo: Nullable(Type.String({ format: 'date' })),
    },
    { additionalProperties: false },
  ),
  /** An alliance of organizations for mutual recognition. */
  'recognition.alliance.created': Type.Object(
    { allianceId: Id, code: Type.String(), name: Type.String(), memberOrgIds: Type.Array(Id) },
    { additionalProperties: false },
  ),
  /** recognition has destroyed its copy of an erased learner's personal data (decision 0730). */
  'recognition.erasure.completed': Type.Object(
    { learnerId: Id, completedAt: Timestamp },
    { additionalProperties: false },
  ),
  /** A staff read of a learner's data, kept by accounts in the who-looked log (decision 0725). */
  'recognition.learner.read': LearnerRead,
}
