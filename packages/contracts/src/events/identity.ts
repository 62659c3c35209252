import Type from 'typebox'
import { Id, RegionCode } from '../primitives.js'

export const identityEvents = {
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
      memberships: Type.Array(
        Type.Object({ orgId: Id, role: Type.String() }, { additionalProperties: false }),
      ),
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
  /** A key revoked in an emergency: every service stops accepting its tokens at once. */
  'identity.signing-key.revoked': Type.Object(
    { kid: Type.String(), revokedAt: Type.String({ format: 'date-time' }) },
    { additionalProperties: false },
  ),
}
