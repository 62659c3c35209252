import { DateOnly, Id, Page, RegionCode } from '@creditbank/contracts'
import Type from 'typebox'

/** Fees in CNY, at most two places (decimals: @creditbank/contracts). */
const FEE_PATTERN = '^\\d{1,8}(\\.\\d{1,2})?$'

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

const Nullable = <T extends Type.TSchema>(s: T, description?: string) =>
  Type.Union([s, Type.Null()], description ? { description } : {})
/** Free text: Postgres text cannot hold NUL, so it is refused here rather than failing in SQL. */
export const Text = (minLength: number, maxLength: number, description?: string) =>
  Type.String({
    minLength,
    maxLength,
    pattern: '^[^\\u0000]*$',
    ...(description ? { description } : {}),
  })

export const Level = Type.Enum(['junior', 'intermediate', 'senior'])
export const TypeCode = Type.String({
  minLength: 2,
  maxLength: 20,
  pattern: '^[A-Z0-9][A-Z0-9-]*[A-Z0-9]$',
  description: 'upper case letters, digits and dashes',
})
export const Fee = Type.String({ pattern: FEE_PATTERN, description: 'decimal CNY, up to 2 places' })
const Score = Type.String({
  pattern: '^(100(\\.0{1,2})?|\\d{1,2}(\\.\\d{1,2})?)$',
  description: 'decimal score 0–100, up to 2 places',
})

export const NewTypeBody = Type.Object(
  {
    code: TypeCode,
    name: Text(1, 100, 'the Chinese name, e.g. Web前端开发'),
    nameEn: Type.Optional(Nullable(Text(1, 200))),
    evaluationOrgId: Id,
    levels: Type.Array(Level, { minItems: 1, maxItems: 3 }),
    validityYears: Type.Integer({ minimum: 1, maximum: 20 }),
    fees: Type.Object(
      { junior: Type.Optional(Fee), intermediate: Type.Optional(Fee), senior: Type.Optional(Fee) },
      { additionalProperties: false },
    ),
    majors: Type.Optional(Type.Array(Text(1, 100), { maxItems: 50 })),
  },
  { additionalProperties: false },
)

export const CertificateType = Type.Object({
  code: Type.String(),
  name: Type.String(),
  nameEn: Nullable(Type.String()),
  evaluationOrgId: Id,
  evaluationOrgName: Type.String(),
  levels: Type.Array(Level),
  validityYears: Type.Integer(),
  fees: Type.Object({
    junior: Type.Optional(Type.String()),
    intermediate: Type.Optional(Type.String()),
    senior: Type.Optional(Type.String()),
  }),
  currency: Type.Literal('CNY'),
  majors: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
})
export const CertificateTypePage = Page(CertificateType)

export const NationalId = Type.String({
  minLength: 1,
  maxLength: 40,
  description:
    '身份证号 (18 characters); never stored here, passed to accounts to find the learner',
})

export const IssueBody = Type.Object(
  {
    typeCode: TypeCode,
    level: Level,
    learnerId: Type.Optional(Id),
    nationalId: Type.Optional(NationalId),
    holderName: Text(
      1,
      100,
      "the name printed on the certificate; with nationalId, the learner's name",
    ),
    score: Type.Optional(Nullable(Score)),
    issuedOn: DateOnly,
    feeCharged: Type.Optional(Nullable(Fee)),
  },
  { additionalProperties: false },
)

export const MAX_BATCH = 1_000
export const BatchBody = Type.Object(
  { items: Type.Array(IssueBody, { minItems: 1, maxItems: MAX_BATCH }) },
  { additionalProperties: false },
)

export const Certificate = Type.Object({
  id: Id,
  number: Type.String(),
  typeCode: Type.String(),
  typeName: Type.String(),
  level: Level,
  learnerId: Id,
  holderName: Type.String(),
  score: Nullable(Type.String()),
  issuedOn: DateOnly,
  expiresOn: DateOnly,
  status: Type.Enum(['valid', 'revoked', 'expired']),
  evaluationOrgId: Id,
  issuer: Type.String({ description: "the evaluation organization's name" }),
  feeCharged: Nullable(Type.String()),
  revokedAt: Nullable(Type.String({ format: 'date-time' })),
  revocationReason: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
})

export const DryRunQuery = Type.Object(
  {
    dryRun: Type.Optional(
      Type.Boolean({ description: 'validate and preview what would be issued; write nothing' }),
    ),
  },
  { additionalProperties: false },
)

export const BatchResult = Type.Object({
  items: Type.Array(
    Type.Object({
      index: Type.Integer(),
      id: Nullable(Id, 'null in a dry run for a certificate not issued yet'),
      number: Nullable(Type.String(), 'null in a dry run for a certificate not issued yet'),
      learnerId: Id,
      accountNo: Nullable(Type.String(), 'where the learner was found by nationalId'),
      holderName: Type.String(),
      typeCode: Type.String(),
      level: Level,
      issuedOn: DateOnly,
      created: Type.Boolean({ description: 'issued by this request (would be, in a dry run)' }),
    }),
  ),
  created: Type.Integer(),
  existing: Type.Integer(),
  dryRun: Type.Boolean(),
})

/** `{id}` of a certificate path: its UUID or its number (any case). */
export const IdOrNumberParams = Type.Object({
  id: Type.String({
    minLength: 1,
    maxLength: 40,
    pattern: '^[A-Za-z0-9-]+$',
    description: 'the certificate id (UUID) or its number, e.g. WEB-FE-2025-0000123',
  }),
})

export const RevocationBody = Type.Object({ reason: Text(2, 500) }, { additionalProperties: false })

export const VerifyBody = Type.Object(
  {
    number: Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9-]+$' }),
    holderName: Text(1, 100),
  },
  { additionalProperties: false },
)

/** Exactly these fields and nothing more: the serializer drops anything else. */
export const Verification = Type.Object(
  {
    status: Type.Enum(['valid', 'revoked', 'expired', 'not_found']),
    typeCode: Type.Optional(Type.String()),
    level: Type.Optional(Level),
    issuedOn: Type.Optional(DateOnly),
    issuer: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)

export const OversightQuery = Type.Object(
  {
    groupBy: Type.Optional(
      Type.String({
        maxLength: 100,
        description: 'comma-separated: type, level, region, month, org, status',
      }),
    ),
    from: Type.Optional(DateOnly),
    to: Type.Optional(DateOnly),
    typeCode: Type.Optional(TypeCode),
    regionCode: Type.Optional(RegionCode),
  },
  { additionalProperties: false },
)

export const OversightReport = Type.Object({
  groupBy: Type.Array(Type.String()),
  currency: Type.Literal('CNY'),
  items: Type.Array(
    Type.Object({
      typeCode: Type.Optional(Type.String()),
      level: Type.Optional(Type.String()),
      regionCode: Type.Optional(Type.String()),
      month: Type.Optional(Type.String()),
      evaluationOrgId: Type.Optional(Type.String()),
      status: Type.Optional(Type.String()),
      count: Type.Integer(),
      revoked: Type.Integer(),
      feesCharged: Type.String(),
    }),
  ),
  truncated: Type.Boolean(),
})
