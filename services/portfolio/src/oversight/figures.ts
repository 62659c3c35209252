import { type Kysely, type RawBuilder, sql } from 'kysely'
import { type PortfolioDB, SCHEMA } from '../db/schema.js'
import type { Period } from './period.js'

const T = (name: string) => sql.table(`${SCHEMA}.${name}`)
const org = T('oversight_org')
const learner = T('oversight_learner')
const enrollment = T('oversight_enrollment')
const total = T('oversight_total')
const certificate = T('oversight_certificate')

export interface Filter {
  period: Period
  /** Leading digits of the school's region code ('' for every region). */
  prefix: string
  category?: string
  schoolId?: string
}

export interface Volume {
  /** Training entries (人次): the figure held against twice the enrollment. */
  personTimes: number
  /** Distinct learners trained. */
  people: number
  /** Training hours, one decimal. */
  hours: string
}

export interface Measured extends Volume {
  /** Distinct learners who enrolled at the school(s) in the period. */
  enrolled: number
  /** personTimes ÷ enrolled, two decimals; null without enrollment. */
  ratio: string | null
  /** Whether personTimes reached twice the enrollment (false without enrollment). */
  meets: boolean
}

const cityOf = (code: string) => `${code.slice(0, 4)}00`
const provinceOf = (code: string) => `${code.slice(0, 2)}0000`

/** personTimes ÷ enrolled to two places, rounded half up, in integers only. */
export function ratioOf(personTimes: number, enrolled: number): string | null {
  if (enrolled <= 0) return null
  const hundredths = Math.floor((personTimes * 200 + enrolled) / (2 * enrolled))
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`
}

function measured(v: Volume | undefined, enrolled: number): Measured {
  const personTimes = v?.personTimes ?? 0
  return {
    personTimes,
    people: v?.people ?? 0,
    hours: v?.hours ?? '0.0',
    enrolled,
    ratio: ratioOf(personTimes, enrolled),
    meets: enrolled > 0 && personTimes >= 2 * enrolled,
  }
}

function schoolWhere(f: Filter) {
  const parts: RawBuilder<unknown>[] = [
    sql`s.kind = 'school'`,
    sql`s.region_code like ${`${f.prefix}%`}`,
  ]
  if (f.schoolId) parts.push(sql`s.id = ${f.schoolId}::uuid`)
  return sql.join(parts, sql` and `)
}

/** The running totals' rows of the asked period (and target group), decision 0802. */
function totalsWhere(f: Filter) {
  const parts: RawBuilder<unknown>[] = [sql`o.period = ${f.period.name}`]
  if (f.category) parts.push(sql`o.category = ${f.category}`)
  return sql.join(parts, sql` and `)
}

interface Summed {
  scope: string
  person_times: string
  people: string
  hours: string
  enrolled: string
}

/** The totals of each scope asked, summed over the learners' categories and cities. */
async function summed(db: Kysely<PortfolioDB>, f: Filter, scopes: string[]) {
  const rows = await sql<Summed>`
    select o.scope, sum(o.person_times)::int8 as person_times, sum(o.people)::int8 as people,
      sum(o.hours)::numeric(14, 1)::text as hours, sum(o.enrolled)::int8 as enrolled
    from ${total} o
    where o.scope = any(${scopes}::text[]) and o.period = ${f.period.name}
    group by o.scope`.execute(db)
  // Enrollment is every learner's (the category filters training only), as decision 0800 counts it.
  const byCategory = f.category
    ? await sql<Summed>`
    select o.scope, sum(o.person_times)::int8 as person_times, sum(o.people)::int8 as people,
      sum(o.hours)::numeric(14, 1)::text as hours, 0 as enrolled
    from ${total} o
    where o.scope = any(${scopes}::text[]) and ${totalsWhere(f)}
    group by o.scope`.execute(db)
    : null
  const enrolled = new Map(rows.rows.map((r) => [r.scope, Number(r.enrolled)]))
  const volume = new Map<string, Volume>()
  for (const r of (byCategory ?? rows).rows)
    if (Number(r.person_times) > 0)
      volume.set(r.scope, {
        personTimes: Number(r.person_times),
        people: Number(r.people),
        hours: r.hours,
      })
  return (scope: string) => measured(volume.get(scope), enrolled.get(scope) ?? 0)
}

/**
 * The 2× figure per school, city and province for a period (decision 0800), from the running
 * totals (0802): training entries and distinct learners trained (at the school, in the period, not
 * reversed), hours, and the distinct learners who enrolled at the school in the period. A city's
 * and a province's learners are counted once however many of their schools trained them. Roll-ups
 * cover the schools asked: with one school, or a county, its figures are its city's and province's.
 */
export async function trainingVolume(db: Kysely<PortfolioDB>, f: Filter) {
  const schools = await sql<{ id: string; name: string; region_code: string }>`
    select s.id, s.name, s.region_code from ${org} s where ${schoolWhere(f)}
    order by s.region_code, s.name, s.id`.execute(db)
  // A roll-up counts the schools asked for: one school's, or a narrower region's figures.
  const one = f.schoolId ? `school:${f.schoolId}` : null
  const narrowest = `region:${f.prefix}`
  const cities = [...new Set(schools.rows.map((s) => cityOf(s.region_code)))].sort()
  const provinces = [...new Set(schools.rows.map((s) => provinceOf(s.region_code)))].sort()
  const at = await summed(db, f, [
    ...schools.rows.map((s) => `school:${s.id}`),
    ...cities.map((c) => `region:${c.slice(0, 4)}`),
    ...provinces.map((p) => `region:${p.slice(0, 2)}`),
    ...(f.prefix ? [narrowest] : []),
  ])

  const schoolRows = schools.rows.map((s) => ({
    schoolId: s.id,
    schoolName: s.name,
    regionCode: s.region_code,
    cityCode: cityOf(s.region_code),
    ...at(`school:${s.id}`),
  }))
  const rollUp = (codes: string[], codeOf: (c: string) => string, digits: number) =>
    codes.map((code) => {
      const mine = schoolRows.filter((s) => codeOf(s.regionCode) === code)
      return {
        regionCode: code,
        schools: mine.length,
        schoolsMeeting: mine.filter((s) => s.meets).length,
        ...at(one ?? (f.prefix.length > digits ? narrowest : `region:${code.slice(0, digits)}`)),
      }
    })
  return {
    schools: schoolRows,
    cities: rollUp(cities, cityOf, 4),
    provinces: rollUp(provinces, provinceOf, 2),
  }
}

/** Training in the period grouped by one column of the totals, largest first. */
async function trainingBy(db: Kysely<PortfolioDB>, f: Filter, by: 'category' | 'learner_city') {
  // Every region: the provinces' totals added up (one province's credit bank has one).
  const scopes = f.schoolId
    ? [`school:${f.schoolId}`]
    : f.prefix
      ? [`region:${f.prefix}`]
      : (
          await sql<{ scope: string }>`
          select distinct 'region:' || left(s.region_code, 2) as scope from ${org} s
          where s.kind = 'school'`.execute(db)
        ).rows.map((r) => r.scope)
  const rows = await sql<{ key: string; person_times: string; people: string; hours: string }>`
    select ${sql.ref(`o.${by}`)} as key, sum(o.person_times)::int8 as person_times,
      sum(o.people)::int8 as people, sum(o.hours)::numeric(14, 1)::text as hours
    from ${total} o
    where o.scope = any(${scopes}::text[]) and ${totalsWhere(f)}
    group by 1 having sum(o.person_times) > 0
    order by 2 desc, nullif(${sql.ref(`o.${by}`)}, '')`.execute(db)
  return rows.rows.map((r) => ({
    key: r.key,
    personTimes: Number(r.person_times),
    people: Number(r.people),
    hours: r.hours,
  }))
}

/** Training in the period by the learner's category (the policy's target groups). */
export async function trainingByGroup(db: Kysely<PortfolioDB>, f: Filter) {
  const rows = await trainingBy(db, f, 'category')
  return rows.map(({ key, ...v }) => ({ category: key, ...v }))
}

/** Training in the period by the learner's city (from their 身份证号's region); null when unknown. */
export async function trainingByLearnerCity(db: Kysely<PortfolioDB>, f: Filter) {
  const rows = await trainingBy(db, f, 'learner_city')
  return rows.map(({ key, ...v }) => ({ cityCode: key || null, ...v }))
}

/** A passing score: 60 of 100, the 1+X assessments' common pass mark (decision 0800). */
export const PASS_MARK = 60

/**
 * 1+X certificates not revoked, by type, level, year of issue, issuing organization and the city of
 * the learner's school: the school of their latest enrollment begun by the issue date (else their
 * latest), else the school that opened their account. Scored ones and passes where scores exist.
 */
export async function certificateCounts(
  db: Kysely<PortfolioDB>,
  f: Omit<Filter, 'period' | 'schoolId'> & { period?: Period },
) {
  const parts: RawBuilder<unknown>[] = [sql`not c.revoked`]
  if (f.period) {
    parts.push(sql`c.issued_on >= ${f.period.from}::date`)
    parts.push(sql`c.issued_on < ${f.period.until}::date`)
  }
  if (f.prefix) parts.push(sql`so.region_code like ${`${f.prefix}%`}`)
  if (f.category) parts.push(sql`coalesce(l.category, 'other') = ${f.category}`)
  const rows = await sql<{
    type_code: string
    type_name: string
    level: string
    year: number
    evaluation_org_id: string
    evaluation_org_name: string | null
    city: string | null
    count: string
    scored: string
    passed: string
  }>`
    select c.type_code, min(c.type_name) as type_name, c.level,
      extract(year from c.issued_on)::int as year,
      c.evaluation_org_id, coalesce(min(eo.name), min(c.evaluation_org_name)) as evaluation_org_name,
      left(so.region_code, 4) || '00' as city,
      count(*)::int8 as count,
      count(c.score)::int8 as scored,
      count(*) filter (where c.score >= ${PASS_MARK})::int8 as passed
    from ${certificate} c
    left join ${learner} l on l.learner_id = c.learner_id
    left join lateral (
      select e.org_id from ${enrollment} e join ${org} o on o.id = e.org_id and o.kind = 'school'
      where e.learner_id = c.learner_id
      order by (e.started_on <= c.issued_on) desc, e.started_on desc, e.enrollment_id desc
      limit 1
    ) sch on true
    left join ${org} ob on ob.id = l.opened_by_org_id and ob.kind = 'school'
    left join ${org} so on so.id = coalesce(sch.org_id, ob.id)
    left join ${org} eo on eo.id = c.evaluation_org_id
    where ${sql.join(parts, sql` and `)}
    group by c.type_code, c.level, 4, c.evaluation_org_id, 7
    order by 4, c.type_code, c.level, 7, c.evaluation_org_id`.execute(db)
  const LEVELS = ['junior', 'intermediate', 'senior']
  return rows.rows
    .map((r) => ({
      typeCode: r.type_code,
      typeName: r.type_name,
      level: r.level,
      year: Number(r.year),
      evaluationOrgId: r.evaluation_org_id,
      evaluationOrgName: r.evaluation_org_name,
      schoolCityCode: r.city,
      count: Number(r.count),
      scored: Number(r.scored),
      passed: Number(r.passed),
    }))
    .sort(
      (a, b) =>
        a.year - b.year ||
        a.typeCode.localeCompare(b.typeCode) ||
        LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level) ||
        (a.schoolCityCode ?? '').localeCompare(b.schoolCityCode ?? ''),
    )
}

/** The latest event time the figures include, and how many events made them. */
export async function asOf(db: Kysely<PortfolioDB>) {
  const row = await db
    .selectFrom('oversight_state')
    .select(['as_of', 'events'])
    .where('id', '=', 1)
    .executeTakeFirst()
  return {
    asOf: row ? new Date(row.as_of).toISOString() : null,
    events: row ? Number(row.events) : 0,
  }
}
