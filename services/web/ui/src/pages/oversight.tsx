import { useState } from 'preact/hooks'
import { api, auth, organizations, type Page } from '../api'
import { nameIn, t, w } from '../i18n'
import { regionName } from '../regions'
import { ChartPanel, FilterForm } from '../staff-ui'
import { binder, Field, Loading, Section, Select, useLoad } from '../ui'
import { TrainingOversight } from './training-oversight'

interface Row {
  typeCode?: string
  level?: string
  regionCode?: string
  month?: string
  evaluationOrgId?: string
  status?: string
  count: number
  revoked: number
  feesCharged: string
}
interface Report {
  items: Row[]
  truncated: boolean
}

const bars = (names: string[], rows: Row[], horizontal = false) => {
  const category = { type: 'category', data: names, axisLabel: { interval: 0, hideOverlap: true } }
  const value = { type: 'value', minInterval: 1 }
  return {
    grid: { left: horizontal ? 8 : 40, right: 16, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0 },
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? { ...category, inverse: true } : value,
    series: [
      {
        name: t('有效及过期', 'Valid or expired'),
        type: 'bar',
        stack: 'all',
        barMaxWidth: 28,
        data: rows.map((r) => r.count - r.revoked),
        itemStyle: { color: '#1e7b34' },
      },
      {
        name: t('已撤销', 'Revoked'),
        type: 'bar',
        stack: 'all',
        data: rows.map((r) => r.revoked),
        itemStyle: { color: '#b3261e' },
      },
    ],
  }
}

/**
 * The oversight page: the training volume against the 2× target and the 1+X counts by the
 * learner's school (portfolio's projection, decision 0800) for the province's admins and a
 * recognition center's admins; the certificate registry's own counts for the province's admins.
 */
export function Oversight() {
  return (
    <div>
      <TrainingOversight />
      {auth.has('admin') ? <RegistryOversight /> : null}
    </div>
  )
}

/**
 * The province's oversight of 1+X certificates: the counts that certificates already keeps
 * (GET /v1/oversight/certificates), by month, type, level, region and evaluation organization.
 */
function RegistryOversight() {
  const [f, setF] = useState({ from: '', to: '', typeCode: '' })
  const [query, setQuery] = useState(f)
  const bind = binder(f, setF)
  const types = useLoad(() =>
    api.get<Page<{ code: string; name: string; nameEn: string | null }>>(
      '/v1/certificate-types?limit=100',
    ),
  )
  const orgs = useLoad(() => organizations())
  const report = useLoad(async () => {
    const params = (groupBy: string) => {
      const p = new URLSearchParams({ groupBy })
      if (query.from) p.set('from', query.from)
      if (query.to) p.set('to', query.to)
      if (query.typeCode) p.set('typeCode', query.typeCode)
      return `/v1/oversight/certificates?${p}`
    }
    const [month, type, level, region, org] = await Promise.all(
      ['month', 'type', 'level', 'region', 'org'].map((g) => api.get<Report>(params(g))),
    )
    return { month: month!, type: type!, level: level!, region: region!, org: org! }
  }, [query])
  const typeName = (code = '') => {
    const ty = types.data?.items.find((x) => x.code === code)
    return ty ? nameIn(ty) : code
  }
  const orgName = (id = '') => orgs.data?.get(id)?.name ?? id
  const r = report.data
  const counts = [
    t('证书数', 'Certificates'),
    t('其中撤销', 'Revoked'),
    t('收费（元）', 'Fees (CNY)'),
  ]
  const total = r?.level.items.reduce((s, x) => s + x.count, 0) ?? 0
  const revoked = r?.level.items.reduce((s, x) => s + x.revoked, 0) ?? 0
  const byMonth = [...(r?.month.items ?? [])].sort((a, b) =>
    (a.month ?? '').localeCompare(b.month ?? ''),
  )
  const byType = [...(r?.type.items ?? [])].sort((a, b) => b.count - a.count)
  const byRegion = [...(r?.region.items ?? [])].sort((a, b) => b.count - a.count)
  const byOrg = [...(r?.org.items ?? [])].sort((a, b) => b.count - a.count).slice(0, 15)
  return (
    <div>
      <Section title={t('1+X 证书监管统计', '1+X certificate oversight')} id="oversight">
        <FilterForm
          label={t('统计范围', 'Scope')}
          submit={t('统计', 'Show')}
          onSubmit={() => setQuery({ ...f })}
        >
          <Field label={t('发证日期从', 'Issued from')} type="date" {...bind('from')} />
          <Field label={t('发证日期至', 'Issued to')} type="date" {...bind('to')} />
          <Select
            label={t('证书类型', 'Type')}
            {...bind('typeCode')}
            options={[
              ['', t('全部', 'All')],
              ...(types.data?.items ?? []).map((x): [string, string] => [x.code, x.name]),
            ]}
          />
        </FilterForm>
        <Loading state={report} />
        {r ? (
          <p class="big" data-testid="oversight-total">
            {t(
              `共 ${total} 张证书，其中撤销 ${revoked} 张`,
              `${total} certificates, ${revoked} revoked`,
            )}
          </p>
        ) : null}
      </Section>
      {r ? (
        <div class="chart-row">
          <ChartPanel
            title={t('按月份', 'By month')}
            label={t('按发证月份的证书数', 'Certificates by month of issue')}
            option={bars(
              byMonth.map((x) => x.month ?? ''),
              byMonth,
            )}
            what={t('月份', 'Month')}
            columns={counts}
            rows={byMonth.map((x) => [x.month ?? '', x.count, x.revoked])}
          />
          <ChartPanel
            title={t('按证书类型', 'By type')}
            label={t('按证书类型的证书数', 'Certificates by type')}
            height={Math.max(220, byType.length * 36 + 60)}
            option={bars(
              byType.map((x) => typeName(x.typeCode)),
              byType,
              true,
            )}
            what={t('证书类型', 'Type')}
            columns={counts}
            rows={byType.map((x) => [typeName(x.typeCode), x.count, x.revoked, x.feesCharged])}
          />
          <ChartPanel
            title={t('按等级', 'By level')}
            label={t('按等级的证书数', 'Certificates by level')}
            option={{
              tooltip: { trigger: 'item' },
              legend: { top: 0 },
              series: [
                {
                  type: 'pie',
                  top: 24,
                  color: ['#14539a', '#1e7b34', '#a15c00'],
                  // Counts inside the ring and names in the legend: nothing to clip on a phone.
                  label: {
                    position: 'inside',
                    formatter: '{c}',
                    color: '#fff',
                    fontWeight: 'bold',
                  },
                  radius: ['35%', '70%'],
                  data: r.level.items.map((x) => ({ name: w(x.level), value: x.count })),
                },
              ],
            }}
            what={t('等级', 'Level')}
            columns={counts}
            rows={r.level.items.map((x) => [w(x.level), x.count, x.revoked])}
          />
          <ChartPanel
            title={t('按发证机构所在地区', 'By region of the issuer')}
            label={t('按地区的证书数', 'Certificates by region')}
            height={Math.max(220, byRegion.length * 36 + 60)}
            option={bars(
              byRegion.map((x) => regionName(x.regionCode ?? '')),
              byRegion,
              true,
            )}
            what={t('地区', 'Region')}
            columns={counts}
            rows={byRegion.map((x) => [regionName(x.regionCode ?? ''), x.count, x.revoked])}
          />
          <ChartPanel
            title={t('按培训评价组织（前 15）', 'By evaluation organization (top 15)')}
            label={t('按培训评价组织的证书数', 'Certificates by evaluation organization')}
            height={Math.max(220, byOrg.length * 36 + 60)}
            option={bars(
              byOrg.map((x) => orgName(x.evaluationOrgId)),
              byOrg,
              true,
            )}
            what={t('机构', 'Organization')}
            columns={counts}
            rows={byOrg.map((x) => [orgName(x.evaluationOrgId), x.count, x.revoked, x.feesCharged])}
          />
        </div>
      ) : null}
    </div>
  )
}
