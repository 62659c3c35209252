import Type, { type Static, type TSchema } from 'typebox'
import { DateOnly, Id, RegionCode } from './primitives.js'

/**
 * Every event payload the system publishes, by CloudEvents `type`
 * (`<service>.<entity>.<past-tense verb>`). Producers and consumers validate against these.
 * Payloads carry ids, never national id numbers.
 */
export const eventPayloads = {
  'identity.organization.registered': Type.Object(
    {
      organizationId: Id,
      code: Type.String(),
      name: Type.String(),
      kind: Type.String(),
      regionCode: RegionCode,
      schoolLevel: Type.Union([Type.String(), Type.Null()]),
    },
    { additionalProperties: false },
  ),
  'identity.user.created': Type.Object(
    {
      userId: Id,
      username: Type.String(),
      memberships: Type.Array(Type.Object({ orgId: Id, role: Type.String() }, { additionalProperties: false })),
      selfRegistered: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
  'identity.client.created': Type.Object(
    { clientId: Type.String(), orgId: Id, scopes: Type.Array(Type.String()) },
    { additionalProperties: false },
  ),
  'identity.signing-key.rotated': Type.Object(
    { kid: Type.String(), previousKid: Type.Union([Type.String(), Type.Null()]) },
    { additionalProperties: false },
  ),
  'accounts.learner.opened': Type.Object(
    { learnerId: Id, accountNo: Type.String(), category: Type.String(), openedByOrgId: Type.Union([Id, Type.Null()]), birthDate: Type.Union([DateOnly, Type.Null()]) },
    { additionalProperties: false },
  ),
  'accounts.learner.claimed': Type.Object({ learnerId: Id, userId: Id }, { additionalProperties: false }),
} as const satisfies Record<string, TSchema>

export type EventType = keyof typeof eventPayloads
export type EventPayload<T extends EventType> = Static<(typeof eventPayloads)[T]>

/** One topic per producing service and version: `creditbank.accounts.v1`. */
export function topicOf(type: string): string {
  const service = type.split('.')[0]
  return `creditbank.${service}.v1`
}

export const topics = [...new Set(Object.keys(eventPayloads).map(topicOf))]
