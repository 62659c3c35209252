import type { CertificatesEventType, FieldError } from '@creditbank/contracts'
import { fixedScale, MONEY_SCALE } from '@creditbank/contracts'
import type { Publish } from '@creditbank/events'
import type { Transaction } from 'kysely'
import { findOrganization } from '../db/projection.repository.js'
import type { CertificatesDB } from '../db/schema.js'
import { findType, insertType, type TypeRow } from '../db/type.repository.js'
import { certificatesErrors } from './errors.js'

export const LEVELS = ['junior', 'intermediate', 'senior'] as const
export type Level = (typeof LEVELS)[number]

export interface NewCertificateType {
  code: string
  name: string
  nameEn?: string | null
  evaluationOrgId: string
  levels: Level[]
  validityYears: number
  fees: Partial<Record<Level, string>>
  majors?: string[]
}

export function typeView(t: TypeRow) {
  const levels = LEVELS.filter((l) => t.levels.includes(l))
  return {
    code: t.code,
    name: t.name,
    nameEn: t.name_en,
    evaluationOrgId: t.evaluation_org_id,
    evaluationOrgName: t.org_name,
    levels,
    validityYears: t.validity_years,
    fees: Object.fromEntries(levels.map((l) => [l, t.fees[l] ?? '0.00'])) as Partial<
      Record<Level, string>
    >,
    currency: 'CNY' as const,
    majors: t.majors,
    createdAt: t.created_at.toISOString(),
  }
}

function checkShape(input: NewCertificateType): FieldError[] {
  const errors: FieldError[] = []
  if (new Set(input.levels).size !== input.levels.length)
    errors.push({ path: '/levels', message: 'names a level twice' })
  for (const level of input.levels)
    if (input.fees[level] === undefined)
      errors.push({
        path: `/fees/${level}`,
        message: `a fee is required for every level offered (${level})`,
      })
  for (const level of Object.keys(input.fees))
    if (!input.levels.includes(level as Level))
      errors.push({ path: `/fees/${level}`, message: `${level} is not a level this type offers` })
  if (new Set(input.majors ?? []).size !== (input.majors ?? []).length)
    errors.push({ path: '/majors', message: 'names a major twice' })
  return errors
}

function sameType(existing: TypeRow, input: NewCertificateType, fees: Record<string, string>) {
  const sorted = (xs: readonly string[]) => [...xs].sort().join('|')
  return (
    existing.name === input.name &&
    existing.name_en === (input.nameEn ?? null) &&
    existing.evaluation_org_id === input.evaluationOrgId &&
    sorted(existing.levels) === sorted(input.levels) &&
    existing.validity_years === input.validityYears &&
    sorted(existing.majors) === sorted(input.majors ?? []) &&
    Object.entries(fees).every(([l, f]) => existing.fees[l] === f)
  )
}

/**
 * Publishes a type to the catalog. The code is its natural key: the same type again answers the
 * existing one (200); the same code with other attributes is a conflict (a changed fee standard
 * would be a new code or, later, a new version — see the decision record).
 */
export async function publishType(
  trx: Transaction<CertificatesDB>,
  input: NewCertificateType,
  actor: string,
  publish: Publish<CertificatesEventType>,
) {
  const shapeErrors = checkShape(input)
  if (shapeErrors.length)
    throw certificatesErrors.CERTIFICATES_TYPE_INVALID(
      shapeErrors.map((e) => `${e.path} ${e.message}`).join('; '),
      shapeErrors,
    )
  const org = await findOrganization(trx, input.evaluationOrgId)
  if (org?.kind !== 'evaluation_org') {
    throw certificatesErrors.CERTIFICATES_EVALUATION_ORG_UNKNOWN(undefined, [
      {
        path: '/evaluationOrgId',
        message: org ? `is a ${org.kind}, not an evaluation_org` : 'no such organization',
      },
    ])
  }
  const fees = Object.fromEntries(
    input.levels.map((l) => [l, fixedScale(input.fees[l]!, MONEY_SCALE)]),
  )
  const existing = await findType(trx, input.code)
  if (existing) {
    if (!sameType(existing, input, fees)) throw certificatesErrors.CERTIFICATES_TYPE_CODE_TAKEN()
    return { status: 200, type: existing }
  }
  const levels = LEVELS.filter((l) => input.levels.includes(l))
  await insertType(
    trx,
    {
      code: input.code,
      name: input.name,
      name_en: input.nameEn ?? null,
      evaluation_org_id: org.id,
      levels,
      validity_years: input.validityYears,
      majors: input.majors ?? [],
      created_by: actor,
    },
    fees,
  )
  const type = (await findType(trx, input.code))!
  await publish(trx, [
    {
      type: 'certificates.type.published',
      data: {
        code: type.code,
        name: type.name,
        nameEn: type.name_en,
        evaluationOrgId: type.evaluation_org_id,
        levels,
        validityYears: type.validity_years,
        fees,
        majors: type.majors,
      },
    },
  ])
  return { status: 201, type }
}
