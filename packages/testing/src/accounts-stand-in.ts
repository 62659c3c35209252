import { DependencyUnavailable } from '@creditbank/events'
import type { LearnerPersonal, LearnerPersonalSource } from '@creditbank/service-kit'

/**
 * accounts' answer of learners' names, for a service tested without accounts (portfolio's and
 * recognition's own tests; the four-service tests ask the real accounts over HTTP). The test sets
 * who is named what, erases, or takes accounts down; `calls` counts the requests and their ids.
 */
export function accountsStandIn() {
  const people = new Map<string, { name: string; nationalIdMasked: string | null }>()
  const erased = new Set<string>()
  const calls: string[][] = []
  const state = { down: false }
  const source: LearnerPersonalSource = async (ids) => {
    if (state.down) throw new DependencyUnavailable('accounts unreachable (stand-in down)')
    calls.push([...ids])
    return ids.map((learnerId): LearnerPersonal => {
      const p = erased.has(learnerId) ? undefined : people.get(learnerId)
      return {
        learnerId,
        name: p?.name ?? null,
        nationalIdMasked: p?.nationalIdMasked ?? null,
        erased: erased.has(learnerId),
      }
    })
  }
  return {
    source,
    calls,
    name(learnerId: string, name: string, nationalIdMasked: string | null = null) {
      people.set(learnerId, { name, nationalIdMasked })
    },
    erase(learnerId: string) {
      erased.add(learnerId)
    },
    set down(v: boolean) {
      state.down = v
    },
  }
}

export type AccountsStandIn = ReturnType<typeof accountsStandIn>
