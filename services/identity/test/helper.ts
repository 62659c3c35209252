import { testPlatform, testService } from '@creditbank/testing'
import identityApp, { SCHEMA } from '../src/app.js'
import { migrations } from '../src/db/migrations.js'

export const SECRET_KEY = 'a3'.repeat(32)
export const ADMIN = { username: 'root', password: 'correct horse battery' }

/** identity on its own database and topics, with a bootstrap admin, as server.ts builds it. */
export async function buildIdentity(
  options: { loginMaxFailures?: number; tokenTtlS?: number } = {},
) {
  const platform = await testPlatform({ [SCHEMA]: migrations })
  const app = await testService('identity', identityApp, platform, {
    secretKeyHex: SECRET_KEY,
    bootstrapAdmin: ADMIN,
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
