// Region names for the codes the services carry (GB/T 2260 administrative division codes): an
// organization's region, a review step's region, a report's region. People read the place, never
// the six digits. Henan (the province this deployment serves) by city; other provinces by name.
import { HENAN_CITIES, PROVINCES } from '@creditbank/contracts/regions'
import { t } from './i18n'

/**
 * The place a region code names, in the page's language: 410000 → 河南省 / Henan, 410100 → 郑州市
 * / Zhengzhou, 419001 → 济源市 / Jiyuan. A county of a Henan city is named by its city with the
 * code beside it (郑州市 410102), as the county names are not kept here; an unknown code is
 * shown as it is.
 */
export function regionName(code: string): string {
  if (!/^\d{6}$/.test(code)) return code
  const province = PROVINCES[code.slice(0, 2)]
  if (code.slice(2) === '0000') return province ? t(...province) : code
  const city = HENAN_CITIES[code.slice(0, 4)]
  if (!city) return province ? `${t(...province)} ${code}` : code
  const whole = code.slice(4) === '00' || code === '419001'
  return whole ? t(...city) : `${t(...city)} ${code}`
}

/** Who reviews a step named by its region: the recognition centers of that place. */
export function regionCenters(code: string): string {
  return t(`${regionName(code)}学分认证中心`, `the recognition center of ${regionName(code)}`)
}
