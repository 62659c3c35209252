import { staticKeyResolver } from '@creditbank/auth'
import { createVerifier } from 'fast-jwt'
import t from 'tap'
import { TEST_AUDIENCE, TEST_ISSUER, testKeys } from '../src/index.js'

t.test(
  'a test key signs tokens its JWK verifies, with issuer, audience and the asked roles',
  async (t) => {
    const keys = testKeys()
    const token = keys.token({ roles: ['registrar'], org: 'o1' })
    const pem = await staticKeyResolver(() => [keys.jwk])(keys.kid)
    const claims = createVerifier({ key: pem!, algorithms: ['EdDSA'] })(token)
    t.match(claims, { iss: TEST_ISSUER, aud: TEST_AUDIENCE, roles: ['registrar'], org: 'o1' })
    const other = testKeys()
    t.throws(
      () => createVerifier({ key: pem!, algorithms: ['EdDSA'] })(other.token({ roles: ['admin'] })),
      'another test file’s key does not verify',
    )
  },
)
