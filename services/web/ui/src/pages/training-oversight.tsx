import { useState } from 'preact/hooks'
import { api, download } from '../api'
import { t, w } from '../i18n'
import { regionName } from '../regions'
import { ChartPanel, FilterForm } from '../staff-ui'
import { binder, CardTable, fmtDate, Loading, Section, Select, useLoad } from '../ui'

// The policy's own figures (issue 18, decision 0800): training against twice the enrollment, per
// school, city and province, by target group and the learner's city, and the 1+X counts by the
// city of the learner's school; every table also as a file.

interface Volume {
  personTimes: number
  people: number
  hours: string
}
interface Measured extends Volume {
  enrolled: number
  ratio: string | null
  meets: boolean
}
interface School extends Measured {
  schoolId: string
  schoolName: string
  regionCode: string
  cityCode: string
}
interface Rollup extends Measured {
  regionCode: string
  schools: number
  schoolsMeeting: number
}
interface Training {
  asOf: string | null
  scope: string | null
  period: { kind: string; name: string; from: string; until: string }
  schools: School[]
  cities: Rollup[]
  provinces: Rollup[]
  groups: (Volume & { category: string })[]
  learnerCities: (Volume & { cityCode: string | null })[]
}
interface OneX {
  asOf: string | null
  passMark: number
  items: {
    typeCode: string
    typeName: string
    level: string
    year: number
    evaluationOrgId: string
    evaluationOrgName: string | null
    schoolCityCode: string | null
    count: number
    scored: number
    passed: number
  }[]
}

const CATEGORIES = [
  'student',
  'unemployed_graduate',
  'veteran',
  'migrant_worker',
  'farmer',
  'disabled',
  'laid_off_worker',
  'employee',
  'other',
]
const CITIES = [
  '410100',
  '410200',
  '410300',
  '410400',
  '410500',
  '410600',
  '410700',
  '410800',
  '410900',
  '411000',
  '411100',
  '411200',
  '411300',
  '411400',
  '411500',
  '411600',
  '411700',
  '419000',
]
const thisYear = Number(
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(
    new Date(),
  ),
)
/** The annual figure is read for a year that has closed: the last one, by default. */
const YEARS = Array.from({ length: 7 }, (_, i) => String(thisYear - i))

const place = (code: string | null) => (code ? regionName(code) : t('未知', 'Unknown'))
const ratioText = (r: string | null) => (r === null ? '—' : `${r}×`)
const meetsText = (m: Measured) =>
  m.enrolled === 0 ? t('无入学', 'No intake') : m.meets ? t('达到', 'Met') : t('未达到', 'Not met')

function Downloads(props: { table: string; query: string; name: string }) {
  const [error, setError] = useState('')
  const get = (format: 'xlsx' | 'csv') =>
    download(
      `/v1/oversight/files/${props.table}?${props.query}&format=${format}`,
      `${props.name}.${format}`,
    ).then(
      () => setError(''),
      (e) => setError(e instanceof Error ? e.message : String(e)),
    )
  return (
    <p class="actions">
      <button type="button" class="secondary" onClick={() => get('xlsx')}>
        {t(`下载 Excel（${props.name}）`, `Download Excel (${props.name})`)}
      </button>
      <button type="button" class="secondary" onClick={() => get('csv')}>
        {t(`下载 CSV（${props.name}）`, `Download CSV (${props.name})`)}
      </button>
      {error ? <span role="alert">{error}</span> : null}
    </p>
  )
}

const measuredColumns = <T extends Measured>() => [
  { label: t('培训人次', 'Person-times'), cell: (r: T) => r.personTimes },
  { label: t('培训人数', 'People'), cell: (r: T) => r.people },
  { label: t('培训学时', 'Hours'), cell: (r: T) => r.hours },
  { label: t('入学人数', 'Intake'), cell: (r: T) => r.enrolled },
  { label: t('培训量/入学', 'Ratio'), cell: (r: T) => ratioText(r.ratio) },
  { label: t('2 倍要求', '2× target'), cell: (r: T) => meetsText(r) },
]

/** Bars of each row's ratio to its intake, with the 2× line. */
function ratioBars(names: string[], rows: Measured[]) {
  return {
    grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
    xAxis: { type: 'value', name: t('倍', '×') },
    yAxis: {
      type: 'category',
      inverse: true,
      data: names,
      axisLabel: { interval: 0, width: 150, overflow: 'truncate' },
    },
    series: [
      {
        name: t('培训量/入学人数', 'Ratio to intake'),
        type: 'bar',
        barMaxWidth: 22,
        data: rows.map((r) => ({
          value: r.ratio === null ? 0 : Number(r.ratio),
          itemStyle: { color: r.meets ? '#1e7b34' : '#a15c00' },
        })),
        markLine: {
          symbol: 'none',
          label: { formatter: t('2 倍', '2×') },
          lineStyle: { color: '#b3261e', type: 'dashed' },
          data: [{ xAxis: 2 }],
        },
      },
    ],
  }
}

function volumeBars(names: string[], rows: Volume[], series: string) {
  return {
    grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: names, axisLabel: { interval: 0 } },
    series: [
      {
        name: series,
        type: 'bar',
        barMaxWidth: 22,
        data: rows.map((r) => r.personTimes),
        itemStyle: { color: '#14539a' },
      },
    ],
  }
}

export function TrainingOversight() {
  const [f, setF] = useState({
    kind: 'year',
    year: YEARS[1] ?? String(thisYear),
    half: 'autumn',
    regionCode: '',
    category: '',
  })
  const [query, setQuery] = useState(f)
  const bind = binder(f, setF)
  const params = new URLSearchParams()
  if (query.kind === 'term') params.set('term', `${query.year}-${query.half}`)
  else params.set('year', query.year)
  if (query.regionCode) params.set('regionCode', query.regionCode)
  if (query.category) params.set('category', query.category)
  const qs = params.toString()
  // The figures with the filters they were asked with: the words above them name what they count.
  const training = useLoad(
    async () => ({
      report: await api.get<Training>(`/v1/oversight/training?${qs}`),
      asked: query,
    }),
    [qs],
  )
  const oneX = useLoad(() => {
    const p = new URLSearchParams(params)
    return api.get<OneX>(`/v1/oversight/1x?${p}`)
  }, [qs])
  const r = training.data?.report
  const asked = training.data?.asked ?? query
  const x = oneX.data
  const periodName =
    asked.kind === 'term'
      ? t(
          `${asked.year} 年${asked.half === 'spring' ? '春季' : '秋季'}学期`,
          `${asked.half === 'spring' ? 'Spring' : 'Autumn'} term ${asked.year}`,
        )
      : t(`${asked.year} 年`, `${asked.year}`)
  const total = r?.provinces[0]
  const scopeName = asked.regionCode
    ? regionName(asked.regionCode)
    : r?.scope
      ? regionName(r.scope)
      : t('全省', 'the province')
  return (
    <div>
      <Section
        title={t('职业培训量监管（2 倍要求）', 'Training volume (the 2× target)')}
        id="training"
      >
        <FilterForm
          label={t('统计范围', 'Scope')}
          submit={t('统计', 'Show')}
          onSubmit={() => setQuery({ ...f })}
        >
          <Select
            label={t('统计期间', 'Period')}
            {...bind('kind')}
            options={[
              ['year', t('年度', 'Year')],
              ['term', t('学期', 'Term')],
            ]}
          />
          <Select
            label={t('年度', 'Year')}
            {...bind('year')}
            options={YEARS.map((y): [string, string] => [y, y])}
          />
          {f.kind === 'term' ? (
            <Select
              label={t('学期', 'Term')}
              {...bind('half')}
              options={[
                ['spring', t('春季学期（3–8 月）', 'Spring (March–August)')],
                ['autumn', t('秋季学期（9 月–次年 2 月）', 'Autumn (September–February)')],
              ]}
            />
          ) : null}
          <Select
            label={t('城市', 'City')}
            {...bind('regionCode')}
            options={[
              ['', t('全部', 'All')],
              ...CITIES.map((c): [string, string] => [c, regionName(c)]),
            ]}
          />
          <Select
            label={t('培训对象', 'Target group')}
            {...bind('category')}
            options={[
              ['', t('全部', 'All')],
              ...CATEGORIES.map((c): [string, string] => [c, w(c)]),
            ]}
          />
        </FilterForm>
        <Loading state={training} />
        {r ? (
          <>
            <p class="big" data-testid="training-total">
              {total
                ? t(
                    `${periodName}，${scopeName}学校共开展培训 ${total.personTimes} 人次（${total.people} 人，${total.hours} 学时），同期入学 ${total.enrolled} 人，培训量为入学人数的 ${ratioText(total.ratio)}，${total.schoolsMeeting} / ${total.schools} 所学校达到 2 倍。`,
                    `${periodName}: schools in ${scopeName} trained ${total.personTimes} person-times (${total.people} people, ${total.hours} hours) against an intake of ${total.enrolled}, a ratio of ${ratioText(total.ratio)}; ${total.schoolsMeeting} of ${total.schools} schools met 2×.`,
                  )
                : t(`${periodName}没有学校的数据。`, `No school figures for ${periodName}.`)}
            </p>
            <p class="hint" data-testid="training-as-of">
              {r.asOf
                ? t(
                    `数据截至 ${fmtDate(r.asOf)}（最新事件时间）`,
                    `As of ${fmtDate(r.asOf)} (the latest event)`,
                  )
                : t('尚无数据', 'No data yet')}
            </p>
          </>
        ) : null}
      </Section>
      {r ? (
        <>
          <Section title={t('各学校', 'By school')} id="training-schools">
            <ChartPanel
              title={t('培训量与入学人数之比', 'Training to intake')}
              label={t(
                '各学校培训量与入学人数之比，虚线为 2 倍',
                'Each school’s ratio of training to intake; the dashed line is 2×',
              )}
              height={Math.max(200, r.schools.length * 34 + 60)}
              option={ratioBars(
                r.schools.map((s) => s.schoolName),
                r.schools,
              )}
              what={t('学校', 'School')}
              columns={[t('培训量/入学', 'Ratio')]}
              rows={r.schools.map((s) => [s.schoolName, ratioText(s.ratio)])}
            />
            <CardTable
              caption={t('各学校培训量', 'Training by school')}
              class="oversight-schools"
              rows={r.schools}
              rowKey={(s) => s.schoolId}
              columns={[
                { label: t('学校', 'School'), cell: (s) => s.schoolName },
                { label: t('城市', 'City'), cell: (s) => regionName(s.cityCode) },
                ...measuredColumns<School>(),
              ]}
            />
            <Downloads table="schools" query={qs} name={t('各学校', 'schools')} />
          </Section>
          <Section title={t('各城市与全省', 'By city and province')} id="training-cities">
            <CardTable
              caption={t('各城市与全省培训量', 'Training by city and province')}
              // A province row only when it is the whole province: for one city it would repeat the city.
              rows={asked.regionCode || r.scope ? r.cities : [...r.cities, ...r.provinces]}
              rowKey={(c) => c.regionCode}
              columns={[
                { label: t('地区', 'Region'), cell: (c) => regionName(c.regionCode) },
                {
                  label: t('达标学校', 'Schools meeting 2×'),
                  cell: (c) => `${c.schoolsMeeting} / ${c.schools}`,
                },
                ...measuredColumns<Rollup>(),
              ]}
            />
            <Downloads table="cities" query={qs} name={t('各城市', 'cities')} />
            <Downloads table="provinces" query={qs} name={t('全省', 'province')} />
          </Section>
          <div class="chart-row">
            <ChartPanel
              title={t('按培训对象', 'By target group')}
              label={t('按培训对象的培训人次', 'Person-times by target group')}
              height={Math.max(200, r.groups.length * 34 + 60)}
              option={volumeBars(
                r.groups.map((g) => w(g.category)),
                r.groups,
                t('培训人次', 'Person-times'),
              )}
              what={t('培训对象', 'Target group')}
              columns={[
                t('培训人次', 'Person-times'),
                t('培训人数', 'People'),
                t('培训学时', 'Hours'),
              ]}
              rows={r.groups.map((g) => [w(g.category), g.personTimes, g.people, g.hours])}
            />
            <ChartPanel
              title={t('按学员所在城市', 'By the learner’s city')}
              label={t('按学员所在城市的培训人次', 'Person-times by the learner’s city')}
              height={Math.max(200, r.learnerCities.length * 34 + 60)}
              option={volumeBars(
                r.learnerCities.map((c) => place(c.cityCode)),
                r.learnerCities,
                t('培训人次', 'Person-times'),
              )}
              what={t('学员所在城市', 'Learner’s city')}
              columns={[
                t('培训人次', 'Person-times'),
                t('培训人数', 'People'),
                t('培训学时', 'Hours'),
              ]}
              rows={r.learnerCities.map((c) => [
                place(c.cityCode),
                c.personTimes,
                c.people,
                c.hours,
              ])}
            />
          </div>
          <Downloads table="groups" query={qs} name={t('按培训对象', 'target groups')} />
          <Downloads
            table="learner-cities"
            query={qs}
            name={t('按学员所在城市', 'learners’ cities')}
          />
        </>
      ) : null}
      <Section
        title={t(
          '1+X 证书（按学员学校所在城市）',
          '1+X certificates (by the city of the learner’s school)',
        )}
        id="onex"
      >
        <Loading state={oneX} />
        {x ? (
          <>
            <p class="big" data-testid="onex-total">
              {t(
                `${periodName}共 ${x.items.reduce((s, i) => s + i.count, 0)} 张有效证书，其中有成绩 ${x.items.reduce((s, i) => s + i.scored, 0)} 张，成绩合格（≥${x.passMark}）${x.items.reduce((s, i) => s + i.passed, 0)} 张。`,
                `${periodName}: ${x.items.reduce((s, i) => s + i.count, 0)} certificates in force, ${x.items.reduce((s, i) => s + i.scored, 0)} with a score, ${x.items.reduce((s, i) => s + i.passed, 0)} passed (≥ ${x.passMark}).`,
              )}
            </p>
            <CardTable
              caption={t('1+X 证书统计', '1+X certificate counts')}
              rows={x.items}
              rowKey={(i) =>
                `${i.year}-${i.typeCode}-${i.level}-${i.evaluationOrgId}-${i.schoolCityCode}`
              }
              columns={[
                { label: t('年度', 'Year'), cell: (i) => i.year },
                { label: t('证书', 'Certificate'), cell: (i) => i.typeName },
                { label: t('等级', 'Level'), cell: (i) => w(i.level) },
                {
                  label: t('培训评价组织', 'Evaluation organization'),
                  cell: (i) => i.evaluationOrgName ?? i.evaluationOrgId,
                },
                { label: t('学校所在城市', 'School’s city'), cell: (i) => place(i.schoolCityCode) },
                { label: t('证书数', 'Certificates'), cell: (i) => i.count },
                { label: t('有成绩', 'Scored'), cell: (i) => i.scored },
                { label: t('合格', 'Passed'), cell: (i) => i.passed },
              ]}
            />
            <Downloads table="certificates" query={qs} name={t('1+X证书', '1+X certificates')} />
          </>
        ) : null}
      </Section>
    </div>
  )
}
