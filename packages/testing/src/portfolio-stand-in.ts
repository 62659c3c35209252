import { DependencyUnavailable } from '@creditbank/events'
import type { EvidenceName, EvidenceNameSource } from '@creditbank/service-kit'

/**
 * portfolio's answer of evidence files' names, for recognition tested without portfolio
 * (recognition's own tests; the four-service tests ask the real portfolio over HTTP). The test
 * names files, deletes them (as an erasure does), or takes portfolio down; `calls` counts the
 * requests and their ids.
 */
export function portfolioStandIn() {
  const names = new Map<string, string>()
  const calls: string[][] = []
  const state = { down: false }
  const source: EvidenceNameSource = async (ids) => {
    if (state.down) throw new DependencyUnavailable('portfolio unreachable (stand-in down)')
    calls.push([...ids])
    return ids.map(
      (evidenceId): EvidenceName => ({
        evidenceId,
        filename: names.get(evidenceId) ?? null,
      }),
    )
  }
  return {
    source,
    calls,
    name(evidenceId: string, filename: string) {
      names.set(evidenceId, filename)
    },
    /** The file is gone from portfolio (deleted, or its learner erased). */
    remove(evidenceId: string) {
      names.delete(evidenceId)
    },
    set down(v: boolean) {
      state.down = v
    },
  }
}

export type PortfolioStandIn = ReturnType<typeof portfolioStandIn>
