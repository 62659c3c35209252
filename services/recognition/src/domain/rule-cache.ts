import type { Kysely } from 'kysely'
import { loadActive } from '../db/rule.repository.js'
import type { RecognitionDB } from '../db/schema.js'
import { type ActiveRule, RuleIndex } from './rule-index.js'
import type { RuleSpec } from './rule-spec.js'

/**
 * Each replica's matcher, rebuilt from the database whenever the rule generation it reads in its
 * own transaction differs from the one it was built at. Nothing here is state another replica
 * needs: it is a cache of the rule tables.
 */
export class RuleCache {
  private index = new RuleIndex([], new Map(), '-1')

  /**
   * The matcher at the generation the caller's transaction sees, loaded through that same
   * transaction (so it sees exactly those rules, and an embedded single-connection database
   * never waits on itself).
   */
  async at(generation: string, trx: Kysely<RecognitionDB>): Promise<RuleIndex> {
    if (this.index.generation === generation) return this.index
    return this.load(generation, trx)
  }

  private async load(generation: string, db: Kysely<RecognitionDB>) {
    const { rules, members } = await loadActive(db)
    const alliances = new Map<string, Set<string>>()
    for (const m of members) {
      const set = alliances.get(m.alliance_id) ?? new Set<string>()
      set.add(m.org_id)
      alliances.set(m.alliance_id, set)
    }
    const active: ActiveRule[] = rules.map((r) => ({
      id: r.id,
      code: r.code,
      version: r.version,
      spec: r.spec as RuleSpec,
    }))
    const index = new RuleIndex(active, alliances, generation)
    // Keep the newest generation seen: generations only grow.
    if (BigInt(generation) > BigInt(this.index.generation)) this.index = index
    return index
  }
}
