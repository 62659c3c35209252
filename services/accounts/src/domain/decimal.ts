/**
 * Credits and hours stay strings; these helpers only normalize their text to the column's scale
 * (so the hash of an entry is the same before and after a round trip through numeric) and negate
 * them. Sums are done by Postgres.
 */
export function fixedScale(value: string | null | undefined, scale: number): string | null {
  if (value === null || value === undefined) return null
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value)
  if (!m) throw new Error(`not a decimal: ${value}`)
  const intPart = m[2]!.replace(/^0+(?=\d)/, '')
  const frac = (m[3] ?? '').padEnd(scale, '0')
  if (frac.length > scale) throw new Error(`too many decimals: ${value}`)
  const text = scale > 0 ? `${intPart}.${frac}` : intPart
  const zero = /^[0.]+$/.test(text)
  return m[1] && !zero ? `-${text}` : text
}

export function negate(value: string | null): string | null {
  if (value === null) return null
  if (/^[0.]+$/.test(value)) return value
  return value.startsWith('-') ? value.slice(1) : `-${value}`
}

export const credits = (v: string | null | undefined) => fixedScale(v, 2)
export const hours = (v: string | null | undefined) => fixedScale(v, 1)
