import { forSchema } from '@creditbank/db'
import { createEvent } from '@creditbank/events'
import { eventually } from '@creditbank/testing'
import t from 'tap'
import { buildIdentity, createOrg } from './helper.js'

const id = await buildIdentity()
t.teardown(() => id.close())
const { app } = id
const db = forSchema<any>(id.platform.database, 'identity')
const count = async (table: string) =>
  Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )
const snapshot = async () => ({
  organization: await count('organization'),
  app_user: await count('app_user'),
  api_client: await count('api_client'),
  membership: await count('membership'),
})

const school = await createOrg(id)
const enterprise = await createOrg(id, 'enterprise')

t.test(
  'registering an organization publishes identity.organization.registered and reads back',
  async (t) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/organizations',
      headers: id.admin,
      payload: {
        code: 'ZZVTC',
        name: '郑州职业技术学院',
        kind: 'school',
        regionCode: '410100',
        schoolLevel: 'higher_vocational',
      },
    })
    t.equal(res.statusCode, 201)
    const org = res.json()
    t.match(org, {
      code: 'ZZVTC',
      kind: 'school',
      regionCode: '410100',
      schoolLevel: 'higher_vocational',
    })
    const again = await app.inject({
      method: 'POST',
      url: '/v1/organizations',
      headers: id.admin,
      payload: {
        code: 'ZZVTC',
        name: '郑州职业技术学院',
        kind: 'school',
        regionCode: '410100',
        schoolLevel: 'higher_vocational',
      },
    })
    t.equal(again.statusCode, 200, 'the same registration again answers the existing one')
    t.equal(again.json().id, org.id)
    const clash = await app.inject({
      method: 'POST',
      url: '/v1/organizations',
      headers: id.admin,
      payload: {
        code: 'ZZVTC',
        name: '别的学校',
        kind: 'school',
        regionCode: '410100',
        schoolLevel: 'higher_vocational',
      },
    })
    t.equal(clash.statusCode, 409)
    await eventually(async () =>
      id.platform.transport
        .events('identity.organization.registered')
        .find((e) => e.data.organizationId === org.id),
    )
    t.equal(
      id.platform.transport
        .events('identity.organization.registered')
        .filter((e) => e.data.organizationId === org.id).length,
      1,
      'published once',
    )
    const got = await app.inject({
      method: 'GET',
      url: `/v1/organizations/${org.id}`,
      headers: id.admin,
    })
    t.same(got.json(), org)
  },
)

t.test('organizations list by kind and region with cursor pages', async (t) => {
  for (let i = 0; i < 3; i++) await createOrg(id, 'training_body', { regionCode: '410300' })
  const page1 = await app.inject({
    method: 'GET',
    url: '/v1/organizations?kind=training_body&regionCode=410300&limit=2',
    headers: id.admin,
  })
  t.equal(page1.statusCode, 200)
  t.equal(page1.json().items.length, 2)
  t.ok(page1.json().nextCursor)
  const page2 = await app.inject({
    method: 'GET',
    url: `/v1/organizations?kind=training_body&regionCode=410300&limit=2&cursor=${page1.json().nextCursor}`,
    headers: id.admin,
  })
  t.equal(page2.json().items.length, 1)
  t.equal(page2.json().nextCursor, null)
  t.equal(
    (await app.inject({ method: 'GET', url: '/v1/organizations?cursor=bogus', headers: id.admin }))
      .statusCode,
    400,
  )
  t.equal(
    (await app.inject({ method: 'GET', url: '/v1/organizations?limit=101', headers: id.admin }))
      .statusCode,
    400,
  )
  t.equal((await app.inject({ method: 'GET', url: '/v1/organizations' })).statusCode, 401)
})

t.test(
  'bad input to every identity route is a 4xx problem naming the field, and writes nothing',
  async (t) => {
    const before = await snapshot()
    const cases: [string, string, unknown, number, string][] = [
      [
        '/v1/organizations',
        'POST',
        { code: 'X1', name: 'n', kind: 'castle', regionCode: '410100' },
        400,
        '/kind',
      ],
      [
        '/v1/organizations',
        'POST',
        { code: 'X2', name: 'n', kind: 'enterprise', regionCode: '4101' },
        400,
        '/regionCode',
      ],
      [
        '/v1/organizations',
        'POST',
        { code: 'X3', name: 'n', kind: 'school', regionCode: '410100' },
        422,
        '/schoolLevel',
      ],
      [
        '/v1/organizations',
        'POST',
        {
          code: 'X4',
          name: 'n',
          kind: 'enterprise',
          regionCode: '410100',
          schoolLevel: 'undergraduate',
        },
        422,
        '/schoolLevel',
      ],
      [
        '/v1/organizations',
        'POST',
        { code: 'X5', name: 'n', kind: 'enterprise', regionCode: '410100', extra: 1 },
        400,
        '/extra',
      ],
      [
        '/v1/organizations',
        'POST',
        { name: 'n', kind: 'enterprise', regionCode: '410100' },
        400,
        '/code',
      ],
      [
        '/v1/organizations',
        'POST',
        { code: 123, name: 'n', kind: 'enterprise', regionCode: '410100' },
        400,
        '/code',
      ],
      [
        '/v1/users',
        'POST',
        {
          username: 'ab',
          password: 'long enough pw',
          displayName: 'x',
          memberships: [{ orgId: school.id, role: 'registrar' }],
        },
        400,
        '/username',
      ],
      [
        '/v1/users',
        'POST',
        {
          username: 'abc',
          password: 'short',
          displayName: 'x',
          memberships: [{ orgId: school.id, role: 'registrar' }],
        },
        400,
        '/password',
      ],
      [
        '/v1/users',
        'POST',
        {
          username: 'abc',
          password: 'long enough pw',
          displayName: 'x',
          memberships: [{ orgId: school.id, role: 'king' }],
        },
        400,
        '/memberships/0/role',
      ],
      [
        '/v1/users',
        'POST',
        {
          username: 'abc',
          password: 'long enough pw',
          displayName: 'x',
          memberships: [{ orgId: '0190a000-0000-7000-8000-000000000000', role: 'registrar' }],
        },
        422,
        '/memberships',
      ],
      [
        '/v1/users',
        'POST',
        { username: 'abc', password: 'long enough pw', displayName: 'x', memberships: [] },
        400,
        '/memberships',
      ],
      ['/v1/clients', 'POST', { orgId: school.id, name: 'c', scopes: ['root'] }, 400, '/scopes/0'],
      [
        '/v1/clients',
        'POST',
        { orgId: 'not-a-uuid', name: 'c', scopes: ['outcomes:write'] },
        400,
        '/orgId',
      ],
      [
        '/v1/auth/register',
        'POST',
        { username: 'new.learner', password: 'x', displayName: 'y' },
        400,
        '/password',
      ],
      [
        '/v1/auth/register',
        'POST',
        { username: 'new learner!', password: 'long enough pw', displayName: 'y' },
        400,
        '/username',
      ],
      ['/v1/auth/token', 'POST', { grant_type: 'implicit' }, 400, '/grant_type'],
      ['/v1/auth/token', 'POST', { grant_type: 'password', username: 'root' }, 400, '/password'],
      [
        '/v1/auth/token',
        'POST',
        { grant_type: 'client_credentials', clientId: 'x' },
        400,
        '/clientSecret',
      ],
    ]
    for (const [url, method, payload, status, path] of cases) {
      const res = await app.inject({
        method: method as 'POST',
        url,
        headers: id.admin,
        payload: payload as object,
      })
      t.equal(res.statusCode, status, `${url} ${JSON.stringify(payload)} → ${status}`)
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
      const problem = res.json()
      t.ok(problem.code && problem.title && problem.type, 'a problem document')
      t.ok(
        (problem.errors ?? []).some((e: { path: string }) => e.path.startsWith(path)),
        `names ${path}: ${JSON.stringify(problem.errors)}`,
      )
    }
    const malformed = await app.inject({
      method: 'POST',
      url: '/v1/organizations',
      headers: { ...id.admin, 'content-type': 'application/json' },
      payload: '{"code": ',
    })
    t.equal(malformed.statusCode, 400)
    t.equal(malformed.json().code, 'BODY_MALFORMED')
    const huge = await app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: { username: 'big.one', password: 'x'.repeat(3_000_000), displayName: 'y' },
    })
    t.equal(huge.statusCode, 413)
    const xml = await app.inject({
      method: 'POST',
      url: '/v1/organizations',
      headers: { ...id.admin, 'content-type': 'application/xml' },
      payload: '<org/>',
    })
    t.equal(xml.statusCode, 415)
    t.same(await snapshot(), before, 'nothing was written')
  },
)

t.test(
  'only admins register organizations; an org admin manages users and clients of their own org only',
  async (t) => {
    const orgAdmin = await app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: id.admin,
      payload: {
        username: 'wang.admin',
        password: 'a long enough secret',
        displayName: '王老师',
        memberships: [{ orgId: school.id, role: 'admin' }],
      },
    })
    t.equal(orgAdmin.statusCode, 201)
    const token = await id.login('wang.admin', 'a long enough secret')
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())
    t.notOk(claims.roles.includes('admin'), 'an org admin is not a platform admin')
    t.same(claims.orgAdmin, [school.id])
    const as = id.bearer(token)
    const before = await snapshot()
    t.equal(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/organizations',
          headers: as,
          payload: { code: 'NOPE', name: 'n', kind: 'enterprise', regionCode: '410100' },
        })
      ).statusCode,
      403,
    )
    t.equal(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/users',
          headers: as,
          payload: {
            username: 'intruder',
            password: 'a long enough secret',
            displayName: 'x',
            memberships: [{ orgId: enterprise.id, role: 'registrar' }],
          },
        })
      ).statusCode,
      403,
    )
    t.equal(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/users',
          headers: as,
          payload: {
            username: 'intruder',
            password: 'a long enough secret',
            displayName: 'x',
            memberships: [
              { orgId: school.id, role: 'registrar' },
              { orgId: enterprise.id, role: 'registrar' },
            ],
          },
        })
      ).statusCode,
      403,
      'one foreign membership is enough to refuse',
    )
    t.equal(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/clients',
          headers: as,
          payload: { orgId: enterprise.id, name: 'c', scopes: ['outcomes:write'] },
        })
      ).statusCode,
      403,
    )
    t.same(await snapshot(), before, 'nothing was written')
    const own = await app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: as,
      payload: {
        username: 'zhang.registrar',
        password: 'a long enough secret',
        displayName: '张老师',
        memberships: [{ orgId: school.id, role: 'registrar' }],
      },
    })
    t.equal(own.statusCode, 201)
    const registrar = JSON.parse(
      Buffer.from(
        (await id.login('zhang.registrar', 'a long enough secret')).split('.')[1]!,
        'base64url',
      ).toString(),
    )
    t.same(registrar.roles, ['registrar'])
    t.equal(registrar.org, school.id)
    const dup = await app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: as,
      payload: {
        username: 'Zhang.Registrar',
        password: 'a long enough secret',
        displayName: '张',
        memberships: [{ orgId: school.id, role: 'registrar' }],
      },
    })
    t.equal(dup.statusCode, 409, 'usernames are unique regardless of case')
    const client = await app.inject({
      method: 'POST',
      url: '/v1/clients',
      headers: as,
      payload: {
        orgId: school.id,
        name: '教务系统',
        scopes: ['outcomes:write', 'enrollments:write'],
      },
    })
    t.equal(client.statusCode, 201)
  },
)

t.test(
  'an Idempotency-Key replays the first answer; a client secret is never shown twice',
  async (t) => {
    const headers = { ...id.admin, 'idempotency-key': 'create-client-1' }
    const first = await app.inject({
      method: 'POST',
      url: '/v1/clients',
      headers,
      payload: { orgId: enterprise.id, name: 'HR', scopes: ['outcomes:write'] },
    })
    t.equal(first.statusCode, 201)
    t.ok(first.json().clientSecret)
    const before = await snapshot()
    const replay = await app.inject({
      method: 'POST',
      url: '/v1/clients',
      headers,
      payload: { orgId: enterprise.id, name: 'HR', scopes: ['outcomes:write'] },
    })
    t.equal(replay.statusCode, 201)
    t.equal(replay.headers['idempotency-replayed'], 'true')
    t.equal(replay.json().clientId, first.json().clientId)
    t.notOk(replay.json().clientSecret, 'the secret is not stored for replays')
    const other = await app.inject({
      method: 'POST',
      url: '/v1/clients',
      headers,
      payload: { orgId: enterprise.id, name: 'Other', scopes: ['outcomes:write'] },
    })
    t.equal(other.statusCode, 422)
    t.equal(other.json().code, 'IDEMPOTENCY_KEY_REUSED')
    t.same(await snapshot(), before, 'replays write nothing')
    const stored = await db
      .selectFrom('api_client')
      .select('secret_hash')
      .where('client_id', '=', first.json().clientId)
      .executeTakeFirstOrThrow()
    t.match(stored.secret_hash, /^scrypt\$/, 'only a scrypt hash is stored')
    t.notOk(
      JSON.stringify(await db.selectFrom('idempotency_key').selectAll().execute()).includes(
        first.json().clientSecret,
      ),
      'not in the idempotency table either',
    )
  },
)

t.test(
  'a learner signs up, and accounts.learner.claimed puts the learner claim in later tokens',
  async (t) => {
    const reg = await app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: { username: 'han.meimei', password: 'a long enough secret', displayName: '韩梅梅' },
    })
    t.equal(reg.statusCode, 201)
    const user = reg.json()
    t.notOk(
      'password' in user || JSON.stringify(user).includes('secret'),
      'no password in the answer',
    )
    const first = JSON.parse(
      Buffer.from(
        (await id.login('han.meimei', 'a long enough secret')).split('.')[1]!,
        'base64url',
      ).toString(),
    )
    t.same(first.roles, ['learner'])
    t.notOk(first.learner)
    const learnerId = '0190a000-0000-7000-8000-00000000abcd'
    const event = createEvent('/creditbank/accounts', {
      type: 'accounts.learner.claimed',
      subject: learnerId,
      data: { learnerId, userId: user.id },
    })
    const message = {
      topic: 'creditbank.accounts.v1',
      key: learnerId,
      value: JSON.stringify(event),
    }
    await id.platform.transport.publish([message])
    await eventually(
      async () =>
        (
          await db
            .selectFrom('app_user')
            .select('learner_id')
            .where('id', '=', user.id)
            .executeTakeFirst()
        )?.learner_id === learnerId,
    )
    const later = JSON.parse(
      Buffer.from(
        (await id.login('han.meimei', 'a long enough secret')).split('.')[1]!,
        'base64url',
      ).toString(),
    )
    t.equal(later.learner, learnerId)
    await id.platform.transport.publish([message])
    const inbox = () =>
      db.selectFrom('inbox_event').select('event_id').where('event_id', '=', event.id).execute()
    await eventually(
      async () =>
        (await id.platform.transport.lag('creditbank.identity', ['creditbank.accounts.v1'])) === 0,
    )
    t.equal(
      (await inbox()).length,
      1,
      'a redelivered claim is recognised: one inbox row, applied once',
    )
  },
)
