import { termOf } from './limits.js'

/**
 * A term by its key, `2026-autumn` (1 September 2026 to the end of February 2027) or `2027-spring`
 * (1 March to the end of August): the half-years the caps count by (decision 0300). The academic
 * year of a term is the year its autumn begins: 2026-autumn and 2027-spring are academic year 2026.
 */
export interface Term {
  key: string
  start: string
  /** The first day after the term. */
  end: string
  academicYear: number
  /** The calendar year a yearly cap counts the term's credits in: the year the term starts. */
  capYear: string
}

export const TERM_KEY = '^\\d{4}-(spring|autumn)$'

export function termByKey(key: string): Term {
  const year = Number(key.slice(0, 4))
  const autumn = key.endsWith('autumn')
  const start = autumn ? `${year}-09-01` : `${year}-03-01`
  const t = termOf(start)
  return {
    key,
    start: t.start,
    end: t.end,
    academicYear: autumn ? year : year - 1,
    capYear: String(year),
  }
}

/** The term a date falls in. */
export function termAt(date: string): Term {
  return termByKey(termOf(date).name.replace(' ', '-'))
}

export function nextTerm(t: Term): Term {
  const year = Number(t.key.slice(0, 4))
  return termByKey(t.key.endsWith('spring') ? `${year}-autumn` : `${year + 1}-spring`)
}
