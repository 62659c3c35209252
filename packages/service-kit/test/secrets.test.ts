import { randomBytes } from 'node:crypto'
import t from 'tap'
import { decrypt, encrypt, nextIv } from '../src/secrets.js'

t.test('IVs drawn in bulk are fresh across refills of the pool', async (t) => {
  const ivs = Array.from({ length: 10_000 }, () => nextIv().toString('hex'))
  t.ok(
    ivs.every((iv) => iv.length === 24),
    'each is 96 bits',
  )
  t.equal(new Set(ivs).size, 10_000, 'no IV repeats over two refills')
})

t.test('sealed values open across refills, each with its own IV', async (t) => {
  const key = randomBytes(32)
  const sealed = Array.from({ length: 5_000 }, (_, i) => encrypt(key, `张建国 ${i}`))
  t.equal(new Set(sealed.map((s) => s.split('.')[1])).size, 5_000, 'one IV per value')
  t.ok(
    sealed.every((s, i) => decrypt(key, s) === `张建国 ${i}`),
    'every value opens to what was sealed',
  )
  t.throws(() => decrypt(randomBytes(32), sealed[0]!), 'another key opens nothing')
})
