import Type from 'typebox'
import { Credits, DateOnly, Hours, Id, RegionCode, Timestamp } from '../primitives.js'

const Nullable = <T extends Type.TSchema>(s: T) => Type.Union([s, Type.Null()])

export const OutcomeKind = Type.Enum(['course', 'training', 'competition', 'work', 'certificate'])
export const EntryKind = Type.Enum([
  'course',
  'training',
  'competition',
  'work',
  'certificate',
  'recognized',
  'reversal',
])

export const accountsEvents = {
  'accounts.learner.opened': Type.Object(
    {
      learnerId: Id,
      accountNo: Type.String(),
      category: Type.String(),
      openedByOrgId: Nullable(Id),
      birthDate: Nullable(DateOnly),
      /** The learner's name as the account holds it: portfolio prints it on shared views and records. */
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      /**
       * The 身份证号 masked as accounts keeps it (first 6 and last 4): recognition shows reviewers
       * who the learner is without the number itself (decision 0540).
       */
      nationalIdMasked: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
      /**
       * The region of the 身份证号 (its first six digits, GB/T 2260): the learner's city in the
       * oversight figures (decision 0800). No more than the masked number already tells.
       */
      regionCode: Type.Optional(RegionCode),
    },
    { additionalProperties: false },
  ),
  'accounts.learner.claimed': Type.Object(
    { learnerId: Id, userId: Id },
    { additionalProperties: false },
  ),
  /**
   * A learner's personal data is to be destroyed everywhere (decision 0730): each service
   * destroys its key for the learner and deletes what it can, then reports with its own
   * `<service>.erasure.completed`. Carries no personal data: the account stays, anonymous.
   */
  'accounts.learner.erased': Type.Object(
    { learnerId: Id, erasedAt: Timestamp },
    { additionalProperties: false },
  ),
  /**
   * The opening organization corrected a learner's name or 身份证号 (decision 0730): services that
   * keep the name replace it. Like accounts.learner.opened it carries the name, never the number.
   */
  'accounts.learner.corrected': Type.Object(
    {
      learnerId: Id,
      name: Type.String({ minLength: 1, maxLength: 100 }),
      nationalIdMasked: Type.String({ minLength: 1, maxLength: 40 }),
      birthDate: DateOnly,
    },
    { additionalProperties: false },
  ),
  'accounts.enrollment.created': Type.Object(
    {
      enrollmentId: Id,
      learnerId: Id,
      orgId: Id,
      programCode: Type.String(),
      programName: Type.String(),
      startedOn: DateOnly,
    },
    { additionalProperties: false },
  ),
  /** A ledger entry of a learning outcome (course, training, competition, work, certificate). */
  'accounts.outcome.posted': Type.Object(
    {
      entryId: Id,
      learnerId: Id,
      orgId: Id,
      kind: OutcomeKind,
      title: Type.String(),
      code: Nullable(Type.String()),
      credits: Nullable(Credits),
      hours: Nullable(Hours),
      grade: Nullable(
        Type.Object(
          { score: Type.String(), scale: Type.String() },
          { additionalProperties: false },
        ),
      ),
      level: Nullable(Type.String()),
      category: Nullable(Type.String()),
      occurredOn: DateOnly,
      externalRef: Nullable(Type.String()),
      /** For certificate entries: the 1+X certificate behind it. */
      certificateId: Type.Optional(Nullable(Id)),
      typeCode: Type.Optional(Nullable(Type.String())),
      postedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  'accounts.entry.reversed': Type.Object(
    {
      entryId: Id,
      reversedEntryId: Id,
      learnerId: Id,
      orgId: Id,
      reason: Type.String(),
      postedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
  /** A recognized credit posted at the target organization after an approved application. */
  'accounts.credit.recognized': Type.Object(
    {
      entryId: Id,
      learnerId: Id,
      orgId: Id,
      applicationId: Id,
      courseCode: Type.String(),
      courseName: Type.String(),
      credits: Credits,
      sourceEntryIds: Type.Array(Id),
      postedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
}
