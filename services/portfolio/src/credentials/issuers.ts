import { decrypt, encrypt } from '@creditbank/service-kit'
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey'
import type { Kysely } from 'kysely'
import { findIssuerKey, insertIssuerKey } from '../db/credential.repository.js'
import type { PortfolioDB } from '../db/schema.js'
import { BoundedCache } from './bounded-cache.js'
import { keyObjectSigner, type Signer } from './ed25519.js'

/** The credit bank itself signs what no single organization can: the CLR of a whole record. */
export const PLATFORM_ISSUER = 'creditbank'

export interface Issuer {
  issuerId: string
  did: string
  verificationMethod: string
  signer: Signer
}

/** Unsealed signers kept per process; more organizations than this only cost an unseal again. */
export const ISSUER_CACHE_SIZE = 1_000

/**
 * Each organization signs as itself: a did:key (Ed25519 Multikey) made on first use, its secret
 * sealed with the service key (AES-256-GCM). Unsealed signers (a Node KeyObject each) are kept per
 * process, at most ISSUER_CACHE_SIZE; keys never change, so a second replica holding its own copy
 * needs nothing from this one.
 */
export class Issuers {
  private readonly cache = new BoundedCache<string, Issuer>(ISSUER_CACHE_SIZE)

  constructor(private readonly sealKey: Buffer) {}

  /** `db` is the service's root query builder, never a transaction. */
  async get(db: Kysely<PortfolioDB>, issuerId: string): Promise<Issuer> {
    const cached = this.cache.get(issuerId)
    if (cached) return cached
    let row = await findIssuerKey(db, issuerId)
    if (!row) {
      const kp = await Ed25519Multikey.generate()
      const did = `did:key:${kp.publicKeyMultibase}`
      // Its own transaction (never the caller's): a rolled-back caller must not leave a cached key behind.
      await db.transaction().execute((trx) =>
        insertIssuerKey(trx, {
          issuer_id: issuerId,
          did,
          public_key_multibase: kp.publicKeyMultibase,
          secret_key_sealed: encrypt(this.sealKey, kp.secretKeyMultibase as string),
        }),
      )
      row = await findIssuerKey(db, issuerId)
      if (!row) throw new Error(`issuer ${issuerId} vanished`)
    }
    const verificationMethod = `${row.did}#${row.public_key_multibase}`
    const keyPair = await Ed25519Multikey.from({
      type: 'Multikey',
      id: verificationMethod,
      controller: row.did,
      publicKeyMultibase: row.public_key_multibase,
      secretKeyMultibase: decrypt(this.sealKey, row.secret_key_sealed),
    })
    const issuer = {
      issuerId,
      did: row.did,
      verificationMethod,
      signer: await keyObjectSigner(keyPair, verificationMethod),
    }
    this.cache.set(issuerId, issuer)
    return issuer
  }
}
