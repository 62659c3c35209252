import { generateKeyPairSync, randomBytes } from 'node:crypto'
import type { Jwk } from '@creditbank/auth'
import { decrypt, encrypt } from '@creditbank/service-kit'
import { type Kysely, sql, type Transaction } from 'kysely'
import { activeKey, insertKey, publishedKeys, retireActiveKeys } from '../db/key.repository.js'
import type { IdentityDB } from '../db/schema.js'

export interface SigningKey {
  kid: string
  privatePem: string
}

function newKey(sealKey: Buffer) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const kid = `${new Date().toISOString().slice(0, 10)}-${randomBytes(6).toString('base64url')}`
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as object), kid, alg: 'EdDSA', use: 'sig' }
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  return { kid, private_key_sealed: encrypt(sealKey, pem), public_jwk: JSON.stringify(jwk) }
}

/** Key creation and rotation, one at a time across replicas, until the transaction ends. */
async function lockSigningKeys(trx: Transaction<IdentityDB>) {
  await sql`select pg_advisory_xact_lock(hashtext('identity.signing_key'))`.execute(trx)
}

/** The key tokens are signed with; made on first use. Private keys are stored sealed with AES-256-GCM. */
export async function currentSigningKey(
  db: Kysely<IdentityDB>,
  sealKey: Buffer,
): Promise<SigningKey> {
  let row = await activeKey(db)
  if (!row) {
    await db.transaction().execute(async (trx) => {
      await lockSigningKeys(trx)
      if (!(await activeKey(trx))) await insertKey(trx, newKey(sealKey))
    })
    row = await activeKey(db)
  }
  if (!row) throw new Error('no signing key')
  return { kid: row.kid, privatePem: decrypt(sealKey, row.private_key_sealed) }
}

/**
 * Rotation: a new key signs from now on; the old one stays published until every token it
 * signed has expired (one token lifetime), so nobody is logged out by a rotation. Revoking the
 * old key (it leaked) drops it from the JWKS at once, and every token it signed with it.
 */
export async function rotateSigningKey(
  trx: Transaction<IdentityDB>,
  sealKey: Buffer,
  revoke = false,
) {
  await lockSigningKeys(trx)
  const previous = await activeKey(trx)
  await retireActiveKeys(trx, new Date(), revoke)
  const next = newKey(sealKey)
  await insertKey(trx, next)
  return { kid: next.kid, previousKid: previous?.kid ?? null }
}

export async function jwks(db: Kysely<IdentityDB>, tokenTtlS: number): Promise<Jwk[]> {
  const rows = await publishedKeys(db, new Date(Date.now() - tokenTtlS * 1000 - 60_000))
  return rows.map((r) => r.public_jwk as unknown as Jwk)
}
