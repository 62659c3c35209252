import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { KeyResolver, RevokedKeys } from '@creditbank/auth'
import { topicOf } from '@creditbank/contracts'
import type { Subscription, Transport } from '@creditbank/events'
import type { Logger } from 'pino'

const REVOKED = 'identity.signing-key.revoked'

/**
 * Every replica of every service learns of an emergency key revocation from identity's event,
 * so it needs the event itself: a consumer group of its own (a service's shared group would hand
 * the event to one replica), reading from now on, with no inbox (remembering a revoked kid twice
 * changes nothing). The JWKS cache forgets the key too.
 */
export function watchKeyRevocations(o: {
  transport: Transport
  service: string
  revoked: RevokedKeys
  resolveKey: KeyResolver
  logger: Logger
}): Promise<Subscription> {
  const replica = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`
  return o.transport.subscribe({
    groupId: `creditbank.${o.service}.keys.${replica}`,
    topics: [topicOf(REVOKED)],
    fromBeginning: false,
    handle: async (d) => {
      let event: { type?: unknown; data?: { kid?: unknown } }
      try {
        event = JSON.parse(d.value)
      } catch {
        return
      }
      const kid = event.data?.kid
      if (event.type !== REVOKED || typeof kid !== 'string') return
      o.revoked.add(kid)
      o.resolveKey.forget?.(kid)
      o.logger.warn({ kid }, 'signing key revoked: its tokens are refused from now on')
    },
  })
}
