import type { Principal } from '@creditbank/auth'
import type { CertificatesEventType, FieldError, Lang } from '@creditbank/contracts'
import {
  asMember,
  CertificateLevel,
  chinaDate,
  fixedScale,
  MONEY_SCALE,
  toUnits,
} from '@creditbank/contracts'
import type { NewEventOf, Publish } from '@creditbank/events'
import type { Kysely, Transaction } from 'kysely'
import { uuidv7 } from 'uuidv7'
import {
  counterKey,
  findByNaturalKeys,
  insertCertificates,
  lockCounters,
  type NewCertificateRow,
  setCounter,
} from '../db/certificate.repository.js'
import { existingLearners } from '../db/projection.repository.js'
import type { CertificatesDB } from '../db/schema.js'
import { findTypes, type TypeRow } from '../db/type.repository.js'
import { certificatesErrors } from './errors.js'
import {
  type HolderNameKeys,
  hashNormalizedHolderName,
  normalizeHolderName,
  sealHolderName,
} from './holder-name.js'
import { addYears, isCalendarDate } from './status.js'

/** The 1+X certificate pilot began in 2019: nothing can have been issued before. */
export const FIRST_ISSUE_DATE = '2019-01-01'

export interface IssueInput {
  typeCode: string
  level: string
  learnerId: string
  holderName: string
  score?: string | null
  issuedOn: string
  feeCharged?: string | null
}

export interface IssueContext {
  keys: HolderNameKeys
  publish: Publish<CertificatesEventType>
  today?: string
  /** The language of the rows' messages (the caller's Accept-Language); English by default. */
  lang?: Lang
  /** How a message names another row (`第 5 行` in a sheet); its path by default. */
  rowName?: (i: number) => string
}

/** A row's message in the caller's language: people import in Chinese, machines read English. */
export const sayer = (lang: Lang | undefined) => (en: string, zh: string) =>
  lang === 'zh' ? zh : en

const LEVEL_ZH: Record<string, string> = { junior: '初级', intermediate: '中级', senior: '高级' }
const levelZh = (l: string) => LEVEL_ZH[l] ?? l

/** What the look-up of learners by 身份证号 already found wrong, row by row. */
export interface EarlierProblems {
  errors: FieldError[]
  /** Rows whose learner could not be found: their learnerId is a placeholder, not checked again. */
  unresolved: Set<number>
  /** Rows whose learner accounts found by 身份证号. */
  lookedUp: Set<number>
}

const NO_PROBLEMS: EarlierProblems = { errors: [], unresolved: new Set(), lookedUp: new Set() }

export interface Issued {
  index: number
  created: boolean
  id: string
  number: string
  learnerId: string
  holderName: string
  typeCode: string
  level: string
  issuedOn: string
}

/** Numbers read aloud and printed: `WEB-FE-2025-0000123` (type, year, sequence in that type and year). */
export function certificateNumber(typeCode: string, year: number, seq: number) {
  return `${typeCode}-${year}-${String(seq).padStart(7, '0')}`
}

/** Only the owning evaluation organization issues a type: its issuers, or its system clients. */
function mayIssue(p: Principal, type: TypeRow) {
  const acting =
    p.roles.includes('issuer') || (p.kind === 'client' && p.scopes.includes('certificates:write'))
  return acting && p.org !== null && p.org === type.evaluation_org_id
}

/** `f` computed once per distinct argument: a batch repeats its dates, fees and scores. */
function once<T>(f: (value: string) => T): (value: string) => T {
  const seen = new Map<string, T>()
  return (value) => {
    if (!seen.has(value)) seen.set(value, f(value))
    return seen.get(value) as T
  }
}

interface Prepared {
  item: IssueInput
  index: number
  type: TypeRow
  year: number
  nameHash: string
  score: string | null
  fee: string | null
}

const naturalKey = (typeCode: string, learnerId: string, level: string, issuedOn: string) =>
  `${typeCode}|${learnerId}|${level}|${issuedOn}`

/** Checks every row against the catalog, the learners and the fee standard; collects every problem. */
async function prepare(
  trx: Kysely<CertificatesDB>,
  items: IssueInput[],
  p: Principal,
  keys: HolderNameKeys,
  today: string,
  path: (i: number) => string,
  earlier: EarlierProblems,
  lang?: Lang,
  rowName: (i: number) => string = path,
) {
  const say = sayer(lang)
  const types = await findTypes(trx, [...new Set(items.map((i) => i.typeCode))])
  const forbidden: FieldError[] = []
  items.forEach((item, i) => {
    const type = types.get(item.typeCode)
    if (type && !mayIssue(p, type))
      forbidden.push({
        path: `${path(i)}/typeCode`,
        message: say(
          `${item.typeCode} is issued by another organization`,
          `${item.typeCode} 由其他机构颁发，本机构不能颁发`,
        ),
      })
  })
  if (forbidden.length) throw certificatesErrors.CERTIFICATES_NOT_ISSUER(undefined, forbidden)
  const learners = await existingLearners(trx, [...new Set(items.map((i) => i.learnerId))])
  const dateProblem = once((date) => {
    if (!isCalendarDate(date)) return say('is not a calendar date', '不是有效日期')
    if (date > today) return say(`is in the future (today is ${today})`, `晚于今天（${today}）`)
    if (date < FIRST_ISSUE_DATE)
      return say(
        `is before the 1+X pilot began (${FIRST_ISSUE_DATE})`,
        `早于 1+X 证书试点开始的日期（${FIRST_ISSUE_DATE}）`,
      )
    return null
  })
  const decimal = once((fee: string) => fixedScale(fee, MONEY_SCALE))
  const fen = once((fee: string) => toUnits(fee, MONEY_SCALE))
  const errors: FieldError[] = [...earlier.errors]
  const seen = new Map<string, number>()
  const prepared: Prepared[] = []
  items.forEach((item, i) => {
    const bad = (field: string, message: string) =>
      errors.push({ path: `${path(i)}/${field}`, message })
    const type = types.get(item.typeCode)
    if (!type)
      bad('typeCode', say(`no certificate type ${item.typeCode}`, `没有证书类型 ${item.typeCode}`))
    else if (!type.levels.includes(item.level))
      bad(
        'level',
        say(
          `${item.typeCode} is offered at ${type.levels.join(', ')}, not ${item.level}`,
          `${item.typeCode} 只设 ${type.levels.map(levelZh).join('、')}，没有${levelZh(item.level)}`,
        ),
      )
    const resolved = !earlier.unresolved.has(i)
    if (resolved && !learners.has(item.learnerId))
      earlier.lookedUp.has(i)
        ? bad(
            'nationalId',
            say(
              'the account was opened moments ago and is not known here yet; try again in a minute',
              '学习账户刚刚开立，本服务尚未收到，请一分钟后再试',
            ),
          )
        : bad('learnerId', say('no such learner', '没有这位学习者'))
    const name = normalizeHolderName(item.holderName)
    if (!name) bad('holderName', say('is empty', '不能为空'))
    const date = dateProblem(item.issuedOn)
    if (date) bad('issuedOn', date)
    const standard = type?.fees[item.level]
    if (item.feeCharged != null && standard !== undefined && fen(item.feeCharged) > fen(standard)) {
      bad(
        'feeCharged',
        say(
          `${decimal(item.feeCharged)} is above the standard fee ${standard} CNY for ${item.level}`,
          `${decimal(item.feeCharged)} 元高于${levelZh(item.level)}的收费标准 ${standard} 元`,
        ),
      )
    }
    const key = naturalKey(item.typeCode, item.learnerId, item.level, item.issuedOn)
    const first = resolved ? seen.get(key) : undefined
    if (first !== undefined)
      errors.push({
        path: path(i),
        message: say(
          `the same certificate as ${rowName(first)} (type, learner, level and date)`,
          `与${rowName(first)}是同一张证书（证书类型、学习者、等级和日期都相同）`,
        ),
      })
    else if (resolved) seen.set(key, i)
    if (type) {
      prepared.push({
        item,
        index: i,
        type,
        year: Number(item.issuedOn.slice(0, 4)),
        nameHash: hashNormalizedHolderName(keys, name),
        score: item.score == null ? null : decimal(item.score),
        fee: item.feeCharged == null ? null : decimal(item.feeCharged),
      })
    }
  })
  if (errors.length)
    throw certificatesErrors.CERTIFICATES_ISSUANCE_INVALID(
      `The certificate cannot be issued as asked: ${errors.length} problem(s), each named in errors`,
      errors,
    )
  return prepared
}

/** What a row of the answer says about its certificate, for a preview or a report. */
const described = (r: Prepared) => ({
  index: r.index,
  learnerId: r.item.learnerId,
  holderName: r.item.holderName.trim(),
  typeCode: r.item.typeCode,
  level: r.item.level,
  issuedOn: r.item.issuedOn,
})

/**
 * Issues certificates in the caller's transaction: all rows are validated first (any problem → an
 * error listing every bad row, nothing written); rows already issued under their natural key
 * (type, learner, level, date) with the same details answer the existing certificate; new ones get
 * contiguous numbers from counters locked FOR UPDATE, are inserted, and announced through the outbox.
 */
export async function issueCertificates(
  trx: Transaction<CertificatesDB>,
  items: IssueInput[],
  p: Principal,
  ctx: IssueContext,
  path: (i: number) => string,
  earlier: EarlierProblems = NO_PROBLEMS,
): Promise<Issued[]> {
  const today = ctx.today ?? chinaDate()
  const prepared = await prepare(
    trx,
    items,
    p,
    ctx.keys,
    today,
    path,
    earlier,
    ctx.lang,
    ctx.rowName,
  )
  const say = sayer(ctx.lang)
  // Lock first, then look for existing rows: two identical requests at once cannot both insert.
  const counters = await lockCounters(trx, [
    ...new Map(
      prepared.map((r) => [
        counterKey(r.item.typeCode, r.year),
        { typeCode: r.item.typeCode, year: r.year },
      ]),
    ).values(),
  ])
  const existing = new Map(
    (
      await findByNaturalKeys(
        trx,
        prepared.map((r) => r.item),
      )
    ).map((c) => [naturalKey(c.type_code, c.learner_id, c.level, c.issued_on), c] as const),
  )
  const initial = new Map(counters)
  const conflicts: FieldError[] = []
  const revoked: FieldError[] = []
  let revokedDetail: string | undefined
  const out: Issued[] = []
  const fresh: NewCertificateRow[] = []
  const names: string[] = []
  const events: NewEventOf<CertificatesEventType>[] = []
  for (const r of prepared) {
    const { item, type } = r
    const found = existing.get(naturalKey(item.typeCode, item.learnerId, item.level, item.issuedOn))
    if (found?.revoked_at) {
      // A replay must not bring a revoked certificate back, nor answer "issued" with it.
      const en = `${found.number} was issued for this learner, type, level and date and revoked on ${chinaDate(found.revoked_at)}; a new certificate takes the date of the new assessment`
      revokedDetail ??= en
      revoked.push({
        path: path(r.index),
        message: say(
          en,
          `${found.number} 是这位学习者同一证书、等级和日期的证书，已于 ${chinaDate(found.revoked_at)} 撤销；通过新的考核后请以新考核日期颁发`,
        ),
      })
      continue
    }
    if (found) {
      const same =
        found.holder_name_hash === r.nameHash &&
        found.score === r.score &&
        found.fee_charged === r.fee
      if (!same)
        conflicts.push({
          path: path(r.index),
          message: say(
            `${found.number} was issued for this learner, type, level and date with other details`,
            `${found.number} 已按同一学习者、证书、等级和日期颁发，但姓名、成绩或收费不同`,
          ),
        })
      out.push({ ...described(r), created: false, id: found.id, number: found.number })
      continue
    }
    const key = counterKey(item.typeCode, r.year)
    const seq = counters.get(key)! + 1
    counters.set(key, seq)
    const row: NewCertificateRow = {
      id: uuidv7(),
      number: certificateNumber(item.typeCode, r.year, seq),
      type_code: item.typeCode,
      // Checked above: one of its type's levels, which the database holds to the contract's.
      level: asMember(CertificateLevel, item.level),
      learner_id: item.learnerId,
      holder_name_hash: r.nameHash,
      // Sealed below, under the holders' keys made or read for the whole batch at once.
      holder_name_sealed: null,
      score: r.score,
      issued_on: item.issuedOn,
      expires_on: addYears(item.issuedOn, type.validity_years),
      evaluation_org_id: type.evaluation_org_id,
      region_code: type.org_region_code,
      fee_charged: r.fee,
      issued_by: p.subject,
    }
    fresh.push(row)
    names.push(item.holderName)
    out.push({ ...described(r), created: true, id: row.id, number: row.number })
    events.push({
      type: 'certificates.certificate.issued',
      subject: row.learner_id,
      data: {
        certificateId: row.id,
        number: row.number,
        learnerId: row.learner_id,
        typeCode: row.type_code,
        typeName: type.name,
        level: row.level,
        score: row.score,
        issuedOn: row.issued_on,
        expiresOn: row.expires_on,
        evaluationOrgId: row.evaluation_org_id,
        evaluationOrgName: type.org_name,
        feeCharged: row.fee_charged,
      },
    })
  }
  if (revoked.length)
    throw certificatesErrors.CERTIFICATES_CERTIFICATE_REVOKED(
      // The detail stays in English (decision 0500); the rows speak the caller's language.
      revoked.length === 1 ? revokedDetail : undefined,
      [...revoked, ...conflicts],
    )
  if (conflicts.length)
    throw certificatesErrors.CERTIFICATES_CERTIFICATE_CONFLICT(undefined, conflicts)
  if (fresh.length === 0) return out
  for (const [key, last] of counters) {
    if (initial.get(key) === last) continue
    const [typeCode, y] = key.split('\u0000') as [string, string]
    await setCounter(trx, typeCode, Number(y), last)
  }
  await insertCertificates(trx, await sealedForHolders(trx, ctx.keys, fresh, names))
  await ctx.publish(trx, events)
  return out
}

/**
 * The new rows with each holder's name sealed under their own key: one statement makes or reads
 * the keys of every holder in the batch. A holder erased before has no key, and their name is
 * not kept (the keyed hash is, so the certificate verifies like those issued before the erasure).
 */
async function sealedForHolders(
  trx: Transaction<CertificatesDB>,
  keys: HolderNameKeys,
  rows: NewCertificateRow[],
  names: string[],
): Promise<NewCertificateRow[]> {
  const byLearner = await keys.learners.ensureMany(
    trx,
    rows.map((r) => r.learner_id),
  )
  return rows.map((r, i) => {
    const key = byLearner.get(r.learner_id.toLowerCase())
    return { ...r, holder_name_sealed: key ? sealHolderName(key, names[i]!) : null }
  })
}
