import { randomBytes } from 'node:crypto'
import { type Answer, call, until2xx } from './api.js'

/** A valid 18-character 身份证号 (GB 11643 check digit) for a made-up person born in 2000. */
export function madeUpNationalId(serial: number) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const first17 = `41010520000101${String(serial % 1000).padStart(3, '0')}`
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * weights[i]!, 0)
  return `${first17}${'10X98765432'[sum % 11]}`
}

export interface PostingSetup {
  registrarToken: string
  adminToken: string
  orgId: string
  learnerId: string
  learner: { nationalId: string; name: string }
}

/**
 * Through the public API, as an operator would: the bootstrap admin signs in, registers a
 * training body and its registrar, and the registrar opens one learner's account (once accounts
 * has learned of the organization from identity's events).
 */
export async function setUpPostings(
  urls: { identity: string; accounts: string },
  admin: { username: string; password: string },
): Promise<PostingSetup> {
  const tag = randomBytes(4).toString('hex')
  const token = async (username: string, password: string) =>
    (
      await until2xx(() =>
        call(urls.identity, 'POST', '/v1/auth/token', {
          body: { grant_type: 'password', username, password },
        }),
      )
    ).body.accessToken as string
  const adminToken = await token(admin.username, admin.password)
  const org = await until2xx(() =>
    call(urls.identity, 'POST', '/v1/organizations', {
      token: adminToken,
      key: `drill-org-${tag}`,
      body: {
        code: `DRILL-${tag}`,
        name: '演练培训机构',
        kind: 'training_body',
        regionCode: '410100',
      },
    }),
  )
  const registrar = { username: `drill.registrar.${tag}`, password: `drill-${tag}-password` }
  await until2xx(() =>
    call(urls.identity, 'POST', '/v1/users', {
      token: adminToken,
      key: `drill-user-${tag}`,
      body: {
        ...registrar,
        displayName: '演练登记员',
        memberships: [{ orgId: org.body.id, role: 'registrar' }],
      },
    }),
  )
  const registrarToken = await token(registrar.username, registrar.password)
  const person = {
    nationalId: madeUpNationalId(Number.parseInt(tag.slice(0, 4), 16)),
    name: '演练学员',
  }
  const learner = await until2xx(() =>
    call(urls.accounts, 'POST', '/v1/learners', {
      token: registrarToken,
      key: `drill-learner-${tag}`,
      body: { ...person, category: 'student' },
    }),
  )
  return {
    registrarToken,
    adminToken,
    orgId: org.body.id,
    learnerId: learner.body.id,
    learner: person,
  }
}

export interface PostingLoad {
  /** externalRef of every posting that was answered 2xx (acknowledged). */
  acknowledged: string[]
  /** Every answer's status, counted (0: no answer). */
  statuses: Map<number, number>
  /** 503s that came without a Retry-After header. */
  missingRetryAfter: number
  /** A sample of what came back that was neither 2xx nor 503. */
  unexpected: { status: number; body: unknown }[]
  stop(): Promise<void>
}

/**
 * Steady postings from `workers` clients, each waiting `pauseMs` between postings. A posting
 * answered 503 is sent again with the same Idempotency-Key (as a client honouring Retry-After
 * would, sooner, to keep the drill short), until it is acknowledged or the load stops.
 */
export function postSteadily(
  accountsUrl: string,
  s: PostingSetup,
  o: { workers?: number; pauseMs?: number; retryMs?: number } = {},
): PostingLoad {
  const load: PostingLoad = {
    acknowledged: [],
    statuses: new Map(),
    missingRetryAfter: 0,
    unexpected: [],
    stop: async () => {
      running = false
      await Promise.all(workers)
    },
  }
  let running = true
  let serial = 0
  const note = (a: Answer) => {
    load.statuses.set(a.status, (load.statuses.get(a.status) ?? 0) + 1)
    if (a.status === 503 && !a.headers.get('retry-after')) load.missingRetryAfter += 1
    if (a.status !== 503 && (a.status < 200 || a.status >= 300) && load.unexpected.length < 20)
      load.unexpected.push({ status: a.status, body: a.body })
  }
  const worker = async (w: number) => {
    while (running) {
      const ref = `drill-${w}-${serial++}-${randomBytes(3).toString('hex')}`
      const body = {
        learnerId: s.learnerId,
        kind: 'training',
        title: '安全生产培训',
        hours: '2',
        occurredOn: '2025-01-02',
        externalRef: ref,
      }
      for (;;) {
        const a = await call(accountsUrl, 'POST', '/v1/outcomes', {
          token: s.registrarToken,
          key: ref,
          body,
        })
        note(a)
        if (a.status >= 200 && a.status < 300) {
          load.acknowledged.push(ref)
          break
        }
        if (!running) break
        await new Promise((r) => setTimeout(r, o.retryMs ?? 200))
      }
      await new Promise((r) => setTimeout(r, o.pauseMs ?? 20))
    }
  }
  const workers = Array.from({ length: o.workers ?? 4 }, (_, w) => worker(w))
  return load
}
