import { randomBytes } from 'node:crypto'
import type { Principal } from '@creditbank/auth'
import type { IdentityEventType } from '@creditbank/contracts'
import type { Publish } from '@creditbank/events'
import type { Kysely, Transaction } from 'kysely'
import { uuidv7 } from 'uuidv7'
import {
  type ClientRow,
  findClientForUpdate,
  insertClient,
  listClients,
  markClientRevoked,
} from '../db/client.repository.js'
import { findOrganization } from '../db/organization.repository.js'
import type { IdentityDB } from '../db/schema.js'
import { type AuditActor, recordAudit } from './audit.js'
import { identityErrors } from './errors.js'
import { hashSecret } from './passwords.js'
import { administeredOrgs, orgScope } from './user-admin.js'

/** A system client of an organization. The secret is returned once and stored only as a hash. */
export async function createClient(
  trx: Transaction<IdentityDB>,
  input: { orgId: string; name: string; scopes: string[] },
  actor: string,
  publish: Publish<IdentityEventType>,
) {
  if (!(await findOrganization(trx, input.orgId)))
    throw identityErrors.IDENTITY_ORGANIZATION_NOT_FOUND()
  const clientId = `cb_${randomBytes(12).toString('base64url')}`
  const clientSecret = randomBytes(32).toString('base64url')
  const scopes = [...new Set(input.scopes)].sort()
  const row = await insertClient(trx, {
    id: uuidv7(),
    client_id: clientId,
    secret_hash: await hashSecret(clientSecret),
    name: input.name,
    org_id: input.orgId,
    scopes,
    created_by: actor,
  })
  await publish(trx, [
    { type: 'identity.client.created', data: { clientId, orgId: input.orgId, scopes } },
  ])
  return {
    clientId,
    clientSecret,
    name: row.name,
    orgId: row.org_id,
    scopes,
    createdAt: row.created_at.toISOString(),
  }
}

type NamedClient = ClientRow & { org_name: string; org_code: string }

export function clientView(c: NamedClient) {
  return {
    clientId: c.client_id,
    name: c.name,
    orgId: c.org_id,
    orgName: c.org_name,
    orgCode: c.org_code,
    scopes: c.scopes,
    createdAt: c.created_at.toISOString(),
    revokedAt: c.revoked_at?.toISOString() ?? null,
  }
}

/** Platform admins see every client; an organization's admins their organizations' clients. */
export async function clientsFor(
  db: Kysely<IdentityDB>,
  p: Principal,
  f: { orgId?: string; includeRevoked: boolean; before?: string; limit: number },
) {
  return listClients(db, { ...f, orgIds: orgScope(p, f.orgId) })
}

/**
 * Revokes a client: its secret stops working at once; tokens it already holds stop at their
 * expiry (15 minutes at most). The row stays, for the audit trail and the list.
 */
export async function revokeClient(
  trx: Transaction<IdentityDB>,
  p: Principal,
  actor: AuditActor,
  clientId: string,
) {
  const c = await findClientForUpdate(trx, clientId)
  const mine = administeredOrgs(p)
  if (!c || (mine && !mine.includes(c.org_id))) throw identityErrors.IDENTITY_CLIENT_NOT_FOUND()
  if (c.revoked_at) throw identityErrors.IDENTITY_CLIENT_ALREADY_REVOKED()
  const at = new Date()
  await markClientRevoked(trx, clientId, p.subject, at)
  await recordAudit(trx, actor, {
    action: 'client.revoked',
    target: { kind: 'client', id: c.client_id, label: `${c.name} (${c.org_name})` },
    orgIds: [c.org_id],
  })
  return clientView({ ...c, revoked_at: at, revoked_by: p.subject })
}
