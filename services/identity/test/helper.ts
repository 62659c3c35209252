import { testPlatform, testService } from '@creditbank/testing'
import identityApp, { SCHEMA } from '../src/app.js'
import { migrations } from '../src/db/migrations.js'

export const SECRET_KEY = 'a3'.repeat(32)
export const ADMIN = { username: 'root', password: 'correct horse battery' }

/** identity on its own database and topics, with a bootstrap admin, as server.ts builds it. */
export async function buildIdentity(
  options: {
    loginMaxFailures?: number
    tokenTtlS?: number
    serviceClientSecret?: string
    signInPerMinute?: number
    signUpPerMinute?: number
  } = {},
) {
  const platform = await testPlatform({ [SCHEMA]: migrations })
  const app = await testService('identity', identityApp, platform, {
    secretKeyHex: SECRET_KEY,
    bootstrapAdmin: ADMIN,
    // A tenth of the cost of a hash (decision 0612): the tests sign in hundreds of times.
    passwordCost: 12,
    ...options,
  })
  const login = async (username: string, password: string, orgId?: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { grant_type: 'password', username, password, ...(orgId ? { orgId } : {}) },
    })
    if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.body}`)
    return res.json().accessToken as string
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
  const adminToken = await login(ADMIN.username, ADMIN.password)
  return {
    app,
    platform,
    login,
    bearer,
    admin: bearer(adminToken),
    async close() {
      await app.close()
      await platform.close()
    },
  }
}

export type Identity = Awaited<ReturnType<typeof buildIdentity>>

let seq = 0
export async function createOrg(
  id: Identity,
  kind = 'school',
  extra: Record<string, unknown> = {},
) {
  seq += 1
  const res = await id.app.inject({
    method: 'POST',
    url: '/v1/organizations',
    headers: id.admin,
    payload: {
      code: `ORG-${seq}-${Math.random().toString(36).slice(2, 7)}`,
      name: `测试学校${seq}`,
      kind,
      regionCode: '410100',
      ...(kind === 'school' ? { schoolLevel: 'higher_vocational' } : {}),
      ...extra,
    },
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json() as { id: string; code: string }
}

export const STAFF_PASSWORD = 'a long enough password'
let staffSeq = 0

/** A staff user created by the platform admin; `signIn: false` skips the (scrypt-costly) sign-in. */
export async function createStaff(
  id: Identity,
  memberships: { orgId: string; role: string }[],
  displayName = '张老师',
  signIn = true,
) {
  staffSeq += 1
  const username = `staff${staffSeq}_${Math.random().toString(36).slice(2, 6)}`
  const res = await id.app.inject({
    method: 'POST',
    url: '/v1/users',
    headers: id.admin,
    payload: { username, password: STAFF_PASSWORD, displayName, memberships },
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  const user = res.json() as { id: string }
  const headers: Record<string, string> = signIn
    ? id.bearer(await id.login(username, STAFF_PASSWORD))
    : {}
  return { username, id: user.id, headers }
}
