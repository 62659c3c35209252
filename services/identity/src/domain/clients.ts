import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import { uuidv7 } from 'uuidv7'
import { insertClient } from '../db/client.repository.js'
import { findOrganization } from '../db/organization.repository.js'
import type { IdentityDB } from '../db/schema.js'
import { identityErrors } from './errors.js'
import { hashSecret } from './passwords.js'

type Publish = (
  trx: Kysely<IdentityDB>,
  events: { type: string; data: unknown }[],
) => Promise<unknown>

/** A system client of an organization. The secret is returned once and stored only as a hash. */
export async function createClient(
  trx: Kysely<IdentityDB>,
  input: { orgId: string; name: string; scopes: string[] },
  actor: string,
  publish: Publish,
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
