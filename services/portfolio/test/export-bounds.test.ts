import { randomUUID } from 'node:crypto'
import { testPlatform, testService } from '@creditbank/testing'
import t from 'tap'
import portfolioApp, { SCHEMA } from '../src/app.js'
import { migrations } from '../src/db/migrations.js'
import type { SourceGet, SourceName } from '../src/domain/export-sources.js'

// The copy's bounds and its whole-or-nothing rule (decision 0721), with stand-ins for the other
// services answering as a broken or endless service would. export.test.ts runs the real ones.

const platform = await testPlatform({ [SCHEMA]: migrations })
const calls: string[] = []
let answer: (service: SourceName, path: string) => { status: number; body: string } = () => ({
  status: 200,
  body: '{}',
})
const sources: SourceGet = async (service, path, headers) => {
  calls.push(`${service} ${path} ${headers.authorization}`)
  return answer(service, path)
}
const app = await testService('portfolio', portfolioApp, platform, {
  secretKeyHex: 'c5'.repeat(32),
  exportSources: sources,
})
t.teardown(async () => {
  await app.close()
  await platform.close()
})

const learnerId = randomUUID()
const headers = platform.keys.auth({ roles: ['learner'], learner: learnerId })
const copy = () => app.inject({ method: 'GET', url: `/v1/learners/${learnerId}/export`, headers })
const page = (items: unknown[], nextCursor: string | null) => JSON.stringify({ items, nextCursor })
const isList = (path: string) =>
  /\/(entries|enrollments|access-log|corrections)|\?learnerId=/.test(path)

t.test('each service is asked with the learner’s own token', async (t) => {
  calls.length = 0
  answer = () => ({ status: 500, body: '{}' })
  await copy()
  t.ok(calls.length > 0)
  t.ok(
    calls.some((c) => c.startsWith('identity /v1/me ')),
    'identity too, for the user account',
  )
  for (const c of calls) t.ok(c.endsWith(headers.authorization!), c)
})

t.test('a list without end stops at its bound: 413, no archive', async (t) => {
  calls.length = 0
  answer = (_s, path) =>
    path.includes('/entries')
      ? {
          status: 200,
          body: page(
            Array.from({ length: 100 }, (_, i) => ({ i })),
            'more',
          ),
        }
      : { status: 200, body: isList(path) ? page([], null) : '{}' }
  const res = await copy()
  t.equal(res.statusCode, 413)
  t.match(res.json(), { code: 'PORTFOLIO_EXPORT_TOO_LARGE', detail: /20000 items/ })
  t.equal(calls.filter((c) => c.includes('/entries')).length, 201, 'pages of 100, then stop')
})

t.test('a service that fails, or answers what is not its list, fails the copy: 503', async (t) => {
  const cases: [string, typeof answer, RegExp][] = [
    ['a 500', (s, p) => (s === 'accounts' ? { status: 500, body: '{}' } : ok(p)), /accounts/],
    [
      'identity refusing the token',
      (s, p) => (s === 'identity' ? { status: 401, body: '{}' } : ok(p)),
      /identity.*401/,
    ],
    [
      'identity answering a list',
      (s, p) => (s === 'identity' ? { status: 200, body: '[]' } : ok(p)),
      /identity.*not JSON/,
    ],
    [
      'a 403',
      (s, p) => (s === 'certificates' ? { status: 403, body: '{}' } : ok(p)),
      /certificates.*403/,
    ],
    [
      'not JSON',
      (s, p) => (s === 'recognition' ? { status: 200, body: '<html>' } : ok(p)),
      /recognition.*not JSON/,
    ],
    [
      'not a list',
      (s, p) => (s === 'recognition' ? { status: 200, body: '{"items":3}' } : ok(p)),
      /recognition.*not a list/,
    ],
  ]
  for (const [what, f, detail] of cases) {
    answer = f
    const res = await copy()
    t.equal(res.statusCode, 503, what)
    t.match(res.headers['content-type'], /^application\/problem\+json/, what)
    t.equal(res.headers['retry-after'], '30', what)
    t.match(res.json(), { code: 'PORTFOLIO_EXPORT_SOURCE_UNAVAILABLE', detail }, what)
  }
  answer = () => {
    throw new Error('connection refused')
  }
  const refused = await copy()
  t.equal(refused.statusCode, 503, 'no answer at all')
  t.match(refused.json().detail, /no answer/)
})

function ok(path: string) {
  return { status: 200, body: isList(path) ? page([], null) : '{}' }
}
