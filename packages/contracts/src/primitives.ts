import Type from 'typebox'

/** Identifiers are UUIDv7: time-ordered, so indexes stay compact and ids sort by creation. */
export const Id = Type.String({ format: 'uuid', description: 'UUIDv7' })

/** Credits travel as strings so that no float ever touches them (API.md: credits). */
export const Credits = Type.String({
  pattern: '^\\d{1,4}(\\.\\d{1,2})?$',
  description: 'decimal credits, up to 2 places',
})

/** Hours likewise (API.md: hours). */
export const Hours = Type.String({
  pattern: '^\\d{1,5}(\\.\\d)?$',
  description: 'decimal hours, up to 1 place',
})

/**
 * A text column the database checks (`check (level in (...))`), read as one of the contract's
 * enum members. Any other value is a broken invariant, not bad input: it throws.
 */
export function asMember<T extends string>(schema: { enum: readonly T[] }, value: string): T {
  if ((schema.enum as readonly string[]).includes(value)) return value as T
  throw new Error(`${value} is not one of ${schema.enum.join(', ')}`)
}

export const Timestamp = Type.String({ format: 'date-time' })
export const DateOnly = Type.String({ format: 'date' })

export const RegionCode = Type.String({
  pattern: '^\\d{6}$',
  description: 'GB/T 2260 administrative division code',
})

export const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 20 })
export const Cursor = Type.String({ maxLength: 200 })

export const PageQuery = Type.Object({
  limit: Type.Optional(Limit),
  cursor: Type.Optional(Cursor),
})

/** A page of a list: `{ items, nextCursor }` (API.md: lists). */
export function Page<T extends Type.TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
  })
}

export const OrganizationKind = Type.Enum([
  'school',
  'enterprise',
  'training_body',
  'evaluation_org',
  'recognition_center',
])
export const SchoolLevel = Type.Enum([
  'secondary_vocational',
  'higher_vocational',
  'vocational_undergraduate',
  'technician_college',
  'undergraduate',
  'open_university',
])
export const Role = Type.Enum(['admin', 'registrar', 'issuer', 'reviewer', 'learner'])

export const ProblemDetails = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    code: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String(),
          message: Type.String(),
          /** Stable (`FIELD_REQUIRED`, …): what a page shows a message for, in its language. */
          code: Type.Optional(Type.String()),
          limit: Type.Optional(Type.Number()),
        }),
      ),
    ),
  },
  { $id: 'ProblemDetails' },
)
