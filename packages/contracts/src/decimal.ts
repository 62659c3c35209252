/**
 * Exact decimals: credits (2 places), hours (1 place) and money in CNY (2 places) travel as
 * strings and are computed as BigInt counts of 10^-scale units ("units"). No float ever touches
 * them; sums over many rows are Postgres's (`numeric`).
 */
export const CREDITS_SCALE = 2
export const HOURS_SCALE = 1
export const MONEY_SCALE = 2

const UNSIGNED = /^(\d+)(?:\.(\d+))?$/
const SIGNED = /^(-?)(\d+)(?:\.(\d+))?$/

/**
 * A non-negative decimal string as units of 10^-scale: '1.5' at scale 2 is 150n. Places beyond
 * the scale are allowed only when they are zeros ('1.500' is 150n; '1.505' throws RangeError).
 */
export function toUnits(value: string, scale: number): bigint {
  const m = UNSIGNED.exec(value)
  if (!m) throw new RangeError(`not a decimal: ${value}`)
  const frac = m[2] ?? ''
  if (frac.length > scale && /[1-9]/.test(frac.slice(scale)))
    throw new RangeError(`${value} has more than ${scale} places`)
  return (
    BigInt(m[1]!) * 10n ** BigInt(scale) + BigInt((frac.slice(0, scale) || '0').padEnd(scale, '0'))
  )
}

/**
 * Units of 10^-scale as text. `fixed` keeps every place ('1.50', the form a `numeric(_, 2)` column
 * answers); `trimmed` drops trailing zeros ('1.5', '2'), the form people read.
 */
export function fromUnits(units: bigint, scale: number, form: 'fixed' | 'trimmed' = 'fixed') {
  const neg = units < 0n
  const abs = neg ? -units : units
  const base = 10n ** BigInt(scale)
  const whole = abs / base
  let frac = scale > 0 ? (abs % base).toString().padStart(scale, '0') : ''
  if (form === 'trimmed') frac = frac.replace(/0+$/, '')
  const s = frac ? `${whole}.${frac}` : `${whole}`
  return neg ? `-${s}` : s
}

/**
 * The canonical text of a decimal at a column's scale ('7.5' → '7.50' at 2, '-0' → '0.00'), so an
 * entry's hash is the same before and after a round trip through `numeric`. Signed; at most
 * `scale` places (more throws RangeError, even zeros: the contracts allow no more).
 */
export function fixedScale(value: string, scale: number): string
export function fixedScale(value: string | null | undefined, scale: number): string | null
export function fixedScale(value: string | null | undefined, scale: number): string | null {
  if (value === null || value === undefined) return null
  const m = SIGNED.exec(value)
  if (!m) throw new RangeError(`not a decimal: ${value}`)
  const frac = m[3] ?? ''
  if (frac.length > scale) throw new RangeError(`${value} has more than ${scale} places`)
  // Text, not units: every posting's credits and hours pass here (twice), and the round trip
  // through BigInt cost 2–3× as much (decision 0700, "Bench parity, measured"). Equal to
  // fromUnits(toUnits(…)) for every input (test/decimal.test.ts checks it).
  const whole = m[2]!.replace(/^0+(?=\d)/, '')
  const text = scale > 0 ? `${whole}.${frac.padEnd(scale, '0')}` : whole
  return m[1] && /[1-9]/.test(text) ? `-${text}` : text
}

/** The decimal with the other sign; zero stays as written. */
export function negate(value: string): string
export function negate(value: string | null): string | null
export function negate(value: string | null): string | null {
  if (value === null) return null
  if (/^[0.]+$/.test(value)) return value
  return value.startsWith('-') ? value.slice(1) : `-${value}`
}

/** Is it a non-negative decimal with at most `maxPlaces` places? */
export function isDecimal(value: string, maxPlaces: number): boolean {
  const m = UNSIGNED.exec(value)
  return !!m && (m[2] ?? '').length <= maxPlaces
}

/** Credits as hundredths, and back as people read them ('2.5', '3'). */
export const creditUnits = (value: string) => toUnits(value, CREDITS_SCALE)
export const showCredits = (units: bigint) => fromUnits(units, CREDITS_SCALE, 'trimmed')

/**
 * The one rounding vocabulary (rules name it in `award.rounding`): to a whole number, `down`
 * (toward zero) or `half_up` (a half goes up); or `down_to_half`, down to a multiple of one half.
 */
export type Rounding = 'down' | 'half_up' | 'down_to_half'
export const roundings: readonly Rounding[] = ['down', 'half_up', 'down_to_half']

/** Rounds units of 10^-scale (scale ≥ 1) as `rounding` says; the answer is in the same units. */
export function roundUnits(units: bigint, scale: number, rounding: Rounding): bigint {
  const one = 10n ** BigInt(scale)
  switch (rounding) {
    case 'down':
      return (units / one) * one
    case 'half_up':
      return ((units + one / 2n) / one) * one
    case 'down_to_half':
      return (units / (one / 2n)) * (one / 2n)
  }
}

/** Units at one scale in a coarser one, exactly; throws RangeError when places would be lost. */
export function rescaleUnits(units: bigint, from: number, to: number): bigint {
  if (to >= from) return units * 10n ** BigInt(to - from)
  const d = 10n ** BigInt(from - to)
  if (units % d !== 0n) throw new RangeError(`${fromUnits(units, from)} has more than ${to} places`)
  return units / d
}
