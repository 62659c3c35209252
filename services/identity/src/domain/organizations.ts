import type { Kysely } from 'kysely'
import { uuidv7 } from 'uuidv7'
import {
  findOrganizationByCode,
  insertOrganization,
  type OrganizationRow,
} from '../db/organization.repository.js'
import type { IdentityDB } from '../db/schema.js'
import { identityErrors } from './errors.js'

export interface NewOrganization {
  code: string
  name: string
  kind: string
  regionCode: string
  schoolLevel?: string | null
}

export function organizationView(o: OrganizationRow) {
  return {
    id: o.id,
    code: o.code,
    name: o.name,
    kind: o.kind,
    regionCode: o.region_code,
    schoolLevel: o.school_level,
    createdAt: o.created_at.toISOString(),
  }
}

type Publish = (
  trx: Kysely<IdentityDB>,
  events: { type: string; data: unknown }[],
) => Promise<unknown>

/**
 * Registers an organization. The code is its natural key: the same registration again answers the
 * existing one (200); the same code with other attributes is a conflict.
 */
export async function registerOrganization(
  trx: Kysely<IdentityDB>,
  input: NewOrganization,
  actor: string,
  publish: Publish,
) {
  const schoolLevel = input.schoolLevel ?? null
  if ((input.kind === 'school') !== (schoolLevel !== null))
    throw identityErrors.IDENTITY_SCHOOL_LEVEL_INVALID(undefined, [
      { path: '/schoolLevel', message: 'required for schools and only for schools' },
    ])
  const existing = await findOrganizationByCode(trx, input.code)
  if (existing) {
    const same =
      existing.name === input.name &&
      existing.kind === input.kind &&
      existing.region_code === input.regionCode &&
      existing.school_level === schoolLevel
    if (!same) throw identityErrors.IDENTITY_ORGANIZATION_CODE_TAKEN()
    return { status: 200, organization: existing }
  }
  const organization = await insertOrganization(trx, {
    id: uuidv7(),
    code: input.code,
    name: input.name,
    kind: input.kind,
    region_code: input.regionCode,
    school_level: schoolLevel,
    created_by: actor,
  })
  await publish(trx, [
    {
      type: 'identity.organization.registered',
      data: {
        organizationId: organization.id,
        code: organization.code,
        name: organization.name,
        kind: organization.kind,
        regionCode: organization.region_code,
        schoolLevel,
      },
    },
  ])
  return { status: 201, organization }
}
