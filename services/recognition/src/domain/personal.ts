import { createHmac, hkdfSync } from 'node:crypto'
import { LearnerKeys, openFor, sealFor } from '@creditbank/service-kit'
import type { Kysely, Transaction } from 'kysely'
import type { RecognitionDB } from '../db/schema.js'

/**
 * What recognition holds about a person, sealed under that learner's own key (decision 0730):
 * the name and masked 身份证号, the learner's statements, their evidence files' names, and the
 * reasons people wrote in their applications' trails. Two keys are derived from the one
 * RECOGNITION_SECRET_KEY so that sealing the learners' keys and the name's search tokens never
 * share a key.
 */
export class RecognitionPersonal {
  readonly keys: LearnerKeys
  private readonly indexKey: Buffer

  constructor(secret: Buffer) {
    const derive = (info: string) =>
      Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32))
    this.keys = new LearnerKeys(derive('creditbank.recognition.learner-keys.v1'), 'recognition')
    this.indexKey = derive('creditbank.recognition.name-index.v1')
  }

  /**
   * The search tokens of a name, or of what a reviewer typed: a keyed hash of each character and
   * of each pair of adjacent characters, each character in NFKC and lower case. The mapping is
   * per character, so every token of a part of the name is a token of the name: a name that
   * contains the query is always a candidate (candidates are then opened and checked, which drops
   * the rare pairs-match-but-not-in-a-row). Sorted and distinct, so the array tells neither the
   * order of the characters nor how often one repeats. 64 bits each: collisions only add
   * candidates that the check drops.
   */
  nameTokens(text: string): string[] {
    const { units, pairs } = gramsOf(text)
    return this.tokens([...units, ...pairs])
  }

  /**
   * The tokens a search looks for: a query's pairs when it has any (a name holds a pair only if it
   * holds both its characters), else its one character. Postgres estimates a containment of several
   * tokens as if they were independent, and they are not: with 10^7 learners it took 张伟's three
   * tokens for 1,700 learners when they were 97,000, and read them all (1.2 s) instead of checking
   * the reviewer's 2,000 applications one by one (decision 0542, measured by the name-search bench).
   */
  searchTokens(text: string): string[] {
    const { units, pairs } = gramsOf(text)
    return this.tokens(pairs.size ? pairs : units)
  }

  private tokens(grams: Iterable<string>) {
    return [...new Set(grams)]
      .map((g) => createHmac('sha256', this.indexKey).update(g, 'utf8').digest('hex').slice(0, 16))
      .sort()
  }
}

/** Each character (NFKC, lower case) and each pair of adjacent ones, as the tokens' inputs. */
function gramsOf(text: string) {
  const chars = Array.from(text, (c) => c.normalize('NFKC').toLowerCase())
  const units = new Set(chars.map((c) => `1\u0000${c}`))
  const pairs = new Set<string>()
  for (let i = 0; i + 1 < chars.length; i++) pairs.add(`2\u0000${chars[i]}\u0000${chars[i + 1]}`)
  return { units, pairs }
}

/** Who a learner is, as reviewers see them. */
export interface LearnerPersonal {
  name: string | null
  nationalIdMasked: string | null
}

export function sealLearner(key: Buffer, p: LearnerPersonal) {
  return sealFor(key, JSON.stringify({ name: p.name, nationalIdMasked: p.nationalIdMasked }))
}

export function openLearner(key: Buffer | undefined, sealed: string | null): LearnerPersonal {
  const text = openFor(key, sealed)
  if (text === null) return { name: null, nationalIdMasked: null }
  return JSON.parse(text) as LearnerPersonal
}

/** A value sealed under the learner's key, or null for none or for an erased learner (no key). */
export function sealOrNull(key: Buffer | null | undefined, value: string | null | undefined) {
  return key && value != null ? sealFor(key, value) : null
}

/**
 * What a person wrote about the learner's application, sealed under the learner's key in the
 * transaction that stores it; null for an erased learner: nothing personal is stored for them again.
 */
export async function sealForLearner(
  trx: Transaction<RecognitionDB>,
  personal: RecognitionPersonal,
  learnerId: string,
  value: string | null | undefined,
) {
  if (value == null) return null
  return sealOrNull(await personal.keys.ensure(trx, learnerId), value)
}

/** The keys of these learners in one read (a page's); erased learners are absent. */
export function keysOf(
  db: Kysely<RecognitionDB>,
  personal: RecognitionPersonal,
  learnerIds: Iterable<string>,
) {
  return personal.keys.getMany(db, [...new Set([...learnerIds].map((id) => id.toLowerCase()))])
}

/** The keys a page needs, given those read already (a search's candidates). */
export async function moreKeys(
  db: Kysely<RecognitionDB>,
  personal: RecognitionPersonal,
  have: Map<string, Buffer>,
  learnerIds: Iterable<string>,
) {
  const missing = [...learnerIds].map((id) => id.toLowerCase()).filter((id) => !have.has(id))
  if (missing.length === 0) return have
  const more = await keysOf(db, personal, missing)
  return new Map([...have, ...more])
}
