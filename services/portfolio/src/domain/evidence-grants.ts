/**
 * Reviewers read a learner's evidence file only through an application that names it, and only
 * when recognition says they review it (decision 0544). Portfolio asks recognition's
 * `POST /v1/applications/{id}/evidence/{evidenceId}/reads` with the reviewer's own token:
 * recognition decides the scope and logs the read; portfolio then serves the bytes of that
 * learner's file. Portfolio keeps no copy of the review scope.
 */
export interface EvidenceGrants {
  /** The learner whose file the reviewer may read now (the read is logged), or null. */
  grant(applicationId: string, evidenceId: string, authorization: string): Promise<string | null>
}

/** An HTTP POST: `fetch` in a deployment, a stand-in in tests. */
export type Post = (
  path: string,
  headers: Record<string, string>,
) => Promise<{ status: number; json: () => Promise<unknown> }>

export function evidenceGrants(post: Post): EvidenceGrants {
  return {
    async grant(applicationId, evidenceId, authorization) {
      const res = await post(
        `/v1/applications/${encodeURIComponent(applicationId)}/evidence/${encodeURIComponent(evidenceId)}/reads`,
        { authorization },
      ).catch(() => null)
      if (res?.status !== 201) return null
      const body = (await res.json()) as { learnerId?: unknown }
      return typeof body.learnerId === 'string' ? body.learnerId : null
    },
  }
}

/** Recognition at `baseUrl`, each request bounded by `timeoutMs`. */
export function httpEvidenceGrants(baseUrl: string, timeoutMs = 10_000): EvidenceGrants {
  return evidenceGrants(async (path, headers) => {
    const res = await fetch(`${baseUrl.replace(/\/+$/, '')}${path}`, {
      method: 'POST',
      headers: { ...headers, accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    })
    return { status: res.status, json: () => res.json() }
  })
}
