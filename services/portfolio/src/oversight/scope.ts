import type { Principal } from '@creditbank/auth'
import type { Kysely } from 'kysely'
import type { PortfolioDB } from '../db/schema.js'
import { oversightErrors } from './errors.js'

/**
 * The leading digits of the region codes a region contains: a province (410000) its first two, a
 * city (410100) its first four, any other code (a county, Jiyuan's 419001) all six.
 */
export function regionPrefix(code: string): string {
  if (code.endsWith('0000')) return code.slice(0, 2)
  if (code.endsWith('00')) return code.slice(0, 4)
  return code
}

/**
 * Whose figures a caller may read (decision 0800): a platform admin (role `admin`) every region;
 * an admin of a recognition center (the credit bank's provincial center or a city's sub-center,
 * `adminOf` in the token) the region of that center; anyone else nothing. Returns the region
 * prefix ('' for all), or null when the caller may not read oversight figures.
 */
export async function oversightScope(
  db: Kysely<PortfolioDB>,
  p: Principal,
): Promise<{ prefix: string; regionCode: string | null } | null> {
  if (p.roles.includes('admin')) return { prefix: '', regionCode: null }
  if (!p.adminOf.length) return null
  const centers = await db
    .selectFrom('oversight_org')
    .select('region_code')
    .where('id', 'in', p.adminOf)
    .where('kind', '=', 'recognition_center')
    .execute()
  // The widest region when one person administers several centers.
  const widest = centers
    .map((c) => c.region_code)
    .sort((a, b) => regionPrefix(a).length - regionPrefix(b).length)[0]
  return widest ? { prefix: regionPrefix(widest), regionCode: widest } : null
}

/** The region prefix to report on: the one asked, when it lies within the caller's. */
export function askedPrefix(scope: { prefix: string }, regionCode: string | undefined): string {
  if (!regionCode) return scope.prefix
  const asked = regionPrefix(regionCode)
  if (!asked.startsWith(scope.prefix))
    throw oversightErrors.OVERSIGHT_REGION_OUT_OF_SCOPE(undefined, [
      {
        path: 'querystring:/regionCode',
        message: 'is outside the region you oversee',
        code: 'FIELD_INVALID',
      },
    ])
  return asked
}
