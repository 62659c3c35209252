import type { Logger } from 'pino'

/** kafkajs' levels (its `logLevel` enum), so this module needs no kafkajs import. */
export const KAFKA_LEVEL = { ERROR: 1, WARN: 2, INFO: 4, DEBUG: 5 } as const

/**
 * kafkajs messages that are not an operator's business: what it says on every start about
 * settings we chose on purpose (retries are bounded; the outbox and the inboxes give the
 * guarantees, not exactly-once semantics), and the group protocol's ordinary chatter.
 */
const ROUTINE = [
  /^Limiting retries for the idempotent producer/,
  /^The group is rebalancing, re-joining/,
  /^The coordinator is not aware of this member, re-joining/,
  /^Consumer group received unsubscribed topics/,
  /^Consumer is not aware of all assigned partitions/,
  /resync group$/,
  /^Response without match/,
]

/**
 * A broker's answers that say "not now" (a coordinator still loading after a broker restart, a
 * leader election, a rebalance): kafkajs logs each as an error and then retries it. Only a retry
 * that finally fails concerns an operator, and the relay or consumer that sees it says so.
 */
const TRANSIENT_RESPONSE = [
  /coordinator is loading/i,
  /coordinator is not available/i,
  /not the correct coordinator/i,
  /in the middle of a leadership election/i,
  /not the leader for that topic-partition/i,
  /preferred leader was not available/i,
  /group is rebalancing/i,
]

/** How long a repeated message stays quiet after it was logged. */
const QUIET_MS = 60_000
/** Distinct messages remembered for that; beyond, the oldest are forgotten. */
const MAX_REMEMBERED = 200

/**
 * What kafkajs says, filtered for an operator: routine chatter at debug, everything else at its
 * level but each distinct message once a minute (a broker that is down otherwise gives a line
 * per retry, per connection, per client), with how many times it was said meanwhile.
 */
export class KafkaLogFilter {
  private readonly seen = new Map<string, { at: number; repeats: number }>()

  constructor(
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  write(level: number, message: string, extra: Record<string, unknown>) {
    if (
      level > KAFKA_LEVEL.WARN ||
      ROUTINE.some((r) => r.test(message)) ||
      (/^Response \w+\(/.test(message) &&
        TRANSIENT_RESPONSE.some((r) => r.test(String(extra.error ?? ''))))
    )
      return this.log.debug(extra, message)
    // Broker addresses, retry counts and ids differ between repeats of one complaint.
    const key = `${level} ${message.replace(/\d+/g, '#')}`
    const now = this.now()
    const last = this.seen.get(key)
    if (last && now - last.at < QUIET_MS) {
      last.repeats += 1
      return
    }
    this.seen.delete(key)
    this.seen.set(key, { at: now, repeats: 0 })
    if (this.seen.size > MAX_REMEMBERED) this.seen.delete(this.seen.keys().next().value!)
    const fields = last?.repeats ? { ...extra, repeatsSinceLastLogged: last.repeats } : extra
    if (level <= KAFKA_LEVEL.ERROR) this.log.error(fields, message)
    else this.log.warn(fields, message)
  }
}
