import type { CloudEvent, EventTables } from '@creditbank/events'
import type { Transaction } from 'kysely'
import {
  askedOncePerBatch,
  type ConsumerStep,
  type PostJson,
  type ServiceToken,
  serviceBatch,
} from './learner-personal.js'

/** The name a learner gave an evidence file, as portfolio holds it now (decision 0730). */
export interface EvidenceName {
  evidenceId: string
  /** Null once the file is deleted (an erasure deletes them all), unknown, or given no name. */
  filename: string | null
}

/** The names of these evidence files. */
export type EvidenceNameSource = (ids: readonly string[]) => Promise<EvidenceName[]>

/** For a run that shows no file names (tests of other things): every file unnamed. */
export const noEvidenceNames: EvidenceNameSource = async (ids) =>
  ids.map((evidenceId) => ({ evidenceId, filename: null }))

/**
 * portfolio's `POST /v1/evidence/names/batch` with the service's token (the same token, and the
 * same behaviour when portfolio cannot answer, as accounts' names: DependencyUnavailable).
 */
export function portfolioEvidenceNames(o: {
  post: PostJson
  token: ServiceToken
}): EvidenceNameSource {
  return serviceBatch<EvidenceName>({ ...o, path: '/v1/evidence/names/batch', what: 'portfolio' })
}

/**
 * A consumer's `prepare` and `around` for a projection that shows evidence files by name
 * (decision 0730): `portfolio.evidence.added` carries no name, so before the transaction it asks
 * portfolio once for the files of the batch's evidence events, and inside it, after the events,
 * `write`s what portfolio answered (null for a deleted file: a replay after an erasure brings no
 * name back). The files of a learner whose erasure is later in the same batch are left to it.
 */
export function evidenceNameStep<DB extends EventTables>(
  source: EvidenceNameSource,
  write: (trx: Transaction<DB>, names: EvidenceName[]) => Promise<void>,
): ConsumerStep<DB> {
  return askedOncePerBatch(filesAddedIn, source, write)
}

/** The files of the batch's evidence events, without those of learners erased later in it. */
function filesAddedIn(events: readonly CloudEvent[]) {
  const files = new Map<string, string>()
  for (const e of events) {
    const d = e.data as { evidenceId?: unknown; learnerId?: unknown } | null
    if (e.type === 'portfolio.evidence.added' && typeof d?.evidenceId === 'string')
      files.set(d.evidenceId, String(d.learnerId))
    else if (e.type === 'accounts.learner.erased' && typeof d?.learnerId === 'string')
      for (const [file, learner] of files) if (learner === d.learnerId) files.delete(file)
  }
  return [...files.keys()]
}
