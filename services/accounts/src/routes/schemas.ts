import { DateOnly, EntryKind, Id, Page, PageQuery } from '@creditbank/contracts'
import Type from 'typebox'
import { categories } from '../domain/learners.js'

export const problem = { $ref: 'ProblemDetails#' } as const
export const errorResponses = {
  400: problem,
  401: problem,
  403: problem,
  404: problem,
  409: problem,
  413: problem,
  415: problem,
  422: problem,
}

const Nullable = <T extends Type.TSchema>(s: T) => Type.Union([s, Type.Null()])

export const Category = Type.Enum([...categories])
export const NationalId = Type.String({
  minLength: 18,
  maxLength: 18,
  description:
    '18-character resident id (GB 11643); never stored, logged or published in the clear',
})
export const PersonName = Type.String({ minLength: 1, maxLength: 100 })

/** 学号 as schools write them: letters, digits and signs, no spaces. */
export const StudentNo = Type.String({ minLength: 1, maxLength: 40, pattern: '^[\\x21-\\x7e]+$' })

export const OpenLearnerBody = Type.Object(
  {
    nationalId: NationalId,
    name: PersonName,
    birthDate: Type.Optional(DateOnly),
    category: Category,
  },
  { additionalProperties: false },
)
export const LookupBody = Type.Object(
  { nationalId: NationalId, name: PersonName },
  { additionalProperties: false },
)
export const ClaimBody = Type.Object(
  {
    nationalId: NationalId,
    name: PersonName,
    birthDate: Type.Optional(DateOnly),
    category: Type.Optional(Category),
  },
  { additionalProperties: false },
)

export const Learner = Type.Object({
  id: Id,
  accountNo: Type.String({ description: 'CB + year + 8-digit serial + Luhn check digit' }),
  /** Null once the learner is erased (decision 0730): the account stays, anonymous. */
  name: Type.Union([Type.String(), Type.Null()]),
  nationalIdMasked: Type.Union([
    Type.String({ description: 'first 6 and last 4 characters, e.g. 410105********123X' }),
    Type.Null(),
  ]),
  birthDate: Type.Union([DateOnly, Type.Null()]),
  category: Type.String(),
  claimed: Type.Boolean(),
  openedAt: Type.String({ format: 'date-time' }),
  erased: Type.Boolean(),
})
export const FindBody = Type.Object(
  {
    nationalId: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    name: Type.Optional(PersonName),
    studentNo: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    accountNo: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    birthDate: Type.Optional(DateOnly),
  },
  {
    additionalProperties: false,
    description:
      'One way: nationalId + name, studentNo (at the caller’s organization), accountNo, or name + birthDate (among learners the organization knows)',
  },
)
export const FoundLearners = Type.Object({
  items: Type.Array(
    Type.Object({
      ...Learner.properties,
      studentNo: Nullable(Type.String({ description: 'the 学号 at the caller’s organization' })),
      knownHere: Type.Boolean({
        description:
          'enrolled, given a 学号 or posted for by the caller’s organization: its entries can be read',
      }),
    }),
  ),
})
export const LookupResult = Type.Object({ id: Id, accountNo: Type.String() })

/**
 * The learner's 身份证号 and name, beside `learnerId`: required when the caller's organization does
 * not know the learner yet (decision 0613).
 */
export const Proof = {
  nationalId: Type.Optional(
    Type.String({ minLength: 1, maxLength: 40, description: 'the learner’s 身份证号, as proof' }),
  ),
  name: Type.Optional(
    Type.String({ minLength: 1, maxLength: 100, description: 'the learner’s name, as proof' }),
  ),
}

export const EnrollmentBody = Type.Object(
  {
    learnerId: Id,
    programCode: Type.String({ minLength: 1, maxLength: 40, pattern: '^[\\x21-\\x7e]+$' }),
    programName: Type.String({ minLength: 1, maxLength: 200 }),
    startedOn: DateOnly,
    studentNo: Type.Optional(StudentNo),
    ...Proof,
  },
  { additionalProperties: false },
)
export const Enrollment = Type.Object({
  id: Id,
  learnerId: Id,
  orgId: Id,
  programCode: Type.String(),
  programName: Type.String(),
  startedOn: DateOnly,
  studentNo: Nullable(Type.String({ description: "the learner's 学号 at this school" })),
  createdAt: Type.String({ format: 'date-time' }),
})

export const Entry = Type.Object({
  id: Id,
  learnerId: Id,
  seq: Type.Integer({ description: 'position in the account' }),
  entryCode: Type.Enum(
    ['outcome.posted', 'certificate.issued', 'reversal', 'recognition.approved'],
    { description: 'why the entry exists' },
  ),
  kind: EntryKind,
  orgId: Id,
  title: Type.String(),
  code: Nullable(Type.String()),
  credits: Nullable(Type.String({ description: 'decimal; negative on reversals' })),
  hours: Nullable(Type.String({ description: 'decimal; negative on reversals' })),
  grade: Nullable(Type.Object({ score: Type.String(), scale: Type.String() })),
  level: Nullable(Type.String()),
  category: Nullable(Type.String()),
  occurredOn: DateOnly,
  externalRef: Nullable(Type.String()),
  certificateId: Nullable(Id),
  typeCode: Nullable(Type.String()),
  applicationId: Nullable(Id),
  reversesEntryId: Nullable(Id),
  reason: Nullable(Type.String()),
  postedAt: Type.String({ format: 'date-time' }),
  hash: Type.String(),
  usedAt: Type.Array(
    Type.Object({ targetOrgId: Id, courseCode: Type.String(), applicationId: Id }),
    { description: 'where this outcome was recognized' },
  ),
  reversedBy: Type.Optional(
    Nullable(
      Type.Object(
        {
          entryId: Id,
          reason: Nullable(Type.String()),
          at: Type.String({ format: 'date-time' }),
        },
        {
          description:
            'set when this entry was reversed (a certificate entry when the certificate was revoked): it no longer counts and offers no credential',
        },
      ),
    ),
  ),
})

export const BatchBody = Type.Object(
  {
    items: Type.Array(
      Type.Unknown({
        description:
          'an object with the fields of POST /v1/outcomes; every item is validated and every bad one named (422)',
      }),
      {
        minItems: 1,
        maxItems: 1_000,
      },
    ),
  },
  { additionalProperties: false },
)
export const BatchResult = Type.Object({
  items: Type.Array(Entry),
  created: Type.Integer(),
  existing: Type.Integer(),
})

export const ReversalBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
)

const Amounts = Type.Object({ credits: Type.String(), hours: Type.String() })
export const Account = Type.Object({
  learnerId: Id,
  accountNo: Type.String(),
  balances: Type.Object({
    total: Type.Object(Amounts.properties, {
      description: 'every entry summed, recognized credits included: the sum of byKind',
    }),
    recognized: Type.Object({ credits: Type.String() }),
    byKind: Type.Record(
      Type.String(),
      Type.Object({ credits: Type.String(), hours: Type.String(), entryCount: Type.Integer() }),
    ),
  }),
  entryCount: Type.Integer(),
  headHash: Type.String(),
})

export const Chain = Type.Object({
  valid: Type.Boolean(),
  entryCount: Type.Integer(),
  headHash: Type.String(),
  firstBadEntryId: Type.Optional(Id),
})

export const StatementQuery = Type.Object(
  {
    ...PageQuery.properties,
    kind: Type.Optional(EntryKind),
    from: Type.Optional(DateOnly),
    to: Type.Optional(DateOnly),
  },
  { additionalProperties: false },
)
export const EntryPage = Page(Entry)
export const EnrollmentPage = Page(Enrollment)
export const LearnerParams = Type.Object({ id: Id }, { additionalProperties: false })
