import { randomUUID } from 'node:crypto'
import { eventually } from '@creditbank/testing'
import t from 'tap'
import { autoRule, buildRecognition } from './helper.js'

const r = await buildRecognition()
t.teardown(() => r.close())
const { app } = r
const school = await r.organization('school')
const center = await r.organization('recognition_center')
const reviewer = r.reviewer(center)

const post = (payload: unknown, headers = reviewer) =>
  app.inject({ method: 'POST', url: '/v1/rules', headers, payload: payload as object })

t.test(
  'a rule is published as version 1; PUT makes version n+1 and old versions stay readable',
  async (t) => {
    const body = autoRule(school, {
      code: 'HN-X-WEB-2025',
      limits: { maxCreditsPerSource: '8', oneSourcePerCourse: true },
    })
    const created = await post(body)
    t.equal(created.statusCode, 201)
    t.match(created.json(), {
      code: 'HN-X-WEB-2025',
      version: 1,
      validTo: null,
      limits: { maxCreditsPerSource: '8' },
    })
    const again = await post(body)
    t.equal(again.statusCode, 200, 'the same rule again is the same version')
    t.equal(again.json().version, 1)
    const clash = await post({ ...body, name: 'another' })
    t.equal(clash.statusCode, 409)
    t.equal(clash.json().code, 'RECOGNITION_RULE_CODE_TAKEN')
    const v2 = await app.inject({
      method: 'PUT',
      url: '/v1/rules/HN-X-WEB-2025',
      headers: reviewer,
      payload: { ...body, award: { ...body.award, credits: '6' } },
    })
    t.equal(v2.statusCode, 200)
    t.equal(v2.json().version, 2)
    const same = await app.inject({
      method: 'PUT',
      url: '/v1/rules/HN-X-WEB-2025',
      headers: reviewer,
      payload: { ...body, award: { ...body.award, credits: '6' } },
    })
    t.equal(same.json().version, 2, 'an unchanged body makes no new version')
    const v1 = await app.inject({
      method: 'GET',
      url: '/v1/rules/HN-X-WEB-2025/versions/1',
      headers: reviewer,
    })
    t.equal(v1.json().award.credits, '4')
    const missing = await app.inject({
      method: 'GET',
      url: '/v1/rules/HN-X-WEB-2025/versions/3',
      headers: reviewer,
    })
    t.equal(missing.statusCode, 404)
    const list = await app.inject({
      method: 'GET',
      url: `/v1/rules?targetOrgId=${school}`,
      headers: r.admin,
    })
    const found = list.json().items.find((x: any) => x.code === 'HN-X-WEB-2025')
    t.equal(found.version, 2, 'the list shows the latest version')
    const events = await eventually(async () => {
      const e = r.platform.transport
        .events('recognition.rule.published')
        .filter((x) => x.data.code === 'HN-X-WEB-2025')
      return e.length === 2 && e
    })
    t.same(
      events.map((e) => e.data.version),
      [1, 2],
    )
    const put404 = await app.inject({
      method: 'PUT',
      url: '/v1/rules/NOPE-1',
      headers: reviewer,
      payload: { ...body, code: 'NOPE-1' },
    })
    t.equal(put404.statusCode, 404)
    const mismatch = await app.inject({
      method: 'PUT',
      url: '/v1/rules/HN-X-WEB-2025',
      headers: reviewer,
      payload: { ...body, code: 'OTHER' },
    })
    t.equal(mismatch.statusCode, 422)
    const stranger = await app.inject({
      method: 'PUT',
      url: '/v1/rules/HN-X-WEB-2025',
      headers: r.reviewer(randomUUID()),
      payload: body,
    })
    t.equal(stranger.statusCode, 403, 'a reviewer of another organization cannot change it')
  },
)

t.test(
  'contradictory or unknown fields are refused with the reason, and nothing is written',
  async (t) => {
    const before = await r.count('rule_version')
    const base = autoRule(school)
    const cases: [string, unknown, number, string][] = [
      [
        'both credits and creditsPerHour',
        {
          ...base,
          source: { kind: 'training', minHours: '8' },
          award: { ...base.award, creditsPerHour: '0.0625', rounding: 'down' },
        },
        422,
        '/award/creditsPerHour',
      ],
      [
        'neither credits nor creditsPerHour',
        { ...base, award: { courseCode: 'X', courseName: 'X', courseType: 'core' } },
        422,
        '/award/credits',
      ],
      [
        'creditsPerHour without rounding',
        {
          ...base,
          source: { kind: 'training' },
          award: { courseCode: 'X', courseName: 'X', courseType: 'core', creditsPerHour: '0.0625' },
        },
        422,
        '/award/rounding',
      ],
      [
        'minLevel not a level',
        { ...base, source: { kind: 'certificate', typeCode: 'X', minLevel: 'expert' } },
        422,
        '/source/minLevel',
      ],
      [
        'validTo before validFrom',
        { ...base, validFrom: '2026-01-01', validTo: '2025-12-31' },
        422,
        '/validTo',
      ],
      [
        'a field of another source kind',
        { ...base, source: { kind: 'certificate', typeCode: 'X', minHours: '8' } },
        422,
        '/source/minHours',
      ],
      [
        'manual review without steps',
        { ...base, review: { mode: 'manual' } },
        422,
        '/review/steps',
      ],
      [
        'auto review with steps',
        { ...base, review: { mode: 'auto', steps: [{ role: 'reviewer', orgId: center }] } },
        422,
        '/review/steps',
      ],
      [
        'a step with two scopes',
        {
          ...base,
          review: {
            mode: 'manual',
            steps: [{ role: 'reviewer', orgId: center, regionCode: '410100' }],
          },
        },
        422,
        '/review/steps/0',
      ],
      [
        'term cap above the yearly cap',
        { ...base, limits: { maxCreditsPerYear: '10', maxCreditsPerTerm: '12' } },
        422,
        '/limits/maxCreditsPerTerm',
      ],
      [
        'an unknown alliance',
        { ...base, source: { kind: 'certificate', typeCode: 'X', allianceId: randomUUID() } },
        422,
        '/source/allianceId',
      ],
      ['an unknown key', { ...base, bonus: true }, 400, '/bonus'],
      [
        'an unknown key in limits',
        { ...base, limits: { maxCreditsPerDay: '1' } },
        400,
        '/limits/maxCreditsPerDay',
      ],
      [
        'credits as a number',
        { ...base, award: { ...base.award, credits: 4 } },
        400,
        '/award/credits',
      ],
      [
        'a bad rounding',
        {
          ...base,
          source: { kind: 'training' },
          award: {
            courseCode: 'X',
            courseName: 'X',
            courseType: 'core',
            creditsPerHour: '1',
            rounding: 'up',
          },
        },
        400,
        '/award/rounding',
      ],
      ['a missing targetOrgId', { ...base, targetOrgId: undefined }, 400, '/targetOrgId'],
    ]
    for (const [name, body, status, path] of cases) {
      const res = await post(body)
      t.equal(res.statusCode, status, name)
      t.equal(
        res.headers['content-type'],
        'application/problem+json; charset=utf-8',
        `${name}: problem+json`,
      )
      t.ok(
        res.json().errors?.some((e: any) => e.path === path),
        `${name}: names ${path} (${JSON.stringify(res.json().errors)})`,
      )
    }
    t.equal(await r.count('rule_version'), before, 'nothing written')
  },
)

t.test('alliances: created once by code, listed, and usable by rules', async (t) => {
  const members = [school, center]
  const body = { code: 'HN-ALLIANCE', name: '河南职教学分互认联盟', memberOrgIds: members }
  const res = await app.inject({
    method: 'POST',
    url: '/v1/alliances',
    headers: r.admin,
    payload: body,
  })
  t.equal(res.statusCode, 201)
  const again = await app.inject({
    method: 'POST',
    url: '/v1/alliances',
    headers: r.admin,
    payload: { ...body, memberOrgIds: [...members].reverse() },
  })
  t.equal(again.statusCode, 200)
  t.equal(again.json().id, res.json().id)
  const clash = await app.inject({
    method: 'POST',
    url: '/v1/alliances',
    headers: r.admin,
    payload: { ...body, memberOrgIds: [school] },
  })
  t.equal(clash.statusCode, 409)
  const list = await app.inject({ method: 'GET', url: '/v1/alliances', headers: reviewer })
  t.same(list.json().items[0].memberOrgIds.sort(), [...members].sort())
  const rule = await post(
    autoRule(school, { source: { kind: 'course', allianceId: res.json().id, minScore: '60' } }),
  )
  t.equal(rule.statusCode, 201)
  const bad = await app.inject({
    method: 'POST',
    url: '/v1/alliances',
    headers: r.admin,
    payload: { code: 'X1', name: 'x', memberOrgIds: [] },
  })
  t.equal(bad.statusCode, 400)
})

t.test('role table: who may use which route', async (t) => {
  const learnerId = randomUUID()
  const tokens = {
    none: {},
    learner: r.learner(learnerId),
    registrar: r.registrar(school),
    issuer: r.platform.keys.auth({ roles: ['issuer'], org: center }),
    reviewer,
    admin: r.admin,
  } as const
  const id = randomUUID()
  const routes: [string, string, unknown, Record<keyof typeof tokens, number[]>][] = [
    [
      'POST',
      '/v1/rules',
      { bad: 1 },
      {
        none: [401],
        learner: [403],
        registrar: [403],
        issuer: [403],
        reviewer: [400],
        admin: [400],
      },
    ],
    [
      'GET',
      '/v1/rules',
      undefined,
      {
        none: [401],
        learner: [403],
        registrar: [403],
        issuer: [403],
        reviewer: [200],
        admin: [200],
      },
    ],
    [
      'GET',
      '/v1/rules/X1/versions/1',
      undefined,
      {
        none: [401],
        learner: [403],
        registrar: [403],
        issuer: [403],
        reviewer: [404],
        admin: [404],
      },
    ],
    [
      'POST',
      '/v1/alliances',
      { bad: 1 },
      {
        none: [401],
        learner: [403],
        registrar: [403],
        issuer: [403],
        reviewer: [400],
        admin: [400],
      },
    ],
    [
      'GET',
      '/v1/alliances',
      undefined,
      {
        none: [401],
        learner: [403],
        registrar: [403],
        issuer: [403],
        reviewer: [200],
        admin: [200],
      },
    ],
    [
      'POST',
      '/v1/applications',
      { bad: 1 },
      {
        none: [401],
        learner: [400],
        registrar: [403],
        issuer: [403],
        reviewer: [403],
        admin: [403],
      },
    ],
    [
      'GET',
      '/v1/applications',
      undefined,
      {
        none: [401],
        learner: [200],
        registrar: [200],
        issuer: [200],
        reviewer: [200],
        admin: [200],
      },
    ],
    [
      'GET',
      `/v1/applications/${id}`,
      undefined,
      {
        none: [401],
        learner: [404],
        registrar: [404],
        issuer: [404],
        reviewer: [404],
        admin: [404],
      },
    ],
    [
      'POST',
      `/v1/applications/${id}/decisions`,
      { decision: 'approve', reason: 'ok' },
      {
        none: [401],
        learner: [403],
        registrar: [403],
        issuer: [403],
        reviewer: [404],
        admin: [403],
      },
    ],
    [
      'POST',
      `/v1/applications/${id}/appeal`,
      { reason: 'why' },
      {
        none: [401],
        learner: [404],
        registrar: [403],
        issuer: [403],
        reviewer: [403],
        admin: [403],
      },
    ],
    [
      'POST',
      `/v1/applications/${id}/withdrawal`,
      { reason: 'why' },
      {
        none: [401],
        learner: [404],
        registrar: [403],
        issuer: [403],
        reviewer: [403],
        admin: [403],
      },
    ],
    [
      'POST',
      '/v1/simulations',
      { bad: 1 },
      {
        none: [401],
        learner: [400],
        registrar: [400],
        issuer: [403],
        reviewer: [400],
        admin: [403],
      },
    ],
  ]
  for (const [method, url, payload, expected] of routes) {
    for (const [who, headers] of Object.entries(tokens)) {
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(payload ? { payload: payload as object } : {}),
      })
      t.ok(
        expected[who as keyof typeof tokens].includes(res.statusCode),
        `${method} ${url} as ${who}: ${res.statusCode}`,
      )
      t.ok(res.statusCode < 500)
    }
  }
  const queue = await app.inject({
    method: 'GET',
    url: '/v1/applications?queue=mine',
    headers: r.learner(learnerId),
  })
  t.equal(queue.statusCode, 403, 'a learner has no review queue')
  const badCursor = await app.inject({
    method: 'GET',
    url: '/v1/rules?cursor=zzz',
    headers: reviewer,
  })
  t.equal(badCursor.statusCode, 400)
  const bigLimit = await app.inject({
    method: 'GET',
    url: '/v1/rules?limit=1000',
    headers: reviewer,
  })
  t.equal(bigLimit.statusCode, 400)
})

t.test('the simulator answers for a rule being edited, without saving it (0545)', async (t) => {
  const draft = autoRule(school, {
    code: 'DRAFT-WEB',
    limits: { maxCreditsPerSource: '3' },
    review: { mode: 'manual', steps: [{ role: 'reviewer', regionCode: '410100' }], dueDays: 10 },
  })
  const cert = (level: string) => ({
    kind: 'certificate',
    typeCode: 'WEB-FE',
    level,
    title: 'Web前端开发',
    occurredOn: '2025-06-30',
  })
  const simulate = (payload: Record<string, unknown>, headers = reviewer) =>
    app.inject({ method: 'POST', url: '/v1/simulations', headers, payload })
  const before = await r.count('rule_version')
  const res = await simulate({
    targetOrgId: center, // the draft's own target is used
    programCode: 'P-WEB',
    outcomes: [cert('senior'), cert('junior')],
    rule: draft,
  })
  t.equal(res.statusCode, 200, res.body)
  t.match(res.json(), {
    totalCredits: '3',
    items: [
      {
        rule: { code: 'DRAFT-WEB', version: 0 },
        sourceRef: 'hypothetical:0',
        award: { courseCode: 'WEB201', credits: '3' },
        limitsApplied: [{ limit: 'maxCreditsPerSource' }],
        review: 'manual',
      },
    ],
  })
  t.equal(res.json().items.length, 1, 'the junior certificate is below the draft’s level')
  t.equal(await r.count('rule_version'), before, 'nothing saved')
  const saved = await app.inject({
    method: 'GET',
    url: '/v1/rules/DRAFT-WEB/versions/1',
    headers: reviewer,
  })
  t.equal(saved.statusCode, 404)

  const bad = await simulate({
    targetOrgId: school,
    programCode: 'P-WEB',
    outcomes: [cert('senior')],
    rule: { ...draft, award: { ...draft.award, credits: undefined, creditsPerHour: '0.0625' } },
  })
  t.equal(bad.statusCode, 422, 'a draft that could not be saved is not simulated')
  t.match(bad.json(), {
    code: 'RECOGNITION_RULE_INVALID',
    errors: [{ path: '/award/rounding' }, { path: '/award/creditsPerHour' }],
  })
  const learner = randomUUID()
  const refused = await simulate(
    { targetOrgId: school, programCode: 'P-WEB', outcomes: [cert('senior')], rule: draft },
    r.learner(learner),
  )
  t.equal(refused.statusCode, 403, 'only reviewers try rules that are not published')
})
