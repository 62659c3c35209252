import { HENAN_CITIES, PROVINCES, type Words } from '@creditbank/contracts/regions'
import type { ReportValue } from '@creditbank/spreadsheet'
import { lastDay, type Period } from './period.js'

type Lang = 'zh-CN' | 'en'
type Table = { sheet: string; headers: string[]; rows: ReportValue[][]; widths?: number[] }
const w = (lang: Lang, zh: string, en: string) => (lang === 'en' ? en : zh)

const CATEGORY: Record<string, [string, string]> = {
  student: ['在校生', 'Student'],
  unemployed_graduate: ['未就业高校毕业生', 'Unemployed graduate'],
  veteran: ['退役军人', 'Veteran'],
  migrant_worker: ['农民工', 'Migrant worker'],
  farmer: ['农民', 'Farmer'],
  disabled: ['残疾人', 'Person with a disability'],
  laid_off_worker: ['下岗职工', 'Laid-off worker'],
  employee: ['企业职工', 'Employee'],
  other: ['其他', 'Other'],
}
const LEVEL: Record<string, [string, string]> = {
  junior: ['初级', 'Junior'],
  intermediate: ['中级', 'Intermediate'],
  senior: ['高级', 'Senior'],
}
const said = (lang: Lang, words: Words | undefined, code: string) =>
  words ? w(lang, ...words) : code

/** A city or province code in words where it is known; the code itself otherwise. */
export function placeName(lang: Lang, code: string | null): string {
  if (!code) return w(lang, '未知', 'Unknown')
  const words = code.endsWith('0000') ? PROVINCES[code.slice(0, 2)] : HENAN_CITIES[code.slice(0, 4)]
  return said(lang, words, code)
}

const measuredHeaders = (lang: Lang) => [
  w(lang, '培训人次', 'Person-times trained'),
  w(lang, '培训人数', 'People trained'),
  w(lang, '培训学时', 'Training hours'),
  w(lang, '入学人数', 'Enrolled'),
  w(lang, '培训量/入学人数', 'Ratio to enrollment'),
  w(lang, '达到2倍', 'Meets 2×'),
]
interface MeasuredRow {
  personTimes: number
  people: number
  hours: string
  enrolled: number
  ratio: string | null
  meets: boolean
}
const measuredCells = (lang: Lang, r: MeasuredRow): ReportValue[] => [
  r.personTimes,
  r.people,
  Number(r.hours),
  r.enrolled,
  r.ratio === null ? '' : Number(r.ratio),
  r.meets ? w(lang, '是', 'yes') : w(lang, '否', 'no'),
]
const periodCell = (p: Period) => `${p.from}～${lastDay(p)}`

export interface TrainingReport {
  period: Period
  asOf: string | null
  schools: (MeasuredRow & {
    schoolName: string
    regionCode: string
    cityCode: string
  })[]
  cities: (MeasuredRow & { regionCode: string; schools: number; schoolsMeeting: number })[]
  provinces: (MeasuredRow & { regionCode: string; schools: number; schoolsMeeting: number })[]
  groups: { category: string; personTimes: number; people: number; hours: string }[]
  learnerCities: { cityCode: string | null; personTimes: number; people: number; hours: string }[]
}

export const trainingTables = [
  'schools',
  'cities',
  'provinces',
  'groups',
  'learner-cities',
] as const
export type TrainingTable = (typeof trainingTables)[number]

/** One table of the training report as a sheet: the same rows the page shows, with the period and "as of" in every row. */
export function trainingSheet(lang: Lang, name: TrainingTable, r: TrainingReport): Table {
  const stamp = [periodCell(r.period), r.asOf ?? '']
  const stampHeaders = [w(lang, '统计期间', 'Period'), w(lang, '数据截至', 'As of')]
  const volume = (v: { personTimes: number; people: number; hours: string }) => [
    v.personTimes,
    v.people,
    Number(v.hours),
  ]
  const volumeHeaders = measuredHeaders(lang).slice(0, 3)
  const rollup = (rows: TrainingReport['cities']) =>
    rows.map((c) => [
      ...stamp,
      c.regionCode,
      placeName(lang, c.regionCode),
      c.schools,
      c.schoolsMeeting,
      ...measuredCells(lang, c),
    ])
  const rollupHeaders = [
    ...stampHeaders,
    w(lang, '地区代码', 'Region code'),
    w(lang, '地区', 'Region'),
    w(lang, '学校数', 'Schools'),
    w(lang, '达标学校数', 'Schools meeting 2×'),
    ...measuredHeaders(lang),
  ]
  switch (name) {
    case 'schools':
      return {
        sheet: w(lang, '学校', 'Schools'),
        headers: [
          ...stampHeaders,
          w(lang, '学校', 'School'),
          w(lang, '所在城市', 'City'),
          w(lang, '地区代码', 'Region code'),
          ...measuredHeaders(lang),
        ],
        rows: r.schools.map((s) => [
          ...stamp,
          s.schoolName,
          placeName(lang, s.cityCode),
          s.regionCode,
          ...measuredCells(lang, s),
        ]),
        widths: [24, 26, 30, 12, 12],
      }
    case 'cities':
      return { sheet: w(lang, '城市', 'Cities'), headers: rollupHeaders, rows: rollup(r.cities) }
    case 'provinces':
      return {
        sheet: w(lang, '全省', 'Province'),
        headers: rollupHeaders,
        rows: rollup(r.provinces),
      }
    case 'groups':
      return {
        sheet: w(lang, '培训对象', 'Target groups'),
        headers: [...stampHeaders, w(lang, '培训对象', 'Target group'), ...volumeHeaders],
        rows: r.groups.map((g) => [
          ...stamp,
          said(lang, CATEGORY[g.category], g.category),
          ...volume(g),
        ]),
      }
    case 'learner-cities':
      return {
        sheet: w(lang, '学员所在城市', 'Learners’ cities'),
        headers: [...stampHeaders, w(lang, '学员所在城市', 'Learner’s city'), ...volumeHeaders],
        rows: r.learnerCities.map((c) => [...stamp, placeName(lang, c.cityCode), ...volume(c)]),
      }
  }
}

export interface CertificateReport {
  asOf: string | null
  items: {
    typeCode: string
    typeName: string
    level: string
    year: number
    evaluationOrgName: string | null
    evaluationOrgId: string
    schoolCityCode: string | null
    count: number
    scored: number
    passed: number
  }[]
}

export function certificateSheet(lang: Lang, r: CertificateReport): Table {
  return {
    sheet: w(lang, '1+X证书', '1+X certificates'),
    headers: [
      w(lang, '数据截至', 'As of'),
      w(lang, '年度', 'Year'),
      w(lang, '证书代码', 'Type code'),
      w(lang, '证书名称', 'Certificate'),
      w(lang, '等级', 'Level'),
      w(lang, '培训评价组织', 'Evaluation organization'),
      w(lang, '学员学校所在城市', 'City of the learner’s school'),
      w(lang, '证书数', 'Certificates'),
      w(lang, '有成绩', 'With a score'),
      w(lang, '成绩合格（≥60）', 'Passed (≥ 60)'),
    ],
    rows: r.items.map((i) => [
      r.asOf ?? '',
      i.year,
      i.typeCode,
      i.typeName,
      said(lang, LEVEL[i.level], i.level),
      i.evaluationOrgName ?? i.evaluationOrgId,
      placeName(lang, i.schoolCityCode),
      i.count,
      i.scored,
      i.passed,
    ]),
    widths: [24, 8, 12, 24, 8, 30, 16],
  }
}
