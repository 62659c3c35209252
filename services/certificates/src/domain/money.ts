/**
 * Fees are decimals in CNY with at most two places, carried as strings. Comparisons go through
 * integer fen (hundredths) as BigInt, never through floats.
 */
export const FEE_PATTERN = '^\\d{1,8}(\\.\\d{1,2})?$'

export function toFen(amount: string): bigint {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(amount)
  if (!m) throw new Error(`not a decimal amount: ${amount}`)
  return BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'))
}

export function fromFen(fen: bigint): string {
  const abs = fen < 0n ? -fen : fen
  const s = `${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`
  return fen < 0n ? `-${s}` : s
}

/** The canonical two-place form, e.g. '80' → '80.00'. */
export function normalizeFee(amount: string): string {
  return fromFen(toFen(amount))
}
