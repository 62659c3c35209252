import type { Principal } from '@creditbank/auth'
import type { IdentityEventType } from '@creditbank/contracts'
import type { Publish } from '@creditbank/events'
import type { Transaction } from 'kysely'
import { uuidv7 } from 'uuidv7'
import { countOrganizations } from '../db/organization.repository.js'
import type { IdentityDB } from '../db/schema.js'
import {
  findUserByUsername,
  insertMemberships,
  insertUser,
  membershipsOf,
  type UserRow,
} from '../db/user.repository.js'
import { identityErrors } from './errors.js'
import { hashSecret } from './passwords.js'

export interface NewUser {
  username: string
  password: string
  displayName: string
  memberships?: { orgId: string; role: string }[]
}

export function userView(u: UserRow, memberships: { org_id: string; role: string }[]) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    platformAdmin: u.platform_admin,
    learnerId: u.learner_id,
    memberships: memberships.map((m) => ({ orgId: m.org_id, role: m.role })),
    createdAt: u.created_at.toISOString(),
  }
}

/** A platform admin manages every organization; an organization's admin only their own. */
export function assertCanManage(caller: Principal, orgIds: string[]) {
  if (caller.roles.includes('admin')) return
  if (orgIds.length === 0 || orgIds.some((id) => !caller.adminOf.includes(id)))
    throw identityErrors.IDENTITY_NOT_ORG_ADMIN()
}

export async function createUser(
  trx: Transaction<IdentityDB>,
  input: NewUser,
  options: { selfRegistered: boolean; platformAdmin?: boolean },
  publish: Publish<IdentityEventType>,
) {
  const memberships = input.memberships ?? []
  const orgIds = [...new Set(memberships.map((m) => m.orgId))]
  if ((await countOrganizations(trx, orgIds)) !== orgIds.length) {
    throw identityErrors.IDENTITY_MEMBERSHIP_ORG_UNKNOWN(undefined, [
      { path: '/memberships', message: 'names an organization that does not exist' },
    ])
  }
  if (await findUserByUsername(trx, input.username)) throw identityErrors.IDENTITY_USERNAME_TAKEN()
  const user = await insertUser(trx, {
    id: uuidv7(),
    username: input.username,
    password_hash: await hashSecret(input.password),
    display_name: input.displayName,
    platform_admin: options.platformAdmin ?? false,
    learner_id: null,
    self_registered: options.selfRegistered,
  })
  await insertMemberships(trx, user.id, memberships)
  await publish(trx, [
    {
      type: 'identity.user.created',
      data: {
        userId: user.id,
        username: user.username,
        memberships,
        selfRegistered: options.selfRegistered,
      },
    },
  ])
  return userView(user, await membershipsOf(trx, user.id))
}
