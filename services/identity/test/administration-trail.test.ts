import { forSchema } from '@creditbank/db'
import { eventually } from '@creditbank/testing'
import t from 'tap'
import { ADMIN, buildIdentity, createOrg, createStaff } from './helper.js'

const id = await buildIdentity()
t.teardown(() => id.close())
const { app } = id
const db = forSchema<any>(id.platform.database, 'identity')

/** Every temporary password handed out, to check that none is kept anywhere. */
const handedOut: string[] = []
const post = async (url: string, headers: Record<string, string>, payload: object = {}) => {
  const res = await app.inject({ method: 'POST', url, headers, payload })
  if (res.statusCode === 200 && res.json().temporaryPassword)
    handedOut.push(res.json().temporaryPassword)
  return res
}

const schoolA = await createOrg(id)
const schoolB = await createOrg(id)
const orgAdminA = await createStaff(id, [{ orgId: schoolA.id, role: 'admin' }], '学校A管理员')
const registrarA = await createStaff(id, [{ orgId: schoolA.id, role: 'registrar' }], '王登记员')

t.test('user actions for the audit trail', async (t) => {
  const u = await createStaff(id, [{ orgId: schoolA.id, role: 'issuer' }], '赵发证员', false)
  t.equal((await post(`/v1/users/${u.id}/disable`, id.admin, { reason: '离职' })).statusCode, 200)
  t.equal((await post(`/v1/users/${u.id}/enable`, orgAdminA.headers)).statusCode, 200)
  const reset = await post(`/v1/users/${u.id}/password-reset`, id.admin)
  t.equal(reset.statusCode, 200)
  const changed = await app.inject({
    method: 'POST',
    url: '/v1/auth/password',
    payload: {
      username: u.username,
      password: reset.json().temporaryPassword,
      newPassword: 'a brand new password',
    },
  })
  t.equal(changed.statusCode, 200)
  const other = await createStaff(id, [{ orgId: schoolB.id, role: 'issuer' }], '钱发证员', false)
  t.equal((await post(`/v1/users/${other.id}/password-reset`, id.admin)).statusCode, 200)
})

t.test('clients: listed by organization and revoked for good', async (t) => {
  const create = async (orgId: string, name: string) => {
    const res = await post('/v1/clients', id.admin, { orgId, name, scopes: ['outcomes:write'] })
    if (res.statusCode !== 201) throw new Error(res.body)
    return res.json() as { clientId: string; clientSecret: string }
  }
  const a = await create(schoolA.id, '教务系统')
  const b = await create(schoolB.id, '学籍系统')
  const grant = (c: { clientId: string; clientSecret: string }) =>
    app.inject({
      method: 'POST',
      url: '/v1/auth/token',
      payload: {
        grant_type: 'client_credentials',
        clientId: c.clientId,
        clientSecret: c.clientSecret,
      },
    })
  t.equal((await grant(a)).statusCode, 200)

  const listed = await app.inject({ method: 'GET', url: '/v1/clients', headers: id.admin })
  t.equal(listed.statusCode, 200)
  const ids = listed.json().items.map((c: { clientId: string }) => c.clientId)
  t.ok(ids.includes(a.clientId) && ids.includes(b.clientId))
  t.notOk(JSON.stringify(listed.json()).includes(a.clientSecret), 'no secret in the list')
  t.match(
    listed.json().items.find((c: { clientId: string }) => c.clientId === a.clientId),
    {
      name: '教务系统',
      orgId: schoolA.id,
      orgName: /测试学校/,
      scopes: ['outcomes:write'],
      revokedAt: null,
    },
  )
  const mine = await app.inject({ method: 'GET', url: '/v1/clients', headers: orgAdminA.headers })
  t.same(
    mine.json().items.map((c: { clientId: string }) => c.clientId),
    [a.clientId],
    "an org admin sees their organization's clients",
  )
  const del = (clientId: string, headers: Record<string, string>) =>
    app.inject({ method: 'DELETE', url: `/v1/clients/${clientId}`, headers })
  t.equal((await del(b.clientId, orgAdminA.headers)).statusCode, 404, "another org's client")
  t.equal((await del(a.clientId, registrarA.headers)).statusCode, 403)
  t.equal((await del('cb_nothing', id.admin)).statusCode, 404)
  t.equal((await del('bad id!', id.admin)).statusCode, 400)
  t.equal((await grant(b)).statusCode, 200, 'refusals changed nothing')

  const revoked = await del(a.clientId, orgAdminA.headers)
  t.equal(revoked.statusCode, 200)
  t.ok(revoked.json().revokedAt)
  const after = await grant(a)
  t.equal(after.statusCode, 401)
  t.equal(
    after.json().code,
    'IDENTITY_CREDENTIALS_INVALID',
    'a revoked client fails as an unknown one',
  )
  t.equal((await del(a.clientId, id.admin)).json().code, 'IDENTITY_CLIENT_ALREADY_REVOKED')
  const active = await app.inject({ method: 'GET', url: '/v1/clients', headers: orgAdminA.headers })
  t.same(active.json().items, [], 'revoked clients are left out by default')
  const everything = await app.inject({
    method: 'GET',
    url: '/v1/clients?includeRevoked=true',
    headers: orgAdminA.headers,
  })
  t.equal(everything.json().items.length, 1)
})

t.test('platform admins edit an organization; every projection gets it in order', async (t) => {
  const org = await createOrg(id, 'evaluation_org', { name: '旧名称' })
  const edit = (payload: object, headers: Record<string, string> = id.admin) =>
    app.inject({ method: 'PATCH', url: `/v1/organizations/${org.id}`, headers, payload })
  const bad: [object, number][] = [
    [{}, 400],
    [{ code: 'NEW' }, 400],
    [{ kind: 'school' }, 400],
    [{ name: '' }, 400],
    [{ name: '   ' }, 400],
    [{ regionCode: '4101' }, 400],
    [{ schoolLevel: 'higher_vocational' }, 422],
  ]
  for (const [payload, status] of bad)
    t.equal((await edit(payload)).statusCode, status, JSON.stringify(payload))
  t.equal((await edit({ name: '新名称' }, orgAdminA.headers)).statusCode, 403)
  t.equal(
    (
      await app.inject({
        method: 'PATCH',
        url: '/v1/organizations/0190a000-0000-7000-8000-000000000000',
        headers: id.admin,
        payload: { name: 'x' },
      })
    ).statusCode,
    404,
  )
  const published = () =>
    id.platform.transport
      .events('identity.organization.registered')
      .filter((e) => e.data.organizationId === org.id)
  t.equal(published().length, 1, 'refusals published nothing')

  const res = await edit({ name: ' 新名称 ', regionCode: '410200' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), {
    name: '新名称',
    regionCode: '410200',
    code: org.code,
    kind: 'evaluation_org',
  })
  await eventually(async () => published().length === 2)
  t.match(published()[1]!.data, { name: '新名称', regionCode: '410200' })
  const message = id.platform.transport.published.find(
    (m) => m.value.includes('"新名称"') && m.value.includes(org.id),
  )
  t.equal(message?.key, org.id, 'keyed by the organization: edits stay in order')
  const same = await edit({ name: '新名称' })
  t.equal(same.statusCode, 200)
  await new Promise((r) => setTimeout(r, 100))
  t.equal(published().length, 2, 'an edit that changes nothing publishes nothing')

  const search = await app.inject({
    method: 'GET',
    url: `/v1/organizations?q=${encodeURIComponent('新名')}`,
    headers: registrarA.headers,
  })
  t.same(
    search.json().items.map((o: { id: string }) => o.id),
    [org.id],
    'found by part of its name',
  )
})

t.test('every admin action is in the audit trail: who, what, when, from where', async (t) => {
  const res = await app.inject({
    method: 'GET',
    url: '/v1/audit?limit=100',
    headers: { ...id.admin, 'user-agent': 'tap' },
  })
  t.equal(res.statusCode, 200)
  const items = res.json().items as {
    action: string
    actor: { name: string }
    target: { label: string; id: string }
    ip: string
    at: string
    detail: Record<string, unknown>
    orgIds: string[]
  }[]
  const actions = new Set(items.map((e) => e.action))
  for (const a of [
    'organization.registered',
    'organization.updated',
    'user.created',
    'user.disabled',
    'user.enabled',
    'user.password_reset',
    'user.password_changed',
    'client.created',
    'client.revoked',
  ])
    t.ok(actions.has(a), a)
  const disabled = items.find((e) => e.action === 'user.disabled' && e.detail.reason)!
  t.equal(disabled.actor.name, ADMIN.username)
  t.equal(disabled.ip, '127.0.0.1')
  t.ok(Date.parse(disabled.at) > Date.now() - 600_000)
  t.same(disabled.detail, { reason: '离职' })
  const renamed = items.find((e) => e.action === 'organization.updated')!
  t.same(renamed.detail.name, { from: '旧名称', to: '新名称' })
  t.ok(handedOut.length >= 2)
  const rows = JSON.stringify(await db.selectFrom('audit_event').selectAll().execute())
  t.ok(
    handedOut.every((p) => !rows.includes(p)),
    'no temporary password in the trail',
  )
  t.ok(
    items.every((e, i) => i === 0 || items[i - 1]!.at >= e.at),
    'newest first',
  )

  const theirs = await app.inject({
    method: 'GET',
    url: '/v1/audit?limit=100',
    headers: orgAdminA.headers,
  })
  t.equal(theirs.statusCode, 200)
  t.ok(theirs.json().items.length > 0)
  t.ok(
    theirs.json().items.every((e: { orgIds: string[] }) => e.orgIds.includes(schoolA.id)),
    'an org admin sees only entries about their organization',
  )
  t.equal(
    (
      await app.inject({
        method: 'GET',
        url: `/v1/audit?orgId=${schoolB.id}`,
        headers: orgAdminA.headers,
      })
    ).statusCode,
    403,
  )
  t.equal(
    (await app.inject({ method: 'GET', url: '/v1/audit', headers: registrarA.headers })).statusCode,
    403,
  )
  const resets = await app.inject({
    method: 'GET',
    url: '/v1/audit?action=user.password_reset&limit=1',
    headers: id.admin,
  })
  t.equal(resets.json().items.length, 1)
  t.ok(resets.json().nextCursor)
  const next = await app.inject({
    method: 'GET',
    url: `/v1/audit?action=user.password_reset&limit=1&cursor=${resets.json().nextCursor}`,
    headers: id.admin,
  })
  t.not(next.json().items[0].id, resets.json().items[0].id)
  t.equal(
    (await app.inject({ method: 'GET', url: '/v1/audit?action=user.deleted', headers: id.admin }))
      .statusCode,
    400,
  )
})
