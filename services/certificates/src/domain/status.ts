import { chinaDate } from '@creditbank/contracts'
/**
 * A certificate's status, computed in exactly one place. Every view, the public verification and
 * the oversight report call this (or, in SQL, `statusSql` in certificate.repository.ts, which
 * takes `today` from `chinaDate` and is tested to agree with this function).
 *
 * Revocation wins over expiry; a certificate is valid up to the day before `expiresOn`
 * (issuedOn + validityYears), and expired from `expiresOn` on, by the calendar in China.
 */
export type CertificateStatus = 'valid' | 'revoked' | 'expired'

export function certificateStatus(
  c: { revokedAt: Date | string | null; expiresOn: string },
  today: string = chinaDate(),
): CertificateStatus {
  if (c.revokedAt !== null) return 'revoked'
  return c.expiresOn <= today ? 'expired' : 'valid'
}

/**
 * The date `years` later. 29 February moves to 28 February in a common year, as Postgres'
 * `date + interval 'n years'` does.
 */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const year = y + years
  const lastDay = new Date(Date.UTC(year, m, 0)).getUTCDate()
  const day = Math.min(d, lastDay)
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/** Is this 'YYYY-MM-DD' a real calendar date? (The schema format checks the shape only loosely.) */
export function isCalendarDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const t = new Date(Date.UTC(y, mo - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d
}
