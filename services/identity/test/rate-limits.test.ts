import t from 'tap'
import { ADMIN, buildIdentity } from './helper.js'

// Sign-ins and sign-ups a minute per address (300 and 60 by default; 30 and 10 here, to count them
// quickly; decision 0003). The demo-data loader signs in as
// some thirty people from the address a person then uses (127.0.0.1 on a laptop): with identity's
// IDENTITY_SEEDER_KEY in its header it passes the limits by, and leaves that person's allowance
// whole; without it, or with another key, it is counted like anyone.
const KEY = 'k'.repeat(48)
const id = await buildIdentity({ seederKey: KEY, signInPerMinute: 30, signUpPerMinute: 10 })
t.teardown(() => id.close())

const signIn = (headers: Record<string, string> = {}) =>
  id.app.inject({
    method: 'POST',
    url: '/v1/auth/token',
    headers,
    payload: { grant_type: 'password', username: ADMIN.username, password: ADMIN.password },
  })

t.test('the loader passes the limits; a person keeps the whole allowance', async (t) => {
  const loader = []
  for (let i = 0; i < 35; i++)
    loader.push((await signIn({ 'x-creditbank-seeder': KEY })).statusCode)
  t.same([...new Set(loader)], [200], '35 sign-ins of the loader in a minute, none refused')

  const registered = []
  for (let i = 0; i < 12; i++)
    registered.push(
      (
        await id.app.inject({
          method: 'POST',
          url: '/v1/auth/register',
          headers: { 'x-creditbank-seeder': KEY },
          payload: {
            username: `seed.learner.${i}`,
            password: 'a long enough secret',
            displayName: '演示学员',
          },
        })
      ).statusCode,
    )
  t.same([...new Set(registered)], [201], '12 sign-ups of the loader, none refused')

  // The helper signed the admin in once; a person then has the rest of the 30.
  const person = []
  for (let i = 0; i < 28; i++) person.push((await signIn()).statusCode)
  t.same([...new Set(person)], [200], 'a person signs in 28 more times')
  const wrongKey = await signIn({ 'x-creditbank-seeder': 'x'.repeat(48) })
  t.equal(wrongKey.statusCode, 200, 'another key is counted: the 30th')
  t.equal((await signIn()).statusCode, 429, 'the 31st is refused')
  t.equal(
    (await signIn({ 'x-creditbank-seeder': 'short' })).statusCode,
    429,
    'and so is one with a key of another length',
  )
  t.equal((await signIn({ 'x-creditbank-seeder': KEY })).statusCode, 200, 'the loader still passes')
})

t.test('without a key configured, the header passes nothing', async (t) => {
  const plain = await buildIdentity({ signInPerMinute: 30 })
  t.teardown(() => plain.close())
  const codes = []
  for (let i = 0; i < 30; i++)
    codes.push(
      (
        await plain.app.inject({
          method: 'POST',
          url: '/v1/auth/token',
          headers: { 'x-creditbank-seeder': KEY },
          payload: { grant_type: 'password', username: ADMIN.username, password: ADMIN.password },
        })
      ).statusCode,
    )
  t.equal(codes.filter((c) => c === 200).length, 29, 'the helper’s sign-in and 29 more')
  t.equal(codes.at(-1), 429, 'then refused, key or not')
})

t.test('by default a lab of fifty signs in from one address within a minute', async (t) => {
  const school = await buildIdentity()
  t.teardown(() => school.close())
  const codes = []
  for (let i = 0; i < 50; i++)
    codes.push(
      (
        await school.app.inject({
          method: 'POST',
          url: '/v1/auth/token',
          payload: { grant_type: 'password', username: ADMIN.username, password: ADMIN.password },
        })
      ).statusCode,
    )
  t.same([...new Set(codes)], [200], 'none refused (the default is 300 a minute per address)')
})
