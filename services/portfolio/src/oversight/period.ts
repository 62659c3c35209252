import { chinaDate } from '@creditbank/contracts'

/** A reporting period: a calendar year, or a term (half-years from 1 March and 1 September, as recognition's caps count them). */
export interface Period {
  kind: 'year' | 'term'
  name: string
  /** First day, inclusive. */
  from: string
  /** Day after the last, exclusive. */
  until: string
}

export function yearPeriod(year: number): Period {
  return { kind: 'year', name: String(year), from: `${year}-01-01`, until: `${year + 1}-01-01` }
}

/** `2025-spring` is 2025-03-01 up to 2025-09-01; `2025-autumn` is 2025-09-01 up to 2026-03-01. */
export function termPeriod(term: string): Period {
  const [y, half] = term.split('-') as [string, 'spring' | 'autumn']
  const year = Number(y)
  return half === 'spring'
    ? { kind: 'term', name: term, from: `${year}-03-01`, until: `${year}-09-01` }
    : { kind: 'term', name: term, from: `${year}-09-01`, until: `${year + 1}-03-01` }
}

/** The asked period; the current year in China when none is asked. */
export function periodOf(q: { year?: string; term?: string }, today = chinaDate()): Period {
  if (q.term) return termPeriod(q.term)
  return yearPeriod(Number(q.year ?? today.slice(0, 4)))
}

/** The last day of a period, for people (the API carries `until`, exclusive, too). */
export function lastDay(p: Period): string {
  const d = new Date(`${p.until}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() - 1)
  return d.toISOString().slice(0, 10)
}
