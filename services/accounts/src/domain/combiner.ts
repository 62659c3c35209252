import { AppError } from '@creditbank/contracts'
import {
  idempotencyErrors,
  type KeyClaim,
  lockKeys,
  type Outcome,
  readKeys,
  rememberInsert,
  seenFor,
} from '@creditbank/service-kit'
import type { Kysely, Transaction } from 'kysely'
import type { AccountsDB } from '../db/schema.js'
import { conflictOnDuplicate } from './errors.js'
import { type EntryView, entryView } from './ledger.js'
import { type PostingResult, postRequests } from './outcomes.js'

/** One caller's single posting, waiting for a group. */
export interface SinglePosting {
  orgId: string
  actor: string
  item: unknown
  /** The Idempotency-Key and the request's hash, when the request has one. */
  claim?: KeyClaim
}

export type PostingAnswer = Outcome<EntryView> & { replayed: boolean }

interface Waiting {
  posting: SinglePosting
  resolve(answer: PostingAnswer): void
  reject(err: unknown): void
}

/**
 * Group commit for single postings: postings that arrive while a group is being written wait and
 * are written together, in one transaction with a handful of statements, instead of one
 * transaction of ten round trips each. Each posting is still validated, answered and remembered
 * (Idempotency-Key) on its own; a bad one gets its own error and the others commit. When the
 * group's transaction fails as a whole (a race caught by a unique index, say), every posting of
 * it is retried alone, so errors land on the posting that caused them. Nothing waits for a timer:
 * a lone posting is written at once, and groups only form under load.
 */
export class PostingCombiner {
  private readonly queue: Waiting[] = []
  private running = 0
  /** Postings retried alone because their group's transaction failed (races; see `write`). */
  retriedAlone = 0

  constructor(
    private readonly db: Kysely<AccountsDB>,
    /** The service's CloudEvents source, for the outbox events. */
    private readonly source: string,
    private readonly limits = { group: 200, concurrency: 2 },
  ) {}

  post(posting: SinglePosting): Promise<PostingAnswer> {
    return new Promise((resolve, reject) => {
      this.queue.push({ posting, resolve, reject })
      this.pump()
    })
  }

  private pump() {
    while (this.running < this.limits.concurrency && this.queue.length > 0) {
      const group = this.takeGroup()
      this.running += 1
      this.write(group).finally(() => {
        this.running -= 1
        this.pump()
      })
    }
  }

  /**
   * The oldest postings, up to the group size; a posting whose key or externalRef is already in
   * the group waits for the next one, where it sees the first one's result (a replay, the same
   * entry, or a conflict).
   */
  private takeGroup(): Waiting[] {
    const group: Waiting[] = []
    const names = new Set<string>()
    const rest: Waiting[] = []
    for (const w of this.queue) {
      const own = namesOf(w.posting)
      if (group.length < this.limits.group && !own.some((n) => names.has(n))) {
        group.push(w)
        for (const n of own) names.add(n)
      } else rest.push(w)
    }
    this.queue.splice(0, this.queue.length, ...rest)
    return group
  }

  private async write(group: Waiting[]) {
    try {
      const answers = await this.db.transaction().execute((trx) =>
        writeGroup(
          trx,
          group.map((w) => w.posting),
          this.source,
          group.length === 1,
        ),
      )
      answers.forEach((a, i) => {
        if (a instanceof Error) group[i]!.reject(a)
        else group[i]!.resolve(a)
      })
    } catch (err) {
      if (group.length === 1) {
        await conflictOnDuplicate(() => Promise.reject(err)).catch(group[0]!.reject)
        return
      }
      this.retriedAlone += group.length
      await Promise.all(group.map((w) => this.write([w])))
    }
  }
}

function namesOf(p: SinglePosting): string[] {
  const names: string[] = []
  if (p.claim) names.push(`key ${p.claim.actor} ${p.claim.key}`)
  const ref = (p.item as { externalRef?: unknown } | null)?.externalRef
  if (typeof ref === 'string') names.push(`ref ${p.orgId} ${ref}`)
  return names
}

/**
 * Writes a group of single postings in the caller's transaction; an answer or an error each. In a
 * group the keys are read without waiting (`readKeys`): a request racing one with the same key
 * makes the group fail on idempotency_key's primary key, and the retry alone locks its key
 * (`lockKeys`) and sees the winner's answer. Statements: keys, accounts, externalRefs, then the
 * entries with their events and remembered answers together.
 */
async function writeGroup(
  trx: Transaction<AccountsDB>,
  postings: SinglePosting[],
  source: string,
  alone: boolean,
): Promise<(PostingAnswer | AppError)[]> {
  const claims = postings.flatMap((p) => (p.claim ? [p.claim] : []))
  const seen = await (alone ? lockKeys : readKeys)(trx, claims)
  const answers: (PostingAnswer | AppError)[] = []
  const fresh: number[] = []
  postings.forEach((p, i) => {
    const s = p.claim && seenFor(seen, p.claim)
    if (!s) fresh.push(i)
    else
      answers[i] =
        'reused' in s
          ? idempotencyErrors.IDEMPOTENCY_KEY_REUSED()
          : { ...(s.replay as Outcome<EntryView>), replayed: true }
  })
  const remember = (results: (PostingResult | AppError)[]) => {
    const rows: (KeyClaim & Outcome<unknown>)[] = []
    results.forEach((r, j) => {
      const i = fresh[j]!
      if (r instanceof AppError) {
        answers[i] = r
        return
      }
      const answer = { status: r.status, body: entryView(r.entries[0]!), replayed: false }
      answers[i] = answer
      const claim = postings[i]!.claim
      if (claim) rows.push({ ...claim, status: answer.status, body: answer.body })
    })
    return [rememberInsert(trx, rows)]
  }
  const requests = fresh.map((i) => ({
    orgId: postings[i]!.orgId,
    actor: postings[i]!.actor,
    items: [postings[i]!.item],
    single: true,
  }))
  // postRequests asks `remember` for its inserts once the answers are known (also when it appends nothing).
  await postRequests(trx, requests, { source, also: remember })
  return answers
}
