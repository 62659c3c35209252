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
  /**
   * A learner's account was opened. It names the learner by id only (decision 0730): services that
   * show the name ask accounts for it (`POST /v1/learners/personal/batch`), so an erasure leaves no
   * name in the topic.
   */
  'accounts.learner.opened': Type.Object(
    {
      learnerId: Id,
      accountNo: Type.String(),
      category: Type.String(),
      openedByOrgId: Nullable(Id),
      /**
       * The region of the 身份证号 (its first six digits, GB/T 2260): the learner's city in the
       * oversight figures (decision 0800). A county shared by hundreds of thousands of people: it
       * identifies no one without the other twelve digits or a name (decision 0730).
       */
      regionCode: Type.Optional(RegionCode),
      /** Retired: events before decision 0730's change carried it; never written, ignored by consumers. */
      birthDate: Type.Optional(Nullable(DateOnly)),
      /** Retired: events before decision 0730's change carried it; never written, ignored by consumers. */
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      /**
       * Retired: events before decision 0730's change carried it; never written. Only the oversight
       * projection reads its first six digits, as the region of an event older than `regionCode`.
       */
      nationalIdMasked: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
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
   * keep the name ask accounts for it again. Says which fields changed, never their values.
   */
  'accounts.learner.corrected': Type.Object(
    {
      learnerId: Id,
      /** Always written now; absent only in events written before decision 0730's change. */
      fields: Type.Optional(
        Type.Array(Type.Enum(['name', 'nationalId']), { minItems: 1, maxItems: 2 }),
      ),
      /** The organization that corrected (the one that opened the account); null: a platform admin. Absent in events before it was added. */
      orgId: Type.Optional(Type.Union([Id, Type.Null()])),
      /** Retired: events before decision 0730's change carried it; never written, ignored by consumers. */
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      /** Retired: events before decision 0730's change carried it; never written, ignored by consumers. */
      nationalIdMasked: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
      /** Retired: events before decision 0730's change carried it; never written, ignored by consumers. */
      birthDate: Type.Optional(DateOnly),
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
      /**
       * Retired (decision 0730): never written, ignored by consumers; kept so topics written before
       * replay. The reason is read where it was written (the statement), under the learner's key.
       */
      reason: Type.Optional(Type.String()),
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
