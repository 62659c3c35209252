/**
 * The one clock. Learning happens on China's calendar (Asia/Shanghai: UTC+8 all year, no daylight
 * saving), so "today" anywhere in the system is the date in China, while instants stay UTC. Tests
 * move the clock with `setClock`; code that needs a date asks `chinaDate()`, never
 * `toISOString().slice(0, 10)` (a UTC date, wrong for eight hours of every Chinese day).
 */
const systemNow = () => new Date()
let source: () => Date = systemNow

/** Now, as the clock says. */
export function now(): Date {
  return source()
}

/** Moves the clock (tests): a fixed instant, a function, or `null` for the system clock again. */
export function setClock(at: Date | (() => Date) | null): void {
  source = at === null ? systemNow : typeof at === 'function' ? at : () => new Date(at)
}

const CHINA_OFFSET_MS = 8 * 3_600_000

/** The date ('YYYY-MM-DD') in China at an instant, by default now. */
export function chinaDate(at: Date = now()): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10)
}
