import { CompiledQuery, type Kysely } from 'kysely'
import { type PortfolioDB, SCHEMA } from '../db/schema.js'

/**
 * The running totals the oversight figures are read from (decision 0802): for every scope (a
 * school, `school:<id>`; a region, `region:<leading digits>` for its province, city and county),
 * period (`2025`, `2025-spring`, `2025-autumn`), learner category and
 * learner's city: training entries, hours, distinct learners trained and distinct learners
 * enrolled. A learner has one category and one city, so summing rows over either stays exact.
 *
 * Distinct learners cannot be added up event by event, so a change is folded per learner: the
 * learners (and periods) an event touches have their contribution subtracted, the event's rows are
 * written, and the contribution is added again. Applying an event whose rows are already there
 * changes nothing, whatever the order events of different topics arrive in.
 */

/** A learner whose contribution changes: in the periods of `day`, or in every period (null). */
export interface Touch {
  learnerId: string
  day: string | null
}

const T = (name: string) => `${SCHEMA}.${name}`

/** The calendar year and the term (from 1 March and 1 September) a date column falls in. */
const periodsOf = (d: string) => `(values (to_char(${d}, 'YYYY')), (case
    when extract(month from ${d}) >= 9 then to_char(${d}, 'YYYY') || '-autumn'
    when extract(month from ${d}) >= 3 then to_char(${d}, 'YYYY') || '-spring'
    else (extract(year from ${d})::int - 1)::text || '-autumn' end))`

/**
 * Adds (sign 1) or subtracts (sign -1) the contribution of the learners `source` names (rows of
 * `learner_id uuid, day date`) to the totals, in one statement.
 */
function foldSql(source: string, sign: 1 | -1) {
  return `with src as (${source}),
  tp as (
    select distinct s.learner_id, p.period from src s cross join lateral ${periodsOf('s.day')} p(period)
    where s.day is not null
  ),
  ta as (select distinct learner_id from src where day is null),
  -- Each touched learner once, with their category and city (one each).
  tl as (
    select u.learner_id, coalesce(l.category, 'other') as category,
      coalesce(left(l.region_code, 4) || '00', '') as learner_city
    from (select learner_id from tp union select learner_id from ta) u
    left join ${T('oversight_learner')} l on l.learner_id = u.learner_id
  ),
  facts as (
    select t.learner_id, tl.category, tl.learner_city, t.org_id, t.occurred_on as day, 1 as times,
      t.hours, 0 as enrol
    from ${T('oversight_training')} t join tl using (learner_id) where not t.reversed
    union all
    select e.learner_id, tl.category, tl.learner_city, e.org_id, e.started_on, 0, 0, 1
    from ${T('oversight_enrollment')} e join tl using (learner_id)
  ),
  -- Each fact in its year and its term, only where the learner is touched, summed per school.
  dated as (
    select f.learner_id, f.category, f.learner_city, f.org_id, p.period, sum(f.times) as times,
      sum(f.hours) as hours, max(f.enrol) as enrol
    from facts f cross join lateral ${periodsOf('f.day')} p(period)
    -- Uncorrelated, so each is a hashed lookup rather than a scan per row.
    where f.learner_id in (select learner_id from ta)
      or (f.learner_id, p.period) in (select learner_id, period from tp)
    group by f.learner_id, f.category, f.learner_city, f.org_id, p.period
  ),
  -- A school's own scope, its province's, its city's and its county's (a code not ending in 00).
  keyed as (
    select d.learner_id, d.category, d.learner_city, sc.scope, d.period, d.times, d.hours, d.enrol
    from dated d
    join ${T('oversight_org')} s on s.id = d.org_id and s.kind = 'school'
    cross join lateral (values ('school:' || s.id), ('region:' || left(s.region_code, 2)),
      ('region:' || left(s.region_code, 4)),
      (case when s.region_code not like '%00' then 'region:' || s.region_code end)
    ) sc(scope)
    where sc.scope is not null
  ),
  per_learner as (
    select scope, period, category, learner_city, sum(times) as times, sum(hours) as hours,
      (sum(times) > 0)::int as trained, max(enrol) as enrolled
    from keyed group by scope, period, category, learner_city, learner_id
  )
  insert into ${T('oversight_total')} as o
    (scope, period, category, learner_city, person_times, people, hours, enrolled)
  select scope, period, category, learner_city, ${sign} * sum(times), ${sign} * sum(trained),
    ${sign} * sum(hours), ${sign} * sum(enrolled)
  from per_learner group by scope, period, category, learner_city
  on conflict (scope, period, category, learner_city) do update set
    person_times = o.person_times + excluded.person_times,
    people = o.people + excluded.people,
    hours = o.hours + excluded.hours,
    enrolled = o.enrolled + excluded.enrolled`
}

const touched = `select (t->>'learnerId')::uuid as learner_id, (t->>'day')::date as day
  from jsonb_array_elements($1::jsonb) t`
const subtract = foldSql(touched, -1)
const add = foldSql(touched, 1)

/** Every learner with a training or an enrollment, in every period: the totals from nothing. */
export const foldEveryone = foldSql(
  `select learner_id, null::date as day from ${T('oversight_training')}
   union select learner_id, null::date from ${T('oversight_enrollment')}`,
  1,
)

/** Adds learners' whole contribution: totals filled from rows already projected, in parts. */
export async function foldIn(db: Kysely<PortfolioDB>, learnerIds: string[]) {
  const touches: Touch[] = learnerIds.map((learnerId) => ({ learnerId, day: null }))
  await db.executeQuery(CompiledQuery.raw(add, [JSON.stringify(touches)]))
}

/** Runs `write` between taking the touched learners' contribution out and putting it back. */
export async function refolding(
  trx: Kysely<PortfolioDB>,
  touches: Touch[],
  write: () => Promise<unknown>,
) {
  if (!touches.length) return write()
  const param = [JSON.stringify(touches)]
  await trx.executeQuery(CompiledQuery.raw(subtract, param))
  await write()
  await trx.executeQuery(CompiledQuery.raw(add, param))
}
