import type { IdentityEventType } from '@creditbank/contracts'
import type { NewEventOf, Publish } from '@creditbank/events'
import type { Transaction } from 'kysely'
import { uuidv7 } from 'uuidv7'
import {
  findOrganizationByCode,
  findOrganizationForUpdate,
  insertOrganization,
  type OrganizationRow,
  updateOrganizationRow,
} from '../db/organization.repository.js'
import type { IdentityDB } from '../db/schema.js'
import { type AuditActor, recordAudit } from './audit.js'
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

/**
 * Registers an organization. The code is its natural key: the same registration again answers the
 * existing one (200); the same code with other attributes is a conflict.
 */
export async function registerOrganization(
  trx: Transaction<IdentityDB>,
  input: NewOrganization,
  actor: string,
  publish: Publish<IdentityEventType>,
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
  await publish(trx, [registration(organization)])
  return { status: 201, organization }
}

/**
 * The organization as it is now. An edit publishes it again under the same type: every
 * service's projection keeps the latest registration (an upsert by id), and the organization's id
 * as the key keeps registration and edits in order on one partition.
 */
function registration(o: OrganizationRow): NewEventOf<'identity.organization.registered'> {
  return {
    type: 'identity.organization.registered',
    subject: o.id,
    data: {
      organizationId: o.id,
      code: o.code,
      name: o.name,
      kind: o.kind,
      regionCode: o.region_code,
      schoolLevel: o.school_level,
    },
  }
}

export interface OrganizationEdit {
  name?: string
  regionCode?: string
  schoolLevel?: string | null
}

/**
 * Platform admins correct an organization's name, region or school level. The code (its natural
 * key, in institutions' systems) and the kind (what it may do everywhere) do not change. An edit
 * that changes nothing writes nothing.
 */
export async function updateOrganization(
  trx: Transaction<IdentityDB>,
  id: string,
  edit: OrganizationEdit,
  actor: AuditActor,
  publish: Publish<IdentityEventType>,
) {
  const before = await findOrganizationForUpdate(trx, id)
  if (!before) throw identityErrors.IDENTITY_ORGANIZATION_NOT_FOUND()
  const schoolLevel = edit.schoolLevel === undefined ? before.school_level : edit.schoolLevel
  if ((before.kind === 'school') !== (schoolLevel !== null))
    throw identityErrors.IDENTITY_SCHOOL_LEVEL_INVALID(undefined, [
      { path: '/schoolLevel', message: 'required for schools and only for schools' },
    ])
  const after = {
    name: edit.name?.trim() ?? before.name,
    region_code: edit.regionCode ?? before.region_code,
    school_level: schoolLevel,
  }
  const changed = (Object.keys(after) as (keyof typeof after)[]).filter(
    (k) => after[k] !== before[k],
  )
  if (changed.length === 0) return before
  const updated = await updateOrganizationRow(trx, id, after)
  await recordAudit(trx, actor, {
    action: 'organization.updated',
    target: { kind: 'organization', id, label: `${updated.name} (${updated.code})` },
    orgIds: [id],
    detail: Object.fromEntries(changed.map((k) => [k, { from: before[k], to: after[k] }])),
  })
  await publish(trx, [registration(updated)])
  return updated
}
