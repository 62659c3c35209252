import {
  Id,
  OrganizationKind,
  Page,
  PageQuery,
  RegionCode,
  SchoolLevel,
} from '@creditbank/contracts'
import Type from 'typebox'

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

export const Username = Type.String({
  minLength: 3,
  maxLength: 64,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]*$',
})
export const Password = Type.String({ minLength: 10, maxLength: 200 })
export const DisplayName = Type.String({ minLength: 1, maxLength: 100 })
export const MembershipRole = Type.Enum(['admin', 'registrar', 'issuer', 'reviewer'])
export const Scope = Type.Enum([
  'outcomes:write',
  'enrollments:write',
  'learners:write',
  'certificates:write',
  'credentials:issue',
])

export const Organization = Type.Object({
  id: Id,
  code: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  regionCode: Type.String(),
  schoolLevel: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
})

export const NewOrganizationBody = Type.Object(
  {
    code: Type.String({ minLength: 2, maxLength: 40, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: OrganizationKind,
    regionCode: RegionCode,
    schoolLevel: Type.Optional(Type.Union([SchoolLevel, Type.Null()])),
  },
  { additionalProperties: false },
)

export const OrganizationPage = Page(Organization)

export const Membership = Type.Object(
  { orgId: Id, role: MembershipRole },
  { additionalProperties: false },
)

export const User = Type.Object({
  id: Id,
  username: Type.String(),
  displayName: Type.String(),
  platformAdmin: Type.Boolean(),
  learnerId: Type.Union([Id, Type.Null()]),
  memberships: Type.Array(Type.Object({ orgId: Id, role: Type.String() })),
  createdAt: Type.String({ format: 'date-time' }),
})

export const NewUserBody = Type.Object(
  {
    username: Username,
    password: Password,
    displayName: DisplayName,
    memberships: Type.Array(Membership, { minItems: 1, maxItems: 20 }),
  },
  { additionalProperties: false },
)

export const RegisterBody = Type.Object(
  { username: Username, password: Password, displayName: DisplayName },
  { additionalProperties: false },
)

export const NewClientBody = Type.Object(
  {
    orgId: Id,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Array(Scope, { minItems: 1, maxItems: 10 }),
  },
  { additionalProperties: false },
)

export const Client = Type.Object({
  clientId: Type.String(),
  clientSecret: Type.Optional(
    Type.String({ description: 'shown once, in the first answer only; store it now' }),
  ),
  name: Type.String(),
  orgId: Id,
  scopes: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
})

export const TokenBody = Type.Object(
  {
    grant_type: Type.Enum(['password', 'client_credentials']),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    orgId: Type.Optional(Id),
    clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    clientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
)

export const Token = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer(),
})

const Nullable = <T extends Type.TSchema>(s: T) => Type.Union([s, Type.Null()])
const DateTime = Type.String({ format: 'date-time' })
/** Free text that holds something: Postgres text cannot hold NUL, and blanks say nothing. */
const Text = (maxLength: number) =>
  Type.String({ minLength: 1, maxLength, pattern: '^[^\\u0000]*\\S[^\\u0000]*$' })

export const OrganizationQuery = Type.Object(
  {
    ...PageQuery.properties,
    kind: Type.Optional(OrganizationKind),
    regionCode: Type.Optional(RegionCode),
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'part of the name or code' }),
    ),
  },
  { additionalProperties: false },
)

export const OrganizationEditBody = Type.Object(
  {
    name: Type.Optional(Text(200)),
    regionCode: Type.Optional(RegionCode),
    schoolLevel: Type.Optional(Nullable(SchoolLevel)),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const StaffUser = Type.Object({
  id: Id,
  username: Type.String(),
  displayName: Type.String(),
  platformAdmin: Type.Boolean(),
  learnerId: Nullable(Id),
  memberships: Type.Array(
    Type.Object({
      orgId: Id,
      orgName: Type.String(),
      orgCode: Type.String(),
      role: Type.String(),
    }),
  ),
  disabled: Type.Boolean(),
  disabledAt: Nullable(DateTime),
  disabledReason: Nullable(Type.String()),
  passwordChangeRequired: Type.Boolean(),
  lastSignInAt: Nullable(DateTime),
  createdAt: DateTime,
})
export const StaffUserPage = Page(StaffUser)

export const UserQuery = Type.Object(
  {
    ...PageQuery.properties,
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'the start of the username or part of the name',
      }),
    ),
    orgId: Type.Optional(Id),
    role: Type.Optional(MembershipRole),
    status: Type.Optional(Type.Enum(['active', 'disabled'])),
  },
  { additionalProperties: false },
)

export const DisableBody = Type.Object(
  { reason: Type.Optional(Text(500)) },
  { additionalProperties: false },
)

export const PasswordReset = Type.Object({
  user: StaffUser,
  temporaryPassword: Type.Optional(
    Type.String({ description: 'shown once, in the first answer only; give it to the person' }),
  ),
  expiresAt: DateTime,
})

export const PasswordChangeBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
    newPassword: Password,
    orgId: Type.Optional(Id),
  },
  { additionalProperties: false },
)

export const ClientListed = Type.Object({
  clientId: Type.String(),
  name: Type.String(),
  orgId: Id,
  orgName: Type.String(),
  orgCode: Type.String(),
  scopes: Type.Array(Type.String()),
  createdAt: DateTime,
  revokedAt: Nullable(DateTime),
})
export const ClientPage = Page(ClientListed)

export const ClientQuery = Type.Object(
  {
    ...PageQuery.properties,
    orgId: Type.Optional(Id),
    includeRevoked: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
)

export const ClientParams = Type.Object({
  clientId: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }),
})

export const AuditEntry = Type.Object({
  id: Id,
  at: DateTime,
  actor: Type.Object({ id: Type.String(), name: Type.String() }),
  action: Type.String(),
  target: Type.Object({ kind: Type.String(), id: Type.String(), label: Type.String() }),
  orgIds: Type.Array(Id),
  ip: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
})
export const AuditPage = Page(AuditEntry)
