import t from 'tap'
import { uuidv7 } from 'uuidv7'
import { buildAccounts, course, person } from './helper.js'

/**
 * Every route × every kind of caller × {own, same organization, other organization}: the status,
 * and that no answer leaks a national id or another learner.
 */
const a = await buildAccounts()
t.teardown(() => a.close())
const { app } = a
const schoolA = await a.registerOrg('school')
const schoolB = await a.registerOrg('school')
// Posts for L without being one of the callers: an organization that posted for a learner knows them.
const schoolC = await a.registerOrg('school')
const pL = person()
const pM = person()
const L = (await a.openLearner(pL)).id
const M = (await a.openLearner(pM)).id
const proof = (p: Record<string, unknown>) => ({
  nationalId: p.nationalId as string,
  name: p.name as string,
})
await a.enroll(L, schoolA, 'P-WEB', proof(pL))
await a.enroll(M, schoolB, 'P-WEB', proof(pM))
const post = async (org: string, learner: string, proof = {}) =>
  (
    await app.inject({
      method: 'POST',
      url: '/v1/outcomes',
      headers: a.registrar(org),
      payload: course(learner, proof),
    })
  ).json().id as string
await post(schoolA, L)
await post(schoolC, L, { nationalId: pL.nationalId, name: pL.name })
await post(schoolB, M)

const callers: Record<string, Record<string, string> | undefined> = {
  anonymous: undefined,
  admin: a.admin,
  'learner (own)': a.learnerAuth(L),
  'learner (other)': a.learnerAuth(M),
  'learner (unclaimed token)': a.keys.auth({ roles: ['learner'] }),
  'registrar (same org)': a.registrar(schoolA),
  'registrar (other org)': a.registrar(schoolB),
  'registrar (no org)': a.keys.auth({ roles: ['registrar'] }),
  'client (same org)': a.client(schoolA),
  'client (unregistered org)': a.client(uuidv7()),
  'client (same org, no scope)': a.keys.auth({ typ: 'client', org: schoolA, scope: '' }),
  'reviewer (same org)': a.keys.auth({ roles: ['reviewer'], org: schoolA }),
  'issuer (other org)': a.keys.auth({ roles: ['issuer'], org: schoolB }),
}

type Route = {
  name: string
  request: () => Promise<{ method: 'GET' | 'POST'; url: string; payload?: unknown }>
  expect: Record<string, number>
}

const reads = (path: string, org: number, other = 404) => ({
  anonymous: 401,
  admin: 200,
  'learner (own)': 200,
  'learner (other)': 404,
  'learner (unclaimed token)': 404,
  'registrar (same org)': org,
  'registrar (other org)': other,
  'registrar (no org)': 404,
  'client (same org)': org,
  'client (unregistered org)': 404,
  'client (same org, no scope)': org,
  'reviewer (same org)': org,
  'issuer (other org)': 404,
  path: path as never,
})

const writes = (created: number, writerOrgStatus = created) => ({
  anonymous: 401,
  admin: 403,
  'learner (own)': 403,
  'learner (other)': 403,
  'learner (unclaimed token)': 403,
  'registrar (same org)': created,
  'registrar (other org)': writerOrgStatus,
  'registrar (no org)': 403,
  'client (same org)': created,
  'client (unregistered org)': writerOrgStatus,
  'client (same org, no scope)': 403,
  'reviewer (same org)': 403,
  'issuer (other org)': 403,
})

const routes: Route[] = [
  {
    name: 'GET learner',
    request: async () => ({ method: 'GET', url: `/v1/learners/${L}` }),
    expect: reads('', 200),
  },
  {
    name: 'GET enrollments',
    request: async () => ({ method: 'GET', url: `/v1/learners/${L}/enrollments` }),
    expect: reads('', 200),
  },
  {
    name: 'GET account',
    request: async () => ({ method: 'GET', url: `/v1/learners/${L}/account` }),
    expect: reads('', 403),
  },
  {
    name: 'GET entries',
    request: async () => ({ method: 'GET', url: `/v1/learners/${L}/entries` }),
    expect: reads('', 200),
  },
  {
    name: 'GET chain',
    request: async () => ({ method: 'GET', url: `/v1/learners/${L}/chain` }),
    expect: reads('', 403),
  },
  // An organization posts by id for a learner it knows; any other must name them by 身份证号 + name.
  {
    name: 'POST outcomes',
    request: async () => ({ method: 'POST', url: '/v1/outcomes', payload: course(L) }),
    expect: writes(201, 403),
  },
  {
    name: 'POST outcomes/batch',
    request: async () => ({
      method: 'POST',
      url: '/v1/outcomes/batch',
      payload: { items: [course(L)] },
    }),
    expect: writes(201, 422),
  },
  {
    name: 'POST outcomes with 身份证号 + name',
    request: async () => ({
      method: 'POST',
      url: '/v1/outcomes',
      payload: course(L, { nationalId: pL.nationalId, name: pL.name }),
    }),
    expect: { ...writes(201), 'client (unregistered org)': 422 },
  },

  {
    name: 'POST reversal',
    request: async () => ({
      method: 'POST',
      url: `/v1/entries/${await post(schoolA, L)}/reversal`,
      payload: { reason: 'x' },
    }),
    expect: writes(201, 404),
  },
  // Enrolling a learner by id alone reads them from then on: it takes the 身份证号 and name.
  {
    name: 'POST enrollments by id alone',
    request: async () => ({
      method: 'POST',
      url: '/v1/enrollments',
      payload: {
        learnerId: (await a.openLearner()).id,
        programCode: 'P',
        programName: 'P',
        startedOn: '2024-09-01',
      },
    }),
    expect: writes(403),
  },
  {
    name: 'POST enrollments with 身份证号 + name',
    request: async () => {
      const l = await a.openLearner()
      return {
        method: 'POST',
        url: '/v1/enrollments',
        payload: {
          learnerId: l.id,
          ...l.proof,
          programCode: 'P',
          programName: 'P',
          startedOn: '2024-09-01',
        },
      }
    },
    expect: { ...writes(201), 'client (unregistered org)': 422 },
  },
  {
    name: 'POST learners',
    request: async () => ({ method: 'POST', url: '/v1/learners', payload: person() }),
    expect: { ...writes(201), admin: 201, 'registrar (no org)': 201 },
  },
  {
    name: 'POST lookup',
    request: async () => ({
      method: 'POST',
      url: '/v1/learners/lookup',
      payload: { nationalId: pM.nationalId, name: pM.name },
    }),
    expect: { ...writes(200), admin: 200, 'registrar (no org)': 200 },
  },
  {
    name: 'POST claim',
    request: async () => ({ method: 'POST', url: '/v1/learners/claim', payload: person() }),
    expect: {
      ...writes(403, 403),
      'learner (own)': 201,
      'learner (other)': 201,
      'learner (unclaimed token)': 201,
    },
  },
]

const unknownLearner = uuidv7()
for (const route of routes) {
  t.test(route.name, async (t) => {
    for (const [caller, headers] of Object.entries(callers)) {
      const expected = route.expect[caller]
      const req = await route.request()
      const res = await app.inject({
        ...req,
        payload: req.payload as object,
        headers: headers ?? {},
      })
      t.equal(res.statusCode, expected, `${caller}: ${res.body.slice(0, 200)}`)
      t.notOk(res.statusCode >= 500, `${caller}: never 5xx`)
      for (const p of [pL, pM])
        t.notOk(res.body.includes(p.nationalId), `${caller}: no national id in the answer`)
      if (req.method === 'GET' && res.statusCode === 200) {
        t.notOk(res.body.includes(M), `${caller}: nothing of another learner`)
        if (caller.includes('same org') && route.name === 'GET entries') {
          t.ok(
            res.json().items.every((e: { orgId: string }) => e.orgId === schoolA),
            `${caller}: only what its org posted`,
          )
        }
      }
      if (res.statusCode === 404 && req.method === 'GET') {
        const ghost = await app.inject({
          method: 'GET',
          url: req.url.replace(L, unknownLearner),
          headers: headers ?? {},
        })
        t.same(
          { ...res.json(), instance: null },
          { ...ghost.json(), instance: null },
          `${caller}: hidden looks like absent`,
        )
      }
    }
  })
}
