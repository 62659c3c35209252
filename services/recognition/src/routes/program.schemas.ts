import { Credits, DateOnly, Id, Timestamp } from '@creditbank/contracts'
import Type from 'typebox'
import { courseTypes } from '../domain/rule-spec.js'
import { TERM_KEY } from '../domain/terms.js'
import { LimitApplied, ProgramCode } from './schemas.js'

const Nullable = <T extends Type.TSchema>(s: T) => Type.Union([s, Type.Null()])
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max })
const CourseType = Type.Enum([...courseTypes])
const Money = Type.String({
  pattern: '^\\d{1,7}(\\.\\d{1,2})?$',
  description: 'CNY, up to 2 places',
})
const Share = Type.String({
  pattern: '^0(\\.\\d{1,2})?$',
  description: 'a share of the price below 1, up to 2 places (0.5 = half)',
})
export const TermKey = Type.String({
  pattern: TERM_KEY,
  description:
    'a term: 2026-autumn (1 Sep 2026 – end of Feb 2027) or 2027-spring (1 Mar – end of Aug)',
})
const Version = Type.Integer({ minimum: 1, maximum: 1_000_000 })

export const PlanParams = Type.Object({ orgId: Id, programCode: ProgramCode })
export const OrgParams = Type.Object({ orgId: Id })

const planFields = {
  programName: Text(200),
  basis: Type.Optional(Text(300)),
  totalCredits: Credits,
  creditsByType: Type.Object(
    {
      foundation: Type.Optional(Credits),
      core: Type.Optional(Credits),
      elective: Type.Optional(Credits),
      practice: Type.Optional(Credits),
    },
    { additionalProperties: false },
  ),
  courses: Type.Array(
    Type.Object(
      {
        courseCode: Text(40),
        courseName: Text(200),
        courseType: CourseType,
        credits: Credits,
        required: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
    { maxItems: 300 },
  ),
  maxCreditsPerTerm: Type.Optional(Credits),
  maxCreditsPerYear: Type.Optional(Credits),
}

export const PlanBody = Type.Object(planFields, { additionalProperties: false })

export const Plan = Type.Object({
  ...planFields,
  orgId: Id,
  programCode: Type.String(),
  version: Type.Integer(),
  basis: Nullable(Type.String()),
  maxCreditsPerTerm: Nullable(Type.String()),
  maxCreditsPerYear: Nullable(Type.String()),
  createdAt: Timestamp,
  createdBy: Type.String(),
})

export const PlanList = Type.Object({ items: Type.Array(Plan) })

export const KnownCourses = Type.Object({
  items: Type.Array(
    Type.Object({
      courseCode: Type.String(),
      courseName: Type.String(),
      courseType: Nullable(Type.String()),
      credits: Nullable(Type.String()),
      from: Type.Enum(['rule', 'posted']),
    }),
  ),
})

const scheduleItem = {
  programCode: ProgramCode,
  year: Type.Integer({
    minimum: 2000,
    maximum: 2100,
    description: 'academic year: 2026 = autumn 2026 and spring 2027',
  }),
  pricePerCredit: Money,
  recognizedCharge: Type.Enum(['exempt', 'share']),
  recognizedShare: Type.Optional(Share),
}

export const ScheduleBody = Type.Object(
  {
    items: Type.Array(Type.Object(scheduleItem, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 200,
    }),
    note: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
)

export const Schedule = Type.Object({
  orgId: Id,
  version: Type.Integer(),
  items: Type.Array(Type.Object({ ...scheduleItem, recognizedShare: Nullable(Type.String()) })),
  note: Nullable(Type.String()),
  createdAt: Timestamp,
  createdBy: Type.String(),
})

export const VersionQuery = Type.Object(
  { version: Type.Optional(Version) },
  { additionalProperties: false },
)

export const ProgressQuery = Type.Object(
  {
    programCode: Type.Optional(ProgramCode),
    orgId: Type.Optional(Id),
    planVersion: Type.Optional(Version),
  },
  { additionalProperties: false },
)

export const TuitionQuery = Type.Object(
  {
    term: TermKey,
    programCode: Type.Optional(ProgramCode),
    orgId: Type.Optional(Id),
    scheduleVersion: Type.Optional(Version),
  },
  { additionalProperties: false },
)

const RuleRef = Type.Object({ code: Type.String(), version: Type.Integer() })
const CreditsOut = Type.String()

export const Progress = Type.Object({
  learnerId: Id,
  orgId: Id,
  programCode: Type.String(),
  programName: Type.String(),
  asOf: DateOnly,
  plan: Type.Object({
    version: Type.Integer(),
    basis: Nullable(Type.String()),
    createdAt: Timestamp,
  }),
  complete: Type.Boolean(),
  total: Type.Object({ required: CreditsOut, done: CreditsOut, missing: CreditsOut }),
  byType: Type.Array(
    Type.Object({
      courseType: Type.String(),
      required: CreditsOut,
      done: CreditsOut,
      missing: CreditsOut,
    }),
  ),
  requiredCourses: Type.Array(
    Type.Object({
      courseCode: Type.String(),
      courseName: Type.String(),
      courseType: Type.String(),
      credits: CreditsOut,
      done: Type.Boolean(),
    }),
  ),
  missingCredits: CreditsOut,
  counted: Type.Array(
    Type.Object({
      source: Type.Enum(['earned', 'recognized']),
      entryId: Nullable(Id),
      applicationId: Nullable(Id),
      sourceEntryIds: Type.Array(Id),
      rule: Nullable(RuleRef),
      courseCode: Nullable(Type.String()),
      courseName: Type.String(),
      courseType: Nullable(Type.String()),
      credits: CreditsOut,
      countedOn: DateOnly,
      countsTowards: Nullable(
        Type.Object({
          total: Type.Boolean(),
          courseType: Nullable(Type.String()),
          requiredCourse: Nullable(Type.String()),
        }),
      ),
      note: Nullable(Type.String()),
    }),
  ),
  pending: Type.Array(
    Type.Object({
      applicationId: Id,
      status: Type.String(),
      courseCode: Type.String(),
      courseName: Type.String(),
      credits: Nullable(CreditsOut),
      sourceEntryIds: Type.Array(Id),
    }),
  ),
  notCounted: Type.Array(
    Type.Object({
      entryId: Id,
      kind: Type.String(),
      title: Type.String(),
      credits: Nullable(CreditsOut),
      occurredOn: DateOnly,
    }),
  ),
  caps: Type.Object({
    term: Nullable(Type.Object({ credits: CreditsOut, from: Type.Array(Type.String()) })),
    year: Nullable(Type.Object({ credits: CreditsOut, from: Type.Array(Type.String()) })),
  }),
  earliestTerm: Nullable(Type.Object({ term: Type.String(), start: DateOnly })),
  schedule: Type.Array(Type.Object({ term: Type.String(), credits: CreditsOut })),
  certificates: Type.Array(
    Type.Object({
      typeCode: Type.String(),
      level: Type.String(),
      courseCode: Type.String(),
      courseName: Type.String(),
      courseType: Type.String(),
      credits: CreditsOut,
      rule: RuleRef,
      review: Type.String(),
      limitsApplied: Type.Array(LimitApplied),
      refused: Nullable(Type.Object({ limit: Type.String(), message: Type.String() })),
    }),
  ),
})

export const Tuition = Type.Object({
  learnerId: Id,
  orgId: Id,
  programCode: Type.String(),
  term: Type.Object({
    key: Type.String(),
    start: DateOnly,
    end: DateOnly,
    academicYear: Type.Integer(),
  }),
  schedule: Type.Object({
    version: Type.Integer(),
    createdAt: Timestamp,
    pricePerCredit: Type.String(),
    recognizedCharge: Type.String(),
    recognizedShare: Nullable(Type.String()),
  }),
  creditsEnrolled: CreditsOut,
  creditsRecognized: CreditsOut,
  tuitionDue: Type.String(),
  lines: Type.Array(
    Type.Object({
      kind: Type.Enum(['course', 'recognized']),
      entryId: Nullable(Id),
      applicationId: Nullable(Id),
      sourceEntryIds: Type.Array(Id),
      courseCode: Nullable(Type.String()),
      courseName: Type.String(),
      on: DateOnly,
      credits: CreditsOut,
      pricePerCredit: Type.String(),
      share: Type.String(),
      amount: Type.String(),
    }),
  ),
})
