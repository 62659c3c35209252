import { Id } from '@creditbank/contracts'
import Type from 'typebox'
import { type Cryptosuite, cryptosuites } from '../credentials/sign.js'

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
  429: problem,
}

/** A JSON-LD document (credential, presentation): passed through as is. */
export const JsonDocument = Type.Object({}, { additionalProperties: true })

export const LearnerParams = Type.Object({ id: Id }, { additionalProperties: false })

/**
 * A string schema with `enum` rather than Type.Enum: querystrings are run through Value.Convert on
 * every request, which re-evaluates a Type.Enum each time (about 0.5 ms, a tenth of a credential).
 */
export const CryptosuiteQuery = Type.Object(
  {
    cryptosuite: Type.Optional(
      Type.Unsafe<Cryptosuite>(
        Type.String({ enum: [...cryptosuites], default: 'eddsa-rdfc-2022' }),
      ),
    ),
  },
  { additionalProperties: false },
)

export const TimelineItem = Type.Object({
  id: Id,
  type: Type.String({ description: 'the CloudEvents type behind the item' }),
  category: Type.String({
    description:
      'account, enrollment, outcome, reversal, recognized, certificate, revocation, application, decision, other',
  }),
  entryId: Type.Union([Id, Type.Null()], {
    description: 'the entry, certificate or application the item is about',
  }),
  title: Type.String(),
  at: Type.String({ format: 'date-time', description: 'when it was posted' }),
  occurredOn: Type.String({
    format: 'date',
    description:
      'when the learning happened (an outcome’s date, a certificate’s issue date; else the China-time day it was posted): the timeline’s order',
  }),
  status: Type.String({ description: 'active, reversed or revoked' }),
  orgId: Type.Union([Id, Type.Null()]),
  orgName: Type.Union([Type.String(), Type.Null()]),
  data: Type.Object({}, { additionalProperties: true }),
  provenance: Type.Object(
    {
      source: Type.String(),
      eventId: Type.String(),
      eventType: Type.String(),
      postedAt: Type.String({ format: 'date-time' }),
      orgId: Type.Union([Type.String(), Type.Null()]),
      orgName: Type.Union([Type.String(), Type.Null()]),
      actor: Type.Union([Type.String(), Type.Null()]),
      rule: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
      reason: Type.Union([Type.String(), Type.Null()]),
    },
    { additionalProperties: true },
  ),
})

export const VerificationResult = Type.Object(
  {
    verified: Type.Boolean(),
    checks: Type.Array(Type.String()),
    warnings: Type.Array(Type.String()),
    errors: Type.Array(Type.String()),
    problemDetails: Type.Array(
      Type.Object({
        check: Type.String(),
        type: Type.String(),
        title: Type.String(),
        detail: Type.String(),
      }),
    ),
  },
  { additionalProperties: true },
)
