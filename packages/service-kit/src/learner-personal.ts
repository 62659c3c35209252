import { Id } from '@creditbank/contracts'
import {
  type Around,
  type CloudEvent,
  DependencyUnavailable,
  type EventTables,
} from '@creditbank/events'
import type { Transaction } from 'kysely'
import Type from 'typebox'

/** What accounts lets the platform's services show of a learner (decision 0730). */
export interface LearnerPersonal {
  learnerId: string
  /** Null once the learner is erased (or for an id accounts does not know). */
  name: string | null
  nationalIdMasked: string | null
  erased: boolean
}

/** The name and masked number of these learners, as accounts holds them now. */
export type LearnerPersonalSource = (ids: readonly string[]) => Promise<LearnerPersonal[]>

/** For a service run that shows no names (benches, tests of other things): every learner unnamed. */
export const noLearnerNames: LearnerPersonalSource = async (ids) =>
  ids.map((learnerId) => ({ learnerId, name: null, nationalIdMasked: null, erased: false }))

/**
 * The deployment's source: accounts at `accountsUrl`, with the token of identity's built-in client
 * `service:<service>` (SERVICE_CLIENT_SECRET), each call bounded by `timeoutMs`.
 */
export function httpLearnerPersonal(o: {
  accountsUrl: string
  identityUrl: string
  service: string
  secret: string
  timeoutMs?: number
}): LearnerPersonalSource {
  return accountsPersonal({
    post: httpPostJson(o.accountsUrl, o.timeoutMs),
    token: serviceToken({
      post: httpPostJson(o.identityUrl, o.timeoutMs),
      service: o.service,
      secret: o.secret,
    }),
  })
}

/** An HTTP POST of JSON: `fetch` in a deployment, `inject` into the real app in tests. */
export type PostJson = (
  path: string,
  body: unknown,
  headers: Record<string, string>,
) => Promise<{ status: number; json: () => Promise<unknown> }>

/** POSTs JSON to `baseUrl`, each request bounded by `timeoutMs`; a failure to connect throws. */
export function httpPostJson(baseUrl: string, timeoutMs = 10_000): PostJson {
  const base = baseUrl.replace(/\/+$/, '')
  return async (path, body, headers) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    })
    return { status: res.status, json: () => res.json() }
  }
}

/** A bearer token for the service's own calls, kept until shortly before it expires. */
export interface ServiceToken {
  get(): Promise<string>
  /** Drops the kept token (an answer of 401: identity's keys rotated, say). */
  forget(): void
}

/** Renew this long before the token's expiry: a call made with it must not meet the end. */
const RENEW_BEFORE_S = 60

/**
 * The token of identity's built-in client `service:<name>` (client credentials with the
 * deployment's SERVICE_CLIENT_SECRET). One request at a time; kept until a minute before its end.
 */
export function serviceToken(o: {
  post: PostJson
  service: string
  secret: string
  now?: () => number
}): ServiceToken {
  const now = o.now ?? Date.now
  let kept: { token: string; renewAt: number } | undefined
  let pending: Promise<string> | undefined
  async function fetchToken() {
    const res = await o
      .post(
        '/v1/auth/token',
        {
          grant_type: 'client_credentials',
          clientId: `service:${o.service}`,
          clientSecret: o.secret,
        },
        {},
      )
      .catch((err: unknown) => {
        throw new DependencyUnavailable(`identity unreachable: ${(err as Error).message}`)
      })
    if (res.status !== 200)
      throw new DependencyUnavailable(`identity refused the service token (${res.status})`)
    const body = (await res.json()) as { accessToken: string; expiresIn: number }
    const lifeS = Math.max(body.expiresIn - RENEW_BEFORE_S, body.expiresIn / 2)
    kept = { token: body.accessToken, renewAt: now() + lifeS * 1000 }
    return body.accessToken
  }
  return {
    async get() {
      if (kept && now() < kept.renewAt) return kept.token
      pending ??= fetchToken().finally(() => {
        pending = undefined
      })
      return pending
    },
    forget() {
      kept = undefined
    },
  }
}

/**
 * The most ids one of these service-to-service requests names (a consumer's batch of events is at
 * most 1,000): the routes refuse more, the clients send at most this many a request.
 */
export const SERVICE_BATCH_MAX = 1_000

/** The body of such a request: the ids asked about. */
export const ServiceBatchBody = Type.Object(
  { ids: Type.Array(Id, { minItems: 1, maxItems: SERVICE_BATCH_MAX }) },
  { additionalProperties: false },
)

/**
 * A platform service's batch route (`{ ids }` in, `{ items }` out) asked with the service's token,
 * at most 1,000 ids a request, renewing the token once on a 401. Anything but a whole 200 answer
 * is DependencyUnavailable (`what` names the service): the consumer's batch waits and is tried
 * again.
 */
export function serviceBatch<T>(o: {
  post: PostJson
  token: ServiceToken
  path: string
  what: string
}): (ids: readonly string[]) => Promise<T[]> {
  async function ask(ids: readonly string[], again: boolean): Promise<T[]> {
    const token = await o.token.get()
    const res = await o
      .post(o.path, { ids }, { authorization: `Bearer ${token}` })
      .catch((err: unknown) => {
        throw new DependencyUnavailable(`${o.what} unreachable: ${(err as Error).message}`)
      })
    if (res.status === 401 && again) {
      o.token.forget()
      return ask(ids, false)
    }
    if (res.status !== 200)
      throw new DependencyUnavailable(`${o.what} did not answer ${o.path} (${res.status})`)
    return ((await res.json()) as { items: T[] }).items
  }
  return async (ids) => {
    const out: T[] = []
    for (let i = 0; i < ids.length; i += SERVICE_BATCH_MAX)
      out.push(...(await ask(ids.slice(i, i + SERVICE_BATCH_MAX), true)))
    return out
  }
}

/**
 * accounts' `POST /v1/learners/personal/batch` with the service's token. Anything but a whole 200
 * answer is DependencyUnavailable: the consumer's batch waits and is tried again.
 */
export function accountsPersonal(o: {
  post: PostJson
  token: ServiceToken
}): LearnerPersonalSource {
  return serviceBatch<LearnerPersonal>({
    ...o,
    path: '/v1/learners/personal/batch',
    what: 'accounts',
  })
}

const NAMED = new Set(['accounts.learner.opened', 'accounts.learner.corrected'])

/** A consumer's `prepare` (before the transaction) and `around` (inside it), given together. */
export interface ConsumerStep<DB> {
  prepare: (events: CloudEvent[]) => Promise<unknown>
  around: Around<DB>
}

/**
 * Several steps as one: every `prepare` at once (one failing fails the attempt, and the batch is
 * tried again whole), each `around` inside the one before it, each given its own answer.
 */
export function consumerSteps<DB>(...steps: ConsumerStep<DB>[]): ConsumerStep<DB> {
  return {
    prepare: (events) => Promise.all(steps.map((s) => s.prepare(events))),
    around: (trx, events, apply, prepared) => {
      const answers = (prepared as unknown[] | undefined) ?? []
      const nest = (i: number): Promise<void> =>
        i === steps.length ? apply() : steps[i]!.around(trx, events, () => nest(i + 1), answers[i])
      return nest(0)
    },
  }
}

/**
 * A consumer's `prepare` and `around` for a projection that shows learners' names (decision
 * 0730): events carry learner ids only, so before the transaction (never inside it: a request
 * while a transaction is open would hold the embedded run's one database connection against
 * accounts' own answer) it asks accounts once for the learners of the opened and corrected events;
 * inside it, after the events, it `write`s what accounts answered (nulls for an erased learner: a
 * replay after an erasure brings no name back). A learner whose erasure is in the same batch is
 * left to that erasure. accounts unreachable fails the attempt with DependencyUnavailable, and
 * the consumer tries the batch again.
 */
export function learnerPersonalStep<DB extends EventTables>(
  source: LearnerPersonalSource,
  write: (trx: Transaction<DB>, people: LearnerPersonal[]) => Promise<void>,
): ConsumerStep<DB> {
  return askedOncePerBatch(learnersNamedIn, source, write)
}

/**
 * The shape of every such step: before the transaction, `source` is asked once for the ids the
 * batch's events name (`idsIn`), nothing when there are none; inside it, after the events, its
 * answer is `write`ten.
 */
export function askedOncePerBatch<DB, T>(
  idsIn: (events: readonly CloudEvent[]) => string[],
  source: (ids: readonly string[]) => Promise<T[]>,
  write: (trx: Transaction<DB>, answer: T[]) => Promise<void>,
): ConsumerStep<DB> {
  return {
    prepare: async (events) => {
      const ids = idsIn(events)
      return ids.length ? source(ids) : undefined
    },
    around: async (trx, _events, apply, prepared) => {
      await apply()
      const answer = prepared as T[] | undefined
      if (answer?.length) await write(trx, answer)
    },
  }
}

/** The learners of the opened and corrected events, without those erased later in the batch. */
function learnersNamedIn(events: readonly CloudEvent[]) {
  const named = new Set<string>()
  for (const e of events) {
    const id = (e.data as { learnerId?: unknown } | null)?.learnerId
    if (typeof id !== 'string') continue
    if (NAMED.has(e.type)) named.add(id)
    else if (e.type === 'accounts.learner.erased') named.delete(id)
  }
  return [...named]
}
