import { Credits, DateOnly, Hours, Id, Page, RegionCode } from '@creditbank/contracts'
import Type from 'typebox'
import { courseTypes, sourceKinds } from '../domain/rule-spec.js'

export const problem = { $ref: 'ProblemDetails#' } as const
export const errorResponses = {
  400: problem,
  401: problem,
  403: problem,
  404: problem,
  409: problem,
  422: problem,
  429: problem,
}

const Nullable = <T extends Type.TSchema>(s: T) => Type.Union([s, Type.Null()])
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max })
export const RuleCode = Type.String({
  minLength: 2,
  maxLength: 60,
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
})
export const ProgramCode = Type.String({ minLength: 1, maxLength: 40 })
const Decimal2 = Type.String({ pattern: '^\\d{1,4}(\\.\\d{1,2})?$' })
const Rate = Type.String({
  pattern: '^\\d{1,3}(\\.\\d{1,6})?$',
  description: 'credits per hour, up to 6 places (1/16 = 0.0625)',
})

export const RuleSource = Type.Object(
  {
    kind: Type.Enum([...sourceKinds]),
    typeCode: Type.Optional(Text(60)),
    minLevel: Type.Optional(Text(40)),
    levels: Type.Optional(Type.Array(Text(40), { minItems: 1, maxItems: 10 })),
    orgId: Type.Optional(Id),
    code: Type.Optional(Text(60)),
    titlePattern: Type.Optional(Text(200)),
    minScore: Type.Optional(Decimal2),
    minHours: Type.Optional(Hours),
    category: Type.Optional(Text(60)),
    allianceId: Type.Optional(Id),
  },
  { additionalProperties: false },
)

export const RuleAward = Type.Object(
  {
    courseCode: Text(40),
    courseName: Text(200),
    courseType: Type.Enum([...courseTypes]),
    credits: Type.Optional(Credits),
    creditsPerHour: Type.Optional(Rate),
    rounding: Type.Optional(Type.Enum(['down', 'half_up', 'down_to_half'])),
  },
  { additionalProperties: false },
)

export const RuleConditions = Type.Object(
  {
    maxAgeMonths: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
    programCodes: Type.Optional(Type.Array(ProgramCode, { minItems: 1, maxItems: 100 })),
  },
  { additionalProperties: false },
)

export const RuleLimits = Type.Object(
  {
    maxCreditsPerSource: Type.Optional(Credits),
    oneSourcePerCourse: Type.Optional(Type.Boolean()),
    oneCoursePerSource: Type.Optional(Type.Boolean()),
    maxCreditsPerYear: Type.Optional(Credits),
    maxCreditsPerTerm: Type.Optional(Credits),
    maxCreditsPerSourceOrg: Type.Optional(Credits),
    maxCreditsPerProgram: Type.Optional(Credits),
    capToSourceCredits: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

export const ReviewStep = Type.Object(
  {
    role: Type.Literal('reviewer'),
    orgId: Type.Optional(Id),
    regionCode: Type.Optional(RegionCode),
    allianceId: Type.Optional(Id),
  },
  { additionalProperties: false },
)

export const RuleReview = Type.Object(
  {
    mode: Type.Enum(['auto', 'manual']),
    steps: Type.Optional(Type.Array(ReviewStep, { minItems: 1, maxItems: 10 })),
    dueDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  },
  { additionalProperties: false },
)

const ruleFields = {
  code: RuleCode,
  name: Text(200),
  targetOrgId: Id,
  source: RuleSource,
  award: RuleAward,
  conditions: Type.Optional(RuleConditions),
  limits: Type.Optional(RuleLimits),
  review: RuleReview,
  validFrom: DateOnly,
  validTo: Type.Optional(Nullable(DateOnly)),
}

export const RuleBody = Type.Object(ruleFields, { additionalProperties: false })

export const Rule = Type.Object({
  ...ruleFields,
  validTo: Nullable(DateOnly),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String(),
})
export const RulePage = Page(Rule)

export const AllianceBody = Type.Object(
  { code: RuleCode, name: Text(200), memberOrgIds: Type.Array(Id, { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
)
export const Alliance = Type.Object({
  id: Id,
  code: Type.String(),
  name: Type.String(),
  memberOrgIds: Type.Array(Id),
  createdAt: Type.String({ format: 'date-time' }),
})
export const AlliancePage = Page(Alliance)

export const LimitApplied = Type.Object({
  limit: Type.String(),
  from: Type.String(),
  to: Type.String(),
  message: Type.String(),
})
const RuleRef = Type.Object({ code: Type.String(), version: Type.Integer() })
const AwardView = Type.Object({
  courseCode: Type.String(),
  courseName: Type.String(),
  courseType: Type.String(),
  credits: Nullable(Type.String()),
})

export const Application = Type.Object({
  id: Id,
  learnerId: Id,
  targetOrgId: Id,
  programCode: Type.String(),
  origin: Type.String(),
  rule: Nullable(RuleRef),
  sourceEntryIds: Type.Array(Id),
  evidenceIds: Type.Array(Id, {
    description: 'the learner’s evidence files named by the application',
  }),
  award: AwardView,
  limitsApplied: Type.Array(LimitApplied),
  status: Type.String(),
  step: Nullable(Type.Integer()),
  steps: Type.Array(
    Type.Object({
      role: Type.String(),
      orgId: Type.Optional(Type.String()),
      regionCode: Type.Optional(Type.String()),
      allianceId: Type.Optional(Type.String()),
    }),
  ),
  dueAt: Nullable(Type.String({ format: 'date-time' })),
  overdue: Type.Boolean(),
  statement: Nullable(Type.String()),
  flags: Type.Array(Type.String()),
  recognizedEntryId: Nullable(Id),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  learner: Type.Optional(
    Nullable(
      Type.Object({
        name: Nullable(Type.String()),
        accountNo: Type.String(),
        nationalIdMasked: Nullable(
          Type.String({ description: 'first 4 and last 4: 4101**********123X' }),
        ),
      }),
    ),
  ),
  sources: Type.Optional(
    Type.Array(
      Type.Object({
        id: Id,
        kind: Type.String(),
        title: Type.String(),
        code: Nullable(Type.String()),
        orgId: Id,
        occurredOn: Type.String({ format: 'date' }),
        credits: Nullable(Type.String()),
        hours: Nullable(Type.String()),
        grade: Nullable(Type.Object({ score: Type.String(), scale: Nullable(Type.String()) })),
        level: Nullable(Type.String()),
        category: Nullable(Type.String()),
        typeCode: Nullable(Type.String()),
        reversed: Type.Boolean(),
      }),
      { description: 'the source entries in words' },
    ),
  ),
  evidence: Type.Optional(
    Type.Array(
      Type.Object({
        id: Id,
        filename: Nullable(Type.String()),
        mediaType: Nullable(Type.String()),
        sizeBytes: Nullable(Type.Integer()),
      }),
    ),
  ),
  decision: Type.Optional(
    Type.Object(
      {
        allowed: Type.Boolean(),
        code: Nullable(Type.String()),
        escalated: Type.Boolean(),
      },
      {
        description:
          'whether the caller may decide the current step now; if not, the code that says why',
      },
    ),
  ),
  trail: Type.Array(
    Type.Object({
      at: Type.String({ format: 'date-time' }),
      actor: Type.String(),
      by: Type.Object(
        {
          role: Type.Enum(['learner', 'reviewer', 'system']),
          orgId: Nullable(Id),
        },
        {
          description:
            'who took the step, for showing: a role and, for reviewers, the organization',
        },
      ),
      action: Type.String(),
      step: Nullable(Type.Integer()),
      reason: Nullable(Type.String()),
    }),
  ),
})
export const ApplicationPage = Page(Application)

export const ApplicationBody = Type.Object(
  {
    sourceEntryIds: Type.Array(Id, { minItems: 1, maxItems: 10 }),
    targetOrgId: Id,
    programCode: ProgramCode,
    statement: Type.Optional(Type.String({ maxLength: 2_000 })),
    evidenceIds: Type.Optional(
      Type.Array(Id, {
        maxItems: 20,
        description: 'evidence files of the learner (uploaded to portfolio) the reviewers may read',
      }),
    ),
    award: Type.Optional(
      Type.Object(
        {
          courseCode: Text(40),
          courseName: Text(200),
          courseType: Type.Enum([...courseTypes]),
          credits: Credits,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
)

export const DecisionBody = Type.Object(
  {
    decision: Type.Enum(['approve', 'reject']),
    reason: Type.String({ minLength: 1, maxLength: 2_000 }),
  },
  { additionalProperties: false },
)
export const ReasonBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2_000 }) },
  { additionalProperties: false },
)

export const HypotheticalOutcome = Type.Object(
  {
    kind: Type.Enum([...sourceKinds]),
    title: Text(200),
    orgId: Type.Optional(Id),
    code: Type.Optional(Text(60)),
    credits: Type.Optional(Credits),
    hours: Type.Optional(Hours),
    grade: Type.Optional(
      Type.Object({ score: Text(20), scale: Text(20) }, { additionalProperties: false }),
    ),
    level: Type.Optional(Text(40)),
    category: Type.Optional(Text(60)),
    typeCode: Type.Optional(Text(60)),
    occurredOn: DateOnly,
    externalRef: Type.Optional(Text(100)),
  },
  { additionalProperties: false },
)

export const SimulationBody = Type.Object(
  {
    learnerId: Type.Optional(Id),
    entryIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 100 })),
    sourceEntryIds: Type.Optional(
      Type.Array(Id, {
        minItems: 1,
        maxItems: 100,
        description:
          'the entries an application would name (the same field as POST /v1/applications); entryIds is its older name',
      }),
    ),
    outcomes: Type.Optional(Type.Array(HypotheticalOutcome, { minItems: 1, maxItems: 100 })),
    targetOrgId: Id,
    programCode: ProgramCode,
    rule: Type.Optional(
      Type.Object(ruleFields, {
        additionalProperties: false,
        description:
          'a rule as it is being edited (not saved; reviewers only): the simulation answers for this rule alone, reported as version 0, at its targetOrgId',
      }),
    ),
  },
  { additionalProperties: false },
)

export const Simulation = Type.Object({
  items: Type.Array(
    Type.Object({
      rule: RuleRef,
      sourceRef: Type.String(),
      award: AwardView,
      limitsApplied: Type.Array(LimitApplied),
      refused: Nullable(Type.Object({ limit: Type.String(), message: Type.String() })),
      review: Type.String(),
    }),
  ),
  totalCredits: Type.String(),
  remaining: Type.Object({
    year: Nullable(Type.String()),
    term: Nullable(Type.String()),
    program: Nullable(Type.String()),
  }),
  messages: Type.Array(Type.String()),
})
