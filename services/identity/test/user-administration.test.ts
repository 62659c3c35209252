import { forSchema } from '@creditbank/db'
import t from 'tap'
import { ADMIN, buildIdentity, createOrg, createStaff, STAFF_PASSWORD } from './helper.js'

const id = await buildIdentity({ loginMaxFailures: 4 })
t.teardown(() => id.close())
const { app } = id
const db = forSchema<any>(id.platform.database, 'identity')
const PASSWORD = STAFF_PASSWORD
const staff = (memberships: { orgId: string; role: string }[], name?: string, signIn = true) =>
  createStaff(id, memberships, name, signIn)

const _signIn = (username: string, password: string) =>
  app.inject({
    method: 'POST',
    url: '/v1/auth/token',
    payload: { grant_type: 'password', username, password },
  })
const me = (headers: Record<string, string>) =>
  app.inject({ method: 'GET', url: '/v1/me', headers })
const post = (url: string, headers: Record<string, string>, payload: object = {}) =>
  app.inject({ method: 'POST', url, headers, payload })
const count = async (table: string) =>
  Number(
    (
      (await db
        .selectFrom(table)
        .select((eb: any) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()) as { n: string }
    ).n,
  )

const schoolA = await createOrg(id)
const schoolB = await createOrg(id)
const orgAdminA = await staff([{ orgId: schoolA.id, role: 'admin' }], '学校A管理员')
const registrarA = await staff([{ orgId: schoolA.id, role: 'registrar' }], '王登记员')
const registrarB = await staff([{ orgId: schoolB.id, role: 'registrar' }], '李登记员', false)
const both = await staff(
  [
    { orgId: schoolA.id, role: 'registrar' },
    { orgId: schoolB.id, role: 'registrar' },
  ],
  '两校兼职',
  false,
)

t.test('admins list and search users; org admins see only their organizations', async (t) => {
  const all = await app.inject({ method: 'GET', url: '/v1/users?limit=100', headers: id.admin })
  t.equal(all.statusCode, 200)
  const names = all.json().items.map((u: { username: string }) => u.username)
  t.ok(names.includes(ADMIN.username) && names.includes(registrarB.username))
  const listed = all.json().items.find((u: { id: string }) => u.id === registrarA.id)
  t.match(listed, {
    displayName: '王登记员',
    disabled: false,
    passwordChangeRequired: false,
    memberships: [{ orgId: schoolA.id, role: 'registrar', orgName: /测试学校/ }],
  })
  t.ok(listed.lastSignInAt, 'the last sign-in is shown')

  const byName = await app.inject({
    method: 'GET',
    url: `/v1/users?q=${encodeURIComponent('登记')}`,
    headers: id.admin,
  })
  t.same(
    byName
      .json()
      .items.map((u: { id: string }) => u.id)
      .sort(),
    [registrarA.id, registrarB.id].sort(),
    'part of the display name',
  )
  const byPrefix = await app.inject({
    method: 'GET',
    url: `/v1/users?q=${registrarA.username.slice(0, -1).toUpperCase()}`,
    headers: id.admin,
  })
  t.same(
    byPrefix.json().items.map((u: { id: string }) => u.id),
    [registrarA.id],
  )
  const wildcard = await app.inject({ method: 'GET', url: '/v1/users?q=%25', headers: id.admin })
  t.same(wildcard.json().items, [], 'a % in the search is a percent sign, not a wildcard')

  const mine = await app.inject({ method: 'GET', url: '/v1/users', headers: orgAdminA.headers })
  t.equal(mine.statusCode, 200)
  t.same(
    mine
      .json()
      .items.map((u: { id: string }) => u.id)
      .sort(),
    [orgAdminA.id, registrarA.id, both.id].sort(),
    'members of school A only',
  )
  const theirs = await app.inject({
    method: 'GET',
    url: `/v1/users?orgId=${schoolB.id}`,
    headers: orgAdminA.headers,
  })
  t.equal(theirs.statusCode, 403)
  t.equal(theirs.json().code, 'IDENTITY_NOT_ORG_ADMIN')
  const asStaff = await app.inject({ method: 'GET', url: '/v1/users', headers: registrarA.headers })
  t.equal(asStaff.statusCode, 403, 'staff who administer nothing list nobody')
  t.equal((await app.inject({ method: 'GET', url: '/v1/users' })).statusCode, 401)

  const disabledOnly = await app.inject({
    method: 'GET',
    url: '/v1/users?status=disabled',
    headers: id.admin,
  })
  t.equal(disabledOnly.statusCode, 200)

  const page1 = await app.inject({ method: 'GET', url: '/v1/users?limit=2', headers: id.admin })
  const page2 = await app.inject({
    method: 'GET',
    url: `/v1/users?limit=2&cursor=${page1.json().nextCursor}`,
    headers: id.admin,
  })
  const p1 = page1.json().items.map((u: { username: string }) => u.username.toLowerCase())
  const p2 = page2.json().items.map((u: { username: string }) => u.username.toLowerCase())
  t.equal(p1.length, 2)
  t.ok(
    p2.every((u: string) => u > p1[1]),
    'the next page continues in username order',
  )
  for (const bad of ['limit=0', 'limit=101', 'cursor=bogus', 'status=gone', 'orgId=x', 'q='])
    t.equal(
      (await app.inject({ method: 'GET', url: `/v1/users?${bad}`, headers: id.admin })).statusCode,
      400,
      bad,
    )
})

t.test('who may disable whom', async (t) => {
  const before = await count('audit_event')
  const cases: [string, Record<string, string>, string, number, string][] = [
    [
      'an org admin, someone of another org',
      orgAdminA.headers,
      registrarB.id,
      404,
      'IDENTITY_USER_NOT_FOUND',
    ],
    [
      'an org admin, someone also working elsewhere',
      orgAdminA.headers,
      both.id,
      403,
      'IDENTITY_NOT_ORG_ADMIN',
    ],
    [
      'an org admin, a platform admin',
      orgAdminA.headers,
      (await me(id.admin)).json().user.id,
      404,
      'IDENTITY_USER_NOT_FOUND',
    ],
    ['an org admin, themselves', orgAdminA.headers, orgAdminA.id, 422, 'IDENTITY_NOT_ON_SELF'],
    [
      'a platform admin, themselves',
      id.admin,
      (await me(id.admin)).json().user.id,
      422,
      'IDENTITY_NOT_ON_SELF',
    ],
    ['a registrar', registrarA.headers, registrarB.id, 403, 'IDENTITY_NOT_ORG_ADMIN'],
    [
      'anyone, an unknown user',
      id.admin,
      '0190a000-0000-7000-8000-000000000000',
      404,
      'IDENTITY_USER_NOT_FOUND',
    ],
  ]
  for (const [name, headers, target, status, code] of cases) {
    for (const action of ['disable', 'enable', 'password-reset']) {
      const res = await post(`/v1/users/${target}/${action}`, headers)
      t.equal(res.statusCode, status, `${name}: ${action}`)
      t.equal(res.json().code, code, `${name}: ${action}`)
    }
  }
  t.equal((await post(`/v1/users/not-a-uuid/disable`, id.admin)).statusCode, 400)
  t.equal(
    (await post(`/v1/users/${registrarA.id}/disable`, id.admin, { reason: ' ' })).statusCode,
    400,
    'a blank reason is refused',
  )
  t.equal(
    (await post(`/v1/users/${registrarA.id}/disable`, id.admin, { reason: 'x', extra: 1 }))
      .statusCode,
    400,
  )
  t.equal(await count('audit_event'), before, 'refusals write nothing')
  t.equal((await me(registrarA.headers)).statusCode, 200, 'and change nothing')

  const byOrgAdmin = await post(`/v1/users/${registrarA.id}/disable`, orgAdminA.headers)
  t.equal(byOrgAdmin.statusCode, 200, "an org admin disables their own organization's registrar")
  t.equal((await post(`/v1/users/${registrarA.id}/enable`, orgAdminA.headers)).statusCode, 200)
  registrarA.headers = id.bearer(await id.login(registrarA.username, PASSWORD))
})
