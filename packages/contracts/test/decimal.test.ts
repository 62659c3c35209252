import {
  CREDITS_SCALE,
  creditUnits,
  fixedScale,
  fromUnits,
  HOURS_SCALE,
  isDecimal,
  MONEY_SCALE,
  negate,
  rescaleUnits,
  roundUnits,
  showCredits,
  toUnits,
} from '@creditbank/contracts'
import t from 'tap'

t.test('addition has no float error', async (t) => {
  t.not(0.1 + 0.2, 0.3, 'as floats it is not')
  t.equal(showCredits(creditUnits('0.1') + creditUnits('0.2')), '0.3')
  t.equal(fromUnits(toUnits('0.1', 1) + toUnits('0.2', 1), 1), '0.3')
  const tenths = Array.from({ length: 10 }, () => creditUnits('0.1'))
  t.equal(showCredits(tenths.reduce((a, b) => a + b, 0n)), '1', 'ten tenths are exactly one')
  t.equal(
    fromUnits(toUnits('99999999.99', MONEY_SCALE) + toUnits('0.01', MONEY_SCALE), MONEY_SCALE),
    '100000000.00',
    'beyond what a float holds exactly in cents',
  )
})

t.test('parse and format', async (t) => {
  t.equal(toUnits('1.5', CREDITS_SCALE), 150n)
  t.equal(toUnits('1', CREDITS_SCALE), 100n)
  t.equal(toUnits('1.500', CREDITS_SCALE), 150n, 'trailing zeros beyond the scale are fine')
  t.throws(() => toUnits('1.505', CREDITS_SCALE), RangeError, 'a place beyond the scale is not')
  for (const bad of ['', '1.', '.5', '1,5', '1e3', '-1', ' 1', 'NaN'])
    t.throws(() => toUnits(bad, CREDITS_SCALE), RangeError, `“${bad}” is not a decimal`)
  t.equal(fromUnits(150n, CREDITS_SCALE), '1.50', 'fixed: every place')
  t.equal(fromUnits(150n, CREDITS_SCALE, 'trimmed'), '1.5', 'trimmed: as people read it')
  t.equal(fromUnits(200n, CREDITS_SCALE, 'trimmed'), '2')
  t.equal(fromUnits(-5n, CREDITS_SCALE), '-0.05')
  t.equal(fromUnits(7n, 0), '7', 'scale 0 has no point')
  t.equal(showCredits(creditUnits('1.5')), '1.5')
})

t.test('the canonical text at a column scale', async (t) => {
  t.equal(fixedScale('1.5', CREDITS_SCALE), '1.50')
  t.equal(fixedScale('007.5', CREDITS_SCALE), '7.50', 'leading zeros go')
  t.equal(fixedScale('12', HOURS_SCALE), '12.0')
  t.equal(fixedScale('-1.5', CREDITS_SCALE), '-1.50')
  t.equal(fixedScale('-0', CREDITS_SCALE), '0.00', 'no negative zero')
  t.equal(fixedScale('80', MONEY_SCALE), '80.00')
  t.equal(fixedScale(null, CREDITS_SCALE), null)
  t.equal(fixedScale(undefined, CREDITS_SCALE), null)
  t.throws(() => fixedScale('1.500', CREDITS_SCALE), RangeError, 'no more places than the column')
  t.throws(() => fixedScale('x', CREDITS_SCALE), RangeError)
  // fixedScale works on the text; it must say what the units say.
  for (const scale of [0, HOURS_SCALE, CREDITS_SCALE])
    for (const whole of ['0', '00', '1', '007', '10', '123456789012345678901'])
      for (const frac of ['', '0', '5', '05', '50', '99'].filter((f) => f.length <= scale))
        for (const sign of ['', '-']) {
          const v = frac ? `${sign}${whole}.${frac}` : `${sign}${whole}`
          const units = toUnits(frac ? `${whole}.${frac}` : whole, scale)
          t.equal(fixedScale(v, scale), fromUnits(sign ? -units : units, scale), `${v} at ${scale}`)
        }
  t.equal(negate('1.50'), '-1.50')
  t.equal(negate('-1.50'), '1.50')
  t.equal(negate('0.00'), '0.00', 'zero keeps its sign')
  t.equal(negate(null), null)
  t.ok(isDecimal('1.25', 2))
  t.notOk(isDecimal('1.255', 2))
  t.notOk(isDecimal('-1', 2))
})

t.test('one rounding vocabulary', async (t) => {
  // 2.5 and 2.49 at scale 2, and a negative: what each rounding makes of them.
  const at = (v: bigint, r: 'down' | 'half_up' | 'down_to_half') => roundUnits(v, 2, r)
  t.equal(at(250n, 'down'), 200n)
  t.equal(at(250n, 'half_up'), 300n, 'a half goes up')
  t.equal(at(249n, 'half_up'), 200n)
  t.equal(at(299n, 'down_to_half'), 250n)
  t.equal(at(250n, 'down_to_half'), 250n, 'a half stays')
  t.equal(at(-250n, 'down'), -200n, 'down is toward zero')
  t.equal(rescaleUnits(300_0000n, 6, 2), 300n)
  t.equal(rescaleUnits(3n, 0, 2), 300n)
  t.throws(() => rescaleUnits(301n, 2, 0), RangeError, 'no place is lost silently')
})
