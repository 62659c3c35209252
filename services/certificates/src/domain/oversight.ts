import { chinaDate } from '@creditbank/contracts'
import type { Kysely } from 'kysely'
import {
  type GroupDimension,
  type OversightFilter,
  oversightCounts,
} from '../db/certificate.repository.js'
import type { CertificatesDB } from '../db/schema.js'
import { certificatesErrors } from './errors.js'

export const DIMENSIONS = ['type', 'level', 'region', 'month', 'org', 'status'] as const
const fieldOf: Record<GroupDimension, string> = {
  type: 'typeCode',
  level: 'level',
  region: 'regionCode',
  month: 'month',
  org: 'evaluationOrgId',
  status: 'status',
}

/** Bounds the answer: a report wider than this is cut and says so. */
export const MAX_GROUPS = 5_000

export function parseGroupBy(groupBy: string | undefined): GroupDimension[] {
  if (!groupBy) return []
  const dims = groupBy.split(',').map((d) => d.trim())
  const unknown = dims.filter((d) => !(DIMENSIONS as readonly string[]).includes(d))
  if (unknown.length || new Set(dims).size !== dims.length) {
    throw certificatesErrors.CERTIFICATES_GROUP_BY_INVALID(
      `groupBy takes distinct values of ${DIMENSIONS.join(', ')}`,
      [
        {
          path: 'querystring:/groupBy',
          message: unknown.length ? `unknown: ${unknown.join(', ')}` : 'names a dimension twice',
        },
      ],
    )
  }
  return dims as GroupDimension[]
}

/**
 * Counts of certificates by type, level, region (of the evaluation organization, as it was when
 * the certificate was issued), month of issue, organization or status, with the fees charged.
 */
export async function oversight(
  db: Kysely<CertificatesDB>,
  dims: GroupDimension[],
  filter: OversightFilter,
) {
  const rows = await oversightCounts(db, dims, filter, chinaDate(), MAX_GROUPS)
  const truncated = rows.length > MAX_GROUPS
  const items = rows.slice(0, MAX_GROUPS).map((r) => {
    const item: Record<string, string | number> = {}
    dims.forEach((d, i) => {
      item[fieldOf[d]] = r[`g${i}`] as string
    })
    item.count = Number(r.count)
    item.revoked = Number(r.revoked)
    item.feesCharged = r.fees ?? '0.00'
    return item
  })
  return { groupBy: dims, currency: 'CNY' as const, items, truncated }
}
