import t from 'tap'
import { ADMIN, buildIdentity } from './helper.js'

// Sign-ins and sign-ups a minute from one address (decision 0003): 300 and 60 by default, so a
// school's computer lab behind one address signs in at the start of a lesson; a limit still
// refuses what goes past it. Guessing is bounded per username (tokens.test.ts).
const signIn = (app: Awaited<ReturnType<typeof buildIdentity>>['app']) =>
  app.inject({
    method: 'POST',
    url: '/v1/auth/token',
    payload: { grant_type: 'password', username: ADMIN.username, password: ADMIN.password },
  })

t.test('by default a lab of fifty signs in from one address within a minute', async (t) => {
  const school = await buildIdentity()
  t.teardown(() => school.close())
  const codes = []
  for (let i = 0; i < 50; i++) codes.push((await signIn(school.app)).statusCode)
  t.same([...new Set(codes)], [200], 'none refused')
})

t.test('past the limits, refused; nothing is written for a refused sign-up', async (t) => {
  const id = await buildIdentity({ signInPerMinute: 30, signUpPerMinute: 10 })
  t.teardown(() => id.close())
  // The helper signed the admin in once.
  const codes = []
  for (let i = 0; i < 30; i++) codes.push((await signIn(id.app)).statusCode)
  t.equal(codes.filter((c) => c === 200).length, 29, 'the 30 of the minute')
  t.equal(codes.at(-1), 429, 'the 31st refused')

  const signUp = (i: number) =>
    id.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: {
        username: `lab.student.${i}`,
        password: 'a long enough secret',
        displayName: '实训学员',
      },
    })
  const ups = []
  for (let i = 0; i < 11; i++) ups.push((await signUp(i)).statusCode)
  t.same(ups.slice(0, 10), Array(10).fill(201), 'ten sign-ups')
  t.equal(ups[10], 429, 'the 11th refused')
  const users = async (q: string) => {
    const res = await id.app.inject({ method: 'GET', url: `/v1/users?q=${q}`, headers: id.admin })
    t.equal(res.statusCode, 200)
    return res.json().items.map((u: { username: string }) => u.username)
  }
  t.same(await users('lab.student.9'), ['lab.student.9'], 'the tenth was created')
  t.same(await users('lab.student.10'), [], 'the 11th was not')
})
