/**
 * Exact decimal arithmetic for credits and hours: values travel as strings and are computed as
 * BigInt multiples of a fixed unit. No float ever touches a credit.
 */
const DECIMAL = /^(\d+)(?:\.(\d+))?$/

/** Parses a non-negative decimal string into an integer count of 10^-scale units; throws if it has more places. */
export function toUnits(value: string, scale: number): bigint {
  const m = DECIMAL.exec(value)
  if (!m) throw new RangeError(`not a decimal: ${value}`)
  const frac = m[2] ?? ''
  if (frac.length > scale && /[1-9]/.test(frac.slice(scale)))
    throw new RangeError(`${value} has more than ${scale} places`)
  return (
    BigInt(m[1]!) * 10n ** BigInt(scale) + BigInt((frac.slice(0, scale) || '0').padEnd(scale, '0'))
  )
}

export function fromUnits(units: bigint, scale: number): string {
  const neg = units < 0n
  const abs = neg ? -units : units
  const base = 10n ** BigInt(scale)
  const whole = abs / base
  const frac = (abs % base).toString().padStart(scale, '0').replace(/0+$/, '')
  const s = frac ? `${whole}.${frac}` : `${whole}`
  return neg ? `-${s}` : s
}

/** Credits are carried as hundredths. */
export const credits = (value: string) => toUnits(value, 2)
export const showCredits = (hundredths: bigint) => fromUnits(hundredths, 2)

export const min = (a: bigint, b: bigint) => (a < b ? a : b)
export const max = (a: bigint, b: bigint) => (a > b ? a : b)

export type Rounding = 'down' | 'half_up' | 'down_to_half'

/**
 * Credits for hours at a rate: hours (1 place) × creditsPerHour (up to 6 places), rounded to whole
 * credits (`down`, `half_up`) or down to half credits (`down_to_half`). Returns hundredths.
 */
export function creditsForHours(hours: string, creditsPerHour: string, rounding: Rounding): bigint {
  const product = toUnits(hours, 1) * toUnits(creditsPerHour, 6) // units of 10^-7 credit
  const one = 10n ** 7n
  switch (rounding) {
    case 'down':
      return (product / one) * 100n
    case 'half_up':
      return ((product + one / 2n) / one) * 100n
    case 'down_to_half':
      return (product / (one / 2n)) * 50n
  }
}

/** a ≥ b for decimal strings of any scale up to 6 places. */
export function gte(a: string, b: string): boolean {
  return toUnits(a, 6) >= toUnits(b, 6)
}

export function isDecimal(value: string, maxPlaces: number): boolean {
  const m = DECIMAL.exec(value)
  return !!m && (m[2] ?? '').length <= maxPlaces
}
