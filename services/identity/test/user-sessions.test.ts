import { forSchema } from '@creditbank/db'
import t from 'tap'
import { buildIdentity, createOrg, createStaff, STAFF_PASSWORD } from './helper.js'

const id = await buildIdentity({ loginMaxFailures: 4 })
t.teardown(() => id.close())
const { app } = id
const db = forSchema<any>(id.platform.database, 'identity')
const PASSWORD = STAFF_PASSWORD
const staff = (memberships: { orgId: string; role: string }[], name?: string, signIn = true) =>
  createStaff(id, memberships, name, signIn)

const signIn = (username: string, password: string) =>
  app.inject({
    method: 'POST',
    url: '/v1/auth/token',
    payload: { grant_type: 'password', username, password },
  })
const me = (headers: Record<string, string>) =>
  app.inject({ method: 'GET', url: '/v1/me', headers })
const post = (url: string, headers: Record<string, string>, payload: object = {}) =>
  app.inject({ method: 'POST', url, headers, payload })

const schoolA = await createOrg(id)
const schoolB = await createOrg(id)

t.test('a disabled user cannot sign in and their tokens stop at identity at once', async (t) => {
  const u = await staff([{ orgId: schoolA.id, role: 'issuer' }])
  t.equal((await me(u.headers)).statusCode, 200)
  const res = await post(`/v1/users/${u.id}/disable`, id.admin, { reason: '离职' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { disabled: true, disabledReason: '离职' })
  const refused = await me(u.headers)
  t.equal(refused.statusCode, 401)
  t.equal(refused.json().code, 'IDENTITY_TOKEN_REVOKED')
  const right = await signIn(u.username, PASSWORD)
  t.equal(right.statusCode, 403)
  t.equal(right.json().code, 'IDENTITY_USER_DISABLED')
  const wrong = await signIn(u.username, 'not the password')
  t.equal(wrong.json().code, 'IDENTITY_CREDENTIALS_INVALID', 'a wrong password learns nothing')
  const twice = await post(`/v1/users/${u.id}/disable`, id.admin)
  t.equal(twice.statusCode, 409)
  t.equal(twice.json().code, 'IDENTITY_USER_ALREADY_DISABLED')

  const enabled = await post(`/v1/users/${u.id}/enable`, id.admin)
  t.equal(enabled.statusCode, 200)
  t.equal(enabled.json().disabled, false)
  t.equal((await me(u.headers)).statusCode, 401, 'a token from before the disable stays refused')
  const back = await signIn(u.username, PASSWORD)
  t.equal(back.statusCode, 200, 'signs in again')
  t.equal(
    (await me({ authorization: `Bearer ${back.json().accessToken}` })).statusCode,
    200,
    'with a new token',
  )
  t.equal(
    (await post(`/v1/users/${u.id}/enable`, id.admin)).json().code,
    'IDENTITY_USER_NOT_DISABLED',
  )
})

t.test('a password reset gives a one-time temporary password that forces a new one', async (t) => {
  const u = await staff([{ orgId: schoolB.id, role: 'reviewer' }])
  const key = { ...id.admin, 'idempotency-key': `reset-${u.id}` }
  const res = await post(`/v1/users/${u.id}/password-reset`, key)
  t.equal(res.statusCode, 200)
  const { temporaryPassword, expiresAt, user } = res.json()
  t.match(temporaryPassword, /^[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}$/)
  t.ok(Date.parse(expiresAt) - Date.now() > 71 * 3600_000, 'valid about 72 hours')
  t.equal(user.passwordChangeRequired, true)
  const replay = await post(`/v1/users/${u.id}/password-reset`, key)
  t.equal(replay.headers['idempotency-replayed'], 'true')
  t.notOk(replay.json().temporaryPassword, 'a replay does not show the password again')

  t.equal((await me(u.headers)).statusCode, 401, 'sessions from before the reset end at identity')
  t.equal((await signIn(u.username, PASSWORD)).statusCode, 401, 'the old password is gone')
  const temp = await signIn(u.username, temporaryPassword)
  t.equal(temp.statusCode, 403)
  t.equal(
    temp.json().code,
    'IDENTITY_PASSWORD_CHANGE_REQUIRED',
    'no token for a temporary password',
  )

  const change = (password: string, newPassword: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/auth/password',
      payload: { username: u.username, password, newPassword },
    })
  t.equal((await change(temporaryPassword, 'short')).statusCode, 400, 'too short a new password')
  const same = await change(temporaryPassword, temporaryPassword)
  t.equal(same.statusCode, 422)
  t.equal(same.json().code, 'IDENTITY_PASSWORD_REUSED')
  t.equal((await change('wrong-temporary', 'a brand new password')).statusCode, 401)
  const changed = await change(temporaryPassword, 'a brand new password')
  t.equal(changed.statusCode, 200)
  t.equal(
    (await me({ authorization: `Bearer ${changed.json().accessToken}` })).statusCode,
    200,
    'the change signs in',
  )
  t.equal((await signIn(u.username, 'a brand new password')).statusCode, 200)
  t.equal(
    (await signIn(u.username, temporaryPassword)).statusCode,
    401,
    'the temporary one is gone',
  )
})

t.test('a temporary password expires', async (t) => {
  const u = await staff([{ orgId: schoolB.id, role: 'reviewer' }])
  const { temporaryPassword } = (await post(`/v1/users/${u.id}/password-reset`, id.admin)).json()
  await db
    .updateTable('app_user')
    .set({ temporary_password_expires_at: new Date(Date.now() - 1000) })
    .where('id', '=', u.id)
    .execute()
  const res = await signIn(u.username, temporaryPassword)
  t.equal(res.statusCode, 401)
  t.equal(res.json().code, 'IDENTITY_TEMPORARY_PASSWORD_EXPIRED')
  const change = await app.inject({
    method: 'POST',
    url: '/v1/auth/password',
    payload: { username: u.username, password: temporaryPassword, newPassword: 'another new one!' },
  })
  t.equal(change.json().code, 'IDENTITY_TEMPORARY_PASSWORD_EXPIRED')
})

t.test('failed password changes count toward the sign-in lockout', async (t) => {
  const u = await staff([{ orgId: schoolB.id, role: 'reviewer' }])
  for (let i = 0; i < 4; i++)
    await app.inject({
      method: 'POST',
      url: '/v1/auth/password',
      payload: { username: u.username, password: `guess ${i}`, newPassword: 'a new password!' },
    })
  const locked = await signIn(u.username, PASSWORD)
  t.equal(locked.statusCode, 429)
  t.equal(locked.json().code, 'IDENTITY_LOGIN_LOCKED')
  t.equal((await post(`/v1/users/${u.id}/password-reset`, id.admin)).statusCode, 200)
  t.not((await signIn(u.username, 'whatever')).statusCode, 429, 'a reset lifts the lockout')
})
