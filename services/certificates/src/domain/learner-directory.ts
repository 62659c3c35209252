import { httpPostJson, type PostJson } from '@creditbank/service-kit'
import { certificatesErrors } from './errors.js'

/** A person as issuers name them: 身份证号 and name, or an account number. */
export type PersonRef = { nationalId: string; name: string } | { accountNo: string }

export type Resolved =
  | { id: string; accountNo: string }
  | { id: null; error: { code: string; message: string } }

/**
 * Learners are accounts' data: certificates keeps only their ids (a projection of
 * `accounts.learner.opened`, which carries no national id). To find a learner by 身份证号 it asks
 * accounts' `POST /v1/learners/lookup/batch`, with the caller's own token, so accounts decides
 * who may look people up.
 */
export interface LearnerDirectory {
  resolve(people: PersonRef[], authorization: string): Promise<Resolved[]>
}

/** Accounts answers at most this many look-ups per request. */
const CHUNK = 1_000

export function learnerDirectory(post: PostJson): LearnerDirectory {
  return {
    async resolve(people, authorization) {
      const out: Resolved[] = []
      for (let i = 0; i < people.length; i += CHUNK) {
        const res = await post(
          '/v1/learners/lookup/batch',
          { items: people.slice(i, i + CHUNK) },
          { authorization },
        ).catch(() => null)
        if (res && (res.status === 401 || res.status === 403))
          throw certificatesErrors.CERTIFICATES_LEARNER_LOOKUP_FORBIDDEN()
        if (res?.status !== 200) throw certificatesErrors.CERTIFICATES_ACCOUNTS_UNAVAILABLE()
        const body = (await res.json()) as { items: (Resolved & { index: number })[] }
        out.push(...body.items.map(({ index: _i, ...r }) => r))
      }
      return out
    },
  }
}

/** The deployment's directory: accounts at `baseUrl`, each request bounded by `timeoutMs`. */
export function httpLearnerDirectory(baseUrl: string, timeoutMs = 10_000): LearnerDirectory {
  return learnerDirectory(httpPostJson(baseUrl, timeoutMs))
}
